import type { Sequelize } from 'sequelize';
import type { DriverClient, Engine, ServerSettings, Session } from '../engines/engine.js';
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

/**
 * What a connection runs its SQL on. `driver`: the engine's driver alone (`pg`, `mysql2`), for the
 * commands that only read; Sequelize, its dependencies and its row handling are never loaded.
 * `sequelize`: Sequelize's `sequelize.query`, through which `apply` executes (the contract).
 */
export type Executor = 'driver' | 'sequelize';

/** The sessions a connection hands out, before statement bounds; one per executor. */
export interface Backend {
  readonly session: Session;
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  readonly dedicated: (<T>(work: (session: Session) => Promise<T>) => Promise<T>) | undefined;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Where the backend connects, and what stops the embedded engine that serves it. */
export interface Endpoint {
  readonly settings: ServerSettings;
  readonly kind: Target['kind'];
  readonly stop: () => Promise<void>;
}

async function openEndpoint(target: Target, options: ConnectOptions): Promise<Endpoint> {
  switch (target.kind) {
    case 'server': {
      const stored = target.password === '' ? await target.engine.url.storedPassword?.(target) : undefined;
      const settings = stored === undefined ? target : { ...target, password: stored };
      return { settings, kind: 'server', stop: () => Promise.resolve() };
    }
    case 'embedded': {
      const transport = target.engine.embedded;
      if (transport === undefined) throw new Error(`${target.engine.name} has no embedded transport`);
      const served = await transport.open(target.location, { create: options.create ?? true });
      return { settings: served.settings, kind: 'embedded', stop: served.stop };
    }
  }
}

/**
 * One driver session for the work, its statements and transactions taken in turn. A select issued
 * while that session is busy (the catalog's kinds of object, read at once) runs on a second session
 * of a server, opened the first time: as concurrent queries do in Sequelize's pool of two, so that
 * the server reads two kinds at a time. The apply lock's dedicated session is its own, opened for
 * as long as it is held. An embedded engine serves one session: everything waits its turn there.
 */
async function driverBackend(engine: Engine, endpoint: Endpoint): Promise<Backend> {
  const open = async () => inTurns(await engine.driver.open(endpoint.settings, CONNECT_TIMEOUT_MS));
  const main = await open();
  // A second session that cannot be opened (a full server) leaves the reads to the first.
  let spare: Promise<TakingTurns | undefined> | undefined;
  let spareLoad = 0;
  const select = async <Row extends object>(sql: string, bind?: readonly unknown[]): Promise<Row[]> => {
    // To the session with fewer statements running or waiting: reads issued at once are shared out.
    if (main.queued() > spareLoad && endpoint.kind === 'server') {
      spare ??= open().catch(() => undefined);
      spareLoad += 1;
      try {
        const second = await spare;
        if (second !== undefined) return await second.turn(() => second.client.select<Row>(sql, bind));
      } finally {
        spareLoad -= 1;
      }
    }
    return main.turn(() => main.client.select<Row>(sql, bind));
  };
  return {
    session: { select, execute: (sql, bind) => main.turn(() => main.client.execute(sql, bind)) },
    transaction: (work) => main.turn(() => main.client.transaction(work)),
    dedicated:
      endpoint.kind === 'server'
        ? async (work) => {
            const own = await engine.driver.open(endpoint.settings, CONNECT_TIMEOUT_MS);
            try {
              return await own.transaction(work);
            } finally {
              await own.close().catch(() => undefined);
            }
          }
        : undefined,
    close: async () => {
      const second = await spare;
      await Promise.all([main.client.close(), second?.client.close().catch(() => undefined)]);
    },
  };
}

/** A driver session whose statements run one after another, and how many are running or waiting. */
interface TakingTurns {
  readonly client: DriverClient;
  turn<T>(work: () => Promise<T>): Promise<T>;
  queued(): number;
}

function inTurns(client: DriverClient): TakingTurns {
  let last: Promise<unknown> = Promise.resolve();
  let running = 0;
  return {
    client,
    turn: (work) => {
      running += 1;
      const result = last.then(work, work).finally(() => {
        running -= 1;
      });
      last = result.catch(() => undefined);
      return result;
    },
    queued: () => running,
  };
}

/** How long a read (catalog, check) may wait for its answer; undefined: no bound (the apply lock's wait). */
interface Bound {
  readonly ms: number | undefined;
  readonly display: string;
}

function boundedSession(session: Session, bound: Bound): Session {
  return {
    select: (sql, bind) =>
      bounded(session.select(sql, bind), bound.ms, () => `a read from ${bound.display}`, 'statementTimeout'),
    execute: (sql, bind) => session.execute(sql, bind),
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
  backend: Backend,
  engine: Engine,
  display: string,
  stop: () => Promise<void>,
  statementTimeoutMs: number | undefined,
): Promise<Connection> {
  const bound = { ms: statementTimeoutMs, display };
  const base = boundedSession(backend.session, bound);
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
    transaction: (work) => backend.transaction((session) => work(boundedSession(session, bound))),
    dedicated: backend.dedicated,
    // A stalled socket never closes: give up on it rather than keep the process waiting.
    close: () =>
      Promise.race([
        // The embedded engine stops even when its session could not close cleanly.
        backend.close().finally(stop),
        new Promise<void>((resume) => setTimeout(resume, CLOSE_TIMEOUT_MS).unref()),
      ]),
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
  /** What the SQL runs on (default `sequelize`; the commands that only read take `driver`). */
  readonly executor?: Executor;
}

export async function connect(url: string | undefined, options: ConnectOptions = {}): Promise<Connection> {
  const target = parseTarget(url);
  let endpoint: Endpoint | undefined;
  let backend: Backend | undefined;
  try {
    endpoint = await openEndpoint(target, options);
    backend =
      options.executor === 'driver'
        ? await driverBackend(target.engine, endpoint)
        : (await import('./sequelize-backend.js')).sequelizeBackend(
            target.engine,
            endpoint,
            CONNECT_TIMEOUT_MS,
          );
    return await connectionOn(
      backend,
      target.engine,
      target.display,
      endpoint.stop,
      options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    );
  } catch (error) {
    await backend?.close().catch(() => undefined);
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
    const { callersBackend } = await import('./sequelize-backend.js');
    return await connectionOn(
      callersBackend(sequelize),
      engine,
      display,
      () => Promise.resolve(),
      options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    );
  } catch (error) {
    throw connectionFailed(display, error);
  }
}
