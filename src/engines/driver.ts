/** What both engines' driver sessions share: errors wrapped as Sequelize wraps them, transactions. */
import type { Session } from './engine.js';

/**
 * A driver's error with the driver's own error as `original`, as Sequelize's DatabaseError and
 * ConnectionError carry it: the engines' `isLockTimeout`, `isServerError` and the connection's
 * messages read one shape whichever way a command connected.
 */
export class DriverError extends Error {
  readonly original: unknown;

  constructor(original: unknown) {
    super(original instanceof Error ? original.message : String(original), { cause: original });
    this.name = 'DriverError';
    this.original = original;
  }
}

/** `work`'s result, or its failure as a DriverError. */
export async function wrapped<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw error instanceof DriverError ? error : new DriverError(error);
  }
}

/** The statements that open and close a transaction on the engine's session. */
export interface TransactionSql {
  readonly begin: string;
  readonly commit: string;
  readonly rollback: string;
}

/**
 * Runs `work` between `begin` and `commit` on `session`; rolls back when it fails and rethrows its
 * error (a rollback that fails too, on a lost connection, does not hide it).
 */
export async function inTransaction<T>(
  session: Session,
  sql: TransactionSql,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  await session.execute(sql.begin);
  let result: T;
  try {
    result = await work(session);
  } catch (error) {
    await session.execute(sql.rollback).catch(() => undefined);
    throw error;
  }
  await session.execute(sql.commit);
  return result;
}
