/** How fkdiff connects to PostgreSQL and how its sessions behave. */
import type { Options as SequelizeOptions } from 'sequelize';
import type { ServerSettings, SessionRules, UrlRules } from '../engine.js';
import { CURRENT_SCHEMA_SQL, SET_LOCK_TIMEOUT_SQL } from './catalog-sql.js';

export const urlRules: UrlRules = {
  schemes: ['postgres:', 'postgresql:'],
  defaultPort: 5432,
  defaultUser: 'postgres',
  // As libpq: the database defaults to the user's name.
  defaultDatabase: (user) => user,
  example: 'postgres://user@host/app',
};

/** SQLSTATE 55P03 lock_not_available: lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

export const sessionRules: SessionRules = {
  infoSql: CURRENT_SCHEMA_SQL,
  // Transaction-scoped: it ends with the transaction that set it.
  lockTimeoutSql: SET_LOCK_TIMEOUT_SQL,
  lockTimeoutValue: (milliseconds) => `${milliseconds}ms`,
  isLockTimeout: (error) =>
    (error as { original?: { code?: unknown } } | undefined)?.original?.code === LOCK_NOT_AVAILABLE,
  // Every plan runs in transactions, which never interleave half-applied.
  applyLock: undefined,
};

export function sequelizeOptions(settings: ServerSettings, connectTimeoutMs: number): SequelizeOptions {
  const ssl = settings.params['sslmode'] !== undefined && settings.params['sslmode'] !== 'disable';
  return {
    dialect: 'postgres',
    dialectOptions: {
      connectionTimeoutMillis: connectTimeoutMs,
      ...(ssl ? { ssl: { rejectUnauthorized: false } } : {}),
    },
  };
}
