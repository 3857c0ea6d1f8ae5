/** A PostgreSQL session straight on `pg`, loaded only when a command connects to PostgreSQL. */
import type { DriverClient, DriverRules, Session } from '../engine.js';
import { inTransaction, wrapped } from '../driver.js';
import { TRANSACTION_SQL } from './catalog-sql.js';
import { driverConfig } from './session.js';

export const postgresDriver: DriverRules = {
  async open(settings, connectTimeoutMs): Promise<DriverClient> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({
      host: settings.host,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      database: settings.database,
      ...driverConfig(settings, connectTimeoutMs),
    });
    // A socket lost while idle is reported by the next query; unhandled here it would end the process.
    client.on('error', () => undefined);
    await wrapped(client.connect());
    const values = (bind: readonly unknown[] | undefined): unknown[] | undefined =>
      bind === undefined ? undefined : [...bind];
    const session: Session = {
      async select<Row extends object>(sql: string, bind?: readonly unknown[]): Promise<Row[]> {
        const result = await wrapped(client.query<Row>(sql, values(bind)));
        return result.rows;
      },
      async execute(sql: string, bind?: readonly unknown[]): Promise<void> {
        await wrapped(client.query(sql, values(bind)));
      },
    };
    return {
      ...session,
      transaction: (work) => inTransaction(session, TRANSACTION_SQL, work),
      close: () => client.end(),
    };
  },
};
