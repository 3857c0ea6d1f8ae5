/** A MySQL / MariaDB session straight on `mysql2`, loaded only when a command connects to one. */
import type { DriverClient, DriverRules, Session } from '../engine.js';
import { inTransaction, wrapped } from '../driver.js';
import { TRANSACTION_SQL } from './catalog-sql.js';
import { driverConfig } from './session.js';

/** What fkdiff binds on MySQL: names, numbers, flags. */
type BindValue = string | number | bigint | boolean | null;

function bindValue(value: unknown): BindValue {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      break;
    case 'function':
    case 'symbol':
    case 'undefined':
      break;
  }
  throw new TypeError(`a ${typeof value} cannot be bound on MySQL`);
}

/**
 * fkdiff's SQL binds `$1`, `$2`… (Sequelize's form, a number may recur); the server's prepared
 * statements take `?` in order. Quoted text (`'…'`, `"…"`, `` `…` ``) is left as it is.
 */
export function positionalBinds(
  sql: string,
  bind: readonly unknown[],
): { readonly sql: string; readonly values: BindValue[] } {
  const values: BindValue[] = [];
  let text = '';
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i += 1) {
    const character = sql.charAt(i);
    if (quote !== undefined) {
      text += character;
      if (character === '\\' && quote !== '`') {
        text += sql.charAt(i + 1);
        i += 1;
      } else if (character === quote) quote = undefined;
      continue;
    }
    if (character === "'" || character === '"' || character === '`') quote = character;
    const number = character === '$' ? /^\d+/.exec(sql.slice(i + 1, i + 12))?.[0] : undefined;
    if (number === undefined) {
      text += character;
      continue;
    }
    const index = Number(number) - 1;
    if (index < 0 || index >= bind.length) throw new Error(`$${number} has no bound value`);
    values.push(bindValue(bind[index]));
    text += '?';
    i += number.length;
  }
  return { sql: text, values };
}

export const mysqlDriver: DriverRules = {
  async open(settings, connectTimeoutMs): Promise<DriverClient> {
    const { default: mysql } = await import('mysql2/promise');
    const connection = await wrapped(
      mysql.createConnection({
        host: settings.host,
        port: settings.port,
        user: settings.user,
        password: settings.password,
        database: settings.database,
        // As Sequelize reads numbers: exact beyond 2^53 (as strings), plain numbers below.
        supportBigNumbers: true,
        bigNumberStrings: false,
        ...driverConfig(settings, connectTimeoutMs),
      }),
    );
    // A socket lost while idle is reported by the next query; unhandled here it would end the process.
    connection.on('error', () => undefined);
    // With binds: a prepared statement, so that values never pass through text, as Sequelize sends them.
    const run = async (sql: string, bind: readonly unknown[] | undefined): Promise<unknown> => {
      if (bind === undefined || bind.length === 0) return (await wrapped(connection.query(sql)))[0];
      const prepared = positionalBinds(sql, bind);
      return (await wrapped(connection.execute(prepared.sql, prepared.values)))[0];
    };
    const session: Session = {
      async select<Row extends object>(sql: string, bind?: readonly unknown[]): Promise<Row[]> {
        return (await run(sql, bind)) as Row[];
      },
      async execute(sql: string, bind?: readonly unknown[]): Promise<void> {
        await run(sql, bind);
      },
    };
    return {
      ...session,
      transaction: (work) => inTransaction(session, TRANSACTION_SQL, work),
      close: () => connection.end(),
    };
  },
};
