import { execFile, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type TestDatabase } from './targets.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, without a terminal, and captures what it prints. */
export async function cli(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: { DATABASE_URL: undefined, ...env },
    interactive: false,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

export async function tempFile(name: string, text: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'fkdiff-test-'));
  const file = join(directory, name);
  await writeFile(file, text);
  return file;
}

const exec = promisify(execFile);

/** Runs a SQL script the way a user would: psql, the mariadb client, or (PGlite) the engine itself. */
export async function runScript(db: TestDatabase, sql: string): Promise<void> {
  const file = await tempFile('plan.sql', sql);
  switch (db.kind) {
    case 'postgres':
      await exec('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-q', '-f', file]);
      break;
    case 'mysql': {
      // Batch mode on stdin stops at the first error and exits non-zero, like psql -v ON_ERROR_STOP=1.
      const url = new URL(db.url);
      const args = [
        '-h',
        url.hostname,
        '-P',
        url.port || '3306',
        '-u',
        decodeURIComponent(url.username || 'root'),
      ];
      if (url.password !== '') args.push(`-p${decodeURIComponent(url.password)}`);
      await exec('sh', ['-c', 'exec mariadb --batch "$@" < "$0"', file, ...args, db.schema]);
      break;
    }
    case 'pglite': {
      const engine = await PGlite.create(db.url.slice('pglite:'.length));
      try {
        await engine.exec(sql);
      } finally {
        await engine.close();
      }
      break;
    }
  }
}

/** The CLI's entry point, run through tsx so that no build is needed. */
export const BIN = resolve(import.meta.dirname, '../../src/cli/bin.ts');
/** The command line that starts the CLI as a user's shell would. */
export const CLI_COMMAND = [
  'node',
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  BIN,
] as const;

export interface SpawnOptions {
  readonly env?: Record<string, string | undefined>;
  /** Close the read end of stdout at once, like `| head -0`. */
  readonly closeStdout?: boolean;
  readonly cwd?: string;
  /** The command line that starts the CLI (default CLI_COMMAND: the sources through tsx). */
  readonly command?: readonly string[];
}

/** Runs the CLI as its own process, as users run it; the code is 128 + n when a signal ended it. */
export function spawnCli(argv: readonly string[], options: SpawnOptions = {}): Promise<CliResult> {
  const [node = 'node', ...nodeArgs] = options.command ?? CLI_COMMAND;
  const child = spawn(node, [...nodeArgs, ...argv], {
    cwd: options.cwd ?? resolve(import.meta.dirname, '../..'),
    env: { ...process.env, DATABASE_URL: undefined, NO_COLOR: undefined, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  if (options.closeStdout === true) child.stdout.destroy();
  else {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
  }
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      done({ code: code ?? 128 + signalNumber(signal), stdout, stderr });
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === 'SIGPIPE' ? 13 : signal === 'SIGKILL' ? 9 : 15;
}

/** Two tables and no key yet: the smallest schema a plan adds one key to. */
export const ORGS_AND_USERS_SQL =
  'CREATE TABLE orgs (id integer PRIMARY KEY); CREATE TABLE users (id integer, org_id integer);';

/** The spec of that one key, users.org_id → orgs.id. */
export const USERS_ORG_SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
`;

/**
 * A PostgreSQL database of its own for the suite this is called in, holding ORGS_AND_USERS_SQL,
 * and a spec file of USERS_ORG_SPEC; read both inside the tests.
 */
export function orgsAndUsers(): { readonly db: () => TestDatabase; readonly spec: () => string } {
  let db: TestDatabase | undefined;
  let spec = '';
  beforeAll(async () => {
    db = await createDatabase('postgres');
    await db.run(ORGS_AND_USERS_SQL);
    spec = await tempFile('fkdiff.yaml', USERS_ORG_SPEC);
  });
  afterAll(async () => db?.drop());
  return {
    db: () => {
      if (db === undefined) throw new Error('orgsAndUsers: the database is made in beforeAll');
      return db;
    },
    spec: () => spec,
  };
}
