/**
 * Sessions through Sequelize's `sequelize.query`, as `apply` executes (and as a caller's own
 * instance runs). Loaded only by the connections that need it: Sequelize and its dependencies are
 * most of a process's start-up.
 */
import { QueryTypes, Sequelize, type Transaction } from 'sequelize';
import type { Engine, ServerSettings, Session } from '../engines/engine.js';
import type { Backend, Endpoint } from './connection.js';

/** How long an unused pooled connection stays open; an embedded engine has no network to spare. */
const IDLE_MS: Readonly<Record<Endpoint['kind'], number>> = { server: 10_000, embedded: 60_000 };

/**
 * A server connection takes two sessions at most: the apply lock's, held for the whole apply, and
 * the one the work runs on. PGlite serves one session at a time.
 */
const POOL_MAX: Readonly<Record<Endpoint['kind'], number>> = { server: 2, embedded: 1 };

function sequelizeFor(
  engine: Engine,
  settings: ServerSettings,
  kind: Endpoint['kind'],
  connectTimeoutMs: number,
): Sequelize {
  return new Sequelize({
    ...engine.sequelizeOptions(settings, connectTimeoutMs),
    host: settings.host,
    port: settings.port,
    username: settings.user,
    password: settings.password,
    database: settings.database,
    logging: false,
    pool: { max: POOL_MAX[kind], min: 0, idle: IDLE_MS[kind] },
  });
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

/** `shared`: the pool serves other sessions, so a transaction can hold one as the apply lock's. */
function backendOn(sequelize: Sequelize, shared: boolean, close: () => Promise<void>): Backend {
  const transaction = <T>(work: (session: Session) => Promise<T>): Promise<T> =>
    sequelize.transaction((opened) => work(sessionOn(sequelize, opened)));
  return {
    session: sessionOn(sequelize, undefined),
    transaction,
    // A transaction keeps its connection checked out: the pool can neither lend nor close it.
    dedicated: shared ? transaction : undefined,
    close,
  };
}

export function sequelizeBackend(engine: Engine, endpoint: Endpoint, connectTimeoutMs: number): Backend {
  const sequelize = sequelizeFor(engine, endpoint.settings, endpoint.kind, connectTimeoutMs);
  return backendOn(sequelize, endpoint.kind === 'server', () => sequelize.close());
}

/** The caller's own instance: its pool and settings; closing leaves it open (it is the caller's). */
export function callersBackend(sequelize: Sequelize): Backend {
  return backendOn(sequelize, true, () => Promise.resolve());
}
