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
 * the other apply left. With `schema`, only that schema of the database is locked (a fleet's tenant).
 * An embedded database is this process's alone and needs no lock.
 */
export async function withApplyLock<T>(
  connection: Connection,
  lockWaitMs: number,
  work: () => Promise<T>,
  onWait?: (wait: LockWait) => void,
  schema?: string,
): Promise<T> {
  const { dedicated } = connection;
  if (dedicated === undefined) return work();
  const rules = connection.engine.session.applyLock;
  const lock = rules.name(connection.database, schema);
  const { name } = lock;
  /** Who holds the lock itself, else who holds the database-wide one it shares. */
  const holder = async (): Promise<string | undefined> => {
    const own = await rules.holder(connection, name).catch(() => undefined);
    if (own !== undefined || lock.shared === undefined) return own;
    return rules.holder(connection, lock.shared).catch(() => undefined);
  };
  return dedicated(async (session) => {
    if (!(await rules.acquire(session, lock, 0))) {
      const before = await holder();
      onWait?.({ lock: name, holder: before, waitMs: lockWaitMs });
      if (lockWaitMs <= 0 || !(await rules.acquire(session, lock, lockWaitMs))) {
        const now = await holder();
        throw new FkdiffError(
          'LOCK_TIMEOUT',
          `another fkdiff apply holds the lock "${name}" on ${connection.display}${
            (now ?? before) === undefined ? '' : ` (${now ?? before})`
          }; waited ${lockWaitMs} ms: nothing was changed`,
          { settings: ['lockWait'] },
        );
      }
    }
    try {
      return await work();
    } finally {
      await rules.release(session, lock).catch(() => undefined);
    }
  });
}
