import type { Dialect } from '../dialect/dialect.js';
import type { Problem } from '../errors.js';
import type { Change } from '../model/change.js';
import type { Catalog, ForeignKey, SourceLocation, Table } from '../model/catalog.js';
import { tableKey } from '../model/catalog.js';
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
export function preflight(changes: readonly Change[], catalog: Catalog, dialect: Dialect): Problem[] {
  const tables = new Map(catalog.tables.map((table) => [tableKey(table.ref), table]));
  const perChange = changes.flatMap((change): Problem[] => {
    switch (change.kind) {
      case 'add':
        return checkKey(change.fk, change.source, tables, dialect);
      case 'replace':
        return checkKey(change.to, change.source, tables, dialect);
      case 'rename': {
        const length = dialect.identifierLength(change.newName);
        return length > dialect.capabilities.maxIdentifierLength
          ? [
              {
                message: `${display(change.fk.table)}.${change.newName}: name is too long`,
                source: undefined,
              },
            ]
          : [];
      }
      case 'drop':
      case 'alter':
      case 'validate':
        return [];
    }
  });
  return [...perChange, ...implicitIndexProblems(changes, catalog, dialect)];
}
