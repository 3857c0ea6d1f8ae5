/**
 * `npm run bench:fleet`: fleets against the local PostgreSQL server, each measurement a whole `fkdiff`
 * process (built CLI, dist/):
 *   - `plan --each-schema` of 1,000 schemas × 20 keys against one `plan` of a single schema holding
 *     the same 20,000 keys, as a ratio (target ≤ 1.5×: the tenants' catalog is read in one pass);
 *   - `apply --each-schema` of one added key to 200 tenants at concurrency 1, 4 and 8.
 * `runFleetBench` is what a runner calls; run directly, this file prints the table.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { formatMs, printTable } from './measure.js';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');

export interface FleetBenchOptions {
  /** The server, as a URL to its maintenance database. */
  readonly serverUrl: string;
  readonly schemas: number;
  readonly keysPerSchema: number;
  readonly applyTenants: number;
  readonly concurrencies: readonly number[];
  readonly runs: number;
}

export interface FleetBenchResult {
  readonly schemas: number;
  readonly keysPerSchema: number;
  readonly eachSchemaPlanMs: number;
  readonly singleSchemaPlanMs: number;
  /** eachSchemaPlanMs / singleSchemaPlanMs. */
  readonly ratio: number;
  readonly applyTenants: number;
  readonly applyMs: readonly { readonly concurrency: number; readonly ms: number }[];
}

export const DEFAULT_FLEET_BENCH: FleetBenchOptions = {
  serverUrl: process.env.FKDIFF_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  schemas: 1000,
  keysPerSchema: 20,
  applyTenants: 200,
  concurrencies: [1, 4, 8],
  runs: 3,
};

/** Schemas (or table pairs) made per transaction. */
const CHUNK = 50;

function databaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freshDatabase(server: string, name: string): Promise<string> {
  await onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await onServer(server, `CREATE DATABASE ${name}`);
  return databaseUrl(server, name);
}

/** A parent and a child with `keys` key columns referencing it, in `schema`, named with `suffix`. */
function pairSql(keys: number, schemaExpr: string, suffix: string): string {
  const columns = Array.from({ length: keys }, (_, k) => `, a${k} integer`).join('');
  const adds = Array.from(
    { length: keys },
    (_, k) =>
      `EXECUTE format('ALTER TABLE %I.t${suffix} ADD CONSTRAINT t${suffix}_a${k}_fkey FOREIGN KEY (a${k}) REFERENCES %I.p${suffix} (id)', ${schemaExpr}, ${schemaExpr});`,
  ).join('\n    ');
  return `EXECUTE format('CREATE TABLE %I.p${suffix} (id integer PRIMARY KEY)', ${schemaExpr});
    EXECUTE format('CREATE TABLE %I.t${suffix} (id integer PRIMARY KEY${columns})', ${schemaExpr});
    ${adds}`;
}

/** Schemas tenant_<from>… up to `to` (excluded), each holding p and t with `keys` keys. */
function tenantsSql(from: number, to: number, keys: number): string {
  return `DO $$ DECLARE s text; BEGIN
  FOR i IN ${from}..${to - 1} LOOP
    s := 'tenant_' || lpad(i::text, 4, '0');
    EXECUTE format('CREATE SCHEMA %I', s);
    ${pairSql(keys, 's', '')}
  END LOOP;
END $$;`;
}

/** One schema holding the same tables and keys: p_0000, t_0000, … (from `from` up to `to`). */
function singleSchemaSql(from: number, to: number, keys: number): string {
  const columns = Array.from({ length: keys }, (_, k) => `, a${k} integer`).join('');
  const adds = Array.from(
    { length: keys },
    (_, k) =>
      `EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (a${k}) REFERENCES %I (id)', 't_' || x, 't_' || x || '_a${k}_fkey', 'p_' || x);`,
  ).join('\n    ');
  return `DO $$ DECLARE x text; BEGIN
  FOR i IN ${from}..${to - 1} LOOP
    x := lpad(i::text, 4, '0');
    EXECUTE format('CREATE TABLE %I (id integer PRIMARY KEY)', 'p_' || x);
    EXECUTE format('CREATE TABLE %I (id integer PRIMARY KEY${columns})', 't_' || x);
    ${adds}
  END LOOP;
END $$;`;
}

function tableSpec(table: string, parent: string, keys: number): string {
  const items = Array.from(
    { length: keys },
    (_, k) =>
      `      - name: ${table}_a${k}_fkey\n        columns: [a${k}]\n        references: ${parent}(id)\n`,
  ).join('');
  return `  ${table}:\n    foreignKeys:\n${items}`;
}

async function cliMs(args: readonly string[]): Promise<number> {
  const started = process.hrtime.bigint();
  try {
    await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 ** 2 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`fkdiff ${args.join(' ')} failed: ${stderr ?? String(error)}`, { cause: error });
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function medianMs(runs: number, work: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) times.push(await work());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export async function runFleetBench(
  options: FleetBenchOptions = DEFAULT_FLEET_BENCH,
): Promise<FleetBenchResult> {
  const { serverUrl, schemas, keysPerSchema } = options;
  const dir = await mkdtemp(join(tmpdir(), 'fkdiff-bench-fleet-'));
  const tenantsUrl = await freshDatabase(serverUrl, 'fkdiff_bench_fleet_tenants');
  const singleUrl = await freshDatabase(serverUrl, 'fkdiff_bench_fleet_single');
  const applyUrl = await freshDatabase(serverUrl, 'fkdiff_bench_fleet_apply');
  try {
    // In parts: one transaction locking every new table would run out of lock slots.
    for (let from = 0; from < schemas; from += CHUNK) {
      const to = Math.min(schemas, from + CHUNK);
      await onServer(tenantsUrl, tenantsSql(from, to, keysPerSchema));
      await onServer(singleUrl, singleSchemaSql(from, to, keysPerSchema));
    }
    const tenantSpec = join(dir, 'tenant.yaml');
    await writeFile(tenantSpec, `version: 1\ntables:\n${tableSpec('t', 'p', keysPerSchema)}`);
    const singleSpec = join(dir, 'single.yaml');
    const pairs = Array.from({ length: schemas }, (_, i) => String(i).padStart(4, '0'));
    await writeFile(
      singleSpec,
      `version: 1\ntables:\n${pairs.map((x) => tableSpec(`t_${x}`, `p_${x}`, keysPerSchema)).join('')}`,
    );
    const eachSchemaPlanMs = await medianMs(options.runs, () =>
      cliMs(['plan', tenantSpec, '--url', tenantsUrl, '--each-schema', 'tenant_*', '--exit-code']),
    );
    const singleSchemaPlanMs = await medianMs(options.runs, () =>
      cliMs(['plan', singleSpec, '--url', singleUrl, '--exit-code']),
    );

    await onServer(
      applyUrl,
      `DO $$ BEGIN FOR i IN 0..${options.applyTenants - 1} LOOP
        EXECUTE format('CREATE SCHEMA %I; CREATE TABLE %I.orgs (id integer PRIMARY KEY); CREATE TABLE %I.users (id integer PRIMARY KEY, org_id integer)',
          'tenant_' || i, 'tenant_' || i, 'tenant_' || i);
      END LOOP; END $$;`,
    );
    const applySpec = join(dir, 'apply.yaml');
    await writeFile(
      applySpec,
      'version: 1\ntables:\n  users:\n    foreignKeys:\n      - name: users_org_id_fkey\n        columns: [org_id]\n        references: orgs(id)\n',
    );
    const dropKeys = `DO $$ BEGIN FOR i IN 0..${options.applyTenants - 1} LOOP
      EXECUTE format('ALTER TABLE %I.users DROP CONSTRAINT IF EXISTS users_org_id_fkey', 'tenant_' || i);
    END LOOP; END $$;`;
    const applyMs = [];
    for (const concurrency of options.concurrencies) {
      const ms = await medianMs(options.runs, async () => {
        await onServer(applyUrl, dropKeys);
        return cliMs([
          'apply',
          applySpec,
          '--url',
          applyUrl,
          '--each-schema',
          'tenant_*',
          '--yes',
          '--concurrency',
          String(concurrency),
        ]);
      });
      applyMs.push({ concurrency, ms });
    }
    return {
      schemas,
      keysPerSchema,
      eachSchemaPlanMs,
      singleSchemaPlanMs,
      ratio: eachSchemaPlanMs / singleSchemaPlanMs,
      applyTenants: options.applyTenants,
      applyMs,
    };
  } finally {
    for (const name of [
      'fkdiff_bench_fleet_tenants',
      'fkdiff_bench_fleet_single',
      'fkdiff_bench_fleet_apply',
    ]) {
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    }
  }
}

export function printFleetBench(result: FleetBenchResult): void {
  const keys = result.schemas * result.keysPerSchema;
  console.log(`\nFleets (PostgreSQL, whole fkdiff process, median of runs)`);
  printTable(
    ['case', 'time'],
    [
      [
        `plan --each-schema: ${result.schemas} schemas × ${result.keysPerSchema} keys`,
        formatMs(result.eachSchemaPlanMs),
      ],
      [`plan: one schema of ${keys} keys`, formatMs(result.singleSchemaPlanMs)],
      ['ratio (target ≤ 1.5×)', `${result.ratio.toFixed(2)}×`],
      ...result.applyMs.map(({ concurrency, ms }) => [
        `apply 1 added key to ${result.applyTenants} tenants, --concurrency ${concurrency}`,
        formatMs(ms),
      ]),
    ],
  );
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printFleetBench(await runFleetBench());
}
