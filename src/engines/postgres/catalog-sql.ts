/**
 * Catalog queries for PostgreSQL. Each reads one kind of object for every schema in `$1` (text[])
 * in a single round trip. Names come back as text and key columns in key order.
 */

/** A driver session's transactions (the commands that only read; apply's go through Sequelize). */
export const TRANSACTION_SQL = { begin: 'BEGIN', commit: 'COMMIT', rollback: 'ROLLBACK' } as const;

/** The server's version as a number (`180004`): which catalog columns the key query may read. */
export const SERVER_VERSION_SQL = "SELECT current_setting('server_version_num')::int AS version";

/**
 * Foreign keys, without the per-partition clones of a key declared on a partitioned table. The
 * newer attributes are read where the server has their columns (`server_version_num`): the
 * columns SET NULL / SET DEFAULT sets (confdelsetcols, 15), PERIOD (conperiod, 18) and
 * enforcement (conenforced, 18); older servers report the defaults.
 */
export function foreignKeysSql(serverVersion: number): string {
  const deleteSetColumns =
    serverVersion >= 150000
      ? `ARRAY(SELECT a.attname::text
               FROM unnest(con.confdelsetcols) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
              ORDER BY k.ord)`
      : 'ARRAY[]::text[]';
  const period = serverVersion >= 180000 ? 'con.conperiod' : 'false';
  const enforced = serverVersion >= 180000 ? 'con.conenforced' : 'true';
  return `
SELECT n.nspname::text AS schema,
       c.relname::text AS table,
       con.conname::text AS name,
       rn.nspname::text AS ref_schema,
       rc.relname::text AS ref_table,
       ARRAY(SELECT a.attname::text
               FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS columns,
       ARRAY(SELECT a.attname::text
               FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS ref_columns,
       con.confdeltype::text AS on_delete,
       con.confupdtype::text AS on_update,
       con.confmatchtype::text AS match,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       con.convalidated AS validated,
       ${deleteSetColumns} AS delete_set_columns,
       ${period} AS period,
       ${enforced} AS enforced
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
  JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE con.contype = 'f'
   AND con.conparentid = 0
   AND n.nspname = ANY($1::text[])`;
}

/**
 * Columns of ordinary and partitioned tables, with the parent of a partition; each table's in
 * column order. Ordered by oid, not by name: sorting 30,000 rows by their names' collation took
 * half the query's time, and the tables are sorted by name afterwards anyway.
 */
export const COLUMNS_SQL = `
SELECT n.nspname::text AS schema,
       c.relname::text AS table,
       c.relkind::text AS kind,
       pn.nspname::text AS parent_schema,
       pc.relname::text AS parent_table,
       a.attname::text AS column,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
  LEFT JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
  LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname = ANY($1::text[])
 ORDER BY a.attrelid, a.attnum`;

/**
 * Unique indexes (primary keys and unique constraints have one each). A key can back a foreign key
 * only when it is immediate and neither partial nor on expressions.
 */
export const UNIQUE_KEYS_SQL = `
SELECT n.nspname::text AS schema,
       c.relname::text AS table,
       i.relname::text AS name,
       x.indisprimary AS primary,
       (x.indpred IS NULL AND x.indexprs IS NULL AND x.indimmediate) AS usable,
       ARRAY(SELECT a.attname::text
               FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
              WHERE k.ord <= x.indnkeyatts
              ORDER BY k.ord) AS columns
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE x.indisunique
   AND c.relkind IN ('r', 'p')
   AND n.nspname = ANY($1::text[])`;

/**
 * Constraints that share the per-table namespace with the managed keys: other kinds (on 18 also
 * the NOT NULL constraints, contype 'n'), and clones.
 */
export const OTHER_CONSTRAINTS_SQL = `
SELECT n.nspname::text AS schema,
       c.relname::text AS table,
       con.conname::text AS name
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE (con.contype <> 'f' OR con.conparentid <> 0)
   AND n.nspname = ANY($1::text[])`;

/** The database's schemas, without the system's own (pg_catalog, pg_toast…, information_schema). */
export const SCHEMAS_SQL = `
SELECT n.nspname::text AS name
  FROM pg_catalog.pg_namespace n
 WHERE n.nspname !~ '^pg_'
   AND n.nspname <> 'information_schema'`;

export const CURRENT_SCHEMA_SQL =
  'SELECT current_schema()::text AS schema, current_database()::text AS database, version() AS version';

/**
 * The apply lock: a transaction-scoped advisory lock whose 64-bit key is
 * `hashtextextended('fkdiff:<database>', 0)`, so a deploy script can take it too
 * (`SELECT pg_advisory_lock(hashtextextended('fkdiff:' || current_database(), 0))`). It ends with
 * the transaction, or with the session if the connection is lost. Bind: `$1` the lock's name.
 * One row, `acquired`: true when taken.
 */
export const TRY_APPLY_LOCK_SQL = 'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS acquired';

/**
 * The database-wide lock an apply to one schema holds shared (other schemas' applies hold it too; an
 * apply to the whole database takes it exclusively). Bind: `$1` the name. One row, `acquired`.
 */
export const TRY_SHARED_APPLY_LOCK_SQL =
  'SELECT pg_try_advisory_xact_lock_shared(hashtextextended($1, 0)) AS acquired';

/** Waits for the shared database-wide lock, as long as lock_timeout allows. Bind: `$1` name. */
export const WAIT_SHARED_APPLY_LOCK_SQL = 'SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))';

/** Waits for the apply lock, as long as the transaction's lock_timeout allows. Bind: `$1` name. */
export const WAIT_APPLY_LOCK_SQL = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';

/**
 * Who holds the apply lock named `$1`: at most one row with `pid`, `who` (user@client address) and
 * `application`. An advisory lock on a 64-bit key shows in pg_locks as classid (high half) and
 * objid (low half), with objsubid 1.
 */
export const APPLY_LOCK_HOLDER_SQL = `SELECT a.pid, a.usename::text || '@' || COALESCE(host(a.client_addr), 'local') AS who,
       a.application_name AS application
  FROM pg_catalog.pg_locks l
  JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
   AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
   AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)
 LIMIT 1`;

/** Sets the lock timeout for the current transaction only; the value is a bound parameter. */
export const SET_LOCK_TIMEOUT_SQL = "SELECT set_config('lock_timeout', $1, true)";

/** The settings that size the shared lock table (`max_locks_per_transaction` × connections). */
export const LOCK_TABLE_SQL = `
SELECT current_setting('max_locks_per_transaction')::int AS max_locks,
       current_setting('max_connections')::int AS max_connections,
       current_setting('max_prepared_transactions')::int AS max_prepared`;
