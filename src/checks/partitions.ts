import { groupBy } from '../collections.js';
import type { Problem } from '../errors.js';
import { tableLabel } from '../labels.js';
import type { Catalog, DesiredForeignKey, Table } from '../model/catalog.js';
import { tableKey } from '../model/catalog.js';
import { KEY_FIELDS, sameField, type KeyDefinition } from '../model/fields.js';

/** The tables a partition belongs to, nearest first. */
function ancestors(table: Table, tables: ReadonlyMap<string, Table>): Table[] {
  const chain: Table[] = [];
  for (let parent = table.partitionOf; parent !== undefined;) {
    const next = tables.get(tableKey(parent));
    if (next === undefined || chain.includes(next)) break;
    chain.push(next);
    parent = next.partitionOf;
  }
  return chain;
}

/** The same key on another table: every field but validation agrees (a clone is validated with its parent). */
function sameKeyElsewhere(a: KeyDefinition, b: KeyDefinition): boolean {
  return KEY_FIELDS.every((field) => field === 'validated' || sameField(field, a, b));
}

/**
 * PostgreSQL applies a key on a partitioned table to every partition, and adopts an identical key
 * a partition already has as its clone. A spec that wants both can never be met: the partition's
 * key stops being a key of its own.
 */
export function partitionProblems(desired: readonly DesiredForeignKey[], catalog: Catalog): Problem[] {
  const tables = new Map(catalog.tables.map((table) => [tableKey(table.ref), table]));
  const byTable = groupBy(desired, (fk) => tableKey(fk.table));
  return desired.flatMap((fk): Problem[] => {
    const table = tables.get(tableKey(fk.table));
    if (table?.partitionOf === undefined) return [];
    const parentKey = ancestors(table, tables)
      .flatMap((parent) => byTable.get(tableKey(parent.ref)) ?? [])
      .find((candidate) => sameKeyElsewhere(fk, candidate));
    if (parentKey === undefined) return [];
    return [
      {
        message: `${tableLabel(fk.table)}${fk.name === undefined ? '' : `.${fk.name}`}: the same key is declared on ${tableLabel(parentKey.table)}, which PostgreSQL applies to each of its partitions; declare it once, on ${tableLabel(parentKey.table)}`,
        source: fk.source,
      },
    ];
  });
}
