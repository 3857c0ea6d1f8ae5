import { groupBy } from '../../collections.js';
import type { Session } from '../engine.js';
import {
  COLUMNS_SQL,
  foreignKeysSql,
  OTHER_CONSTRAINTS_SQL,
  SERVER_VERSION_SQL,
  UNIQUE_KEYS_SQL,
} from './catalog-sql.js';
import type { Catalog, ForeignKey, Index, MatchType, ReferentialAction, Table } from '../../model/catalog.js';
import {
  compareForeignKeys,
  compareStrings,
  compareTables,
  newerAttributes,
  tableKey,
} from '../../model/catalog.js';
import { FkdiffError } from '../../errors.js';
import { keyLabel } from '../../labels.js';

interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
  ref_schema: string;
  ref_table: string;
  columns: string[];
  ref_columns: string[];
  on_delete: string;
  on_update: string;
  match: string;
  deferrable: boolean;
  deferred: boolean;
  validated: boolean;
  delete_set_columns: string[];
  period: boolean;
  enforced: boolean;
}

interface ColumnRow {
  schema: string;
  table: string;
  kind: string;
  parent_schema: string | null;
  parent_table: string | null;
  column: string;
  type: string;
  nullable: boolean;
}

interface NameRow {
  schema: string;
  table: string;
  name: string;
}

interface KeyRow {
  schema: string;
  table: string;
  name: string;
  primary: boolean;
  usable: boolean;
  columns: string[];
}

/** pg_constraint.confdeltype / confupdtype codes. */
const ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/** pg_constraint.confmatchtype codes; MATCH PARTIAL is not implemented by PostgreSQL. */
const MATCHES: Readonly<Record<string, MatchType>> = { s: 'simple', f: 'full' };

function decode<T>(codes: Readonly<Record<string, T>>, code: string, what: string, row: ForeignKeyRow): T {
  const value = codes[code];
  if (value === undefined) {
    throw new FkdiffError(
      'CONNECTION_FAILED',
      `${keyLabel({ table: { schema: row.schema, name: row.table }, name: row.name })}: unknown ${what} code "${code}" in pg_constraint`,
    );
  }
  return value;
}

function toForeignKey(row: ForeignKeyRow): ForeignKey {
  return {
    name: row.name,
    table: { schema: row.schema, name: row.table },
    columns: row.columns,
    referencedTable: { schema: row.ref_schema, name: row.ref_table },
    referencedColumns: row.ref_columns,
    onDelete: decode(ACTIONS, row.on_delete, 'ON DELETE', row),
    onUpdate: decode(ACTIONS, row.on_update, 'ON UPDATE', row),
    match: decode(MATCHES, row.match, 'MATCH', row),
    deferrable: row.deferrable,
    initiallyDeferred: row.deferred,
    validated: row.validated,
    ...newerAttributes({
      enforced: row.enforced,
      period: row.period,
      onDeleteColumns: row.delete_set_columns,
    }),
  };
}

function toTables(
  columnRows: readonly ColumnRow[],
  keyRows: readonly KeyRow[],
  nameRows: readonly NameRow[],
): Table[] {
  const rowKey = (row: { schema: string; table: string }): string =>
    tableKey({ schema: row.schema, name: row.table });
  const columns = groupBy(columnRows, rowKey);
  const reserved = groupBy(nameRows, rowKey);
  const indexes = groupBy(keyRows, rowKey);
  return [...columns.entries()]
    .flatMap(([key, rows]): Table[] => {
      const [row] = rows;
      if (row === undefined) return [];
      const table: Table = {
        ref: { schema: row.schema, name: row.table },
        columns: rows.map((column) => ({
          name: column.column,
          type: column.type,
          nullable: column.nullable,
        })),
        indexes: (indexes.get(key) ?? [])
          .map((index): Index => ({
            name: index.name,
            columns: index.columns,
            unique: true,
            primary: index.primary,
            usableForForeignKey: index.usable,
          }))
          .sort((a, b) => compareStrings(a.name, b.name)),
        partitioned: row.kind === 'p',
        reservedNames: (reserved.get(key) ?? []).map((name) => name.name).sort(compareStrings),
        ...(row.parent_schema !== null && row.parent_table !== null
          ? { partitionOf: { schema: row.parent_schema, name: row.parent_table } }
          : {}),
      };
      return [table];
    })
    .sort((a, b) => compareTables(a.ref, b.ref));
}

/**
 * The foreign keys owned by tables in `schemas`, and the tables, columns and unique keys of
 * `schemas` ∪ `tableSchemas` (schemas that only hold referenced tables). One round trip per kind.
 */
/** The server's version and the foreign keys owned by tables in `schemas`: two round trips. */
async function readKeys(
  session: Session,
  schemas: readonly string[],
): Promise<{ readonly serverVersion: number; readonly foreignKeys: ForeignKey[] }> {
  const [versionRow] = await session.select<{ version: number | string }>(SERVER_VERSION_SQL);
  const serverVersion = Number(versionRow?.version ?? 0);
  const fkRows = await session.select<ForeignKeyRow>(foreignKeysSql(serverVersion), [[...schemas]]);
  return { serverVersion, foreignKeys: fkRows.map(toForeignKey).sort(compareForeignKeys) };
}

export async function introspectPostgresKeys(
  session: Session,
  schemas: readonly string[],
): Promise<ForeignKey[]> {
  return (await readKeys(session, schemas)).foreignKeys;
}

export async function introspectPostgres(
  session: Session,
  schemas: readonly string[],
  tableSchemas: readonly string[],
): Promise<Catalog> {
  const allSchemas = [...new Set([...schemas, ...tableSchemas])].sort();
  // Asked for at once: a connection with a second session reads two kinds at a time.
  const [{ serverVersion, foreignKeys }, columnRows, keyRows, nameRows] = await Promise.all([
    readKeys(session, schemas),
    session.select<ColumnRow>(COLUMNS_SQL, [allSchemas]),
    session.select<KeyRow>(UNIQUE_KEYS_SQL, [allSchemas]),
    session.select<NameRow>(OTHER_CONSTRAINTS_SQL, [[...schemas]]),
  ]);
  return {
    dialect: 'postgres',
    serverVersion,
    schemas: [...schemas],
    tables: toTables(columnRows, keyRows, nameRows),
    foreignKeys,
  };
}
