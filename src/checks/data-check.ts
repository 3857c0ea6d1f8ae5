/** The data check: rows that would make an add or a validation fail, found before anything runs. */
import { driverMessage, type Connection, type Session } from '../db/connection.js';
import { withLockTimeout } from '../db/locks.js';
import type { Engine } from '../engines/engine.js';
import { FkdiffError, type Problem } from '../errors.js';
import { countOf, keyLabel, tableLabel } from '../labels.js';
import { displayColumns, escapeUnsafe } from '../render/display.js';
import { changeSource, type Change } from '../model/change.js';
import { isPeriod, type ForeignKey } from '../model/catalog.js';
import type { Plan } from '../model/plan.js';

/** Counting stops past this many violating rows per key. */
const ORPHAN_LIMIT = 1000;

/**
 * Keys per query. PostgreSQL takes time growing with the square of the number of UNION ALL
 * branches to plan the query, and JIT-compiles it once its estimated cost passes jit_above_cost:
 * 559 keys on empty tables took 3 s in one query, 0.1 s in queries of 50.
 */
const KEYS_PER_QUERY = 50;

interface CheckedKey {
  readonly fk: ForeignKey;
  readonly change: Change;
}

/** The keys whose existing rows a step of the plan checks. */
function checkedKeys(plan: Plan): CheckedKey[] {
  return plan.steps.flatMap((step): CheckedKey[] => {
    const { action, change } = step;
    switch (action.kind) {
      case 'add':
        return action.notValid ? [] : [{ fk: action.fk, change }];
      case 'validate':
        return [{ fk: action.fk, change }];
      case 'alter':
        // ALTER CONSTRAINT … ENFORCED checks every row, as a validation does.
        return action.enforced === true ? [{ fk: { ...action.fk, enforced: true }, change }] : [];
      case 'drop':
      case 'rename':
      case 'drop-index':
        return [];
    }
  });
}

/** Sample key values shown per key. */
const SAMPLE_LIMIT = 5;

/** A key value as a message shows it: `7`, `(7, 'x')`, each value escaped and cut. */
function keyValue(row: Readonly<Record<string, unknown>>, width: number): string {
  const values = Array.from({ length: width }, (_, i) => {
    const value = row[`k${i}`];
    if (typeof value === 'string')
      return `'${escapeUnsafe(value.length > 40 ? `${value.slice(0, 40)}…` : value)}'`;
    return escapeUnsafe(String(value));
  });
  return width === 1 ? (values[0] ?? '') : `(${values.join(', ')})`;
}

function orphanProblem(
  { fk, change }: CheckedKey,
  orphans: number,
  samples: readonly string[],
  engine: Engine,
): Problem {
  const many = orphans > ORPHAN_LIMIT;
  const count = many ? `more than ${ORPHAN_LIMIT} rows` : countOf(orphans, 'row');
  const verb = !many && orphans === 1 ? 'matches' : 'match';
  return {
    message: `${keyLabel(fk)}: ${count} of ${tableLabel(fk.table)} (${displayColumns(fk.columns)}) ${verb} no row of ${tableLabel(fk.referencedTable)}${isPeriod(fk) ? ' whose periods cover theirs' : ''}; fix the data${orphanHint(fk, change, engine)}`,
    source: changeSource(change),
    settings: ['checkData'],
    detail: [
      `values: ${samples.join(', ')}${samples.length === SAMPLE_LIMIT ? ', …' : ''}`,
      `every such row: ${escapeUnsafe(engine.orphanRowsSql(fk, { kind: 'all' }))};`,
    ],
  };
}

/**
 * What else gets past the orphans: NOT VALID where the key could be added so, unless the spec
 * already says it (a partitioned table before PostgreSQL 18 cannot take a NOT VALID key).
 */
function orphanHint(fk: ForeignKey, change: Change, engine: Engine): string {
  if (!engine.capabilities.notValid) return '';
  if (!fk.validated) {
    return ' (notValid: true does not help here: before PostgreSQL 18 a key on a partitioned table is added validated)';
  }
  if (change.kind === 'alter') return ', or keep it enforced: false';
  return ', or declare notValid: true';
}

async function sampleValues(session: Session, engine: Engine, fk: ForeignKey): Promise<string[]> {
  const rows = await session.select<Record<string, unknown>>(
    engine.orphanRowsSql(fk, { kind: 'sample', limit: SAMPLE_LIMIT }),
  );
  return rows.map((row) => keyValue(row, fk.columns.length));
}

async function countOrphans(
  session: Session,
  engine: Engine,
  keys: readonly CheckedKey[],
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (let start = 0; start < keys.length; start += KEYS_PER_QUERY) {
    const batch = keys.slice(start, start + KEYS_PER_QUERY);
    const rows = await session.select<{ position: number | string; orphans: number | string }>(
      engine.orphanCountSql(
        batch.map((key) => key.fk),
        ORPHAN_LIMIT,
      ),
    );
    for (const row of rows) {
      const key = batch[Number(row.position)];
      const orphans = Number(row.orphans);
      if (key === undefined || orphans === 0) continue;
      problems.push(orphanProblem(key, orphans, await sampleValues(session, engine, key.fk), engine));
    }
  }
  return problems;
}

/**
 * Rows that would make an add or a validation fail: one query per 50 keys, none of them waiting
 * longer than `lockTimeoutMs` for a table lock.
 */
export async function checkData(
  connection: Connection,
  plan: Plan,
  lockTimeoutMs: number,
): Promise<Problem[]> {
  const keys = checkedKeys(plan);
  if (keys.length === 0) return [];
  try {
    return await withLockTimeout(connection, lockTimeoutMs, (session) =>
      countOrphans(session, connection.engine, keys),
    );
  } catch (error) {
    if (!connection.engine.session.isLockTimeout(error)) {
      throw new FkdiffError(
        'SQL_FAILED',
        `the data check failed: ${driverMessage(error)}; nothing was changed`,
        {
          cause: error,
          settings: ['checkData'],
        },
      );
    }
    throw new FkdiffError(
      'LOCK_TIMEOUT',
      `the data check waited longer than the lock timeout (${lockTimeoutMs} ms) for a table another session has locked: retry later`,
      { cause: error, settings: ['lockTimeout', 'checkData'] },
    );
  }
}
