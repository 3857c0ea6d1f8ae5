/**
 * The pure stages on one synthetic catalog: `node --expose-gc --import tsx bench/stages.ts <keys> <dialect>`.
 * Prints a StagesResult as JSON on its last line (bench/run.ts starts it, one process per case).
 */
import { preflight } from '../src/checks/preflight.js';
import { diff } from '../src/diff/diff.js';
import type { Engine } from '../src/engines/engine.js';
import { engineFor, type EngineName } from '../src/engines/registry.js';
import type { Change } from '../src/model/change.js';
import type { Catalog } from '../src/model/catalog.js';
import { planChanges } from '../src/plan/plan.js';
import { writePlanFile } from '../src/planfile/index.js';
import { renderMarkdown, renderSql, renderText } from '../src/render/index.js';
import { parseSpec, resolveSpec, writeSpec } from '../src/spec/index.js';
import { peakRssMb, timeMedian } from './measure.js';
import { asDesired, changedForeignKeys, syntheticCatalog, type ChangeMix } from './synthetic.js';

export interface StageTime {
  readonly stage: string;
  readonly ms: number;
}

export interface StagesResult {
  readonly dialect: EngineName;
  readonly foreignKeys: number;
  readonly tables: number;
  readonly specBytes: number;
  readonly mix: ChangeMix;
  readonly changes: number;
  readonly steps: number;
  readonly runs: number;
  readonly stages: readonly StageTime[];
  readonly peakRssMb: number;
}

/** Fewer runs for the large catalogs keeps the whole bench within a few minutes. */
function runsFor(foreignKeys: number): number {
  if (foreignKeys <= 1_000) return 7;
  if (foreignKeys <= 10_000) return 5;
  return 3;
}

const LOCK_TIMEOUT_MS = 5_000;

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench sanity check failed: ${message}`);
}

export function benchStages(foreignKeys: number, engine: Engine): StagesResult {
  const runs = runsFor(foreignKeys);
  const synthetic = syntheticCatalog(foreignKeys, engine);
  const current: Catalog = synthetic.catalog;
  const stages: StageTime[] = [];
  const time = <T>(stage: string, work: () => T): T => {
    const { ms, result } = timeMedian(runs, work);
    stages.push({ stage, ms });
    return result;
  };
  const context = { dialect: engine, defaultSchema: 'app' };

  const text = time('writeSpec', () =>
    writeSpec(current, { schemas: current.schemas, defaultSchema: 'app' }),
  );
  const raw = time('parseSpec', () => parseSpec(text, 'bench.yaml'));
  const spec = time('resolveSpec', () => resolveSpec(raw, context));
  expect(spec.foreignKeys.length === current.foreignKeys.length, 'the spec reads back every key');

  const unchanged = time('diff, identical spec', () => diff(current.foreignKeys, spec.foreignKeys, engine));
  expect(unchanged.length === 0, `an identical spec gives no changes (got ${unchanged.length})`);
  time('preflight + planChanges, identical', () => {
    expect(preflight(unchanged, current, engine).length === 0, 'an empty plan passes preflight');
    return planChanges(unchanged, current, engine, { online: false });
  });

  const { desired, mix } = changedForeignKeys(current, engine, synthetic.spareTables);
  const desiredKeys = desired.map(asDesired);
  const changes: Change[] = time('diff, 10% changed', () => diff(current.foreignKeys, desiredKeys, engine));
  const problems = time('preflight, 10% changed', () => preflight(changes, current, engine));
  expect(problems.length === 0, `the changed spec passes preflight (${problems[0]?.message ?? ''})`);
  const plan = time('planChanges, 10% changed', () =>
    planChanges(changes, current, engine, { online: false }),
  );

  // Adopting a naming convention renames every key: the worst case for ordering renames.
  const conventional = current.foreignKeys.map((fk) =>
    asDesired({ ...fk, name: `fk_${fk.table.name}_${fk.columns.join('_')}` }),
  );
  const renames = diff(current.foreignKeys, conventional, engine);
  time('planChanges, every key renamed', () => planChanges(renames, current, engine, { online: false }));

  const managedCount = current.foreignKeys.length;
  time('renderText', () => renderText(plan, { color: false, engine, managedCount }));
  time('renderSql', () => renderSql(plan, { engine, lockTimeoutMs: LOCK_TIMEOUT_MS }));
  time('renderJson', () => writePlanFile(plan));
  time('renderMarkdown', () =>
    renderMarkdown(plan, { engine, managedCount, lockTimeoutMs: LOCK_TIMEOUT_MS }),
  );

  return {
    dialect: engine.name,
    foreignKeys: current.foreignKeys.length,
    tables: current.tables.length,
    specBytes: Buffer.byteLength(text),
    mix,
    changes: changes.length,
    steps: plan.steps.length,
    runs,
    stages,
    peakRssMb: peakRssMb(),
  };
}

function dialectArgument(value: string | undefined): EngineName {
  if (value === 'postgres' || value === 'mysql') return value;
  throw new Error(`usage: bench/stages.ts <foreign keys> postgres|mysql (got ${String(value)})`);
}

const [countArgument, dialectName] = process.argv.slice(2);
const count = Number(countArgument);
if (!Number.isInteger(count) || count < 1) throw new Error(`not a key count: ${String(countArgument)}`);
console.log(JSON.stringify(benchStages(count, engineFor(dialectArgument(dialectName)))));
