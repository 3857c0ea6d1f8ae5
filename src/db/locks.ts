import { FkdiffError } from '../errors.js';
import type { Connection, Session } from './connection.js';

/**
 * Runs `work` so that no statement waits longer than `lockTimeoutMs` for a table lock: in a
 * transaction where DDL is transactional (the setting ends with it), else for the session.
 */
export async function withLockTimeout<T>(
  connection: Connection,
  lockTimeoutMs: number,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const rules = connection.engine.session;
  const value = rules.lockTimeoutValue(lockTimeoutMs);
  if (connection.engine.capabilities.transactionalDdl) {
    return connection.transaction(async (session) => {
      await session.execute(rules.lockTimeoutSql, [value]);
      return work(session);
    });
  }
  await connection.execute(rules.lockTimeoutSql, [value]);
  return work(connection);
}

/**
 * Runs `work` (plan, apply, verify) while holding the database's named apply lock, where the engine
 * needs one (MySQL: DDL commits statement by statement, so two applies must never interleave). The
 * plan is made under the lock, so it cannot be stale when it runs.
 */
export async function withApplyLock<T>(
  connection: Connection,
  lockWaitMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const lock = connection.engine.session.applyLock;
  if (lock === undefined) return work();
  const lockName = lock.name(connection.defaultSchema);
  const [row] = await connection.select<{ acquired: number | string | null }>(lock.acquireSql, [
    lockName,
    Math.ceil(lockWaitMs / 1000),
  ]);
  if (Number(row?.acquired) !== 1) {
    throw new FkdiffError(
      'LOCK_TIMEOUT',
      `another fkdiff apply holds the lock "${lockName}" on ${connection.display}; waited ${lockWaitMs} ms`,
      { settings: ['lockWait'] },
    );
  }
  try {
    return await work();
  } finally {
    await connection.select(lock.releaseSql, [lockName]).catch(() => undefined);
  }
}
