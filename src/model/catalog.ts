/** Plain, readonly data describing foreign keys and the tables they connect. No I/O. */
import type { EngineName } from '../engines/names.js';
import { tableLabel } from '../labels.js';

export const REFERENTIAL_ACTIONS = ['no action', 'restrict', 'cascade', 'set null', 'set default'] as const;
export type ReferentialAction = (typeof REFERENTIAL_ACTIONS)[number];

export const MATCH_TYPES = ['simple', 'full'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

/** A table named by schema (MySQL: database) and name, both exact and case-sensitive. */
export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

/** Where a desired object was declared, for error messages (`fkdiff.yaml:12:9`). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface ForeignKey {
  readonly name: string;
  readonly table: TableRef;
  readonly columns: readonly string[];
  readonly referencedTable: TableRef;
  readonly referencedColumns: readonly string[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
  readonly match: MatchType;
  /** false for a PostgreSQL constraint created NOT VALID and not validated since. */
  readonly validated: boolean;
  /**
   * PostgreSQL 18: false for a NOT ENFORCED key (never checked; `validated` is then false too).
   * Absent means enforced, so that keys without the newer attributes compare and hash as before.
   */
  readonly enforced?: boolean;
  /** PostgreSQL 18: the last column pair is compared with PERIOD (a temporal key). Absent: false. */
  readonly period?: boolean;
  /**
   * PostgreSQL 15: `ON DELETE SET NULL (col, …)` / `SET DEFAULT (col, …)` sets only these columns
   * (a subset of `columns`). Absent: every column of the key.
   */
  readonly onDeleteColumns?: readonly string[];
}

/** Whether the key is checked at all (PostgreSQL 18 NOT ENFORCED keys are not). */
export function isEnforced(fk: Pick<ForeignKey, 'enforced'>): boolean {
  return fk.enforced !== false;
}

export function isPeriod(fk: Pick<ForeignKey, 'period'>): boolean {
  return fk.period === true;
}

/** The columns ON DELETE SET NULL / SET DEFAULT names; [] = every column of the key. */
export function deleteSetColumns(fk: Pick<ForeignKey, 'onDeleteColumns'>): readonly string[] {
  return fk.onDeleteColumns ?? [];
}

/**
 * The newer attributes as a key object carries them: present only when they differ from the
 * default, so that a key without them is the same object it always was.
 */
export function newerAttributes(values: {
  readonly enforced: boolean;
  readonly period: boolean;
  readonly onDeleteColumns: readonly string[];
}): Pick<ForeignKey, 'enforced' | 'period' | 'onDeleteColumns'> {
  return {
    ...(values.enforced ? {} : { enforced: false }),
    ...(values.period ? { period: true } : {}),
    ...(values.onDeleteColumns.length > 0 ? { onDeleteColumns: [...values.onDeleteColumns] } : {}),
  };
}

/**
 * A foreign key as the spec declares it. `name` is undefined when the spec leaves it out: such a key
 * matches an existing one of the same definition whatever its name, and gets a derived name if created.
 */
export interface DesiredForeignKey extends Omit<ForeignKey, 'name'> {
  readonly name: string | undefined;
  readonly source: SourceLocation | undefined;
}

export interface Column {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

export interface Index {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly primary: boolean;
  /** Partial or expression indexes cannot back a foreign key. */
  readonly usableForForeignKey: boolean;
}

export interface Table {
  readonly ref: TableRef;
  readonly columns: readonly Column[];
  /** Primary key, unique constraints and unique indexes, plus (MySQL) the plain indexes. */
  readonly indexes: readonly Index[];
  readonly partitioned: boolean;
  /** PostgreSQL: the partitioned table this table is a partition of. */
  readonly partitionOf?: TableRef;
  /** MySQL: the storage engine, when it ignores foreign keys (MyISAM, MEMORY, Aria…). */
  readonly ignoresForeignKeys?: string;
  /**
   * Names a new foreign key cannot take besides the managed keys' (PostgreSQL: the table's other
   * constraints and the clones of a parent's keys, which share one namespace per table).
   */
  readonly reservedNames?: readonly string[];
}

/** What a database holds (or a spec wants) within the governed schemas. */
export interface Catalog {
  readonly dialect: EngineName;
  /**
   * The server's version as a number (PostgreSQL `server_version_num`, e.g. 180004), where the
   * engine reads it: which key attributes and NOT VALID rules the server has.
   */
  readonly serverVersion?: number;
  readonly schemas: readonly string[];
  readonly tables: readonly Table[];
  readonly foreignKeys: readonly ForeignKey[];
}

/** A constraint name fkdiff must not take or change: what holds it, for messages. */
export interface ReservedName {
  readonly table: TableRef;
  readonly name: string;
  readonly holder: string;
}

/** Names in `catalog`'s tables that managed keys cannot take. */
export function reservedNames(catalog: Catalog, unmanaged: readonly ForeignKey[]): ReservedName[] {
  return [
    ...unmanaged.map((fk) => ({
      table: fk.table,
      name: fk.name,
      holder: `the foreign key of excluded table ${tableLabel(fk.table)}`,
    })),
    ...catalog.tables.flatMap((table) =>
      (table.reservedNames ?? []).map((name) => ({
        table: table.ref,
        name,
        holder: `another constraint of ${tableLabel(table.ref)}`,
      })),
    ),
  ];
}

export function tableKey(ref: TableRef): string {
  return `${ref.schema}\u0000${ref.name}`;
}

export function sameTable(a: TableRef, b: TableRef): boolean {
  return a.schema === b.schema && a.name === b.name;
}

export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** Identity of a foreign key's shape: owning table, columns, referenced table and columns. */
export function definitionKey(fk: Omit<ForeignKey, 'name'>): string {
  return [
    tableKey(fk.table),
    fk.columns.join('\u0001'),
    tableKey(fk.referencedTable),
    fk.referencedColumns.join('\u0001'),
  ].join('\u0002');
}

/**
 * Whether an index can back a key on `columns` as their leading columns, in order (what InnoDB
 * needs on both sides of a key).
 */
export function servesColumns(index: Index, columns: readonly string[]): boolean {
  return (
    index.usableForForeignKey &&
    columns.length > 0 &&
    columns.length <= index.columns.length &&
    columns.every((column, i) => index.columns[i] === column)
  );
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareTables(a: TableRef, b: TableRef): number {
  return compareStrings(a.schema, b.schema) || compareStrings(a.name, b.name);
}

export function compareForeignKeys(a: ForeignKey, b: ForeignKey): number {
  return compareTables(a.table, b.table) || compareStrings(a.name, b.name);
}
