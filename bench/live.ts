/**
 * Introspection and planning against real servers: `node --import tsx bench/live.ts <target> [keys]`,
 * target `postgres` or `mysql` (a synthetic catalog of `keys` foreign keys, default 10,000) or `lago`
 * (the lago-api schema on PostgreSQL). Each run creates its own databases (`fkdiff_bench_…`) and
 * drops them at the end, also when it fails or is interrupted. Prints a LiveResult as JSON on its
 * last line; an unreachable server gives a result with `skipped` set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { run } from '../src/cli/main.js';
import type { Io } from '../src/cli/io.js';
import { connect, type Connection } from '../src/db/connection.js';
import type { Engine } from '../src/engines/engine.js';
import {
  columnsSql,
  foreignKeyRulesSql,
  foreignKeysSql,
  indexesSql,
  tablesSql,
} from '../src/engines/mysql/catalog-sql.js';
import { mysqlEngine } from '../src/engines/mysql/index.js';
import {
  COLUMNS_SQL,
  foreignKeysSql as postgresForeignKeysSql,
  UNIQUE_KEYS_SQL,
} from '../src/engines/postgres/catalog-sql.js';
import { postgresEngine } from '../src/engines/postgres/index.js';
import type { Catalog, TableRef } from '../src/model/catalog.js';
import { makePlan, type MakePlanOptions } from '../src/pipeline.js';
import { parseSpec, writeSpec } from '../src/spec/index.js';
import { batches, mysqlDdl, postgresDdl } from './ddl.js';
import { peakRssMb, timeMedianAsync, timeOnce } from './measure.js';
import type { StageTime } from './stages.js';
import { changedForeignKeys, syntheticCatalog, type SchemaNames } from './synthetic.js';

export type LiveTarget = 'postgres' | 'mysql' | 'lago';

export interface LiveResult {
  readonly target: LiveTarget;
  /** Why the target was not measured (server unreachable). */
  readonly skipped: string | undefined;
  readonly server: string;
  readonly tables: number;
  readonly foreignKeys: number;
  readonly loadMs: number;
  readonly changes: number;
  readonly steps: number;
  readonly timings: readonly StageTime[];
  readonly peakRssMb: number;
}

const POSTGRES_URL = process.env.FKDIFF_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MYSQL_URL = process.env.FKDIFF_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
/** The team's shared folder sits beside the repository. */
const LAGO_SQL = fileURLToPath(
  new URL('../../shared/data/real-schemas/lago-api-postgres-loadable.sql', import.meta.url),
);
const LAGO_SCHEMAS: SchemaNames = ['public', 'partman'];
const STATEMENTS_PER_ROUND_TRIP = 200;
/** Each step against the server is timed this many times; the median is reported. */
const RUNS = 3;

/** A scratch database on a server: where fkdiff connects, and how to load and drop it. */
interface Scratch {
  readonly url: string;
  readonly schemas: SchemaNames;
  load(statements: readonly string[]): Promise<void>;
  drop(): Promise<void>;
}

function uniqueName(prefix: string): string {
  return `fkdiff_bench_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function postgresAdmin<T>(work: (client: pg.Client) => Promise<T>, url = POSTGRES_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function mysqlAdmin<T>(
  work: (connection: mysql.Connection) => Promise<T>,
  url = MYSQL_URL,
): Promise<T> {
  const connection = await mysql.createConnection({
    uri: url,
    multipleStatements: true,
    connectTimeout: 3_000,
  });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** The server's version, or why it cannot be reached. */
async function probe(engine: Engine): Promise<{ version: string } | { unreachable: string }> {
  try {
    if (engine.name === 'postgres') {
      return await postgresAdmin(async (client) => {
        const result = await client.query<{ version: string }>(
          "SELECT 'PostgreSQL ' || current_setting('server_version') AS version",
        );
        return { version: result.rows[0]?.version ?? 'PostgreSQL' };
      });
    }
    return await mysqlAdmin(async (connection) => {
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
      return { version: String(rows[0]?.['version'] ?? 'MySQL') };
    });
  } catch (error) {
    return { unreachable: error instanceof Error ? error.message : String(error) };
  }
}

async function postgresScratch(prefix: string, schemas: SchemaNames): Promise<Scratch> {
  const database = uniqueName(prefix);
  await postgresAdmin((client) =>
    client.query(`CREATE DATABASE ${postgresEngine.quoteIdentifier(database)}`),
  );
  const url = withDatabase(POSTGRES_URL, database);
  return {
    url,
    schemas,
    load: (statements) =>
      postgresAdmin(async (client) => {
        // One implicit transaction per round trip keeps the number of locks held at once bounded.
        for (const batch of batches(statements, STATEMENTS_PER_ROUND_TRIP)) await client.query(batch);
      }, url),
    drop: async () => {
      await postgresAdmin((client) =>
        client.query(`DROP DATABASE IF EXISTS ${postgresEngine.quoteIdentifier(database)} WITH (FORCE)`),
      );
    },
  };
}

async function mysqlScratch(prefix: string): Promise<Scratch> {
  const database = uniqueName(prefix);
  const schemas: SchemaNames = [database, `${database}_b`];
  const quoted = schemas.map((name) => mysqlEngine.quoteIdentifier(name));
  await mysqlAdmin((connection) =>
    connection.query(quoted.map((name) => `CREATE DATABASE ${name}`).join('; ')),
  );
  const url = withDatabase(MYSQL_URL, database);
  return {
    url,
    schemas,
    load: (statements) =>
      mysqlAdmin(async (connection) => {
        await connection.query('SET SESSION foreign_key_checks = 0');
        for (const batch of batches(statements, STATEMENTS_PER_ROUND_TRIP)) await connection.query(batch);
      }, url),
    drop: async () => {
      // Keys between the two databases would stop either from being dropped first.
      const drops = quoted.map((name) => `DROP DATABASE IF EXISTS ${name}`);
      await mysqlAdmin((connection) =>
        connection.query(['SET SESSION foreign_key_checks = 0', ...drops].join('; ')),
      );
    },
  };
}

/** Drops the scratch databases once, whether the work ends, fails or is interrupted. */
async function withScratch<T>(
  create: () => Promise<Scratch>,
  work: (scratch: Scratch) => Promise<T>,
): Promise<T> {
  const scratch = await create();
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropped ??= scratch.drop().catch((error: unknown) => {
      console.error(`bench: could not drop the scratch database: ${String(error)}`);
    });
    return dropped;
  };
  const interrupted = (): void => {
    void drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await work(scratch);
  } finally {
    await drop();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

/** Output of an in-process CLI run, thrown away; errors are printed. */
const quietIo: Io = {
  stdout: { write: () => true },
  stderr: { write: (text: string) => process.stderr.write(text) },
  env: {},
  interactive: false,
};

async function cli(args: readonly string[]): Promise<void> {
  const code = await run(args, quietIo);
  if (code !== 0) throw new Error(`fkdiff ${args[0] ?? ''} exited with code ${code}`);
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench sanity check failed: ${message}`);
}

/** The catalog queries of `engine.introspect`, each timed on its own. */
async function timeCatalogQueries(
  connection: Connection,
  schemas: readonly string[],
  timings: StageTime[],
): Promise<void> {
  const queries: readonly (readonly [string, string, readonly unknown[]])[] =
    connection.engine.name === 'postgres'
      ? [
          ['foreign keys', postgresForeignKeysSql(180000), [schemas]],
          ['columns', COLUMNS_SQL, [schemas]],
          ['unique keys', UNIQUE_KEYS_SQL, [schemas]],
        ]
      : [
          ['key columns', foreignKeysSql(schemas.length), schemas],
          ['key rules', foreignKeyRulesSql(schemas.length), schemas],
          ['tables', tablesSql(schemas.length), schemas],
          ['columns', columnsSql(schemas.length), schemas],
          ['indexes', indexesSql(schemas.length), schemas],
        ];
  for (const [what, sql, bind] of queries) {
    const { ms, result } = await timeMedianAsync(RUNS, () => connection.select(sql, bind));
    timings.push({ stage: `  query: ${what} (${result.length.toLocaleString('en-US')} rows)`, ms });
  }
}

interface Measured {
  readonly catalog: Catalog;
  readonly changes: number;
  readonly steps: number;
  readonly timings: readonly StageTime[];
}

/**
 * Times what a user runs against `scratch`: connect, introspect, pull, and plans for the spec `pull`
 * writes (identical) and for a spec changing about 10 % of the keys (adds on `spareTables`). Each
 * step runs RUNS times; the median is reported.
 */
async function measure(scratch: Scratch, spareTables: readonly TableRef[]): Promise<Measured> {
  const timings: StageTime[] = [];
  const step = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const { ms, result } = await timeMedianAsync(RUNS, work);
    timings.push({ stage, ms });
    return result;
  };
  const opened: Connection[] = [];
  const directory = await mkdtemp(join(tmpdir(), 'fkdiff-bench-'));
  try {
    const connection = await step('connect', async () => {
      const connected = await connect(scratch.url);
      opened.push(connected);
      return connected;
    });
    const { engine } = connection;
    const schemas = [...scratch.schemas];
    const catalog = await step('introspect (catalog queries + assembly)', () =>
      engine.introspect(connection, schemas, []),
    );
    await timeCatalogQueries(connection, schemas, timings);

    const pulledFile = join(directory, 'pulled.yaml');
    const schemaArgs = schemas.flatMap((schema) => ['--schema', schema]);
    await step('fkdiff pull (connect, introspect, writeSpec, write file)', () =>
      cli(['pull', '--url', scratch.url, ...schemaArgs, '-o', pulledFile]),
    );

    const options = (checkData: boolean): MakePlanOptions => ({
      online: false,
      checkData,
      lockTimeoutMs: 5_000,
    });
    const identical = parseSpec(await readFile(pulledFile, 'utf8'), pulledFile);
    const unchanged = await step('makePlan, pulled spec (no changes)', () =>
      makePlan(connection, identical, options(false)),
    );
    expect(unchanged.plan.steps.length === 0, 'the pulled spec plans no steps');

    const normalized = catalog.foreignKeys.map((fk) => ({
      ...fk,
      onDelete: engine.normalizeAction(fk.onDelete),
      onUpdate: engine.normalizeAction(fk.onUpdate),
    }));
    const { desired } = changedForeignKeys({ ...catalog, foreignKeys: normalized }, engine, spareTables);
    const changedFile = join(directory, 'changed.yaml');
    await writeFile(
      changedFile,
      writeSpec({ ...catalog, foreignKeys: desired }, { schemas, defaultSchema: connection.defaultSchema }),
    );
    const changedSpec = parseSpec(await readFile(changedFile, 'utf8'), changedFile);
    await step('makePlan, 10% changed, checkData false', () =>
      makePlan(connection, changedSpec, options(false)),
    );
    const { plan } = await step('makePlan, 10% changed, checkData true', () =>
      makePlan(connection, changedSpec, options(true)),
    );
    await step('fkdiff plan --format sql, 10% changed (whole CLI run)', () =>
      cli(['plan', changedFile, '--url', scratch.url, '--format', 'sql']),
    );
    return { catalog, changes: plan.changes.length, steps: plan.steps.length, timings };
  } finally {
    await Promise.all(opened.map((connection) => connection.close()));
    await rm(directory, { recursive: true, force: true });
  }
}

function skipped(target: LiveTarget, reason: string): LiveResult {
  return {
    target,
    skipped: reason,
    server: '',
    tables: 0,
    foreignKeys: 0,
    loadMs: 0,
    changes: 0,
    steps: 0,
    timings: [],
    peakRssMb: peakRssMb(),
  };
}

async function benchSynthetic(target: 'postgres' | 'mysql', keys: number): Promise<LiveResult> {
  const engine = target === 'postgres' ? postgresEngine : mysqlEngine;
  const server = await probe(engine);
  if ('unreachable' in server) return skipped(target, server.unreachable);
  const create = () =>
    target === 'postgres' ? postgresScratch('pg', ['app', 'billing']) : mysqlScratch('my');
  return withScratch(create, async (scratch) => {
    const synthetic = syntheticCatalog(keys, engine, scratch.schemas);
    const { catalog } = synthetic;
    const loaded = await timeOnce(async () => {
      if (target === 'postgres') {
        const { tables, keys: keyStatements } = postgresDdl(catalog);
        await scratch.load(tables);
        await scratch.load(keyStatements);
      } else {
        await scratch.load(mysqlDdl(catalog));
      }
    });
    const measured = await measure(scratch, synthetic.spareTables);
    expect(
      measured.catalog.foreignKeys.length === catalog.foreignKeys.length,
      `the server holds the ${catalog.foreignKeys.length} keys loaded (got ${measured.catalog.foreignKeys.length})`,
    );
    return liveResult(target, server.version, loaded.ms, measured);
  });
}

function liveResult(
  target: LiveResult['target'],
  server: string,
  loadMs: number,
  measured: Measured,
): LiveResult {
  return {
    target,
    skipped: undefined,
    server,
    tables: measured.catalog.tables.length,
    foreignKeys: measured.catalog.foreignKeys.length,
    loadMs,
    changes: measured.changes,
    steps: measured.steps,
    timings: measured.timings,
    peakRssMb: peakRssMb(),
  };
}

async function benchLago(): Promise<LiveResult> {
  const server = await probe(postgresEngine);
  if ('unreachable' in server) return skipped('lago', server.unreachable);
  const sql = await readFile(LAGO_SQL, 'utf8').catch(() => undefined);
  if (sql === undefined) return skipped('lago', `${LAGO_SQL} is not readable`);
  return withScratch(
    () => postgresScratch('lago', LAGO_SCHEMAS),
    async (scratch) => {
      // A pg_dump script: one round trip, as psql -f would run it.
      const loaded = await timeOnce(() => postgresAdmin((client) => client.query(sql), scratch.url));
      const measured = await measure(scratch, []);
      return liveResult('lago', server.version, loaded.ms, measured);
    },
  );
}

function benchLive(target: string, keys: number): Promise<LiveResult> {
  switch (target) {
    case 'postgres':
    case 'mysql':
      return benchSynthetic(target, keys);
    case 'lago':
      return benchLago();
    default:
      throw new Error(`usage: bench/live.ts postgres|mysql|lago [keys] (got "${target}")`);
  }
}

const [targetArgument, keysArgument] = process.argv.slice(2);
console.log(JSON.stringify(await benchLive(targetArgument ?? '', Number(keysArgument ?? 10_000))));
