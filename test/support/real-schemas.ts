/**
 * Helpers for the tests that load real public schemas (/work/shared/data/real-schemas, described in
 * its README) into a test database: loading them the way a user would, reading the database's foreign
 * keys independently of fkdiff, and editing a pulled spec the way a user edits the YAML.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { cli } from './cli.js';
import { REQUIRE_DATABASES, type TestDatabase } from './targets.js';

/** The team's shared folder sits beside the repository: ../shared/data/real-schemas. */
export const REAL_SCHEMAS_DIR =
  process.env.FKDIFF_REAL_SCHEMAS_DIR ??
  fileURLToPath(new URL('../../../shared/data/real-schemas', import.meta.url));

/** The path of one of the real schema files; they are used in place, never copied. */
export function realSchema(file: string): string {
  return join(REAL_SCHEMAS_DIR, file);
}

/**
 * Whether the files are there to test with. Under FKDIFF_REQUIRE_DATABASES (CI) the answer is always
 * yes, so that a missing file fails the run instead of skipping its tests.
 */
export function haveRealSchemas(...files: string[]): boolean {
  return REQUIRE_DATABASES || files.every((file) => existsSync(realSchema(file)));
}

const exec = promisify(execFile);

/** A URL without its password, and the password apart, so no command line or error shows it. */
function splitPassword(url: string): { url: string; password: string } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), password };
}

/**
 * Loads a PostgreSQL dump as the README does: `psql -v ON_ERROR_STOP=1 -f FILE` on the server, or the
 * PGlite engine's own `exec` for PGlite (which has no psql).
 */
export async function loadPostgres(db: TestDatabase, file: string): Promise<void> {
  if (db.kind === 'pglite') {
    await db.run(await readFile(file, 'utf8'));
    return;
  }
  if (db.kind !== 'postgres') throw new Error(`loadPostgres: not a PostgreSQL database (${db.kind})`);
  const { url, password } = splitPassword(db.url);
  await exec('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-f', file], {
    // lago's dump starts with 1,327 DROP ... IF EXISTS, each a NOTICE: keep them out of the buffers.
    env: { ...process.env, PGPASSWORD: password, PGOPTIONS: '-c client_min_messages=warning' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Runs `command` with `input` on stdin; rejects with its stderr when it exits non-zero. */
function runWithInput(command: string, args: readonly string[], input: string, env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${String(code)}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}

/**
 * Feeds a script to the `mariadb` client on stdin, in the given database. Unlike `source FILE` under
 * `-e` (what runScript does), batch mode on stdin stops at the first error and exits non-zero.
 */
export async function loadMariadb(db: TestDatabase, sql: string): Promise<void> {
  if (db.kind !== 'mysql') throw new Error(`loadMariadb: not a MySQL database (${db.kind})`);
  const url = new URL(db.url);
  const args = [
    '--batch',
    '-h',
    url.hostname,
    '-P',
    url.port || '3306',
    '-u',
    decodeURIComponent(url.username || 'root'),
    db.schema,
  ];
  // MYSQL_PWD keeps the password off the command line (and out of any error message).
  const env = { ...process.env, MYSQL_PWD: decodeURIComponent(url.password) };
  await runWithInput('mariadb', args, sql, env);
}

const SAKILA_PREAMBLE = 'DROP SCHEMA IF EXISTS sakila;\nCREATE SCHEMA sakila;\nUSE sakila;\n';

/**
 * sakila-mysql.sql with its database name replaced by `database`: the file drops and re-creates a
 * database named `sakila` and qualifies the tables of its `actor_info` view with `sakila.`. Throws
 * unless the preamble is found exactly once and, afterwards, the name survives only in comments.
 */
export function sakilaInto(database: string, text: string): string {
  if (text.split(SAKILA_PREAMBLE).length !== 2) {
    throw new Error('sakila-mysql.sql: the DROP/CREATE/USE sakila preamble was not found exactly once');
  }
  const quoted = `\`${database.replaceAll('`', '``')}\``;
  const rewritten = text.replace(SAKILA_PREAMBLE, `USE ${quoted};\n`).replaceAll('sakila.', `${quoted}.`);
  const left = rewritten.split('\n').filter((line) => /sakila/i.test(line) && !line.startsWith('--'));
  if (left.length > 0) {
    throw new Error(`sakila-mysql.sql still names the sakila database after rewriting:\n${left.join('\n')}`);
  }
  return rewritten;
}

// ---- the database's foreign keys, read without fkdiff ----

const PG_KEYS_SQL = `
SELECT n.nspname || '.' || c.relname || ' ' || con.conname || ': ' || pg_get_constraintdef(con.oid)
       || CASE WHEN con.conparentid <> 0 THEN ' (clone)' ELSE '' END AS key
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE con.contype = 'f'
 ORDER BY 1`;

const PG_SCHEMAS_SQL = `
SELECT DISTINCT n.nspname AS schema, n.nspname <> 'public' AS other
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
 ORDER BY other, schema`;

async function queryPostgres(db: TestDatabase, sql: string): Promise<Record<string, unknown>[]> {
  if (db.kind === 'pglite') {
    const engine = await PGlite.create(db.url.slice('pglite:'.length));
    try {
      return (await engine.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await engine.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Every foreign key as `schema.table name: <pg_get_constraintdef>`, sorted; clones are marked. */
export async function postgresKeys(db: TestDatabase): Promise<string[]> {
  return (await queryPostgres(db, PG_KEYS_SQL)).map((row) => String(row['key']));
}

/** The schemas that hold tables, `public` first: what a user passes to `pull --schema`. */
export async function postgresSchemasWithTables(db: TestDatabase): Promise<string[]> {
  return (await queryPostgres(db, PG_SCHEMAS_SQL)).map((row) => String(row['schema']));
}

const MYSQL_KEYS_SQL = `
SELECT CONCAT(rc.TABLE_NAME, ' ', rc.CONSTRAINT_NAME, ': (',
              GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', '), ') -> ',
              rc.REFERENCED_TABLE_NAME, ' (',
              GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', '),
              ') ON DELETE ', rc.DELETE_RULE, ' ON UPDATE ', rc.UPDATE_RULE) AS \`key\`
  FROM information_schema.REFERENTIAL_CONSTRAINTS rc
  JOIN information_schema.KEY_COLUMN_USAGE k
    ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA
   AND k.TABLE_NAME = rc.TABLE_NAME
   AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME
   AND k.REFERENCED_TABLE_NAME IS NOT NULL
 WHERE rc.CONSTRAINT_SCHEMA = ?
 GROUP BY rc.TABLE_NAME, rc.CONSTRAINT_NAME, rc.REFERENCED_TABLE_NAME, rc.DELETE_RULE, rc.UPDATE_RULE
 ORDER BY 1`;

/** Every foreign key of the test's database as information_schema reports it, sorted. */
export async function mysqlKeys(db: TestDatabase): Promise<string[]> {
  const connection = await mysql.createConnection({ uri: db.url });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(MYSQL_KEYS_SQL, [db.schema]);
    return rows.map((row) => String(row['key']));
  } finally {
    await connection.end();
  }
}

// ---- specs ----

/** One foreign key of a spec, as YAML gives it back. */
export interface SpecKey {
  name?: string;
  columns: string[];
  references: string | { table: string; columns: string[] };
  onDelete?: string;
  onUpdate?: string;
  notValid?: boolean;
  [field: string]: unknown;
}

export interface SpecDocument {
  version: number;
  schemas?: string[];
  tables: Record<string, { foreignKeys: SpecKey[] }>;
  [field: string]: unknown;
}

export function readSpec(text: string): SpecDocument {
  return parse(text) as SpecDocument;
}

/** A spec's keys, each with its owning table as written in the file. */
export function specKeys(text: string): (SpecKey & { table: string })[] {
  return Object.entries(readSpec(text).tables).flatMap(([table, { foreignKeys }]) =>
    foreignKeys.map((key) => ({ ...key, table })),
  );
}

/** A key's referenced table and columns, from either form of `references`. */
export function referenceOf(key: SpecKey): { table: string; columns: string[] } {
  if (typeof key.references !== 'string') return key.references;
  const match = /^(.*)\((.*)\)$/.exec(key.references);
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`bad reference ${key.references}`);
  return { table: match[1], columns: match[2].split(',').map((column) => column.trim()) };
}

/** A spec that governs `schemas` and wants no foreign key in them: drop everything. */
export function emptySpec(schemas: readonly string[]): string {
  return `version: 1\nschemas: [${schemas.join(', ')}]\ntables: {}\n`;
}

/** A YAML edit a user makes to one named key of a pulled spec. */
export type SpecEdit =
  | { readonly edit: 'rename'; readonly name: string; readonly to: string }
  | { readonly edit: 'onDelete'; readonly name: string; readonly to: string }
  | { readonly edit: 'remove'; readonly name: string }
  | { readonly edit: 'unname'; readonly name: string }
  | { readonly edit: 'validate'; readonly name: string };

/** Applies the edits to the spec text; every edit must find exactly one key of that name. */
export function editSpec(text: string, edits: readonly SpecEdit[]): string {
  const document = readSpec(text);
  for (const change of edits) {
    const found = Object.values(document.tables).flatMap(({ foreignKeys }) =>
      foreignKeys.filter((key) => key.name === change.name).map((key) => ({ key, foreignKeys })),
    );
    const [hit, ...more] = found;
    if (hit === undefined || more.length > 0) {
      throw new Error(`editSpec: ${String(found.length)} keys are named ${change.name}`);
    }
    switch (change.edit) {
      case 'rename':
        hit.key.name = change.to;
        break;
      case 'onDelete':
        hit.key.onDelete = change.to;
        break;
      case 'remove':
        hit.foreignKeys.splice(hit.foreignKeys.indexOf(hit.key), 1);
        break;
      case 'unname':
        delete hit.key.name;
        break;
      case 'validate':
        delete hit.key.notValid;
        break;
    }
  }
  for (const [table, { foreignKeys }] of Object.entries(document.tables)) {
    if (foreignKeys.length === 0) Reflect.deleteProperty(document.tables, table);
  }
  return stringify(document);
}

// ---- the CLI ----

interface PlanKey {
  readonly name: string;
  readonly table: { readonly schema: string; readonly name: string };
}

export interface PlanJson {
  readonly summary: Record<string, number>;
  readonly changes: readonly {
    readonly kind: string;
    readonly fk?: PlanKey;
    readonly from?: PlanKey;
    readonly to?: PlanKey;
    readonly newName?: string;
  }[];
  readonly steps: readonly { readonly op: string }[];
}

/** `plan --format json`, failing on any error output. */
export async function planJson(spec: string, url: string): Promise<PlanJson> {
  const result = await cli(['plan', spec, '--url', url, '--format', 'json']);
  const stderr = withoutDropAllWarning(result.stderr);
  if (result.code !== 0 || stderr !== '') {
    throw new Error(`plan --format json exited ${String(result.code)}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as PlanJson;
}

/** The plan's changes as `kind table.name[ → new name]`, sorted: what a reviewer checks. */
export function changeList(plan: PlanJson): string[] {
  return plan.changes
    .map((change) => {
      const before = change.fk ?? change.from;
      if (before === undefined) throw new Error(`change ${change.kind} names no key`);
      const after =
        change.newName ?? (change.to && change.to.name !== before.name ? change.to.name : undefined);
      return `${change.kind} ${before.table.name}.${before.name}${after === undefined ? '' : ` → ${after}`}`;
    })
    .sort();
}

/** stderr without the warning a spec dropping every key gets; anything else left is a failure. */
export function withoutDropAllWarning(stderr: string): string {
  return stderr.replace(/^fkdiff: warning: [^\n]* declares no foreign keys: [^\n]*\n/m, '');
}

/** `pull` of the given schemas, failing on any error output. */
export async function pull(url: string, schemas: readonly string[]): Promise<string> {
  const result = await cli(['pull', '--url', url, ...schemas.flatMap((schema) => ['--schema', schema])]);
  const stderr = withoutDropAllWarning(result.stderr);
  if (result.code !== 0 || stderr !== '') {
    throw new Error(`pull exited ${String(result.code)}: ${result.stderr}`);
  }
  return result.stdout;
}
