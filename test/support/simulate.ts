import type { Catalog, ForeignKey, Index, Table, TableRef } from '../../src/model/catalog.js';
import { definitionKey, sameColumns, sameTable, tableKey } from '../../src/model/catalog.js';
import { keyLabel } from '../../src/labels.js';
import type { Plan, StepAction } from '../../src/model/plan.js';

/*
 * An in-memory model of what the database does with each step of a plan, written independently of
 * the planner so that it can catch the planner's mistakes: a step that refers to a key that does
 * not exist, or that creates a name already held in its scope, throws a SimulationError.
 *
 * PostgreSQL: constraint names are unique per table (the table's other constraints, listed in
 * `reservedNames`, included); a partitioned table cannot take a NOT VALID key.
 * MySQL (InnoDB): constraint names are unique per schema, case-insensitively; adding a key creates
 * an index named after it on its columns unless an index can serve it, and dropping the key leaves
 * that index behind (the rules are those documented in src/plan/implicit-indexes.ts).
 */

export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

/** The indexes this simulator created for a key, as InnoDB does (information_schema cannot tell). */
const implicitIndexes = new WeakSet<Index>();

export function isImplicitIndex(index: Index): boolean {
  return implicitIndexes.has(index);
}

function fail(message: string): never {
  throw new SimulationError(message);
}

function nameScope(catalog: Catalog, table: TableRef, name: string): string {
  return catalog.dialect === 'postgres'
    ? `${tableKey(table)}\u0000${name}`
    : `${table.schema}\u0000${name.toLowerCase()}`;
}

/** Every name the constraint namespaces hold: the keys', and (PostgreSQL) the tables' other constraints. */
function heldNames(catalog: Catalog): Set<string> {
  return new Set([
    ...catalog.foreignKeys.map((fk) => nameScope(catalog, fk.table, fk.name)),
    ...catalog.tables.flatMap((table) =>
      (table.reservedNames ?? []).map((name) => nameScope(catalog, table.ref, name)),
    ),
  ]);
}

function findTable(catalog: Catalog, ref: TableRef, what: string): Table {
  return (
    catalog.tables.find((table) => sameTable(table.ref, ref)) ??
    fail(`${what}: table ${ref.schema}.${ref.name} does not exist`)
  );
}

/** The key a step refers to: same table and name, and (as a check on the planner) the same shape. */
function findKey(catalog: Catalog, fk: ForeignKey, op: string): ForeignKey {
  const existing = catalog.foreignKeys.find((c) => sameTable(c.table, fk.table) && c.name === fk.name);
  if (existing === undefined) fail(`${op} ${keyLabel(fk)}: no such foreign key`);
  if (definitionKey(existing) !== definitionKey(fk)) {
    fail(`${op} ${keyLabel(fk)}: the step describes another definition than the key the database holds`);
  }
  return existing;
}

function replaceKey(catalog: Catalog, old: ForeignKey, next: ForeignKey | undefined): Catalog {
  return {
    ...catalog,
    foreignKeys: catalog.foreignKeys.flatMap((fk) =>
      fk === old ? (next === undefined ? [] : [next]) : [fk],
    ),
  };
}

function replaceTable(catalog: Catalog, table: Table, next: Table): Catalog {
  return { ...catalog, tables: catalog.tables.map((t) => (t === table ? next : t)) };
}

/** InnoDB can use an index for a key when the key's columns are its leading columns. */
function serves(index: Index, columns: readonly string[]): boolean {
  return (
    index.usableForForeignKey &&
    columns.length <= index.columns.length &&
    columns.every((column, i) => index.columns[i] === column)
  );
}

function sameIndexName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The referenced columns must be backed: PostgreSQL by a unique key on exactly them, InnoDB by any index. */
function checkReferenced(catalog: Catalog, fk: ForeignKey): void {
  const target = findTable(catalog, fk.referencedTable, `add ${keyLabel(fk)}`);
  const backed = target.indexes.some((index) =>
    catalog.dialect === 'postgres'
      ? index.unique &&
        index.usableForForeignKey &&
        [...index.columns].sort().join('\u0000') === [...fk.referencedColumns].sort().join('\u0000')
      : serves(index, fk.referencedColumns),
  );
  if (!backed) fail(`add ${keyLabel(fk)}: nothing backs the referenced columns`);
  const missing = fk.referencedColumns.filter((c) => !target.columns.some((column) => column.name === c));
  if (missing.length > 0) fail(`add ${keyLabel(fk)}: no referenced column ${missing.join(', ')}`);
}

/**
 * InnoDB on ADD CONSTRAINT: reuse an index that starts with the key's columns and is either longer or
 * one the user created; otherwise drop its own index on exactly those columns and create one named
 * after the key, which fails if an index of that name remains ("Duplicate key name", 1061).
 */
function withImplicitIndex(table: Table, fk: ForeignKey): Table {
  const reusable = table.indexes.some(
    (index) =>
      serves(index, fk.columns) &&
      (!implicitIndexes.has(index) || index.unique || index.columns.length > fk.columns.length),
  );
  if (reusable) return table;
  const kept = table.indexes.filter(
    (index) => !(implicitIndexes.has(index) && sameColumns(index.columns, fk.columns)),
  );
  if (kept.some((index) => sameIndexName(index.name, fk.name))) {
    fail(`add ${keyLabel(fk)}: Duplicate key name '${fk.name}' (an index of that name remains)`);
  }
  const index: Index = {
    name: fk.name,
    columns: [...fk.columns],
    unique: false,
    primary: false,
    usableForForeignKey: true,
  };
  implicitIndexes.add(index);
  return { ...table, indexes: [...kept, index] };
}

function add(catalog: Catalog, fk: ForeignKey, notValid: boolean): Catalog {
  const owner = findTable(catalog, fk.table, `add ${keyLabel(fk)}`);
  const absent = fk.columns.filter((c) => !owner.columns.some((column) => column.name === c));
  if (absent.length > 0) fail(`add ${keyLabel(fk)}: no column ${absent.join(', ')}`);
  if (fk.columns.length !== fk.referencedColumns.length) fail(`add ${keyLabel(fk)}: column counts differ`);
  checkReferenced(catalog, fk);
  if (heldNames(catalog).has(nameScope(catalog, fk.table, fk.name))) {
    fail(`add ${keyLabel(fk)}: the name is already taken in its scope`);
  }
  if (fk.initiallyDeferred && !fk.deferrable) fail(`add ${keyLabel(fk)}: initially deferred, not deferrable`);
  let next = catalog;
  if (catalog.dialect === 'postgres') {
    if (notValid && owner.partitioned) {
      fail(`add ${keyLabel(fk)}: cannot add NOT VALID foreign key on partitioned table`);
    }
  } else {
    if (notValid) fail(`add ${keyLabel(fk)}: MySQL has no NOT VALID`);
    if (fk.deferrable || fk.match !== 'simple') fail(`add ${keyLabel(fk)}: PostgreSQL-only attributes`);
    if (fk.onDelete === 'set default' || fk.onUpdate === 'set default') {
      fail(`add ${keyLabel(fk)}: InnoDB has no SET DEFAULT`);
    }
    next = replaceTable(catalog, owner, withImplicitIndex(owner, fk));
  }
  const added: ForeignKey = { ...fk, validated: !notValid };
  return { ...next, foreignKeys: [...next.foreignKeys, added] };
}

/** MySQL refuses to drop an index that a key needs (1553): the only one serving either side of it. */
function dropIndex(catalog: Catalog, fk: ForeignKey, indexName: string): Catalog {
  const what = `drop index ${indexName} of ${fk.table.schema}.${fk.table.name}`;
  if (catalog.dialect === 'postgres') fail(`${what}: PostgreSQL has no implicit foreign key indexes`);
  const table = findTable(catalog, fk.table, what);
  const index = table.indexes.find((i) => sameIndexName(i.name, indexName)) ?? fail(`${what}: no such index`);
  if (index.primary) fail(`${what}: that is the primary key`);
  const others = table.indexes.filter((i) => i !== index);
  const onlyServer = (columns: readonly string[]) =>
    serves(index, columns) && !others.some((other) => serves(other, columns));
  const needing = catalog.foreignKeys.find(
    (key) =>
      (sameTable(key.table, table.ref) && onlyServer(key.columns)) ||
      (sameTable(key.referencedTable, table.ref) && onlyServer(key.referencedColumns)),
  );
  if (needing !== undefined) fail(`${what}: needed in a foreign key constraint (${keyLabel(needing)})`);
  return replaceTable(catalog, table, { ...table, indexes: others });
}

/** The catalog after one step; throws a SimulationError where the database would refuse it. */
export function applyStep(catalog: Catalog, op: StepAction): Catalog {
  const postgresOnly = (): void => {
    if (catalog.dialect !== 'postgres') fail(`${op.kind} ${keyLabel(op.fk)}: MySQL has no such step`);
  };
  switch (op.kind) {
    case 'drop':
      return replaceKey(catalog, findKey(catalog, op.fk, 'drop'), undefined);
    case 'rename': {
      postgresOnly();
      const existing = findKey(catalog, op.fk, 'rename');
      const held = heldNames(catalog);
      held.delete(nameScope(catalog, existing.table, existing.name));
      if (held.has(nameScope(catalog, existing.table, op.newName))) {
        fail(`rename ${keyLabel(op.fk)} to ${op.newName}: the name is already taken in its scope`);
      }
      return replaceKey(catalog, existing, { ...existing, name: op.newName });
    }
    case 'alter': {
      postgresOnly();
      const existing = findKey(catalog, op.fk, 'alter');
      if (op.initiallyDeferred && !op.deferrable)
        fail(`alter ${keyLabel(op.fk)}: initially deferred, not deferrable`);
      return replaceKey(catalog, existing, {
        ...existing,
        deferrable: op.deferrable,
        initiallyDeferred: op.initiallyDeferred,
      });
    }
    case 'add':
      return add(catalog, op.fk, op.notValid);
    case 'validate': {
      postgresOnly();
      const existing = findKey(catalog, op.fk, 'validate');
      return replaceKey(catalog, existing, { ...existing, validated: true });
    }
    case 'drop-index':
      return dropIndex(catalog, op.fk, op.indexName);
  }
}

/** The catalog once every step of `plan` has run, in order. */
export function applyToCatalog(catalog: Catalog, plan: Plan): Catalog {
  if (plan.dialect !== catalog.dialect)
    fail(`a ${plan.dialect} plan cannot run on a ${catalog.dialect} catalog`);
  return plan.steps.reduce((state, step) => applyStep(state, step.action), catalog);
}
