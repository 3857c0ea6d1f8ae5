import { QueryTypes, Sequelize, type Transaction } from 'sequelize';
import type { Dialect } from '../dialect/dialect.js';
import { dialectFor, sessionSql } from '../dialect/index.js';
import { FkdiffError } from '../errors.js';
import { parseTarget, redactUrls, type Target } from './url.js';

/** Runs SQL on one connection, inside or outside a transaction. Values only ever travel as binds. */
export interface Session {
  select<Row extends object>(sql: string, bind?: readonly unknown[]): Promise<Row[]>;
  execute(sql: string, bind?: readonly unknown[]): Promise<void>;
}

export interface Connection extends Session {
  readonly dialect: Dialect;
  /** The URL without its password. */
  readonly display: string;
  /** PostgreSQL current_schema(), MySQL the URL's database. */
  readonly defaultSchema: string;
  readonly serverVersion: string;
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;

interface Endpoint {
  readonly sequelize: Sequelize;
  readonly stop: () => Promise<void>;
}

function serverEndpoint(target: Extract<Target, { kind: 'server' }>): Endpoint {
  const ssl = target.params.sslmode !== undefined && target.params.sslmode !== 'disable';
  const sequelize = new Sequelize({
    dialect: target.dialect === 'postgres' ? 'postgres' : 'mysql',
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    database: target.database,
    logging: false,
    pool: { max: 1, min: 0, idle: 10_000 },
    dialectOptions:
      target.dialect === 'postgres'
        ? {
            connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
            ...(ssl ? { ssl: { rejectUnauthorized: false } } : {}),
          }
        : { connectTimeout: CONNECT_TIMEOUT_MS, multipleStatements: false },
  });
  return { sequelize, stop: () => sequelize.close() };
}

/** PGlite runs in this process; pglite-socket serves it so that the same Sequelize/pg path is used. */
async function pgliteEndpoint(directory: string | undefined): Promise<Endpoint> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
  ]);
  const db = await PGlite.create(directory);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const sequelize = new Sequelize({
    dialect: 'postgres',
    host: host ?? '127.0.0.1',
    port: Number(port),
    username: 'postgres',
    database: 'postgres',
    logging: false,
    pool: { max: 1, min: 0, idle: 60_000 },
  });
  return {
    sequelize,
    stop: async () => {
      await sequelize.close();
      await server.stop();
      await db.close();
    },
  };
}

function sessionOn(sequelize: Sequelize, transaction: Transaction | undefined): Session {
  return {
    async select<Row extends object>(sql: string, bind?: readonly unknown[]) {
      return sequelize.query<Row>(sql, {
        type: QueryTypes.SELECT,
        raw: true,
        ...(bind ? { bind: [...bind] } : {}),
        ...(transaction ? { transaction } : {}),
      });
    },
    async execute(sql: string, bind?: readonly unknown[]) {
      await sequelize.query(sql, {
        type: QueryTypes.RAW,
        raw: true,
        ...(bind ? { bind: [...bind] } : {}),
        ...(transaction ? { transaction } : {}),
      });
    },
  };
}

/** The driver's own words for a failure, without the URL's password. */
export function driverMessage(error: unknown): string {
  if (error instanceof Error) {
    const original = (error as Error & { original?: unknown }).original;
    const message = original instanceof Error && original.message !== '' ? original.message : error.message;
    const code = (original as { code?: unknown } | undefined)?.code;
    const detail = message !== '' ? message : typeof code === 'string' ? code : error.name;
    return redactUrls(detail);
  }
  return redactUrls(String(error));
}

/** PostgreSQL 55P03 lock_not_available, MySQL 1205 ER_LOCK_WAIT_TIMEOUT. */
export function isLockTimeout(error: unknown): boolean {
  const original = (error as { original?: { code?: unknown; errno?: unknown } } | undefined)?.original;
  return original?.code === '55P03' || original?.errno === 1205 || original?.code === 'ER_LOCK_WAIT_TIMEOUT';
}

export async function connect(url: string | undefined): Promise<Connection> {
  const target = parseTarget(url);
  const dialect = dialectFor(target.dialect);
  const queries = sessionSql(target.dialect);
  let endpoint: Endpoint | undefined;
  try {
    endpoint = target.kind === 'pglite' ? await pgliteEndpoint(target.directory) : serverEndpoint(target);
    const { sequelize } = endpoint;
    const base = sessionOn(sequelize, undefined);
    const [info] = await base.select<{ schema: string | null; version: string }>(queries.currentSchema);
    const defaultSchema = info?.schema;
    if (defaultSchema === undefined || defaultSchema === null || defaultSchema === '') {
      throw new FkdiffError('CONNECTION_FAILED', `${target.display}: the connection has no current schema`);
    }
    const stop = endpoint.stop;
    return {
      ...base,
      dialect,
      display: target.display,
      defaultSchema,
      serverVersion: info?.version ?? '',
      transaction: (work) => sequelize.transaction((transaction) => work(sessionOn(sequelize, transaction))),
      close: stop,
    };
  } catch (error) {
    await endpoint?.stop().catch(() => undefined);
    if (error instanceof FkdiffError) throw error;
    throw new FkdiffError(
      'CONNECTION_FAILED',
      `cannot connect to ${target.display}: ${driverMessage(error)}`,
      {
        cause: error,
      },
    );
  }
}
