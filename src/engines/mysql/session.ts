/** How fkdiff connects to MySQL and MariaDB and how their sessions behave. */
import { readFileSync } from 'node:fs';
import { FkdiffError } from '../../errors.js';
import type { Options as SequelizeOptions } from 'sequelize';
import type { ApplyLockRules, SequelizeRules, ServerSettings, SessionRules, UrlRules } from '../engine.js';
import {
  ACQUIRE_LOCK_SQL,
  applyLockName,
  CURRENT_DATABASE_SQL,
  DATABASES_SQL,
  LOCK_HOLDER_SQL,
  RELEASE_LOCK_SQL,
  SET_LOCK_WAIT_TIMEOUT_SQL,
} from './catalog-sql.js';

export const urlRules: UrlRules = {
  schemes: ['mysql:', 'mariadb:'],
  defaultPort: 3306,
  defaultUser: 'root',
  // A MySQL connection without a database has no schema to govern.
  defaultDatabase: () => undefined,
  example: 'mysql://user@host/app',
};

/** The server's bounds for lock_wait_timeout, in seconds (one year at most). */
const LOCK_WAIT_TIMEOUT_RANGE = { min: 1, max: 31_536_000 } as const;

/** apply's lock timeout as lock_wait_timeout takes it: whole seconds, rounded up, within its range. */
export function lockWaitSeconds(milliseconds: number): number {
  if (Number.isNaN(milliseconds)) return LOCK_WAIT_TIMEOUT_RANGE.min;
  const seconds = Math.ceil(milliseconds / 1000);
  return Math.min(LOCK_WAIT_TIMEOUT_RANGE.max, Math.max(LOCK_WAIT_TIMEOUT_RANGE.min, seconds));
}

/** ER_LOCK_WAIT_TIMEOUT (1205): lock_wait_timeout or innodb_lock_wait_timeout ran out. */
const LOCK_WAIT_TIMEOUT_ERRNO = 1205;

/**
 * GET_LOCK is held by the session until RELEASE_LOCK or until its connection closes: the pipeline
 * holds it on a connection the pool never hands out nor closes while the apply runs.
 */
const applyLock: ApplyLockRules = {
  // A MySQL schema is a database: a tenant's apply takes that database's own lock.
  name: (database, schema) => ({ name: applyLockName(schema ?? database) }),
  async acquire(session, { name }, waitMs) {
    const [row] = await session.select<{ acquired: number | string | null }>(ACQUIRE_LOCK_SQL, [
      name,
      Math.ceil(Math.max(0, waitMs) / 1000),
    ]);
    return Number(row?.acquired) === 1;
  },
  async release(session, { name }) {
    await session.select(RELEASE_LOCK_SQL, [name]);
  },
  async holder(session, name) {
    const [row] = await session.select<{ pid: number; who: string; seconds: number | null }>(
      LOCK_HOLDER_SQL,
      [name],
    );
    if (row === undefined) return undefined;
    return `connection ${row.pid}, ${row.who}${row.seconds === null ? '' : `, ${row.seconds} s in its current state`}`;
  },
};

export const sessionRules: SessionRules = {
  infoSql: CURRENT_DATABASE_SQL,
  schemasSql: DATABASES_SQL,
  lockTimeoutSql: SET_LOCK_WAIT_TIMEOUT_SQL,
  lockTimeoutValue: lockWaitSeconds,
  isLockTimeout: (error) => {
    const original = (error as { original?: { code?: unknown; errno?: unknown } } | undefined)?.original;
    return original?.errno === LOCK_WAIT_TIMEOUT_ERRNO || original?.code === 'ER_LOCK_WAIT_TIMEOUT';
  },
  // The server's errors carry a SQLSTATE and leave the connection usable; a lost one is fatal.
  isServerError: (error) => {
    const original = (error as { original?: { sqlState?: unknown; fatal?: unknown } } | undefined)?.original;
    return typeof original?.sqlState === 'string' && original.fatal !== true;
  },
  applyLock,
};

/**
 * TLS as the mysql client's `--ssl-mode` and `--ssl-ca` take it, from the URL's `ssl-mode` and
 * `ssl-ca` (a file) parameters: REQUIRED encrypts, VERIFY_CA checks the chain, VERIFY_IDENTITY the
 * host name too; DISABLED and PREFERRED (the default) send no TLS options.
 */
export function mysqlSsl(params: Readonly<Record<string, string>>): Record<string, unknown> | undefined {
  const mode = (params['ssl-mode'] ?? params['sslmode'] ?? 'PREFERRED').toUpperCase().replace('-', '_');
  const caFile = params['ssl-ca'];
  const ca = caFile === undefined ? {} : { ca: readCertificate(caFile) };
  switch (mode) {
    case 'DISABLED':
    case 'PREFERRED':
      return undefined;
    case 'REQUIRED':
      return caFile === undefined
        ? { rejectUnauthorized: false }
        : { ...ca, checkServerIdentity: () => undefined };
    case 'VERIFY_CA':
      return { ...ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'VERIFY_IDENTITY':
      return { ...ca, rejectUnauthorized: true };
    default:
      throw new FkdiffError(
        'URL_INVALID',
        `ssl-mode must be one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY, not ${mode}`,
      );
  }
}

function readCertificate(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new FkdiffError('URL_INVALID', `ssl-ca: cannot read ${file} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** `mysql2`'s connection options beyond where to connect, whether Sequelize or fkdiff opens it. */
export function driverConfig(settings: ServerSettings, connectTimeoutMs: number): Record<string, unknown> {
  const ssl = mysqlSsl(settings.params);
  return {
    connectTimeout: connectTimeoutMs,
    multipleStatements: false,
    // A peer that vanished without a word is noticed instead of waited for forever.
    enableKeepAlive: true,
    ...(ssl === undefined ? {} : { ssl }),
  };
}

export function sequelizeOptions(settings: ServerSettings, connectTimeoutMs: number): SequelizeOptions {
  return { dialect: 'mysql', dialectOptions: driverConfig(settings, connectTimeoutMs) };
}

/** Sequelize's CREATE TABLE lists unnamed FOREIGN KEY clauses; InnoDB numbers them per table. */
export const sequelizeRules: SequelizeRules = {
  dialects: ['mysql', 'mariadb'],
  syncConstraintName: (table, _column, ordinal) => `${table}_ibfk_${ordinal}`,
};
