import type { Dialect } from '../dialect/dialect.js';
import type { Problem } from '../errors.js';
import type { Change } from '../model/change.js';
import type { Catalog, DesiredForeignKey, ForeignKey, SourceLocation, Table } from '../model/catalog.js';
import { definitionKey, tableKey, type ReservedName } from '../model/catalog.js';
import { nameScopeKey } from '../diff/names.js';
import { implicitIndexProblems } from './implicit-indexes.js';

function display(ref: { schema: string; name: string }): string {
  return `${ref.schema}.${ref.name}`;
}

function hasKeyOn(table: Table, columns: readonly string[], dialect: Dialect): boolean {
  switch (dialect.capabilities.referencedKey) {
    case 'unique': {
      const wanted = [...columns].sort().join('\u0000');
      return table.indexes.some(
        (index) =>
          index.unique &&
          index.usableForForeignKey &&
          [...index.columns].sort().join('\u0000') === wanted &&
          index.columns.length === columns.length,
      );
    }
    case 'leading-index':
      return table.indexes.some(
        (index) => index.usableForForeignKey && columns.every((column, i) => index.columns[i] === column),
      );
  }
}

function checkKey(
  fk: ForeignKey,
  source: SourceLocation | undefined,
  tables: ReadonlyMap<string, Table>,
  dialect: Dialect,
): Problem[] {
  const problems: Problem[] = [];
  const at = (message: string): void => {
    problems.push({ message: `${display(fk.table)}.${fk.name}: ${message}`, source });
  };
  const owner = tables.get(tableKey(fk.table));
  const target = tables.get(tableKey(fk.referencedTable));
  if (owner === undefined) at(`table ${display(fk.table)} does not exist`);
  if (target === undefined) at(`referenced table ${display(fk.referencedTable)} does not exist`);
  if (fk.columns.length !== fk.referencedColumns.length) {
    at(`${fk.columns.length} columns reference ${fk.referencedColumns.length} columns`);
  }
  const missing = (table: Table, columns: readonly string[]): string[] =>
    columns.filter((column) => !table.columns.some((c) => c.name === column));
  if (owner !== undefined) {
    for (const column of missing(owner, fk.columns))
      at(`column ${display(fk.table)}.${column} does not exist`);
  }
  if (owner !== undefined && target !== undefined) {
    fk.columns.forEach((column, i) => {
      const from = owner.columns.find((c) => c.name === column);
      const to = target.columns.find((c) => c.name === fk.referencedColumns[i]);
      if (from !== undefined && to !== undefined && !dialect.columnTypesMatch(from.type, to.type)) {
        at(
          `column ${column} (${from.type}) cannot reference ${display(fk.referencedTable)}.${to.name} (${to.type}): the types do not match`,
        );
      }
    });
  }
  if (target !== undefined) {
    const absent = missing(target, fk.referencedColumns);
    for (const column of absent)
      at(`referenced column ${display(fk.referencedTable)}.${column} does not exist`);
    if (absent.length === 0 && !hasKeyOn(target, fk.referencedColumns, dialect)) {
      const columns = `${display(fk.referencedTable)} (${fk.referencedColumns.join(', ')})`;
      at(
        dialect.capabilities.referencedKey === 'unique'
          ? `no primary key or unique constraint covers exactly the referenced columns ${columns}`
          : `no index starts with the referenced columns ${columns}`,
      );
    }
  }
  if (dialect.capabilities.setNullNeedsNullableColumns && owner !== undefined) {
    const notNull = owner.columns
      .filter((c) => fk.columns.includes(c.name) && !c.nullable)
      .map((c) => c.name);
    for (const event of ['onDelete', 'onUpdate'] as const) {
      if (fk[event] === 'set null' && notNull.length > 0) {
        at(
          `${event}: set null needs nullable columns, but ${notNull.join(', ')} ${notNull.length === 1 ? 'is' : 'are'} NOT NULL`,
        );
      }
    }
  }
  if (!dialect.capabilities.setDefault) {
    for (const event of ['onDelete', 'onUpdate'] as const) {
      if (fk[event] === 'set default')
        at(`${event}: set default is not supported by ${dialect.name} (InnoDB)`);
    }
  }
  const length = dialect.identifierLength(fk.name);
  if (length > dialect.capabilities.maxIdentifierLength) {
    at(
      `name is ${length} ${dialect.capabilities.identifierUnit} long; ${dialect.name} allows ${dialect.capabilities.maxIdentifierLength}`,
    );
  }
  return problems;
}

/**
 * Everything that would make the plan fail and can be known from the catalog alone: missing tables
 * and columns, keys that nothing unique backs, names too long. All problems, not just the first.
 */
export function preflight(
  changes: readonly Change[],
  catalog: Catalog,
  dialect: Dialect,
  reserved: readonly ReservedName[] = [],
): Problem[] {
  const tables = new Map(catalog.tables.map((table) => [tableKey(table.ref), table]));
  const holders = new Map(reserved.map((r) => [nameScopeKey(r.table, r.name, dialect), r.holder]));
  const taken = (fk: ForeignKey, name: string, source: SourceLocation | undefined): Problem[] => {
    const holder = holders.get(nameScopeKey(fk.table, name, dialect));
    return holder === undefined
      ? []
      : [{ message: `${display(fk.table)}.${name}: the name is already taken by ${holder}`, source }];
  };
  const perChange = changes.flatMap((change): Problem[] => {
    switch (change.kind) {
      case 'add':
        return [
          ...checkKey(change.fk, change.source, tables, dialect),
          ...taken(change.fk, change.fk.name, change.source),
        ];
      case 'replace':
        return [
          ...checkKey(change.to, change.source, tables, dialect),
          ...(change.to.name === change.from.name ? [] : taken(change.to, change.to.name, change.source)),
        ];
      case 'rename': {
        const length = dialect.identifierLength(change.newName);
        const tooLong: Problem[] =
          length > dialect.capabilities.maxIdentifierLength
            ? [
                {
                  message: `${display(change.fk.table)}.${change.newName}: name is too long`,
                  source: undefined,
                },
              ]
            : [];
        return [...tooLong, ...taken(change.fk, change.newName, undefined)];
      }
      case 'drop':
      case 'alter':
      case 'validate':
        return [];
    }
  });
  return [...perChange, ...implicitIndexProblems(changes, catalog, dialect)];
}

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

function sameRule(a: Omit<ForeignKey, 'name'>, b: Omit<ForeignKey, 'name'>): boolean {
  return (
    definitionKey(a) === definitionKey({ ...b, table: a.table }) &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate &&
    a.match === b.match &&
    a.deferrable === b.deferrable &&
    a.initiallyDeferred === b.initiallyDeferred
  );
}

/**
 * PostgreSQL applies a key on a partitioned table to every partition, and adopts an identical key
 * a partition already has as its clone. A spec that wants both can never be met: the partition's
 * key stops being a key of its own.
 */
export function partitionProblems(desired: readonly DesiredForeignKey[], catalog: Catalog): Problem[] {
  const tables = new Map(catalog.tables.map((table) => [tableKey(table.ref), table]));
  const byTable = new Map<string, DesiredForeignKey[]>();
  for (const fk of desired) byTable.set(tableKey(fk.table), [...(byTable.get(tableKey(fk.table)) ?? []), fk]);
  return desired.flatMap((fk): Problem[] => {
    const table = tables.get(tableKey(fk.table));
    if (table?.partitionOf === undefined) return [];
    const parentKey = ancestors(table, tables)
      .flatMap((parent) => byTable.get(tableKey(parent.ref)) ?? [])
      .find((candidate) => sameRule(fk, candidate));
    if (parentKey === undefined) return [];
    return [
      {
        message: `${display(fk.table)}${fk.name === undefined ? '' : `.${fk.name}`}: the same key is declared on ${display(parentKey.table)}, which PostgreSQL applies to each of its partitions; declare it once, on ${display(parentKey.table)}`,
        source: fk.source,
      },
    ];
  });
}
