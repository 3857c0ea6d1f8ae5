import type { Session } from '../db/connection.js';
import { columnsSql, foreignKeysSql, indexesSql, PRIMARY_KEY_NAME } from '../dialect/mysql/catalog-sql.js';
import { FkdiffError } from '../errors.js';
import type { Catalog, Column, ForeignKey, Index, ReferentialAction, Table } from '../model/catalog.js';
import { compareForeignKeys, compareStrings, compareTables, tableKey } from '../model/catalog.js';

/** Numbers and flags may come back as numbers or numeric strings, depending on the driver's protocol. */
type Numeric = number | string;

interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
  ref_schema: string;
  ref_table: string;
  column: string;
  ref_column: string;
  position: Numeric;
  on_delete: string;
  on_update: string;
}

interface ColumnRow {
  schema: string;
  table: string;
  partitioned: Numeric;
  column: string;
  type: string;
  nullable: Numeric;
  position: Numeric;
}

interface IndexRow {
  schema: string;
  table: string;
  name: string;
  unique: Numeric;
  type: string;
  position: Numeric;
  column: string | null;
  sub_part: Numeric | null;
}

/** information_schema.REFERENTIAL_CONSTRAINTS DELETE_RULE / UPDATE_RULE values. */
const ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  'NO ACTION': 'no action',
  RESTRICT: 'restrict',
  CASCADE: 'cascade',
  'SET NULL': 'set null',
  'SET DEFAULT': 'set default',
};

function flag(value: Numeric): boolean {
  return Number(value) === 1;
}

function byPosition<T extends { position: Numeric }>(a: T, b: T): number {
  return Number(a.position) - Number(b.position);
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

function action(code: string, event: string, row: ForeignKeyRow): ReferentialAction {
  const value = ACTIONS[code.toUpperCase()];
  if (value === undefined) {
    throw new FkdiffError(
      'CONNECTION_FAILED',
      `${row.schema}.${row.table}.${row.name}: unknown ${event} rule "${code}" in information_schema`,
    );
  }
  return value;
}

/** One key from its column rows (all of one constraint). */
function toForeignKey(rows: readonly ForeignKeyRow[]): ForeignKey {
  const ordered = [...rows].sort(byPosition);
  const [first] = ordered;
  if (first === undefined) throw new Error('a foreign key without columns');
  return {
    name: first.name,
    table: { schema: first.schema, name: first.table },
    columns: ordered.map((row) => row.column),
    referencedTable: { schema: first.ref_schema, name: first.ref_table },
    referencedColumns: ordered.map((row) => row.ref_column),
    onDelete: action(first.on_delete, 'ON DELETE', first),
    onUpdate: action(first.on_update, 'ON UPDATE', first),
    deferrable: false,
    initiallyDeferred: false,
    match: 'simple',
    validated: true,
  };
}

/**
 * InnoDB can use an index for a foreign key only when it is a B-tree over whole columns: not a
 * prefix (`SUB_PART`), functional, FULLTEXT, SPATIAL or MariaDB long-unique (HASH) index.
 */
function toIndex(rows: readonly IndexRow[]): Index {
  const ordered = [...rows].sort(byPosition);
  const [first] = ordered;
  if (first === undefined) throw new Error('an index without columns');
  const wholeColumns = ordered.every((row) => row.column !== null && row.sub_part === null);
  return {
    name: first.name,
    columns: ordered.map((row) => row.column ?? ''),
    unique: flag(first.unique),
    primary: first.name === PRIMARY_KEY_NAME,
    usableForForeignKey: wholeColumns && first.type.toUpperCase() === 'BTREE',
  };
}

function toTables(columnRows: readonly ColumnRow[], indexRows: readonly IndexRow[]): Table[] {
  const rowKey = (row: { schema: string; table: string }): string =>
    tableKey({ schema: row.schema, name: row.table });
  const indexesByTable = groupBy(indexRows, rowKey);
  return [...groupBy(columnRows, rowKey).values()]
    .flatMap((rows): Table[] => {
      const [first] = rows;
      if (first === undefined) return [];
      const ref = { schema: first.schema, name: first.table };
      const columns: Column[] = [...rows]
        .sort(byPosition)
        .map((row) => ({ name: row.column, type: row.type, nullable: flag(row.nullable) }));
      const indexes = [...groupBy(indexesByTable.get(tableKey(ref)) ?? [], (row) => row.name).values()]
        .map(toIndex)
        .sort((a, b) => compareStrings(a.name, b.name));
      return [{ ref, columns, indexes, partitioned: flag(first.partitioned) }];
    })
    .sort((a, b) => compareTables(a.ref, b.ref));
}

async function selectAll<Row extends object>(
  session: Session,
  sql: (count: number) => string,
  databases: readonly string[],
): Promise<Row[]> {
  return databases.length === 0 ? [] : session.select<Row>(sql(databases.length), databases);
}

/**
 * The foreign keys owned by tables in the databases `schemas`, and the base tables, columns and
 * indexes of `schemas` ∪ `tableSchemas` (databases that only hold referenced tables). Three round
 * trips in all, whatever the number of databases.
 */
export async function introspectMysql(
  session: Session,
  schemas: readonly string[],
  tableSchemas: readonly string[],
): Promise<Catalog> {
  const owners = [...new Set(schemas)].sort(compareStrings);
  const allSchemas = [...new Set([...schemas, ...tableSchemas])].sort(compareStrings);
  const fkRows = await selectAll<ForeignKeyRow>(session, foreignKeysSql, owners);
  const columnRows = await selectAll<ColumnRow>(session, columnsSql, allSchemas);
  const indexRows = await selectAll<IndexRow>(session, indexesSql, allSchemas);
  const byConstraint = groupBy(
    fkRows,
    (row) => `${tableKey({ schema: row.schema, name: row.table })}\u0000${row.name}`,
  );
  return {
    dialect: 'mysql',
    schemas: [...schemas],
    tables: toTables(columnRows, indexRows),
    foreignKeys: [...byConstraint.values()].map(toForeignKey).sort(compareForeignKeys),
  };
}
