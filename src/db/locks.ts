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

/** The apply lock was taken by someone else: this apply waits for it. */
export interface LockWait {
  readonly lock: string;
  /** Who holds it, as the server says; undefined when it does not. */
  readonly holder: string | undefined;
  readonly waitMs: number;
}

/**
 * Runs `work` (plan, ask, apply, verify) while holding the database's named apply lock on one
 * dedicated session, which the pool neither hands to anyone else nor closes while `work` runs (a
 * prompt left open included). A waiter plans only once it has the lock, so it plans against what
 * the other apply left. An embedded database is this process's alone and needs no lock.
 */
export async function withApplyLock<T>(
  connection: Connection,
  lockWaitMs: number,
  work: () => Promise<T>,
  onWait?: (wait: LockWait) => void,
): Promise<T> {
  const { dedicated } = connection;
  if (dedicated === undefined) return work();
  const lock = connection.engine.session.applyLock;
  const name = lock.name(connection.database);
  return dedicated(async (session) => {
    if (!(await lock.acquire(session, name, 0))) {
      const holder = await lock.holder(connection, name).catch(() => undefined);
      onWait?.({ lock: name, holder, waitMs: lockWaitMs });
      if (lockWaitMs <= 0 || !(await lock.acquire(session, name, lockWaitMs))) {
        const now = await lock.holder(connection, name).catch(() => undefined);
        throw new FkdiffError(
          'LOCK_TIMEOUT',
          `another fkdiff apply holds the lock "${name}" on ${connection.display}${
            (now ?? holder) === undefined ? '' : ` (${now ?? holder})`
          }; waited ${lockWaitMs} ms: nothing was changed`,
          { settings: ['lockWait'] },
        );
      }
    }
    try {
      return await work();
    } finally {
      await lock.release(session, name).catch(() => undefined);
    }
  });
}
