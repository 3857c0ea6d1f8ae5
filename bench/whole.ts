/**
 * The whole-process benchmark on one server and one size:
 * `node --import tsx bench/whole.ts postgres|mysql KEYS [--quick]`. Loads a synthetic catalog of KEYS
 * foreign keys into a scratch database, pulls its spec, writes a 10 %-changed spec (and, on
 * PostgreSQL, a second database holding it, for migra), then runs every case of cases.ts several
 * times. Prints a WholeResult as JSON on its last line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../src/engines/engine.js';
import { mysqlEngine } from '../src/engines/mysql/index.js';
import { postgresEngine } from '../src/engines/postgres/index.js';
import type { EngineName } from '../src/engines/registry.js';
import { writeSpec } from '../src/spec/index.js';
import { CASES, type BenchCase, type CaseContext } from './cases.js';
import { mysqlDdl, postgresDdl } from './ddl.js';
import { mysqlScratch, postgresScratch, probe, withScratch, type Scratch } from './scratch.js';
import { changedForeignKeys, syntheticCatalog } from './synthetic.js';

export interface CaseResult {
  readonly id: string;
  readonly label: string;
  /** Each run's time in ms (wall clock, or the time the process reported). */
  readonly ms: readonly number[];
  /** Each run's peak resident set size in MiB (`/usr/bin/time`), when available. */
  readonly rssMb: readonly number[];
  readonly failed: string | undefined;
}

export interface WholeResult {
  readonly engine: EngineName;
  readonly foreignKeys: number;
  readonly tables: number;
  readonly server: string;
  readonly skipped: string | undefined;
  readonly cases: readonly CaseResult[];
}

const TIME = '/usr/bin/time';

interface Run {
  readonly ms: number;
  readonly rssMb: number | undefined;
  readonly stdout: string;
}

/** Spawns the command under /usr/bin/time (for the peak RSS) and times it from spawn to exit. */
async function runOnce(command: string, args: readonly string[], scratchDir: string): Promise<Run> {
  const rssFile = join(scratchDir, 'rss.txt');
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(TIME, ['-f', '%M', '-o', rssFile, command, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        err += chunk;
      });
      child.on('error', reject);
      child.on('close', (exit) => {
        resolve({ code: exit, stdout: out, stderr: err });
      });
    },
  );
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`exit ${String(code)}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  const kb = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1));
  return { ms, rssMb: Number.isFinite(kb) ? kb / 1024 : undefined, stdout };
}

async function runCase(benchCase: BenchCase, context: CaseContext, quick: boolean): Promise<CaseResult> {
  const { command, args } = benchCase.command(context);
  const ms: number[] = [];
  const rssMb: number[] = [];
  const runs = benchCase.runs(context.foreignKeys, quick);
  try {
    for (let run = 0; run < runs; run += 1) {
      const result = await runOnce(command, args, context.scratchDir);
      if (benchCase.timing === 'reported') {
        const reported = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { scaledMs?: number };
        ms.push(reported.scaledMs ?? Number.NaN);
      } else {
        ms.push(result.ms);
      }
      if (result.rssMb !== undefined) rssMb.push(result.rssMb);
    }
    return { id: benchCase.id, label: benchCase.label, ms, rssMb, failed: undefined };
  } catch (error) {
    const failed = error instanceof Error ? error.message : String(error);
    console.error(`bench: ${benchCase.id} failed: ${failed}`);
    return { id: benchCase.id, label: benchCase.label, ms, rssMb, failed };
  }
}

async function loadCatalog(
  engine: Engine,
  scratch: Scratch,
  catalog: Parameters<typeof postgresDdl>[0],
): Promise<void> {
  if (engine.name === 'postgres') {
    const { tables, keys } = postgresDdl(catalog);
    await scratch.load(tables);
    await scratch.load(keys);
  } else {
    await scratch.load(mysqlDdl(catalog));
  }
}

/** The spec `fkdiff pull` writes, made by the built CLI itself. */
async function pull(context: Omit<CaseContext, 'pulledSpec'>, file: string): Promise<void> {
  const schemaArgs = context.schemas.flatMap((schema) => ['--schema', schema]);
  await runOnce(
    process.execPath,
    ['dist/cli/bin.js', 'pull', '--url', context.url, ...schemaArgs, '-o', file, '--force'],
    context.scratchDir,
  );
}

async function benchOne(engineName: EngineName, foreignKeys: number, quick: boolean): Promise<WholeResult> {
  const engine = engineName === 'postgres' ? postgresEngine : mysqlEngine;
  const server = await probe(engine);
  const empty = { engine: engineName, foreignKeys, tables: 0, cases: [] };
  if ('unreachable' in server) return { ...empty, server: '', skipped: server.unreachable };
  const create = () =>
    engineName === 'postgres' ? postgresScratch('pg', ['app', 'billing']) : mysqlScratch('my');
  return withScratch(create, async (scratch) => {
    const synthetic = syntheticCatalog(foreignKeys, engine, scratch.schemas);
    console.error(`… loading ${foreignKeys} keys into ${engineName}`);
    await loadCatalog(engine, scratch, synthetic.catalog);
    const scratchDir = await mkdtemp(join(tmpdir(), 'fkdiff-bench-'));
    try {
      const { desired } = changedForeignKeys(synthetic.catalog, engine, synthetic.spareTables);
      const base = {
        engine: engineName,
        url: scratch.url,
        schemas: [...scratch.schemas],
        changedSpec: join(scratchDir, 'changed.yaml'),
        changedUrl: undefined,
        scratchDir,
        foreignKeys,
      };
      const pulledSpec = join(scratchDir, 'pulled.yaml');
      await pull(base, pulledSpec);
      const defaultSchema = engineName === 'postgres' ? 'public' : scratch.schemas[0];
      await writeFile(
        base.changedSpec,
        writeSpec({ foreignKeys: desired }, { schemas: base.schemas, defaultSchema }),
      );
      const work = async (changedUrl: string | undefined): Promise<WholeResult> => {
        const context: CaseContext = { ...base, pulledSpec, changedUrl };
        const cases: CaseResult[] = [];
        for (const benchCase of CASES.filter((candidate) => candidate.engines.includes(engineName))) {
          console.error(`… ${engineName}, ${foreignKeys} keys: ${benchCase.id}`);
          cases.push(await runCase(benchCase, context, quick));
        }
        const tables = synthetic.catalog.tables.length;
        return { ...empty, tables, server: server.version, skipped: undefined, cases };
      };
      if (engineName !== 'postgres') return await work(undefined);
      // migra diffs two databases: the second holds the changed keys.
      return await withScratch(
        () => postgresScratch('pgto', ['app', 'billing']),
        async (target) => {
          await loadCatalog(engine, target, { ...synthetic.catalog, foreignKeys: desired });
          return work(target.url);
        },
      );
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
  });
}

const [engineArgument, keysArgument, ...flags] = process.argv.slice(2);
if (engineArgument !== 'postgres' && engineArgument !== 'mysql') {
  throw new Error('usage: bench/whole.ts postgres|mysql KEYS [--quick]');
}
console.log(
  JSON.stringify(await benchOne(engineArgument, Number(keysArgument ?? 10_000), flags.includes('--quick'))),
);
