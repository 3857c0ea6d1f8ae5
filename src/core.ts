import { readFile } from 'node:fs/promises';
import { driverMessage, isLockTimeout, type Connection } from './db/connection.js';
import { diff } from './diff/diff.js';
import { FkdiffError, problemsError } from './errors.js';
import { introspect } from './introspect/index.js';
import type { Change } from './model/change.js';
import { reservedNames, type Catalog, type ForeignKey, type ReservedName } from './model/catalog.js';
import type { Plan } from './model/plan.js';
import { planChanges, type PlanOptions } from './plan/plan.js';
import { withLockTimeout } from './db/locks.js';
import { checkData } from './plan/data-check.js';
import { partitionProblems, preflight } from './plan/preflight.js';
import { compileExclude, parseSpec, resolveSpec, writeSpec, type RawSpec, type Spec } from './spec/index.js';

/** Reads and parses a spec file; every problem in it is reported at once (SPEC_SYNTAX, SPEC_INVALID). */
export async function loadSpecFile(file: string): Promise<RawSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new FkdiffError('SPEC_NOT_FOUND', `${file}: cannot read the spec (${reason})`, { cause: error });
  }
  return parseSpec(text, file);
}

/** The database's keys split into those the spec manages and those on excluded tables. */
export interface Scoped {
  readonly spec: Spec;
  /** Every table of the governed and referenced schemas; only the managed keys. */
  readonly current: Catalog;
  readonly unmanaged: readonly ForeignKey[];
  /** Names managed keys cannot take: keys on excluded tables, other constraints. */
  readonly reserved: readonly ReservedName[];
}

/** Resolves the spec for this connection and reads the catalog it governs. */
async function readScope(connection: Connection, raw: RawSpec): Promise<Scoped> {
  const spec = resolveSpec(raw, { dialect: connection.dialect, defaultSchema: connection.defaultSchema });
  // resolveSpec has already refused keys declared on excluded tables.
  const excluded = compileExclude(spec.exclude);
  const referenced = spec.foreignKeys.map((fk) => fk.referencedTable.schema);
  const catalog = await introspect(connection, spec.schemas, referenced);
  const current = { ...catalog, foreignKeys: catalog.foreignKeys.filter((fk) => !excluded(fk.table)) };
  const unmanaged = catalog.foreignKeys.filter((fk) => excluded(fk.table));
  return { spec, current, unmanaged, reserved: reservedNames(current, unmanaged) };
}

function changesFor(scoped: Scoped, dialect: Connection['dialect']): Change[] {
  return diff(scoped.current.foreignKeys, scoped.spec.foreignKeys, dialect, scoped.reserved);
}

export interface PlanResult extends Scoped {
  readonly plan: Plan;
}

export interface MakePlanOptions extends PlanOptions {
  /** Look for existing rows that would make an add or a validation fail. */
  readonly checkData: boolean;
  /** How long the data check may wait for a table lock. */
  readonly lockTimeoutMs: number;
}

/**
 * spec + database → plan. Throws PREFLIGHT_FAILED, listing every problem, when a step could not
 * succeed; nothing is changed here.
 */
export async function makePlan(
  connection: Connection,
  raw: RawSpec,
  options: MakePlanOptions,
): Promise<PlanResult> {
  const scoped = await readScope(connection, raw);
  const changes = changesFor(scoped, connection.dialect);
  // Keys on excluded tables are never changed, but they hold names and need their indexes.
  const everything: Catalog = {
    ...scoped.current,
    foreignKeys: [...scoped.current.foreignKeys, ...scoped.unmanaged],
  };
  const problems = [
    ...preflight(changes, everything, connection.dialect, scoped.reserved),
    ...partitionProblems(scoped.spec.foreignKeys, scoped.current),
  ];
  if (problems.length > 0) {
    throw problemsError('PREFLIGHT_FAILED', `${scoped.spec.file}: the plan cannot be applied`, problems);
  }
  const plan = planChanges(changes, everything, connection.dialect, options);
  const dataProblems = options.checkData
    ? await checkDataWithin(connection, plan, options.lockTimeoutMs)
    : [];
  if (dataProblems.length > 0) {
    throw problemsError(
      'PREFLIGHT_FAILED',
      `${scoped.spec.file}: existing rows would make the plan fail`,
      dataProblems,
    );
  }
  return { ...scoped, plan };
}

async function checkDataWithin(connection: Connection, plan: Plan, lockTimeoutMs: number) {
  try {
    return await withLockTimeout(connection, lockTimeoutMs, (session) =>
      checkData(session, connection.dialect, plan),
    );
  } catch (error) {
    if (!isLockTimeout(error)) {
      throw new FkdiffError(
        'SQL_FAILED',
        `the data check failed: ${driverMessage(error)}; nothing was changed (pass --no-check-data to skip the check)`,
        { cause: error },
      );
    }
    throw new FkdiffError(
      'LOCK_TIMEOUT',
      `the data check waited longer than the lock timeout (${lockTimeoutMs} ms) for a table another session has locked: retry, raise --lock-timeout, or pass --no-check-data`,
      { cause: error },
    );
  }
}

/**
 * The database's keys as spec text, such that a plan of it against the same database is empty.
 * `schemas` default to the connection's current one.
 */
export async function pullSpec(
  connection: Connection,
  schemas: readonly string[],
): Promise<{ readonly text: string; readonly foreignKeys: number }> {
  const governed = schemas.length > 0 ? schemas : [connection.defaultSchema];
  const catalog = await introspect(connection, governed);
  // Rules as the engine understands them: MariaDB reports its default as RESTRICT.
  const { dialect } = connection;
  const foreignKeys = catalog.foreignKeys.map((fk) => ({
    ...fk,
    onDelete: dialect.normalizeAction(fk.onDelete),
    onUpdate: dialect.normalizeAction(fk.onUpdate),
  }));
  const text = writeSpec(
    { ...catalog, foreignKeys },
    { schemas: governed, defaultSchema: connection.defaultSchema },
  );
  return { text, foreignKeys: foreignKeys.length };
}

/** After apply: the database must now match the spec exactly. */
export async function verify(connection: Connection, raw: RawSpec): Promise<void> {
  const scoped = await readScope(connection, raw);
  const remaining = changesFor(scoped, connection.dialect);
  if (remaining.length > 0) {
    const what = remaining.map((change) => change.kind).join(', ');
    throw new FkdiffError(
      'VERIFY_FAILED',
      `the database does not match the spec after apply: ${remaining.length === 1 ? '1 change' : `${remaining.length} changes`} still pending (${what}); run plan to see them`,
    );
  }
}
