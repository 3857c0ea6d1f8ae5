import { createHash } from 'node:crypto';

/**
 * Catalog and session queries for MySQL 8 and MariaDB 10.6+. Values only ever travel as `$n` binds
 * (Sequelize turns them into `?` placeholders of a prepared statement).
 *
 * Each catalog query reads one information_schema table for all requested databases in one round
 * trip: a UNION ALL of one branch per database, each filtering with `= $n`. An equality on the
 * schema column is what lets MariaDB read information_schema for that database only; `IN (…)`, a
 * join with JSON_TABLE or an OR makes it open every table of every database on the server.
 *
 * The queries never join two information_schema tables: MariaDB fills each into a temporary table
 * without indexes and joins them with a nested loop, which takes seconds once a database holds
 * thousands of tables (10 s each for keys with their rules and for tables with their columns, at
 * 5,000 tables and 10,000 keys). introspect/mysql.ts joins the rows by name instead.
 *
 * information_schema compares names with a case-insensitive collation (utf8mb3_general_ci), while
 * fkdiff's names are exact; the byte comparisons keep `App` and `app` apart.
 */

/** A branch per database, `$1`…`$count`, joined by UNION ALL. */
function perDatabase(count: number, branch: (param: string) => string): string {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`a catalog query needs at least one database, got ${count}`);
  }
  return Array.from({ length: count }, (_, i) => branch(`$${i + 1}`)).join('\nUNION ALL\n');
}

/** `column = param`, usable by information_schema's per-database lookup, and exact. */
function sameName(column: string, param: string): string {
  return `${column} = ${param} AND CAST(${column} AS BINARY) = CAST(${param} AS BINARY)`;
}

/**
 * Columns of the foreign keys of the tables in `count` databases (binds: one name each), one row
 * per column: `schema`, `table`, `name`, `ref_schema`, `ref_table`, `column`, `ref_column`,
 * `position` (1-based, the key's column order).
 */
export function foreignKeysSql(count: number): string {
  return perDatabase(
    count,
    (db) => `SELECT k.TABLE_SCHEMA AS \`schema\`,
       k.TABLE_NAME AS \`table\`,
       k.CONSTRAINT_NAME AS \`name\`,
       k.REFERENCED_TABLE_SCHEMA AS \`ref_schema\`,
       k.REFERENCED_TABLE_NAME AS \`ref_table\`,
       k.COLUMN_NAME AS \`column\`,
       k.REFERENCED_COLUMN_NAME AS \`ref_column\`,
       k.ORDINAL_POSITION AS \`position\`
  FROM information_schema.KEY_COLUMN_USAGE k
 WHERE ${sameName('k.TABLE_SCHEMA', db)}
   AND k.REFERENCED_TABLE_NAME IS NOT NULL`,
  );
}

/**
 * The rules of the foreign keys in `count` databases, one row per key: `schema`, `table`, `name`,
 * `on_delete`, `on_update` (`NO ACTION`, `RESTRICT`, …).
 */
export function foreignKeyRulesSql(count: number): string {
  return perDatabase(
    count,
    (db) => `SELECT rc.CONSTRAINT_SCHEMA AS \`schema\`,
       rc.TABLE_NAME AS \`table\`,
       rc.CONSTRAINT_NAME AS \`name\`,
       rc.DELETE_RULE AS \`on_delete\`,
       rc.UPDATE_RULE AS \`on_update\`
  FROM information_schema.REFERENTIAL_CONSTRAINTS rc
 WHERE ${sameName('rc.CONSTRAINT_SCHEMA', db)}`,
  );
}

/**
 * The base tables (system-versioned ones included, views not) in `count` databases: `schema`,
 * `table`, `partitioned` (0/1).
 */
export function tablesSql(count: number): string {
  return perDatabase(
    count,
    (db) => `SELECT t.TABLE_SCHEMA AS \`schema\`,
       t.TABLE_NAME AS \`table\`,
       t.CREATE_OPTIONS LIKE '%partitioned%' AS \`partitioned\`,
       t.ENGINE AS \`engine\`
  FROM information_schema.TABLES t
 WHERE ${sameName('t.TABLE_SCHEMA', db)}
   AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')`,
  );
}

/**
 * Columns of the tables and views in `count` databases, one row per column: `schema`, `table`,
 * `column`, `type`, `nullable` (0/1), `position`.
 */
export function columnsSql(count: number): string {
  return perDatabase(
    count,
    (db) => `SELECT c.TABLE_SCHEMA AS \`schema\`,
       c.TABLE_NAME AS \`table\`,
       c.COLUMN_NAME AS \`column\`,
       c.COLUMN_TYPE AS \`type\`,
       c.IS_NULLABLE = 'YES' AS \`nullable\`,
       c.ORDINAL_POSITION AS \`position\`
  FROM information_schema.COLUMNS c
 WHERE ${sameName('c.TABLE_SCHEMA', db)}`,
  );
}

/**
 * Every index (primary, unique and plain: InnoDB lets any of them back either side of a foreign key)
 * in `count` databases, one row per column: `schema`, `table`, `name`, `unique` (0/1), `type`
 * (`BTREE`, `FULLTEXT`, `SPATIAL`, MariaDB's long-unique `HASH`), `position`, `column` (NULL for a
 * MySQL functional key part), `sub_part` (prefix length, or NULL).
 */
export function indexesSql(count: number): string {
  return perDatabase(
    count,
    (db) => `SELECT s.TABLE_SCHEMA AS \`schema\`,
       s.TABLE_NAME AS \`table\`,
       s.INDEX_NAME AS \`name\`,
       s.NON_UNIQUE = 0 AS \`unique\`,
       s.INDEX_TYPE AS \`type\`,
       s.SEQ_IN_INDEX AS \`position\`,
       s.COLUMN_NAME AS \`column\`,
       s.SUB_PART AS \`sub_part\`
  FROM information_schema.STATISTICS s
 WHERE ${sameName('s.TABLE_SCHEMA', db)}`,
  );
}

/** A driver session's transactions (the commands that only read; apply's go through Sequelize). */
export const TRANSACTION_SQL = {
  begin: 'START TRANSACTION',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
} as const;

/** The name MySQL and MariaDB give every primary key. */
export const PRIMARY_KEY_NAME = 'PRIMARY';

/** The server's databases, without its own (mysql, sys, information_schema, performance_schema). */
export const DATABASES_SQL = `
SELECT SCHEMA_NAME AS \`name\`
  FROM information_schema.SCHEMATA
 WHERE SCHEMA_NAME NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')`;

/** One row: `schema` (the connection's database, NULL when none) and `version`. */
export const CURRENT_DATABASE_SQL =
  'SELECT DATABASE() AS `schema`, DATABASE() AS `database`, VERSION() AS `version`';

/**
 * Takes a server-wide named lock. Binds: `$1` lock name (at most 64 characters on MySQL),
 * `$2` seconds to wait. One row, `acquired`: 1 taken, 0 timed out, NULL on error. Held by the
 * session until RELEASE_LOCK or until the connection closes.
 */
export const ACQUIRE_LOCK_SQL = 'SELECT GET_LOCK($1, $2) AS `acquired`';

/** Longest lock name both servers take: MySQL counts 64 characters, MariaDB 192 bytes. */
const MAX_LOCK_NAME_BYTES = 64;

/**
 * The named lock that keeps two applies to `database` apart: `fkdiff:<database>` when that fits in
 * 64 bytes, otherwise `fkdiff:` and a hash of the name (a longer name fails with "Identifier name
 * … is too long" on MariaDB and "Incorrect user-level lock name" on MySQL).
 */
export function applyLockName(database: string): string {
  const readable = `fkdiff:${database}`;
  if (Buffer.byteLength(readable, 'utf8') <= MAX_LOCK_NAME_BYTES) return readable;
  return `fkdiff:${createHash('sha256').update(database).digest('hex').slice(0, 40)}`;
}

/** Bind: `$1` lock name. One row, `released`: 1 released, 0 held by another session, NULL not held. */
/**
 * Who holds the named lock `$1`: at most one row with `pid` (the connection id), `who`
 * (user@host) and `seconds` in its current state. Without the PROCESS privilege another user's
 * connection is not listed, and there is no row.
 */
export const LOCK_HOLDER_SQL =
  "SELECT `ID` AS `pid`, CONCAT(`USER`, '@', `HOST`) AS `who`, `TIME` AS `seconds` FROM information_schema.PROCESSLIST WHERE `ID` = IS_USED_LOCK($1)";

export const RELEASE_LOCK_SQL = 'SELECT RELEASE_LOCK($1) AS `released`';

/**
 * How many seconds a statement of this session waits for a metadata (table) lock. Bind: `$1` whole
 * seconds. The CAST is needed: mysql2 sends a JavaScript number as a DOUBLE, which the server
 * refuses for an integer variable ("Incorrect argument type to variable 'lock_wait_timeout'").
 */
export const SET_LOCK_WAIT_TIMEOUT_SQL = 'SET SESSION lock_wait_timeout = CAST($1 AS UNSIGNED)';
