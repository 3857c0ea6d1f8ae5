import type { Connection, Session } from '../db/connection.js';
import { lockSql } from '../dialect/index.js';

/**
 * Runs `work` so that no statement waits longer than `lockTimeoutMs` for a table lock: in a
 * transaction where DDL is transactional (the setting ends with it), else for the session.
 */
export async function withLockTimeout<T>(
  connection: Connection,
  lockTimeoutMs: number,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const sql = lockSql(connection.dialect.name);
  const value = sql.lockTimeoutValue(lockTimeoutMs);
  if (connection.dialect.capabilities.transactionalDdl) {
    return connection.transaction(async (session) => {
      await session.execute(sql.lockTimeout, [value]);
      return work(session);
    });
  }
  await connection.execute(sql.lockTimeout, [value]);
  return work(connection);
}
