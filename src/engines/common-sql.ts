import { isPeriod, type ForeignKey, type ReferentialAction } from '../model/catalog.js';
import type { KeyField } from '../model/fields.js';
import type { OrphanRows } from './engine.js';

/**
 * The clause each field of a key contributes to its definition, in the order they are written ('' for
 * none): a field added to the model fails to compile in each engine's DDL until it says its clause.
 */
export type FieldClauses = { readonly [F in KeyField]: string };

export function definitionFromClauses(clauses: FieldClauses): string {
  return joinSql(Object.values(clauses));
}

/** `ON DELETE CASCADE`, leaving out NO ACTION, the default of both engines. */
export function actionClause(event: 'DELETE' | 'UPDATE', action: ReferentialAction): string {
  return action === 'no action' ? '' : `ON ${event} ${action.toUpperCase()}`;
}

export function joinSql(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

/**
 * A temporal key (PostgreSQL 18 PERIOD): the referencing row's range must be covered by the union
 * of the ranges of the referenced rows with equal scalar columns, as the server checks it
 * (range_agg, PostgreSQL 14+, then containment), never by equality of the ranges.
 */
function periodMissing(
  fk: ForeignKey,
  quote: (name: string) => string,
  quoteTable: (ref: ForeignKey['table']) => string,
  equal: (columns: readonly string[]) => string,
): string {
  const scalar = fk.columns.slice(0, -1);
  const range = fk.columns.at(-1) ?? '';
  const referencedRange = fk.referencedColumns.at(-1) ?? '';
  const covering = `SELECT pg_catalog.range_agg(p.${quote(referencedRange)}) FROM ${quoteTable(fk.referencedTable)} p${scalar.length > 0 ? ` WHERE ${equal(scalar)}` : ''}`;
  return `NOT COALESCE((${covering}) @> c.${quote(range)}, false)`;
}

/**
 * The condition a referencing row `c` fails the key on: no referenced row `p` matches. Rows the key
 * does not check are left out: MATCH SIMPLE skips rows with any NULL in the key, MATCH FULL only rows
 * that are all NULL.
 */
function orphanCondition(
  fk: ForeignKey,
  quote: (name: string) => string,
  quoteTable: (ref: ForeignKey['table']) => string,
): string {
  const child = fk.columns.map((column) => `c.${quote(column)}`);
  const equal = (columns: readonly string[]): string =>
    columns
      .map((column, i) => `p.${quote(fk.referencedColumns[i] ?? column)} = c.${quote(column)}`)
      .join(' AND ');
  const missing = isPeriod(fk)
    ? periodMissing(fk, quote, quoteTable, equal)
    : `NOT EXISTS (SELECT 1 FROM ${quoteTable(fk.referencedTable)} p WHERE ${equal(fk.columns)})`;
  return fk.match === 'full'
    ? `NOT (${child.map((c) => `${c} IS NULL`).join(' AND ')}) AND (${child.map((c) => `${c} IS NULL`).join(' OR ')} OR ${missing})`
    : `${child.map((c) => `${c} IS NOT NULL`).join(' AND ')} AND ${missing}`;
}

/**
 * One query counting, for each key, the referencing rows without a referenced row (at most
 * `limit + 1` each, so a table full of violations is not counted to the end). Rows
 * `{ position, orphans }`, position = index in `fks`.
 */
export function orphanCountSql(
  fks: readonly ForeignKey[],
  quote: (name: string) => string,
  quoteTable: (ref: ForeignKey['table']) => string,
  limit: number,
): string {
  return fks
    .map((fk, position) => {
      const checked = orphanCondition(fk, quote, quoteTable);
      const sample = `SELECT 1 FROM ${quoteTable(fk.table)} c WHERE ${checked} LIMIT ${Math.trunc(limit) + 1}`;
      return `SELECT ${position} AS position, (SELECT count(*) FROM (${sample}) AS orphan) AS orphans`;
    })
    .join('\nUNION ALL\n');
}

/**
 * The rows that fail the key. `sample`: the first `limit` distinct key values, columns `k0, k1…`
 * in key order; `all`: every failing row, every column, for the user to run.
 */
export function orphanRowsSql(
  fk: ForeignKey,
  quote: (name: string) => string,
  quoteTable: (ref: ForeignKey['table']) => string,
  rows: OrphanRows,
): string {
  const where = `FROM ${quoteTable(fk.table)} c WHERE ${orphanCondition(fk, quote, quoteTable)}`;
  const keyColumns = fk.columns.map((column) => `c.${quote(column)}`);
  switch (rows.kind) {
    case 'sample': {
      const select = keyColumns.map((column, i) => `${column} AS k${i}`).join(', ');
      const order = keyColumns.map((_, i) => `${i + 1}`).join(', ');
      return `SELECT DISTINCT ${select} ${where} ORDER BY ${order} LIMIT ${Math.trunc(rows.limit)}`;
    }
    case 'all':
      return `SELECT c.* ${where} ORDER BY ${keyColumns.join(', ')}`;
  }
}
