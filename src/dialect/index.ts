import type { DialectName } from '../model/catalog.js';
import type { Dialect } from './dialect.js';
import { CURRENT_SCHEMA_SQL, SET_LOCK_TIMEOUT_SQL } from './postgres/catalog-sql.js';
import { postgresDialect } from './postgres/index.js';
import {
  ACQUIRE_LOCK_SQL,
  applyLockName,
  CURRENT_DATABASE_SQL,
  RELEASE_LOCK_SQL,
  SET_LOCK_WAIT_TIMEOUT_SQL,
} from './mysql/catalog-sql.js';
import { lockWaitSeconds, mysqlDialect } from './mysql/index.js';

export type { Dialect, DialectCapabilities } from './dialect.js';

export function dialectFor(name: DialectName): Dialect {
  switch (name) {
    case 'postgres':
      return postgresDialect;
    case 'mysql':
      return mysqlDialect;
  }
}

/** Statements the connection layer runs when it connects. */
export interface SessionSql {
  /** One row: `schema` (the default schema) and `version`. */
  readonly currentSchema: string;
}

export function sessionSql(name: DialectName): SessionSql {
  switch (name) {
    case 'postgres':
      return { currentSchema: CURRENT_SCHEMA_SQL };
    case 'mysql':
      return { currentSchema: CURRENT_DATABASE_SQL };
  }
}

/** Statements the apply stage runs around the plan's steps; values travel as binds. */
export interface LockSql {
  /** Bounds how long a statement waits for a table lock; bind `$1` = lockTimeoutValue(ms). */
  readonly lockTimeout: string;
  readonly lockTimeoutValue: (milliseconds: number) => string | number;
  /** A named lock held for the whole apply (`$1` name, `$2` seconds to wait; returns `acquired`). */
  readonly acquire: string | undefined;
  readonly release: string | undefined;
  /** The named lock's name for a database, within the server's length limit. */
  readonly lockName: (database: string) => string;
}

export function lockSql(name: DialectName): LockSql {
  switch (name) {
    case 'postgres':
      // Transaction-scoped: it ends with the transaction that set it.
      return {
        lockTimeout: SET_LOCK_TIMEOUT_SQL,
        lockTimeoutValue: (ms) => `${ms}ms`,
        acquire: undefined,
        release: undefined,
        lockName: (database) => `fkdiff:${database}`,
      };
    case 'mysql':
      return {
        lockTimeout: SET_LOCK_WAIT_TIMEOUT_SQL,
        lockTimeoutValue: lockWaitSeconds,
        acquire: ACQUIRE_LOCK_SQL,
        release: RELEASE_LOCK_SQL,
        lockName: applyLockName,
      };
  }
}
