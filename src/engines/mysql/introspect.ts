import type { Session } from '../engine.js';
import { groupBy } from '../../collections.js';
import {
  columnsSql,
  foreignKeyRulesSql,
  foreignKeysSql,
  indexesSql,
  PRIMARY_KEY_NAME,
  tablesSql,
} from './catalog-sql.js';
import { FkdiffError } from '../../errors.js';
import { keyLabel } from '../../labels.js';
import type { Catalog, Column, ForeignKey, Index, ReferentialAction, Table } from '../../model/catalog.js';
import { compareForeignKeys, compareStrings, compareTables, tableKey } from '../../model/catalog.js';

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
}

interface RuleRow {
  schema: string;
  table: string;
  name: string;
  on_delete: string;
  on_update: string;
}

interface TableRow {
  schema: string;
  table: string;
  partitioned: Numeric;
  /** The storage engine: InnoDB, MyISAM, MEMORY, Aria… (NULL for some system tables). */
  engine: string | null;
}

/** Storage engines that enforce foreign keys; the others accept the DDL and ignore the key. */
const ENFORCING_ENGINES: ReadonlySet<string> = new Set(['innodb', 'ndb', 'ndbcluster']);

function ignoresForeignKeys(engine: string | null): { readonly ignoresForeignKeys?: string } {
  return engine === null || ENFORCING_ENGINES.has(engine.toLowerCase()) ? {} : { ignoresForeignKeys: engine };
}

interface ColumnRow {
  schema: string;
  table: string;
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

function action(code: string, event: string, row: RuleRow): ReferentialAction {
  const value = ACTIONS[code.toUpperCase()];
  if (value === undefined) {
    throw new FkdiffError(
      'CONNECTION_FAILED',
      `${keyLabel({ table: { schema: row.schema, name: row.table }, name: row.name })}: unknown ${event} rule "${code}" in information_schema`,
    );
  }
  return value;
}

/** A row's table and constraint name, exact: what joins a key's columns to its rules. */
function constraintKey(row: { schema: string; table: string; name: string }): string {
  return `${tableKey({ schema: row.schema, name: row.table })}\u0000${row.name}`;
}

/** One key from its column rows (all of one constraint) and its rules. */
function toForeignKey(rows: readonly ForeignKeyRow[], rules: RuleRow): ForeignKey {
  const ordered = [...rows].sort(byPosition);
  const [first] = ordered;
  if (first === undefined) throw new Error('a foreign key without columns');
  return {
    name: first.name,
    table: { schema: first.schema, name: first.table },
    columns: ordered.map((row) => row.column),
    referencedTable: { schema: first.ref_schema, name: first.ref_table },
    referencedColumns: ordered.map((row) => row.ref_column),
    onDelete: action(rules.on_delete, 'ON DELETE', rules),
    onUpdate: action(rules.on_update, 'ON UPDATE', rules),
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

/** The keys whose rules were read too: a key's columns and its rules are read in two queries. */
function toForeignKeys(fkRows: readonly ForeignKeyRow[], ruleRows: readonly RuleRow[]): ForeignKey[] {
  const rules = new Map(ruleRows.map((row) => [constraintKey(row), row]));
  return [...groupBy(fkRows, constraintKey).entries()]
    .flatMap(([key, rows]) => {
      const rule = rules.get(key);
      return rule === undefined ? [] : [toForeignKey(rows, rule)];
    })
    .sort(compareForeignKeys);
}

/** The base tables, with their columns and indexes; columns of views are left out. */
function toTables(
  tableRows: readonly TableRow[],
  columnRows: readonly ColumnRow[],
  indexRows: readonly IndexRow[],
): Table[] {
  const rowKey = (row: { schema: string; table: string }): string =>
    tableKey({ schema: row.schema, name: row.table });
  const baseTables = new Map(tableRows.map((row) => [rowKey(row), row]));
  const indexesByTable = groupBy(indexRows, rowKey);
  return [...groupBy(columnRows, rowKey).entries()]
    .flatMap(([key, rows]): Table[] => {
      const [first] = rows;
      const table = baseTables.get(key);
      if (first === undefined || table === undefined) return [];
      const ref = { schema: table.schema, name: table.table };
      const columns: Column[] = [...rows]
        .sort(byPosition)
        .map((row) => ({ name: row.column, type: row.type, nullable: flag(row.nullable) }));
      const indexes = [...groupBy(indexesByTable.get(tableKey(ref)) ?? [], (row) => row.name).values()]
        .map(toIndex)
        .sort((a, b) => compareStrings(a.name, b.name));
      return [
        { ref, columns, indexes, partitioned: flag(table.partitioned), ...ignoresForeignKeys(table.engine) },
      ];
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
 * indexes of `schemas` ∪ `tableSchemas` (databases that only hold referenced tables). Five round
 * trips in all, one per information_schema table, whatever the number of databases.
 */
export async function introspectMysql(
  session: Session,
  schemas: readonly string[],
  tableSchemas: readonly string[],
): Promise<Catalog> {
  const allSchemas = [...new Set([...schemas, ...tableSchemas])].sort(compareStrings);
  // Asked for at once: a connection with a second session reads two kinds at a time.
  // In an order that shares them out evenly between two sessions (the keys are two reads).
  const [indexRows, foreignKeys, tableRows, columnRows] = await Promise.all([
    selectAll<IndexRow>(session, indexesSql, allSchemas),
    introspectMysqlKeys(session, schemas),
    selectAll<TableRow>(session, tablesSql, allSchemas),
    selectAll<ColumnRow>(session, columnsSql, allSchemas),
  ]);
  return {
    dialect: 'mysql',
    schemas: [...schemas],
    tables: toTables(tableRows, columnRows, indexRows),
    foreignKeys,
  };
}

/** The foreign keys owned by tables in the databases `schemas`: two round trips (columns, rules). */
export async function introspectMysqlKeys(
  session: Session,
  schemas: readonly string[],
): Promise<ForeignKey[]> {
  const owners = [...new Set(schemas)].sort(compareStrings);
  const [fkRows, ruleRows] = await Promise.all([
    selectAll<ForeignKeyRow>(session, foreignKeysSql, owners),
    selectAll<RuleRow>(session, foreignKeyRulesSql, owners),
  ]);
  return toForeignKeys(fkRows, ruleRows);
}
