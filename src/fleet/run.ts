/**
 * One spec, many targets: every schema of a connection matching a glob, every database of a targets
 * file. The catalog of a connection's schemas is read once for all of them; each target is planned
 * and applied on its own, at most `concurrency` at a time, with its own transactions and failures.
 */
import { groupBy } from '../collections.js';
import { connect, driverMessage, type Connection, type Executor } from '../db/connection.js';
import { redactSecrets } from '../db/redact.js';
import { parseTarget } from '../db/url.js';
import { FkdiffError, formatProblem } from '../errors.js';
import { compareStrings, type Catalog } from '../model/catalog.js';
import type { HazardCode, Plan } from '../model/plan.js';
import { summarize } from '../model/summary.js';
import { applySpec, makePlan, refuseDataProblems, type PlanResult } from '../pipeline.js';
import { resolveSpec, type RawSpec, type Spec } from '../spec/index.js';
import type {
  FleetCommand,
  FleetNoun,
  FleetReport,
  Shard,
  SkipReason,
  TargetOutcome,
  TargetResult,
} from './report.js';
import { sortResults } from './report.js';
import { globMatcher, shardOf } from './select.js';
import type { FleetTarget } from './targets-file.js';

/** What `runFleet` is asked to do; the optional parts default as the CLI's flags do. */
export interface FleetOptions {
  readonly command: FleetCommand;
  readonly spec: RawSpec;
  readonly targets: readonly FleetTarget[];
  /** `tenant` when the targets are the schemas of one connection (default `target`). */
  readonly noun?: FleetNoun;
  /** Targets planned or applied at once, each on a connection of its own (default 4). */
  readonly concurrency?: number;
  readonly shard?: Shard;
  /** Start no target after one has failed (default false). */
  readonly failFast?: boolean;
  readonly online?: boolean;
  /** Look for rows that would make an add fail (default true). */
  readonly checkData?: boolean;
  /** Default 5 s. */
  readonly lockTimeoutMs?: number;
  /** Default 30 s. */
  readonly lockWaitMs?: number;
  /** Hazards to refuse, on top of the spec's policy: one anywhere and nothing is applied anywhere. */
  readonly denyHazards?: readonly HazardCode[];
  /** apply: asked once, after every target is planned, when any has changes; false cancels. */
  readonly confirm?: (planned: FleetReport) => Promise<boolean>;
  /** Aborted: no new target starts; those running finish (or roll back). */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: FleetEvent) => void;
}

type Settled = Required<Omit<FleetOptions, 'shard' | 'confirm' | 'signal' | 'onEvent'>> &
  Pick<FleetOptions, 'shard' | 'confirm' | 'signal' | 'onEvent'>;

function settled(options: FleetOptions): Settled {
  return {
    noun: 'target',
    concurrency: 4,
    failFast: false,
    online: false,
    checkData: true,
    lockTimeoutMs: 5000,
    lockWaitMs: 30_000,
    denyHazards: [],
    ...options,
  };
}

export type FleetEvent =
  | { readonly kind: 'phase'; readonly phase: 'plan' | 'apply'; readonly total: number }
  | { readonly kind: 'start'; readonly target: string }
  | { readonly kind: 'done'; readonly result: TargetResult };

/** Whether the URL names an embedded database; a URL that cannot be read fails when its target runs. */
function isEmbedded(url: string): boolean {
  try {
    return parseTarget(url).kind === 'embedded';
  } catch {
    return false;
  }
}

/** One run of the spec: a target, or one schema of it. */
interface Unit {
  readonly target: string;
  readonly url: string;
  readonly server: string;
  readonly schema: string | undefined;
  /** The target whose catalog connection reads this unit's schema (with the others of its target). */
  readonly reader: string | undefined;
  /** Why the unit cannot run (its server could not be read); set before planning. */
  readonly failure?: TargetOutcome;
}

/** A unit ready to plan: its spec, and the catalog already read for it. */
interface Prepared extends Unit {
  readonly spec: RawSpec | Spec;
  readonly catalog: Catalog | undefined;
}

/** A connection a worker keeps while its targets share a URL. */
interface Lane {
  connection: Connection | undefined;
  url: string | undefined;
}

/** A failure as a target's outcome: the error's code and its message, with its first problems. */
export function failureOutcome(error: unknown): TargetOutcome {
  if (error instanceof FkdiffError) {
    const problems = error.problems.slice(0, 3).map(formatProblem);
    const more = error.problems.length > 3 ? [`… and ${error.problems.length - 3} more`] : [];
    return {
      status: 'failed',
      code: error.code,
      message: redactSecrets([error.message, ...problems, ...more].join('; ')),
    };
  }
  return { status: 'failed', code: 'UNEXPECTED', message: driverMessage(error) };
}

function serverDisplay(url: string): string {
  return redactSecrets(url);
}

/** The spec is written for one tenant: with schemas of their own, it would not follow the tenant. */
function refuseGovernedSchemas(spec: RawSpec, targets: readonly FleetTarget[]): void {
  if (spec.schemas !== undefined && targets.some((target) => target.schemas !== undefined)) {
    throw new FkdiffError(
      'USAGE',
      `${spec.file}: a spec run on each of many schemas governs the one it is run on: remove "schemas" from it (shared schemas are named in references, as public.plans(id))`,
    );
  }
}

interface Expanded {
  readonly units: readonly Unit[];
  /** Connections kept open, per target, for the catalog read after sharding. */
  readonly readers: ReadonlyMap<string, Connection>;
}

/** Lists each target's matching schemas (one query per server); a target that cannot be reached fails. */
async function expandTargets(options: Settled): Promise<Expanded> {
  const units: Unit[] = [];
  const readers = new Map<string, Connection>();
  for (const target of options.targets) {
    const server = serverDisplay(target.url);
    const base = { url: target.url, server };
    if (target.schemas === undefined) {
      units.push({ ...base, target: target.name, schema: undefined, reader: undefined });
      continue;
    }
    try {
      const connection = await connect(target.url, { create: false, executor: 'driver' });
      readers.set(target.name, connection);
      const rows = await connection.select<{ name: string }>(connection.engine.session.schemasSql);
      const matches = globMatcher(target.schemas);
      const schemas = rows
        .map((row) => row.name)
        .filter(matches)
        .sort(compareStrings);
      if (schemas.length === 0) {
        throw new FkdiffError('USAGE', `no schema of ${server} matches ${target.schemas.join(', ')}`);
      }
      for (const schema of schemas) {
        const name = options.noun === 'tenant' ? schema : `${target.name}/${schema}`;
        units.push({ ...base, target: name, schema, reader: target.name });
      }
    } catch (error) {
      units.push({
        ...base,
        target: target.name,
        schema: undefined,
        reader: undefined,
        failure: failureOutcome(error),
      });
    }
  }
  return { units, readers };
}

/** Each unit's spec resolved for its schema, and the catalog of all of them read in one pass. */
async function prepareTarget(raw: RawSpec, units: readonly Unit[], reader: Connection): Promise<Prepared[]> {
  const resolved = units.map((unit) => {
    const schema = unit.schema ?? reader.defaultSchema;
    try {
      const spec = resolveSpec(
        { ...raw, schemas: [schema] },
        { dialect: reader.engine, defaultSchema: schema },
      );
      return { unit, spec };
    } catch (error) {
      return { unit, error };
    }
  });
  const specs = resolved.flatMap((entry) => (entry.spec === undefined ? [] : [entry.spec]));
  const schemas = specs.flatMap((spec) => spec.schemas);
  const referenced = [
    ...new Set(specs.flatMap((spec) => spec.foreignKeys.map((fk) => fk.referencedTable.schema))),
  ];
  let whole: Catalog;
  try {
    whole = await reader.engine.introspect(reader, schemas, referenced);
  } catch (error) {
    const failure = failureOutcome(
      error instanceof FkdiffError
        ? error
        : new FkdiffError(
            'CONNECTION_FAILED',
            `reading the catalog of ${reader.display} failed: ${driverMessage(error)}`,
          ),
    );
    return units.map((unit) => ({ ...unit, spec: raw, catalog: undefined, failure }));
  }
  const tables = groupBy(whole.tables, (table) => table.ref.schema);
  const keys = groupBy(whole.foreignKeys, (fk) => fk.table.schema);
  return resolved.map((entry): Prepared => {
    if (entry.spec === undefined) {
      return { ...entry.unit, spec: raw, catalog: undefined, failure: failureOutcome(entry.error) };
    }
    const spec = entry.spec;
    const own = spec.schemas[0] ?? '';
    const held = [...new Set([own, ...spec.foreignKeys.map((fk) => fk.referencedTable.schema)])].sort(
      compareStrings,
    );
    const catalog: Catalog = {
      dialect: whole.dialect,
      schemas: spec.schemas,
      tables: held.flatMap((schema) => tables.get(schema) ?? []),
      foreignKeys: keys.get(own) ?? [],
    };
    return { ...entry.unit, spec, catalog };
  });
}

async function prepareUnits(
  options: Settled,
  expanded: Expanded,
  selected: readonly Unit[],
): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  try {
    for (const [name, units] of groupBy(selected, (unit) => unit.reader ?? '')) {
      const reader = expanded.readers.get(name);
      const ready = units.filter((unit) => unit.failure === undefined && reader !== undefined);
      if (reader !== undefined && ready.length > 0) {
        prepared.push(...(await prepareTarget(options.spec, ready, reader)));
      }
      for (const unit of units) {
        if (!ready.includes(unit)) prepared.push({ ...unit, spec: options.spec, catalog: undefined });
      }
    }
  } finally {
    await Promise.all([...expanded.readers.values()].map((reader) => reader.close().catch(() => undefined)));
  }
  return prepared;
}

/** The lane's connection to the unit's server, opened (or reopened for another URL) as needed. */
async function laneConnection(lane: Lane, unit: Unit, executor: Executor): Promise<Connection> {
  if (lane.connection !== undefined && lane.url === unit.url) return lane.connection;
  await dropConnection(lane);
  const connection = await connect(unit.url, { create: false, executor });
  lane.connection = connection;
  lane.url = unit.url;
  return connection;
}

async function dropConnection(lane: Lane): Promise<void> {
  const { connection } = lane;
  lane.connection = undefined;
  lane.url = undefined;
  await connection?.close().catch(() => undefined);
}

/** The connection as the unit's schema sees it: unqualified names and the apply lock follow it. */
function viewOf(connection: Connection, unit: Unit): Connection {
  return unit.schema === undefined ? connection : { ...connection, defaultSchema: unit.schema };
}

/** Runs `work` on each item, `lanes.length` at a time, until `stop` says no more may start. */
async function inLanes<T>(
  items: readonly T[],
  lanes: readonly Lane[],
  stop: () => boolean,
  work: (item: T, lane: Lane) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      for (let item = items[next]; item !== undefined && !stop(); item = items[next]) {
        next += 1;
        await work(item, lane);
      }
    }),
  );
}

function changesOf(plan: Plan) {
  return summarize(plan.changes);
}

function plannedOutcome(result: PlanResult, denyHazards: readonly HazardCode[]): TargetOutcome {
  const { plan } = result;
  if (plan.steps.length === 0) return { status: 'unchanged' };
  const hazards = [
    ...new Set(plan.steps.flatMap((step) => step.hazards.map((hazard) => hazard.code))),
  ].sort();
  const refused = new Set([...denyHazards, ...result.spec.denyHazards]);
  return {
    status: 'pending',
    changes: changesOf(plan),
    steps: plan.steps.length,
    hazards,
    denied: hazards.filter((code) => refused.has(code)),
  };
}

interface Run {
  readonly options: Settled;
  readonly results: Map<Prepared, TargetResult>;
  failed: boolean;
}

function record(run: Run, unit: Prepared, outcome: TargetOutcome, elapsedMs: number): void {
  const previous = run.results.get(unit)?.elapsedMs ?? 0;
  const result: TargetResult = {
    target: unit.target,
    server: unit.server,
    schema: unit.schema,
    outcome,
    elapsedMs: previous + elapsedMs,
  };
  run.results.set(unit, result);
  if (outcome.status === 'failed') run.failed = true;
  run.options.onEvent?.({ kind: 'done', result });
}

function stopping(run: Run): boolean {
  return run.options.signal?.aborted === true || (run.options.failFast && run.failed);
}

function skipReason(run: Run): SkipReason {
  return run.options.signal?.aborted === true ? 'interrupted' : 'fail-fast';
}

async function timed(
  run: Run,
  unit: Prepared,
  lane: Lane,
  work: (connection: Connection) => Promise<TargetOutcome>,
): Promise<void> {
  run.options.onEvent?.({ kind: 'start', target: unit.target });
  const started = Date.now();
  let outcome: TargetOutcome;
  try {
    // apply executes through Sequelize; plan and validate only read.
    const executor = run.options.command === 'apply' ? 'sequelize' : 'driver';
    outcome = await work(viewOf(await laneConnection(lane, unit, executor), unit));
  } catch (error) {
    outcome = failureOutcome(error);
    // The session may be gone with its server, or hold a failed transaction: start afresh.
    await dropConnection(lane);
  }
  record(run, unit, outcome, Date.now() - started);
}

async function planPhase(
  run: Run,
  units: readonly Prepared[],
  lanes: readonly Lane[],
): Promise<Map<Prepared, Spec | RawSpec>> {
  const { options } = run;
  const toApply = new Map<Prepared, Spec | RawSpec>();
  options.onEvent?.({ kind: 'phase', phase: 'plan', total: units.length });
  for (const unit of units) if (unit.failure !== undefined) record(run, unit, unit.failure, 0);
  const runnable = units.filter((unit) => unit.failure === undefined);
  await inLanes(
    runnable,
    lanes,
    () => stopping(run),
    (unit, lane) =>
      timed(run, unit, lane, async (connection) => {
        const result = await makePlan(connection, unit.spec, {
          online: options.online,
          // apply checks the rows when it plans again under the lock, just before it changes them.
          checkData: options.command === 'validate' || (options.checkData && options.command === 'plan'),
          lockTimeoutMs: options.lockTimeoutMs,
          ...(unit.catalog === undefined ? {} : { catalog: unit.catalog }),
        });
        refuseDataProblems(result);
        const outcome = plannedOutcome(result, options.denyHazards);
        if (outcome.status === 'pending') toApply.set(unit, result.spec);
        return outcome;
      }),
  );
  return toApply;
}

async function applyPhase(
  run: Run,
  toApply: Map<Prepared, Spec | RawSpec>,
  lanes: readonly Lane[],
): Promise<void> {
  const { options } = run;
  const units = [...toApply.keys()];
  const denied = units.filter((unit) => {
    const outcome = run.results.get(unit)?.outcome;
    return outcome?.status === 'pending' && outcome.denied.length > 0;
  });
  if (denied.length > 0) {
    for (const unit of units) {
      const outcome = run.results.get(unit)?.outcome;
      if (outcome?.status !== 'pending') continue;
      record(
        run,
        unit,
        outcome.denied.length > 0
          ? {
              status: 'failed',
              code: 'HAZARD_DENIED',
              message: `refusing to apply: the plan holds denied hazards: ${outcome.denied.join(', ')}`,
            }
          : { status: 'skipped', reason: 'denied-elsewhere' },
        0,
      );
    }
    return;
  }
  if (units.length === 0 || stopping(run)) return;
  if (options.confirm !== undefined && !(await options.confirm(snapshot(run, false)))) {
    throw new FkdiffError('APPLY_REFUSED', 'apply cancelled: nothing was changed');
  }
  options.onEvent?.({ kind: 'phase', phase: 'apply', total: units.length });
  await inLanes(
    units,
    lanes,
    () => stopping(run),
    (unit, lane) =>
      timed(run, unit, lane, async (connection) => {
        const outcome = await applySpec(connection, toApply.get(unit) ?? unit.spec, {
          online: options.online,
          checkData: options.checkData,
          lockTimeoutMs: options.lockTimeoutMs,
          lockWaitMs: options.lockWaitMs,
          denyHazards: options.denyHazards,
          ...(unit.schema === undefined ? {} : { lockSchema: unit.schema }),
        });
        const { plan } = outcome.result;
        if (plan.steps.length === 0) return { status: 'unchanged' };
        return { status: 'applied', changes: changesOf(plan), steps: outcome.applied.applied };
      }),
  );
}

function snapshot(run: Run, interrupted: boolean): FleetReport {
  return {
    command: run.options.command,
    noun: run.options.noun,
    shard: run.options.shard,
    interrupted,
    results: sortResults([...run.results.values()]),
  };
}

/**
 * Plans (and with `apply`, applies) the spec on every target, and reports each one's outcome.
 * apply plans every target first: a denied hazard anywhere and nothing is applied anywhere.
 */
export async function runFleet(given: FleetOptions): Promise<FleetReport> {
  const options = settled(given);
  refuseGovernedSchemas(options.spec, options.targets);
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  // An embedded database is one process's: its targets run one at a time.
  const embedded = options.targets.some((target) => isEmbedded(target.url));
  const expanded = await expandTargets(options);
  const selected = shardOf(expanded.units, (unit) => unit.target, options.shard);
  const units = await prepareUnits(options, expanded, selected);
  const ordered = [...units].sort((a, b) => compareStrings(a.target, b.target));
  const run: Run = { options, results: new Map(), failed: false };
  const width = embedded ? 1 : Math.min(concurrency, Math.max(1, ordered.length));
  const lanes: Lane[] = Array.from({ length: width }, () => ({
    connection: undefined,
    url: undefined,
  }));
  try {
    const toApply = await planPhase(run, ordered, lanes);
    if (options.command === 'apply') await applyPhase(run, toApply, lanes);
  } finally {
    await Promise.all(lanes.map(dropConnection));
  }
  const interrupted = options.signal?.aborted === true;
  for (const unit of ordered) {
    const outcome = run.results.get(unit)?.outcome;
    if (
      outcome === undefined ||
      (options.command === 'apply' && outcome.status === 'pending' && stopping(run))
    ) {
      record(run, unit, { status: 'skipped', reason: skipReason(run) }, 0);
    }
  }
  return snapshot(run, interrupted);
}
