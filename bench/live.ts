/**
 * Introspection and planning against real servers: `node --import tsx bench/live.ts <target> [keys]`,
 * target `postgres` or `mysql` (a synthetic catalog of `keys` foreign keys, default 10,000) or `lago`
 * (the lago-api schema on PostgreSQL). Each run creates its own databases (`fkdiff_bench_…`) and
 * drops them at the end, also when it fails or is interrupted. Prints a LiveResult as JSON on its
 * last line; an unreachable server gives a result with `skipped` set.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli/main.js';
import type { Io } from '../src/cli/io.js';
import { connect, type Connection } from '../src/db/connection.js';
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
import { mysqlDdl, postgresDdl } from './ddl.js';
import { mysqlScratch, postgresAdmin, postgresScratch, probe, withScratch, type Scratch } from './scratch.js';
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

/** The team's shared folder sits beside the repository. */
const LAGO_SQL = fileURLToPath(
  new URL('../../shared/data/real-schemas/lago-api-postgres-loadable.sql', import.meta.url),
);
const LAGO_SCHEMAS: SchemaNames = ['public', 'partman'];
/** Each step against the server is timed this many times; the median is reported. */
const RUNS = 3;

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
