import type { Engine } from '../engines/engine.js';
import { normalizedRules } from '../engines/engine.js';
import { groupBy } from '../collections.js';
import { changedKey, type Change, type FieldName } from '../model/change.js';
import type { DesiredForeignKey, ForeignKey, ReservedName, TableRef } from '../model/catalog.js';
import {
  compareForeignKeys,
  compareStrings,
  compareTables,
  definitionKey,
  isEnforced,
  tableKey,
} from '../model/catalog.js';
import { differingFields, fieldsChangedBy, KEY_FIELDS, sameField } from '../model/fields.js';
import { deriveName, nameScopeKey } from './constraint-names.js';

/** Whether a new key on `columns` of `table` may not be given `name`. */
export type NameBlocked = (table: TableRef, columns: readonly string[], name: string) => boolean;

interface Pair {
  readonly current: ForeignKey;
  readonly desired: DesiredForeignKey;
}

/** Fields whose difference can only be made by dropping and re-adding the key. */
const RECREATE_FIELDS = fieldsChangedBy('recreate') as readonly FieldName[];
/** Fields ALTER CONSTRAINT changes in place. */
const ALTER_FIELDS = fieldsChangedBy('alter') as readonly FieldName[];
/** ALTER CONSTRAINT [NOT] ENFORCED (PostgreSQL 18). */
const ENFORCE_FIELDS = fieldsChangedBy('enforce') as readonly FieldName[];

/** How many attributes agree: among same-shaped keys, the closest one is kept. */
function closeness(current: ForeignKey, desired: DesiredForeignKey): number {
  const agreeing = KEY_FIELDS.filter(
    (field) => field !== 'validated' && sameField(field, current, desired),
  ).length;
  return agreeing * 2 + (sameField('validated', current, desired) ? 1 : 0);
}

function compareDesired(a: DesiredForeignKey, b: DesiredForeignKey): number {
  return (
    compareTables(a.table, b.table) ||
    compareStrings(a.name ?? '', b.name ?? '') ||
    compareStrings(definitionKey(a), definitionKey(b))
  );
}

/**
 * Pairs the keys of one table: same name and shape first, then same shape (whatever the name),
 * then same name. Pairs are what stays (perhaps altered); the rest is dropped or added.
 */
function matchTable(
  current: readonly ForeignKey[],
  desired: readonly DesiredForeignKey[],
): { pairs: Pair[]; drops: ForeignKey[]; adds: DesiredForeignKey[] } {
  const free = new Set(current);
  const pairs: Pair[] = [];
  const take = (fk: DesiredForeignKey, candidates: readonly ForeignKey[]): boolean => {
    const best = candidates
      .filter((c) => free.has(c))
      .sort((a, b) => closeness(b, fk) - closeness(a, fk) || compareStrings(a.name, b.name))[0];
    if (best === undefined) return false;
    free.delete(best);
    pairs.push({ current: best, desired: fk });
    return true;
  };
  const byShape = groupBy(current, definitionKey);
  const byName = groupBy(current, (fk) => fk.name);
  // Named keys first, so an unnamed key never takes the key a named one is asking for.
  const ordered = [...desired].sort(
    (a, b) => Number(a.name === undefined) - Number(b.name === undefined) || compareDesired(a, b),
  );
  let pending = ordered.filter(
    (fk) =>
      fk.name === undefined ||
      !take(
        fk,
        (byName.get(fk.name) ?? []).filter((c) => definitionKey(c) === definitionKey(fk)),
      ),
  );
  pending = pending.filter((fk) => !take(fk, byShape.get(definitionKey(fk)) ?? []));
  pending = pending.filter((fk) => fk.name === undefined || !take(fk, byName.get(fk.name) ?? []));
  return { pairs, drops: current.filter((fk) => free.has(fk)), adds: pending };
}

function withName(fk: DesiredForeignKey, name: string): ForeignKey {
  const { source, ...definition } = fk;
  return { ...definition, name };
}

function pairChanges(pair: Pair, name: string): Change[] {
  const { current, desired } = pair;
  const fields = differingFields(RECREATE_FIELDS, current, desired);
  const deferral = differingFields(ALTER_FIELDS, current, desired);
  const enforcement = differingFields(ENFORCE_FIELDS, current, desired);
  if (fields.length > 0) {
    return [
      {
        kind: 'replace',
        from: current,
        to: withName(desired, name),
        fields: [...fields, ...deferral, ...enforcement],
        source: desired.source,
      },
    ];
  }
  const changes: Change[] = [];
  if (name !== current.name) changes.push({ kind: 'rename', fk: current, newName: name });
  const renamed: ForeignKey = { ...current, name };
  if (deferral.length > 0 || enforcement.length > 0) {
    changes.push({
      kind: 'alter',
      fk: renamed,
      deferrable: desired.deferrable,
      initiallyDeferred: desired.initiallyDeferred,
      ...(enforcement.length > 0 ? { enforced: isEnforced(desired), source: desired.source } : {}),
    });
  }
  // A validated key satisfies `notValid: true` too: validation cannot be undone, and is stronger.
  // A NOT ENFORCED key is never validated; making one enforced checks its rows (and validates it).
  if (!current.validated && desired.validated && isEnforced(current) && isEnforced(desired))
    changes.push({ kind: 'validate', fk: renamed, source: desired.source });
  return changes;
}

const KIND_ORDER: Readonly<Record<Change['kind'], number>> = {
  drop: 0,
  replace: 1,
  rename: 2,
  alter: 3,
  add: 4,
  validate: 5,
};

function compareChanges(a: Change, b: Change): number {
  return compareForeignKeys(changedKey(a), changedKey(b)) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

/**
 * The changes that turn `current` into `desired`. Pure and deterministic: the result is sorted and
 * does not depend on the order of either input. Both inputs must cover the same scope (governed,
 * not excluded tables); rules the engine treats alike are compared through the engine.
 * `reserved` names (keys on excluded tables, other constraints) are never changed, and not free.
 * `nameBlocked` tells names a derived name must not take beyond those (InnoDB: an index of the
 * table holds it and cannot serve the key).
 */
export function diff(
  current: readonly ForeignKey[],
  desired: readonly DesiredForeignKey[],
  engine: Engine,
  reserved: readonly ReservedName[] = [],
  nameBlocked: NameBlocked = () => false,
): Change[] {
  const normalize = <T extends Omit<ForeignKey, 'name'>>(fk: T): T => normalizedRules(fk, engine);
  const currentByTable = groupBy([...current].sort(compareForeignKeys).map(normalize), (fk) =>
    tableKey(fk.table),
  );
  const desiredByTable = groupBy([...desired].sort(compareDesired).map(normalize), (fk) =>
    tableKey(fk.table),
  );
  const tables = [...new Set([...currentByTable.keys(), ...desiredByTable.keys()])].sort(compareStrings);

  const pairs: Pair[] = [];
  const drops: ForeignKey[] = [];
  const adds: DesiredForeignKey[] = [];
  for (const table of tables) {
    const matched = matchTable(currentByTable.get(table) ?? [], desiredByTable.get(table) ?? []);
    pairs.push(...matched.pairs);
    drops.push(...matched.drops);
    adds.push(...matched.adds);
  }

  // Names that will exist once the plan has run: every declared name, then every kept name that
  // no declared key claims. Unnamed keys get the rest.
  const taken = new Set<string>();
  const scoped = (fk: { readonly table: TableRef }, name: string) => nameScopeKey(fk.table, name, engine);
  for (const fk of [...pairs.map((p) => p.desired), ...adds, ...reserved]) {
    if (fk.name !== undefined) taken.add(scoped(fk, fk.name));
  }
  const finalNames = new Map<Pair, string>();
  const needsName: Pair[] = [];
  for (const pair of pairs) {
    const { current: fk, desired: want } = pair;
    if (want.name !== undefined) finalNames.set(pair, want.name);
    else if (taken.has(scoped(fk, fk.name))) needsName.push(pair);
    else {
      taken.add(scoped(fk, fk.name));
      finalNames.set(pair, fk.name);
    }
  }
  const nameFor = (fk: DesiredForeignKey): string => {
    const name = deriveName(
      fk.table,
      fk.columns,
      engine,
      (candidate) => taken.has(scoped(fk, candidate)) || nameBlocked(fk.table, fk.columns, candidate),
    );
    taken.add(scoped(fk, name));
    return name;
  };
  for (const pair of needsName) finalNames.set(pair, nameFor(pair.desired));

  const changes: Change[] = [
    ...drops.map((fk): Change => ({ kind: 'drop', fk })),
    ...pairs.flatMap((pair) => pairChanges(pair, finalNames.get(pair) ?? pair.current.name)),
    ...adds.map((fk): Change => ({
      kind: 'add',
      fk: withName(fk, fk.name ?? nameFor(fk)),
      source: fk.source,
    })),
  ];
  return changes.sort(compareChanges);
}
