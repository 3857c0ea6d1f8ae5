/** How fkdiff connects to PostgreSQL and how its sessions behave. */
import type { Options as SequelizeOptions } from 'sequelize';
import type { ApplyLockRules, SequelizeRules, ServerSettings, SessionRules, UrlRules } from '../engine.js';
import {
  APPLY_LOCK_HOLDER_SQL,
  CURRENT_SCHEMA_SQL,
  SCHEMAS_SQL,
  SET_LOCK_TIMEOUT_SQL,
  TRY_APPLY_LOCK_SQL,
  TRY_SHARED_APPLY_LOCK_SQL,
  WAIT_APPLY_LOCK_SQL,
  WAIT_SHARED_APPLY_LOCK_SQL,
} from './catalog-sql.js';
import { pgpassPassword, readPostgresUrl } from './url.js';

export const urlRules: UrlRules = {
  schemes: ['postgres:', 'postgresql:'],
  defaultPort: 5432,
  defaultUser: 'postgres',
  // As libpq: the database defaults to the user's name.
  defaultDatabase: (user) => user,
  example: 'postgres://user@host/app',
  read: readPostgresUrl,
  storedPassword: pgpassPassword,
};

/** SQLSTATE 55P03 lock_not_available: lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

const isLockTimeout = (error: unknown): boolean =>
  (error as { original?: { code?: unknown } } | undefined)?.original?.code === LOCK_NOT_AVAILABLE;

/**
 * An advisory lock of the dedicated session's transaction: two applies of different specs to one
 * database would otherwise both plan from the same catalog and leave keys matching neither.
 */
const applyLock: ApplyLockRules = {
  // Advisory locks belong to the current database, so the schema's name alone would do; the
  // database's name keeps the name readable where deploy scripts look for it.
  name: (database, schema) =>
    schema === undefined
      ? { name: `fkdiff:${database}` }
      : { name: `fkdiff:${database}:${schema}`, shared: `fkdiff:${database}` },
  async acquire(session, { name, shared }, waitMs) {
    if (waitMs <= 0) {
      for (const [sql, key] of [
        ...(shared === undefined ? [] : [[TRY_SHARED_APPLY_LOCK_SQL, shared] as const]),
        [TRY_APPLY_LOCK_SQL, name] as const,
      ]) {
        const [row] = await session.select<{ acquired: boolean }>(sql, [key]);
        if (row?.acquired !== true) return false;
      }
      return true;
    }
    await session.select(SET_LOCK_TIMEOUT_SQL, [`${Math.ceil(waitMs)}ms`]);
    try {
      if (shared !== undefined) await session.select(WAIT_SHARED_APPLY_LOCK_SQL, [shared]);
      await session.select(WAIT_APPLY_LOCK_SQL, [name]);
      return true;
    } catch (error) {
      if (isLockTimeout(error)) return false;
      throw error;
    }
  },
  // Released when the dedicated session's transaction ends.
  release: () => Promise.resolve(),
  async holder(session, name) {
    const [row] = await session.select<{ pid: number; who: string; application: string }>(
      APPLY_LOCK_HOLDER_SQL,
      [name],
    );
    if (row === undefined) return undefined;
    return `pid ${row.pid}, ${row.who}${row.application === '' ? '' : `, ${row.application}`}`;
  },
};

export const sessionRules: SessionRules = {
  infoSql: CURRENT_SCHEMA_SQL,
  schemasSql: SCHEMAS_SQL,
  // Transaction-scoped: it ends with the transaction that set it.
  lockTimeoutSql: SET_LOCK_TIMEOUT_SQL,
  lockTimeoutValue: (milliseconds) => `${milliseconds}ms`,
  isLockTimeout,
  // The server's errors carry a severity and a SQLSTATE; a lost socket carries neither.
  isServerError: (error) => {
    const original = (error as { original?: { code?: unknown; severity?: unknown } } | undefined)?.original;
    return typeof original?.severity === 'string' && /^[0-9A-Z]{5}$/u.test(String(original.code));
  },
  applyLock,
};

/** `pg`'s client options beyond where to connect, whether Sequelize or fkdiff opens the client. */
export function driverConfig(settings: ServerSettings, connectTimeoutMs: number): Record<string, unknown> {
  return {
    connectionTimeoutMillis: connectTimeoutMs,
    // A peer that vanished without a word is noticed instead of waited for forever.
    keepAlive: true,
    ...settings.driverOptions,
  };
}

export function sequelizeOptions(settings: ServerSettings, connectTimeoutMs: number): SequelizeOptions {
  return { dialect: 'postgres', dialectOptions: driverConfig(settings, connectTimeoutMs) };
}

/** Cuts `name` to at most `bytes` UTF-8 bytes without splitting a character, as PostgreSQL does. */
function clipBytes(name: string, bytes: number): string {
  let clipped = '';
  for (const character of name) {
    if (Buffer.byteLength(clipped + character, 'utf8') > bytes) break;
    clipped += character;
  }
  return clipped;
}

/**
 * Sequelize declares keys inline (`REFERENCES`), so the server names them: `<table>_<column>_fkey`,
 * the longer of table and column shortened first to fit 63 bytes (PostgreSQL's makeObjectName).
 */
function syncConstraintName(table: string, column: string): string {
  const label = 'fkey';
  const available = 63 - (label.length + 2);
  let tableBytes = Buffer.byteLength(table, 'utf8');
  let columnBytes = Buffer.byteLength(column, 'utf8');
  while (tableBytes + columnBytes > available) {
    if (tableBytes > columnBytes) tableBytes -= 1;
    else columnBytes -= 1;
  }
  return `${clipBytes(table, tableBytes)}_${clipBytes(column, columnBytes)}_${label}`;
}

export const sequelizeRules: SequelizeRules = { dialects: ['postgres'], syncConstraintName };
