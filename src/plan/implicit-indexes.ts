import type { Dialect } from '../dialect/dialect.js';
import type { Catalog, ForeignKey, Index } from '../model/catalog.js';
import { sameTable, tableKey } from '../model/catalog.js';
import type { DraftStep } from './draft.js';

/** An index serves a foreign key when the key's columns are its leading columns, in order. */
export function serves(index: Index, columns: readonly string[]): boolean {
  return columns.every((column, i) => index.columns[i] === column);
}

/**
 * InnoDB names the index it creates for a foreign key after the constraint, and leaves it behind
 * when the key is dropped. Such a leftover blocks a later key of the same name on other columns
 * ("Duplicate key name"). fkdiff drops a leftover index just before the add that needs its name, and
 * only when no foreign key that remains depends on it; it never drops any other index.
 */
export function implicitIndexDrops(
  adds: readonly DraftStep[],
  current: Catalog,
  dropped: ReadonlySet<ForeignKey>,
  _dialect: Dialect,
): DraftStep[] {
  const tables = new Map(current.tables.map((t) => [tableKey(t.ref), t]));
  const remaining = current.foreignKeys.filter((fk) => !dropped.has(fk));
  const result: DraftStep[] = [];
  for (const draft of adds) {
    const { fk } = draft.op;
    const table = tables.get(tableKey(fk.table));
    const sameName = table?.indexes.find((index) => index.name === fk.name && !index.primary);
    const usable = table?.indexes.some((index) => serves(index, fk.columns)) ?? false;
    if (table !== undefined && sameName !== undefined && !usable) {
      const needed = remaining.some(
        (other) =>
          sameTable(other.table, fk.table) &&
          serves(sameName, other.columns) &&
          !table.indexes.some((index) => index !== sameName && serves(index, other.columns)),
      );
      if (!needed) {
        result.push({ op: { op: 'drop-index', fk, indexName: sameName.name }, hazards: [], separate: false });
      }
    }
    result.push(draft);
  }
  return result;
}
