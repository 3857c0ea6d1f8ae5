/**
 * The library's verbs, each the whole way down: spec → catalog → diff → checks → plan → apply →
 * verify. The CLI calls these and only parses flags, asks, prints and exits.
 */
import { readFile } from 'node:fs/promises';
import type { Sequelize } from 'sequelize';
import { afterFault } from './apply/after-fault.js';
import { applySteps, type ApplyEvent, type ApplyResult } from './apply/apply.js';
import { checkData } from './checks/data-check.js';
import { partitionProblems } from './checks/partitions.js';
import { preflight } from './checks/preflight.js';
import { driverMessage, type Connection } from './db/connection.js';
import { withApplyLock, type LockWait } from './db/locks.js';
import { diff } from './diff/diff.js';
import { normalizedRules } from './engines/engine.js';
import type { Engine } from './engines/engine.js';
import { offlineEngine } from './engines/registry.js';
import { FkdiffError, problemsError, type Problem } from './errors.js';
import { countOf } from './labels.js';
import type { Change } from './model/change.js';
import { reservedNames, type Catalog, type ForeignKey, type ReservedName } from './model/catalog.js';
import type { HazardCode, Plan } from './model/plan.js';
import { modelsSpec } from './models/index.js';
import { planChanges, type PlanOptions } from './plan/plan.js';
import { savedPlanDifference, savedSteps } from './planfile/compare.js';
import type { SavedPlan } from './planfile/read.js';
import { keyGraph, type KeyGraph } from './graph/graph.js';
import { displayName } from './render/display.js';
import { readAtRef } from './review/git.js';
import { reviewSpecs, type Review, type ReviewSide } from './review/review.js';
import { loadSpec } from './spec/load.js';
import { quotedValue } from './spec/messages.js';
import {
  compileExclude,
  parseSpec,
  resolveSpec,
  writeSpec,
  writeSplitSpec,
  type RawSpec,
  type Spec,
  type SpecFileText,
  type SplitBy,
} from './spec/index.js';

/** Why a file could not be read, in words. */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    default:
      return code === '' ? String(error) : code;
  }
}

/** The file's text, or undefined when it is not UTF-8 text (a NUL byte, invalid sequences). */
function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A spec file's text; undefined when `missingOk` and there is no such file. */
async function readSpecText(file: string, missingOk: boolean): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if (missingOk && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FkdiffError('SPEC_NOT_FOUND', `${file}: cannot read the spec (${fileErrorReason(error)})`, {
      cause: error,
    });
  }
  const text = decodeText(bytes);
  if (text === undefined) {
    throw new FkdiffError('SPEC_SYNTAX', `${file}: not a text file; a spec is YAML text in UTF-8`);
  }
  return text;
}

/** Reads and parses a spec file; every problem in it is reported at once (SPEC_SYNTAX, SPEC_INVALID). */
export async function loadSpecFile(file: string): Promise<RawSpec> {
  return loadSpec(file, async (path) => (await readSpecText(path, false)) ?? '');
}

/** The database's keys split into those the spec manages and those on excluded tables. */
export interface Scoped {
  readonly spec: Spec;
  /** Every table of the governed and referenced schemas; only the managed keys. */
  readonly current: Catalog;
  readonly unmanaged: readonly ForeignKey[];
  /** Names managed keys cannot take: keys on excluded tables, other constraints. */
  readonly reserved: readonly ReservedName[];
  /** Probably not what the spec's author meant (an exclude matching nothing); nothing stops. */
  readonly warnings: readonly string[];
}

/** The catalog, with a failure (a connection lost part-way) reported as such. */
function readCatalog(
  connection: Connection,
  schemas: readonly string[],
  referenced: readonly string[],
): Promise<Catalog> {
  return readCatalogPart(connection, () => connection.engine.introspect(connection, schemas, referenced));
}

/** What `read` reads of the catalog, with a failure (a connection lost part-way) reported as such. */
async function readCatalogPart<T>(connection: Connection, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof FkdiffError) throw error;
    throw new FkdiffError(
      'CONNECTION_FAILED',
      `reading the catalog of ${connection.display} failed: ${driverMessage(error)}; nothing was changed`,
      { cause: error },
    );
  }
}

/** A spec file as parsed, or a spec already resolved (the one a saved plan carries). */
export type SpecInput = RawSpec | Spec;

function isResolved(input: SpecInput): input is Spec {
  return 'foreignKeys' in input;
}

/** Resolves the spec for this connection and reads the catalog it governs. */
async function readScope(connection: Connection, input: SpecInput, read?: Catalog): Promise<Scoped> {
  const { engine } = connection;
  const spec = isResolved(input)
    ? input
    : resolveSpec(input, { dialect: engine, defaultSchema: connection.defaultSchema });
  // resolveSpec has already refused keys declared on excluded tables.
  const excluded = compileExclude(spec.exclude);
  const referenced = spec.foreignKeys.map((fk) => fk.referencedTable.schema);
  const catalog = read ?? (await readCatalog(connection, spec.schemas, referenced));
  const current = { ...catalog, foreignKeys: catalog.foreignKeys.filter((fk) => !excluded(fk.table)) };
  const unmanaged = catalog.foreignKeys.filter((fk) => excluded(fk.table));
  const scoped = { spec, current, unmanaged, reserved: reservedNames(current, unmanaged), warnings: [] };
  return { ...scoped, warnings: scopeWarnings(scoped, catalog) };
}

function changesFor(scoped: Scoped, connection: Connection): Change[] {
  const { engine } = connection;
  const blocked = engine.planning?.derivedNameBlocked(scoped.current);
  return diff(scoped.current.foreignKeys, scoped.spec.foreignKeys, engine, scoped.reserved, blocked);
}

export interface PlanResult extends Scoped {
  readonly plan: Plan;
  /** Existing rows that would make a step fail (the data check); the plan cannot be applied. */
  readonly dataProblems: readonly Problem[];
}

export interface MakePlanOptions extends PlanOptions {
  /** Look for existing rows that would make an add or a validation fail. */
  readonly checkData: boolean;
  /** How long the data check may wait for a table lock. */
  readonly lockTimeoutMs: number;
  /**
   * The catalog of the spec's schemas (and those it references), already read: a fleet reads every
   * tenant's at once. Absent: read here.
   */
  readonly catalog?: Catalog;
}

/**
 * spec + database → plan. Throws PREFLIGHT_FAILED, listing every problem, when a step could not
 * succeed; rows that would make a step fail are returned in `dataProblems`, beside the whole plan.
 * Nothing is changed here.
 */
export async function makePlan(
  connection: Connection,
  raw: SpecInput,
  options: MakePlanOptions,
): Promise<PlanResult> {
  const { engine } = connection;
  refuseOnline(connection, options.online);
  const scoped = await readScope(connection, raw, options.catalog);
  const changes = changesFor(scoped, connection);
  // Keys on excluded tables are never changed, but they hold names and need their indexes.
  const withUnmanaged: Catalog = {
    ...scoped.current,
    foreignKeys: [...scoped.current.foreignKeys, ...scoped.unmanaged],
  };
  const problems = [
    ...preflight(changes, withUnmanaged, engine, scoped.reserved),
    ...partitionProblems(scoped.spec.foreignKeys, scoped.current),
  ];
  if (problems.length > 0) {
    throw problemsError('PREFLIGHT_FAILED', `${scoped.spec.file}: the plan cannot be applied`, problems);
  }
  // A plan whose main transaction would exhaust the server's lock table runs in several.
  const lockCapacity = options.lockCapacity ?? (await engine.lockCapacity?.(connection));
  const plan = planChanges(changes, withUnmanaged, engine, {
    ...options,
    product: connection.product,
    ...(lockCapacity === undefined ? {} : { lockCapacity }),
  });
  const dataProblems = options.checkData ? await checkData(connection, plan, options.lockTimeoutMs) : [];
  return { ...scoped, plan, dataProblems };
}

/** Online mode where it cannot work is refused, not silently ignored. */
function refuseOnline(connection: Connection, online: boolean): void {
  const { capabilities } = connection.engine;
  if (online && !(capabilities.transactionalDdl && capabilities.notValid)) {
    throw new FkdiffError(
      'USAGE',
      `online mode is not available on ${connection.product}: it adds keys without checking their rows (NOT VALID) and validates them in later transactions, and ${connection.product} has neither NOT VALID keys nor transactional DDL`,
    );
  }
}

/** PREFLIGHT_FAILED when existing rows would make the plan fail, each key with its sample values. */
export function refuseDataProblems(result: PlanResult): void {
  if (result.dataProblems.length > 0) {
    throw problemsError(
      'PREFLIGHT_FAILED',
      `${result.spec.file}: existing rows would make the plan fail`,
      result.dataProblems,
    );
  }
}

/** The spec checked on its own, without a database: against `engine`, by default the first registered. */
export function checkSpecOffline(raw: RawSpec, engine: Engine = offlineEngine()): Spec {
  // The default schema is unknown: govern every schema the file names, and the engine's default.
  const named = raw.tables.flatMap((table) => (table.ref.schema === undefined ? [] : [table.ref.schema]));
  const defaultSchema = engine.offlineSchema ?? named[0] ?? '';
  const schemas = raw.schemas ?? [...new Set([defaultSchema, ...named])];
  return resolveSpec({ ...raw, schemas }, { dialect: engine, defaultSchema });
}

/**
 * The database's keys as spec text, such that a plan of it against the same database is empty.
 * `schemas` default to the connection's current one.
 */
export async function pullSpec(
  connection: Connection,
  schemas: readonly string[],
  split?: SplitBy,
): Promise<{
  readonly text: string;
  /** With `split`: the files of a spec directory (and `text` is empty). */
  readonly files: readonly SpecFileText[];
  readonly foreignKeys: number;
  readonly warnings: readonly string[];
}> {
  const { engine } = connection;
  const governed = schemas.length > 0 ? schemas : [connection.defaultSchema];
  // The keys alone: a spec needs nothing else of the catalog.
  const keys = await readCatalogPart(connection, () => engine.introspectKeys(connection, governed));
  // Rules as the engine understands them: MariaDB reports its default as RESTRICT.
  const foreignKeys = keys.map((fk) => normalizedRules(fk, engine));
  const options = {
    schemas: governed,
    defaultSchema: connection.defaultSchema,
    // Without a schema named, the file follows the URL: one spec for app_dev and app_prod.
    omitSchemas: schemas.length === 0 && engine.capabilities.schemaFromUrl,
  };
  const files = split === undefined ? [] : writeSplitSpec({ foreignKeys }, options, split);
  const text = split === undefined ? writeSpec({ foreignKeys }, options) : '';
  // Only a schema without keys may hold no tables: only those are read further.
  const keyless = governed.filter((schema) => !foreignKeys.some((fk) => fk.table.schema === schema));
  const tables = keyless.length === 0 ? [] : (await readCatalog(connection, keyless, [])).tables;
  const warnings = emptySchemaWarnings(keyless, { tables });
  return { text, files, foreignKeys: foreignKeys.length, warnings };
}

/** A schema named but holding no table is most likely mistyped, or does not exist. */
function emptySchemaWarnings(schemas: readonly string[], catalog: Pick<Catalog, 'tables'>): string[] {
  const held = new Set(catalog.tables.map((table) => table.ref.schema));
  return schemas
    .filter((schema) => !held.has(schema))
    .map(
      (schema) =>
        `schema ${displayName(schema)} holds no tables: check that it exists and is spelled as stored`,
    );
}

/** What the spec does that is probably not what its author meant; the plan goes ahead. */
function scopeWarnings(scoped: Scoped, everyTable: Catalog): string[] {
  const { spec, current } = scoped;
  const unmatched = spec.exclude
    .filter((pattern) => !everyTable.tables.some((table) => compileExclude([pattern])(table.ref)))
    .map((pattern) => `${spec.file}: exclude pattern ${quotedValue(pattern)} matches no table`);
  const dropsAll =
    spec.foreignKeys.length === 0 && current.foreignKeys.length > 0
      ? [
          `${spec.file} declares no foreign keys: the plan drops every one of the ${countOf(current.foreignKeys.length, 'key')} in ${spec.schemas.map(displayName).join(', ')}`,
        ]
      : [];
  return [...unmatched, ...dropsAll, ...emptySchemaWarnings(spec.schemas, everyTable)];
}

export interface ModelsOptions {
  /** The module's name, for messages and as the spec's file. */
  readonly module: string;
  /** Also declare the keys of associations with `constraints: false`. */
  readonly includeUnconstrained: boolean;
}

/** The keys of a Sequelize instance's models, as `sync()` creates them on this connection's engine. */
export function specFromModels(
  connection: Connection,
  sequelize: Sequelize,
  options: ModelsOptions,
): RawSpec {
  return modelsSpec(sequelize, {
    ...options,
    engine: connection.engine,
    defaultSchema: connection.defaultSchema,
  });
}

/** `pullSpec` for models: their keys as spec text, such that a plan of it after `sync()` is empty. */
export function pullModels(
  connection: Connection,
  raw: SpecInput,
): { readonly text: string; readonly foreignKeys: number } {
  const spec = isResolved(raw)
    ? raw
    : resolveSpec(raw, { dialect: connection.engine, defaultSchema: connection.defaultSchema });
  const foreignKeys = spec.foreignKeys.map(({ source: _source, ...fk }) => fk);
  const { defaultSchema } = connection;
  const text = writeSpec(
    { foreignKeys },
    {
      schemas: spec.schemas,
      defaultSchema,
      // As pull writes it: a spec of the URL's database names none (MySQL), so it serves every copy.
      omitSchemas:
        connection.engine.capabilities.schemaFromUrl &&
        spec.schemas.length === 1 &&
        spec.schemas[0] === defaultSchema,
    },
  );
  return { text, foreignKeys: foreignKeys.length };
}

/** After apply: the database must now match the spec exactly. */
export async function verify(connection: Connection, raw: SpecInput): Promise<void> {
  const remaining = changesFor(await readScope(connection, raw), connection);
  if (remaining.length > 0) {
    const what = remaining.map((change) => change.kind).join(', ');
    throw new FkdiffError(
      'VERIFY_FAILED',
      `the database does not match the spec after apply: ${countOf(remaining.length, 'change')} still pending (${what}); run plan to see them`,
    );
  }
}

export interface ApplySpecOptions extends MakePlanOptions {
  /** How long to wait for another apply's lock (engines that need one). */
  readonly lockWaitMs: number;
  /** How long one step may run, wall clock (undefined: no bound; a long VALIDATE is not cut short). */
  readonly stepTimeoutMs?: number;
  /** Hazards to refuse, on top of the spec's `policy.denyHazards`. */
  readonly denyHazards: readonly HazardCode[];
  /** Apply exactly this saved plan: refused if the database or the spec moved on since. */
  readonly savedPlan?: SavedPlan;
  /** Told the plan before anything runs (an empty plan too). */
  readonly onPlan?: (result: PlanResult) => void;
  /** Asked before a non-empty plan runs; false cancels (APPLY_REFUSED). Absent: no question. */
  readonly confirm?: (result: PlanResult) => Promise<boolean>;
  readonly onEvent?: (event: ApplyEvent) => void;
  /** Told when another apply holds the lock, before waiting for it; the plan is made after. */
  readonly onLockWait?: (wait: LockWait) => void;
  /**
   * Lock only this schema of the database (a fleet's tenant, whose spec governs that schema alone):
   * applies to other schemas run beside this one.
   */
  readonly lockSchema?: string;
}

export interface ApplyOutcome {
  readonly result: PlanResult;
  readonly applied: ApplyResult;
  readonly elapsedMs: number;
}

function refuseStale(saved: SavedPlan, plan: Plan): void {
  const difference = savedPlanDifference(saved, plan);
  if (difference !== undefined) {
    throw new FkdiffError(
      'PLAN_STALE',
      `${saved.file} no longer matches: ${difference}; the database or the spec changed since it was made, or the file was edited: run plan again`,
    );
  }
}

function refuseDenied(plan: Plan, denied: ReadonlySet<HazardCode>): void {
  const refused = plan.steps.flatMap((step) =>
    step.hazards
      .filter((hazard) => denied.has(hazard.code))
      .map((hazard) => `${hazard.code}: ${hazard.message}`),
  );
  if (refused.length > 0) {
    throw new FkdiffError(
      'HAZARD_DENIED',
      `refusing to apply: the plan holds denied hazards: ${refused.join('; ')}`,
    );
  }
}

/**
 * Makes the database match the spec: under the apply lock, plan (refusing a stale saved plan and
 * denied hazards), ask, run the steps, and verify that the next plan is empty.
 */
export function applySpec(
  connection: Connection,
  raw: SpecInput,
  options: ApplySpecOptions,
): Promise<ApplyOutcome> {
  return withApplyLock(
    connection,
    options.lockWaitMs,
    async () => {
      const result = await makePlan(connection, raw, {
        ...options,
        online: options.savedPlan?.online ?? options.online,
      });
      const { savedPlan } = options;
      if (savedPlan !== undefined) refuseStale(savedPlan, result.plan);
      // A saved plan runs its own statements, now known to be step for step the fresh plan's.
      const plan = savedPlan === undefined ? result.plan : savedSteps(savedPlan, result.plan);
      options.onPlan?.(result);
      refuseDataProblems(result);
      if (plan.steps.length === 0) return { result, applied: { applied: 0, total: 0 }, elapsedMs: 0 };
      refuseDenied(plan, new Set([...options.denyHazards, ...result.spec.denyHazards]));
      if (options.confirm !== undefined && !(await options.confirm(result))) {
        throw new FkdiffError('APPLY_REFUSED', 'apply cancelled: nothing was changed');
      }
      const started = Date.now();
      const applied = await applySteps(connection, plan, {
        lockTimeoutMs: options.lockTimeoutMs,
        ...(options.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: options.stepTimeoutMs }),
        ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      }).catch(async (error: unknown) => {
        // Still under the apply lock: nobody else changes the keys while they are read again.
        const replan = async (): Promise<Plan> =>
          (await makePlan(connection, raw, { ...options, online: plan.online, checkData: false })).plan;
        throw await afterFault(connection, plan, error, replan);
      });
      await verify(connection, raw);
      return { result, applied, elapsedMs: Date.now() - started };
    },
    options.onLockWait,
    options.lockSchema,
  );
}

export interface ReviewOptions {
  /** The dialect of the SQL and of the rules the specs are checked against. */
  readonly engine: Engine;
  /** Hazards to refuse, on top of the head's `policy.denyHazards`. */
  readonly denyHazards: readonly HazardCode[];
}

function reviewSide(
  file: string,
  ref: string | undefined,
  text: string | undefined,
  engine: Engine,
): ReviewSide {
  if (text === undefined) return { file, ref, text, raw: undefined, spec: undefined };
  const raw = parseSpec(text, file);
  return { file, ref, text, raw, spec: checkSpecOffline(raw, engine) };
}

/** A spec on disk (a file, `include:`, a directory) as one side of a review, with each file's text. */
async function loadedReviewSide(file: string, engine: Engine): Promise<ReviewSide> {
  const texts = new Map<string, string>();
  const raw = await loadSpec(file, async (path) => {
    const text = (await readSpecText(path, false)) ?? '';
    texts.set(path, text);
    return text;
  });
  return { file, ref: undefined, text: texts.get(file), texts, raw, spec: checkSpecOffline(raw, engine) };
}

/** Two spec files compared without a database (`fkdiff review BASE HEAD`). */
export async function reviewFiles(
  baseFile: string,
  headFile: string,
  options: ReviewOptions,
): Promise<Review> {
  const head = await loadedReviewSide(headFile, options.engine);
  const base = await loadedReviewSide(baseFile, options.engine);
  return reviewSpecs({ base, head, engine: options.engine, denyHazards: options.denyHazards });
}

/**
 * The spec as it is at a git ref compared with the working tree's (a review against a base ref).
 * A spec added or deleted in the branch is reviewed as all keys added or all dropped.
 */
export async function reviewAtRef(ref: string, file: string, options: ReviewOptions): Promise<Review> {
  const headText = await readSpecText(file, true);
  const baseText = await readAtRef(file, ref);
  if (headText === undefined && baseText === undefined) {
    throw new FkdiffError('SPEC_NOT_FOUND', `${file}: no such file in the working tree, nor at ${ref}`);
  }
  const head = reviewSide(file, undefined, headText, options.engine);
  const base = reviewSide(`${ref}:${file}`, ref, baseText, options.engine);
  return reviewSpecs({ base, head, engine: options.engine, denyHazards: options.denyHazards });
}

/** The keys a spec declares, as a graph (with the tables it declares but keys none of). */
export function specGraph(raw: RawSpec): KeyGraph {
  const engine = offlineEngine();
  const spec = checkSpecOffline(raw, engine);
  const keys = diff([], spec.foreignKeys, engine).flatMap((change) =>
    change.kind === 'add' ? [change.fk] : [],
  );
  return keyGraph(keys.map((fk) => ({ fk, status: 'unchanged' as const })));
}

/** The keys of the connection's current schema, as a graph with every table of it. */
export async function databaseGraph(connection: Connection): Promise<KeyGraph> {
  const catalog = await connection.engine.introspect(connection, [connection.defaultSchema], []);
  return keyGraph(
    catalog.foreignKeys.map((fk) => ({ fk, status: 'unchanged' as const })),
    catalog.tables.map((table) => table.ref),
  );
}
