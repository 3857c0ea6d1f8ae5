import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { inject } from 'vitest';

/** A database made for one test, with a way to run setup SQL on it and to throw it away. */
export interface TestDatabase {
  readonly kind: TargetKind;
  readonly url: string;
  /** The schema (MySQL: database) unqualified names resolve to. */
  readonly schema: string;
  /** A second schema for cross-schema cases (MySQL: a second database, created with the first). */
  readonly otherSchema: string;
  run(sql: string): Promise<void>;
  /** The rows of one query, run on a connection of its own. */
  query<Row>(sql: string): Promise<Row[]>;
  drop(): Promise<void>;
}

export type TargetKind = 'postgres' | 'pglite' | 'mysql';

export const POSTGRES_URL = process.env.FKDIFF_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.FKDIFF_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
/**
 * The version matrix: other PostgreSQL majors, as `14=postgres://…,16=…` (what `npm run pg-majors --
 * start` prints and `.ci/run` sets). Unset: their suites are skipped with a notice.
 */
export const PG_MAJORS: readonly PostgresServer[] = (process.env.FKDIFF_PG_MAJORS ?? '')
  .split(',')
  .filter((entry) => entry.includes('='))
  .map((entry) => {
    const at = entry.indexOf('=');
    return { major: Number(entry.slice(0, at)), url: entry.slice(at + 1) };
  });

/** A PostgreSQL server of the version matrix. */
export interface PostgresServer {
  readonly major: number;
  readonly url: string;
}

/** Under CI an unreachable server fails the run instead of skipping its tests. */
export const REQUIRE_DATABASES = process.env.FKDIFF_REQUIRE_DATABASES === '1';

export function uniqueName(prefix = 'fkdiff_t'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function postgresDatabase(server: string): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(server, name);
  const query = async <Row>(sql: string): Promise<Row[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query(sql);
      return result.rows as Row[];
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    url,
    schema: 'public',
    otherSchema: 'billing',
    async run(sql) {
      await query(sql);
    },
    query,
    async drop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function pgliteDatabase(): Promise<TestDatabase> {
  const directory = await mkdtemp(join(tmpdir(), 'fkdiff-pglite-'));
  return {
    kind: 'pglite',
    url: `pglite:${directory}`,
    schema: 'public',
    otherSchema: 'billing',
    async run(sql) {
      const db = await PGlite.create(directory, { extensions: { btree_gist } });
      try {
        await db.exec(sql);
      } finally {
        await db.close();
      }
    },
    async query<Row>(sql: string) {
      const db = await PGlite.create(directory, { extensions: { btree_gist } });
      try {
        return (await db.query<Row>(sql)).rows;
      } finally {
        await db.close();
      }
    },
    async drop() {
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function mysqlDatabase(): Promise<TestDatabase> {
  const name = uniqueName();
  const other = `${name}_b`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true });
  try {
    await admin.query(`CREATE DATABASE \`${name}\`; CREATE DATABASE \`${other}\``);
  } finally {
    await admin.end();
  }
  const query = async <Row>(sql: string): Promise<Row[]> => {
    const connection = await mysql.createConnection({
      uri: withDatabase(MYSQL_URL, name),
      multipleStatements: true,
    });
    try {
      const [rows] = await connection.query(sql);
      return rows as Row[];
    } finally {
      await connection.end();
    }
  };
  return {
    kind: 'mysql',
    url: withDatabase(MYSQL_URL, name),
    schema: name,
    otherSchema: other,
    async run(sql) {
      await query(sql);
    },
    query,
    async drop() {
      const connection = await mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\`; DROP DATABASE IF EXISTS \`${other}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** A new database for one test; `server` picks a PostgreSQL of the version matrix (default: FKDIFF_PG_URL). */
export function createDatabase(kind: TargetKind, server?: PostgresServer): Promise<TestDatabase> {
  switch (kind) {
    case 'postgres':
      return postgresDatabase(server?.url ?? POSTGRES_URL);
    case 'pglite':
      return pgliteDatabase();
    case 'mysql':
      return mysqlDatabase();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    servers: { postgres: boolean; mysql: boolean };
    /** By major: whether that server of the version matrix answers. */
    majors: Record<number, boolean>;
  }
}

/** Whether the server for `kind` answers; the global setup asks once and shares the answer. */
export function available(kind: TargetKind, server?: PostgresServer): boolean {
  if (server !== undefined) return inject('majors')[server.major] === true;
  return kind === 'pglite' || inject('servers')[kind];
}

export async function probe(
  kind: Exclude<TargetKind, 'pglite'>,
  server?: PostgresServer,
): Promise<string | undefined> {
  try {
    if (kind === 'postgres') {
      const client = new pg.Client({
        connectionString: server?.url ?? POSTGRES_URL,
        connectionTimeoutMillis: 3000,
      });
      await client.connect();
      await client.end();
    } else {
      const connection = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
      await connection.end();
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
