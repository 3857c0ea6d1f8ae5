/**
 * Scratch databases for the benchmarks: made with unique names (`fkdiff_bench_…`), loaded in
 * batches, and dropped at the end, also when the run fails or is interrupted.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Engine } from '../src/engines/engine.js';
import { mysqlEngine } from '../src/engines/mysql/index.js';
import { postgresEngine } from '../src/engines/postgres/index.js';
import { batches } from './ddl.js';
import type { SchemaNames } from './synthetic.js';

export const POSTGRES_URL = process.env.FKDIFF_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.FKDIFF_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const STATEMENTS_PER_ROUND_TRIP = 200;

/** A scratch database on a server: where fkdiff connects, and how to load and drop it. */
export interface Scratch {
  readonly url: string;
  readonly schemas: SchemaNames;
  load(statements: readonly string[]): Promise<void>;
  drop(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `fkdiff_bench_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function postgresAdmin<T>(
  work: (client: pg.Client) => Promise<T>,
  url = POSTGRES_URL,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function mysqlAdmin<T>(
  work: (connection: mysql.Connection) => Promise<T>,
  url = MYSQL_URL,
): Promise<T> {
  const connection = await mysql.createConnection({
    uri: url,
    multipleStatements: true,
    connectTimeout: 3_000,
  });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** The server's version, or why it cannot be reached. */
export async function probe(engine: Engine): Promise<{ version: string } | { unreachable: string }> {
  try {
    if (engine.name === 'postgres') {
      return await postgresAdmin(async (client) => {
        const result = await client.query<{ version: string }>(
          "SELECT 'PostgreSQL ' || current_setting('server_version') AS version",
        );
        return { version: result.rows[0]?.version ?? 'PostgreSQL' };
      });
    }
    return await mysqlAdmin(async (connection) => {
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
      return { version: String(rows[0]?.['version'] ?? 'MySQL') };
    });
  } catch (error) {
    return { unreachable: error instanceof Error ? error.message : String(error) };
  }
}

export async function postgresScratch(prefix: string, schemas: SchemaNames): Promise<Scratch> {
  const database = uniqueName(prefix);
  await postgresAdmin((client) =>
    client.query(`CREATE DATABASE ${postgresEngine.quoteIdentifier(database)}`),
  );
  const url = withDatabase(POSTGRES_URL, database);
  return {
    url,
    schemas,
    load: (statements) =>
      postgresAdmin(async (client) => {
        // One implicit transaction per round trip keeps the number of locks held at once bounded.
        for (const batch of batches(statements, STATEMENTS_PER_ROUND_TRIP)) await client.query(batch);
      }, url),
    drop: async () => {
      await postgresAdmin((client) =>
        client.query(`DROP DATABASE IF EXISTS ${postgresEngine.quoteIdentifier(database)} WITH (FORCE)`),
      );
    },
  };
}

export async function mysqlScratch(prefix: string): Promise<Scratch> {
  const database = uniqueName(prefix);
  const schemas: SchemaNames = [database, `${database}_b`];
  const quoted = schemas.map((name) => mysqlEngine.quoteIdentifier(name));
  await mysqlAdmin((connection) =>
    connection.query(quoted.map((name) => `CREATE DATABASE ${name}`).join('; ')),
  );
  const url = withDatabase(MYSQL_URL, database);
  return {
    url,
    schemas,
    load: (statements) =>
      mysqlAdmin(async (connection) => {
        await connection.query('SET SESSION foreign_key_checks = 0');
        for (const batch of batches(statements, STATEMENTS_PER_ROUND_TRIP)) await connection.query(batch);
      }, url),
    drop: async () => {
      // Keys between the two databases would stop either from being dropped first.
      const drops = quoted.map((name) => `DROP DATABASE IF EXISTS ${name}`);
      await mysqlAdmin((connection) =>
        connection.query(['SET SESSION foreign_key_checks = 0', ...drops].join('; ')),
      );
    },
  };
}

/** Drops the scratch databases once, whether the work ends, fails or is interrupted. */
export async function withScratch<T>(
  create: () => Promise<Scratch>,
  work: (scratch: Scratch) => Promise<T>,
): Promise<T> {
  const scratch = await create();
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropped ??= scratch.drop().catch((error: unknown) => {
      console.error(`bench: could not drop the scratch database: ${String(error)}`);
    });
    return dropped;
  };
  const interrupted = (): void => {
    void drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await work(scratch);
  } finally {
    await drop();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}
