import { QueryTypes, Sequelize, type Transaction } from 'sequelize';
import type { Engine, ServerSettings, Session } from '../engines/engine.js';
import { ENGINE_NAMES, engineFor, engineForSequelizeDialect } from '../engines/registry.js';
import { FkdiffError } from '../errors.js';
import { escapeUnsafe } from '../render/display.js';
import { redactSecrets } from './redact.js';
import { bounded, CLOSE_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from './timeouts.js';
import { parseTarget, type Target } from './url.js';

export type { Session } from '../engines/engine.js';

export interface Connection extends Session {
  readonly engine: Engine;
  /** The URL without its password. */
  readonly display: string;
  /** PostgreSQL current_schema(), MySQL the URL's database. */
  readonly defaultSchema: string;
  /** The database connected to (PostgreSQL current_database(), MySQL the URL's). */
  readonly database: string;
  readonly serverVersion: string;
  /** The product as users name it: PostgreSQL, MySQL, MariaDB. */
  readonly product: string;
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /**
   * Runs `work` on one session that stays checked out of the pool until it ends (the apply lock's);
   * undefined where the database is this process's alone (embedded).
   */
  readonly dedicated: (<T>(work: (session: Session) => Promise<T>) => Promise<T>) | undefined;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** How long an unused pooled connection stays open; an embedded engine has no network to spare. */
const IDLE_MS: Readonly<Record<Target['kind'], number>> = { server: 10_000, embedded: 60_000 };

interface Endpoint {
  readonly sequelize: Sequelize;
  readonly stop: () => Promise<void>;
}

/**
 * A server connection takes two sessions at most: the apply lock's, held for the whole apply, and
 * the one the work runs on. PGlite serves one session at a time.
 */
const POOL_MAX: Readonly<Record<Target['kind'], number>> = { server: 2, embedded: 1 };

function sequelizeFor(engine: Engine, settings: ServerSettings, kind: Target['kind']): Sequelize {
  return new Sequelize({
    ...engine.sequelizeOptions(settings, CONNECT_TIMEOUT_MS),
    host: settings.host,
    port: settings.port,
    username: settings.user,
    password: settings.password,
    database: settings.database,
    logging: false,
    pool: { max: POOL_MAX[kind], min: 0, idle: IDLE_MS[kind] },
  });
}

async function openEndpoint(target: Target, options: ConnectOptions): Promise<Endpoint> {
  switch (target.kind) {
    case 'server': {
      const stored = target.password === '' ? await target.engine.url.storedPassword?.(target) : undefined;
      const settings = stored === undefined ? target : { ...target, password: stored };
      const sequelize = sequelizeFor(target.engine, settings, 'server');
      return { sequelize, stop: () => sequelize.close() };
    }
    case 'embedded': {
      const transport = target.engine.embedded;
      if (transport === undefined) throw new Error(`${target.engine.name} has no embedded transport`);
      const served = await transport.open(target.location, { create: options.create ?? true });
      const sequelize = sequelizeFor(target.engine, served.settings, 'embedded');
      return {
        sequelize,
        stop: async () => {
          await sequelize.close();
          await served.stop();
        },
      };
    }
  }
}

/** How long a read (catalog, check) may wait for its answer; undefined: no bound (the apply lock's wait). */
interface Bound {
  readonly ms: number | undefined;
  readonly display: string;
}

function sessionOn(sequelize: Sequelize, transaction: Transaction | undefined, bound?: Bound): Session {
  return {
    async select<Row extends object>(sql: string, bind?: readonly unknown[]) {
      const query = sequelize.query<Row>(sql, {
        type: QueryTypes.SELECT,
        raw: true,
        ...(bind ? { bind: [...bind] } : {}),
        ...(transaction ? { transaction } : {}),
      });
      return bounded(query, bound?.ms, () => `a read from ${bound?.display ?? ''}`, 'statementTimeout');
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
    const text = message !== '' ? message : typeof code === 'string' ? code : error.name;
    // PostgreSQL's DETAIL names the row at fault: `Key (team_id)=(42) is not present in table "teams".`
    const detail = (original as { detail?: unknown } | undefined)?.detail;
    return redactSecrets(typeof detail === 'string' && detail !== '' ? `${text} (${detail})` : text);
  }
  return redactSecrets(String(error));
}

/** The session's current schema and the server's version, or CONNECTION_FAILED. */
async function connectionOn(
  sequelize: Sequelize,
  engine: Engine,
  display: string,
  close: () => Promise<void>,
  shared: boolean,
  statementTimeoutMs: number | undefined,
): Promise<Connection> {
  const bound = { ms: statementTimeoutMs, display };
  const base = sessionOn(sequelize, undefined, bound);
  const [info] = await base.select<{ schema: string | null; database: string | null; version: string }>(
    engine.session.infoSql,
  );
  const defaultSchema = info?.schema;
  if (defaultSchema === undefined || defaultSchema === null || defaultSchema === '') {
    throw new FkdiffError('CONNECTION_FAILED', `${display}: the connection has no current schema`);
  }
  return {
    ...base,
    engine,
    display,
    defaultSchema,
    database: info?.database ?? defaultSchema,
    serverVersion: info?.version ?? '',
    product: engine.productName(info?.version ?? ''),
    transaction: (work) =>
      sequelize.transaction((transaction) => work(sessionOn(sequelize, transaction, bound))),
    // A transaction keeps its connection checked out: the pool can neither lend nor close it.
    dedicated: shared
      ? (work) => sequelize.transaction((transaction) => work(sessionOn(sequelize, transaction)))
      : undefined,
    // A stalled socket never closes: give up on it rather than keep the process waiting.
    close: () =>
      Promise.race([close(), new Promise<void>((resume) => setTimeout(resume, CLOSE_TIMEOUT_MS).unref())]),
  };
}

function connectionFailed(display: string, error: unknown): FkdiffError {
  if (error instanceof FkdiffError) return error;
  return new FkdiffError('CONNECTION_FAILED', `cannot connect to ${display}: ${driverMessage(error)}`, {
    cause: error,
  });
}

export interface ConnectOptions {
  /** An embedded engine may make a new database where there is none (default true). */
  readonly create?: boolean;
  /** How long a catalog read or a check may wait for its answer (default 30 s; 0: no bound). */
  readonly statementTimeoutMs?: number;
}

export async function connect(url: string | undefined, options: ConnectOptions = {}): Promise<Connection> {
  const target = parseTarget(url);
  let endpoint: Endpoint | undefined;
  try {
    endpoint = await openEndpoint(target, options);
    return await connectionOn(
      endpoint.sequelize,
      target.engine,
      target.display,
      endpoint.stop,
      target.kind === 'server',
      options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    );
  } catch (error) {
    await endpoint?.stop().catch(() => undefined);
    throw connectionFailed(target.display, error);
  }
}

/** How a caller's instance is named in messages: dialect, host and database, never the password. */
function instanceDisplay(sequelize: Sequelize): string {
  const { host, port, database } = sequelize.config;
  const where = host === undefined ? '' : `${host}${port === undefined ? '' : `:${port}`}`;
  return `${sequelize.getDialect()}://${where}/${database}`;
}

/**
 * A connection over the caller's own Sequelize instance: its pool, its settings; no second
 * connection, and `close` leaves the instance open (it is the caller's to close).
 */
const servedDialects = (): string =>
  ENGINE_NAMES.flatMap((name) => engineFor(name).sequelize.dialects).join(', ');

/** The apply lock holds one session for the whole apply; the work needs another. */
function refuseOneConnectionPool(sequelize: Sequelize, display: string): void {
  const max = sequelize.config.pool?.max;
  if (max !== undefined && max < 2) {
    throw new FkdiffError(
      'CONNECTION_FAILED',
      `${display}: fkdiff needs a pool of at least 2 connections (pool.max), one for the apply lock`,
    );
  }
}

export async function connectSequelize(
  sequelize: Sequelize,
  options: Pick<ConnectOptions, 'statementTimeoutMs'> = {},
): Promise<Connection> {
  const dialect = sequelize.getDialect();
  const engine = engineForSequelizeDialect(dialect);
  if (engine === undefined) {
    throw new FkdiffError(
      'CONNECTION_FAILED',
      `Sequelize dialect ${escapeUnsafe(dialect)} is not supported: use ${servedDialects()}`,
    );
  }
  const display = redactSecrets(instanceDisplay(sequelize));
  try {
    refuseOneConnectionPool(sequelize, display);
    return await connectionOn(
      sequelize,
      engine,
      display,
      () => Promise.resolve(),
      true,
      options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    );
  } catch (error) {
    throw connectionFailed(display, error);
  }
}
