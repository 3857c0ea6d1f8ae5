/**
 * PostgreSQL's lock table: shared by every session, sized max_locks_per_transaction ×
 * (max_connections + max_prepared_transactions) entries. A transaction that locks more relations than
 * are free fails with "out of shared memory" part-way, so a plan's main transaction is split into
 * transactions that each lock at most `tablesPerTransaction` tables.
 */
import type { LockCapacity, Session } from '../engine.js';
import { LOCK_TABLE_SQL } from './catalog-sql.js';

/** Each ALTER TABLE … FOREIGN KEY locks a table and the table it references, and an index of each. */
const LOCKS_PER_TABLE = 2;
/** Leave half of the shared table to the other sessions. */
const SHARE_OF_LOCK_TABLE = 0.5;

export function tablesPerTransaction(maxLocks: number, slots: number): number {
  return Math.max(1, Math.floor((maxLocks * slots * SHARE_OF_LOCK_TABLE) / LOCKS_PER_TABLE));
}

export async function lockCapacity(session: Session): Promise<LockCapacity | undefined> {
  // Drivers may return the integers as numbers or as text.
  const [row] = await session.select<{
    max_locks: number | string;
    max_connections: number | string;
    max_prepared: number | string;
  }>(LOCK_TABLE_SQL);
  if (row === undefined) return undefined;
  const slots = Number(row.max_connections) + Number(row.max_prepared);
  return {
    tablesPerTransaction: tablesPerTransaction(Number(row.max_locks), slots),
    basis: `max_locks_per_transaction = ${String(row.max_locks)}, max_connections = ${String(row.max_connections)}, max_prepared_transactions = ${String(row.max_prepared)}`,
  };
}
