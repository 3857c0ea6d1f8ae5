import type { Session } from '../db/connection.js';
import {
  COLUMNS_SQL,
  FOREIGN_KEYS_SQL,
  OTHER_CONSTRAINTS_SQL,
  UNIQUE_KEYS_SQL,
} from '../dialect/postgres/catalog-sql.js';
import type {
  Catalog,
  Column,
  ForeignKey,
  Index,
  MatchType,
  ReferentialAction,
  Table,
} from '../model/catalog.js';
import { compareForeignKeys, compareStrings, compareTables, tableKey } from '../model/catalog.js';
import { FkdiffError } from '../errors.js';

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
      `${row.schema}.${row.table}.${row.name}: unknown ${what} code "${code}" in pg_constraint`,
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
  };
}

function toTables(
  columnRows: readonly ColumnRow[],
  keyRows: readonly KeyRow[],
  nameRows: readonly NameRow[],
): Table[] {
  const columns = new Map<string, { row: ColumnRow; columns: Column[] }>();
  for (const row of columnRows) {
    const key = tableKey({ schema: row.schema, name: row.table });
    let entry = columns.get(key);
    if (entry === undefined) {
      entry = { row, columns: [] };
      columns.set(key, entry);
    }
    entry.columns.push({ name: row.column, type: row.type, nullable: row.nullable });
  }
  const reserved = new Map<string, string[]>();
  for (const row of nameRows) {
    const key = tableKey({ schema: row.schema, name: row.table });
    reserved.set(key, [...(reserved.get(key) ?? []), row.name]);
  }
  const indexes = new Map<string, Index[]>();
  for (const row of keyRows) {
    const key = tableKey({ schema: row.schema, name: row.table });
    const list = indexes.get(key) ?? [];
    list.push({
      name: row.name,
      columns: row.columns,
      unique: true,
      primary: row.primary,
      usableForForeignKey: row.usable,
    });
    indexes.set(key, list);
  }
  return [...columns.entries()]
    .map(([key, { row, columns: tableColumns }]): Table => ({
      ref: { schema: row.schema, name: row.table },
      columns: tableColumns,
      indexes: (indexes.get(key) ?? []).sort((a, b) => compareStrings(a.name, b.name)),
      partitioned: row.kind === 'p',
      reservedNames: (reserved.get(key) ?? []).sort(compareStrings),
      ...(row.parent_schema !== null && row.parent_table !== null
        ? { partitionOf: { schema: row.parent_schema, name: row.parent_table } }
        : {}),
    }))
    .sort((a, b) => compareTables(a.ref, b.ref));
}

/**
 * The foreign keys owned by tables in `schemas`, and the tables, columns and unique keys of
 * `schemas` ∪ `tableSchemas` (schemas that only hold referenced tables). One round trip per kind.
 */
export async function introspectPostgres(
  session: Session,
  schemas: readonly string[],
  tableSchemas: readonly string[],
): Promise<Catalog> {
  const allSchemas = [...new Set([...schemas, ...tableSchemas])].sort();
  const fkRows = await session.select<ForeignKeyRow>(FOREIGN_KEYS_SQL, [[...schemas]]);
  const columnRows = await session.select<ColumnRow>(COLUMNS_SQL, [allSchemas]);
  const keyRows = await session.select<KeyRow>(UNIQUE_KEYS_SQL, [allSchemas]);
  const nameRows = await session.select<NameRow>(OTHER_CONSTRAINTS_SQL, [[...schemas]]);
  return {
    dialect: 'postgres',
    schemas: [...schemas],
    tables: toTables(columnRows, keyRows, nameRows),
    foreignKeys: fkRows.map(toForeignKey).sort(compareForeignKeys),
  };
}
