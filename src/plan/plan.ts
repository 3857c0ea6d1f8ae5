import { createHash } from 'node:crypto';
import type { Dialect } from '../dialect/dialect.js';
import type { Change } from '../model/change.js';
import type { Catalog, ForeignKey, ReferentialAction } from '../model/catalog.js';
import { compareForeignKeys, keyLabel as label, tableKey } from '../model/catalog.js';
import { groupBy } from '../collections.js';
import type { Hazard, Plan, Step, StepOp } from '../model/plan.js';
import { fitIdentifier, nameScopeKey } from '../diff/names.js';
import type { DraftStep } from './draft.js';
import { implicitIndexDrops } from './implicit-indexes.js';

export interface PlanOptions {
  /**
   * Keep writes flowing: add keys NOT VALID in the main transaction, then validate each in a
   * transaction of its own (PostgreSQL). Without transactional DDL it changes nothing.
   */
  readonly online: boolean;
}

const ROW_CHANGING: ReadonlySet<ReferentialAction> = new Set(['cascade', 'set null', 'set default']);

/** Hash of the keys a plan was made from, so that `apply --plan` can tell the database moved on. */
export function fingerprint(
  dialect: Dialect,
  schemas: readonly string[],
  current: readonly ForeignKey[],
): string {
  const canonical = JSON.stringify([
    dialect.name,
    [...schemas].sort(),
    [...current].sort(compareForeignKeys),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** What a referential action does to the referencing rows, in words. */
function consequence(
  fk: ForeignKey,
  action: ReferentialAction,
  event: 'onDelete' | 'onUpdate',
  notNull: readonly string[],
): string {
  const rows = `the rows of ${fk.table.name} that reference it`;
  const columns = fk.columns.join(', ');
  switch (action) {
    case 'cascade':
      return event === 'onDelete' ? `delete ${rows}` : `update ${columns} in ${rows}`;
    case 'set null':
      return notNull.length > 0
        ? `fail while ${rows} exist: ${notNull.join(', ')} cannot be set to NULL (NOT NULL)`
        : `set ${columns} to NULL in ${rows}`;
    case 'set default':
      return `set ${columns} to their defaults in ${rows}`;
    case 'no action':
    case 'restrict':
      return `be refused while ${rows} exist`;
  }
}

function cascadeHazard(fk: ForeignKey, before: ForeignKey | undefined, notNull: readonly string[]): Hazard[] {
  return (['onDelete', 'onUpdate'] as const)
    .filter((event) => ROW_CHANGING.has(fk[event]) && before?.[event] !== fk[event])
    .map((event) => ({
      code: 'enables-cascade',
      message: `${label(fk)}: ${event === 'onDelete' ? 'deleting' : 'updating'} a row of ${fk.referencedTable.name} will ${consequence(fk, fk[event], event, notNull)}`,
    }));
}

function validationHazards(fk: ForeignKey, blocksWrites: boolean, dialect: Dialect): Hazard[] {
  const onlineAdvice =
    dialect.capabilities.transactionalDdl && dialect.capabilities.notValid
      ? ' (use --online to validate without blocking writes)'
      : '';
  const hazards: Hazard[] = [
    {
      code: 'validates-data',
      message: `${label(fk)}: every row of ${fk.table.name} is checked; the step fails if one has no matching row in ${fk.referencedTable.name}`,
    },
  ];
  if (blocksWrites) {
    hazards.push({
      code: 'blocks-writes',
      message: `${label(fk)}: writes to ${fk.table.name} and ${fk.referencedTable.name} wait while the rows are checked${onlineAdvice}`,
    });
  }
  return hazards;
}

/**
 * Renames within one name scope, in an order that never takes a name still held by another key; a
 * cycle (two keys swapping names) goes through a temporary name.
 */
function orderScope(
  renames: readonly { fk: ForeignKey; newName: string }[],
  held: Set<string>,
  dialect: Dialect,
): StepOp[] {
  const steps: StepOp[] = [];
  let pending = [...renames];
  const scoped = (fk: ForeignKey, name: string) => nameScopeKey(fk.table, name, dialect);
  const rename = (fk: ForeignKey, newName: string): void => {
    steps.push({ op: 'rename', fk, newName });
    held.delete(scoped(fk, fk.name));
    held.add(scoped(fk, newName));
  };
  while (pending.length > 0) {
    const ready = pending.find((r) => !held.has(scoped(r.fk, r.newName)));
    if (ready !== undefined) {
      rename(ready.fk, ready.newName);
      pending = pending.filter((r) => r !== ready);
      continue;
    }
    const [first, ...rest] = pending;
    if (first === undefined) break;
    let temporary = '';
    for (let attempt = 0; temporary === '' || held.has(scoped(first.fk, temporary)); attempt += 1) {
      temporary = fitIdentifier(
        `${first.fk.name}_fkdiff_tmp${attempt === 0 ? '' : String(attempt)}`,
        dialect,
      );
    }
    rename(first.fk, temporary);
    pending = [...rest, { fk: { ...first.fk, name: temporary }, newName: first.newName }];
  }
  return steps;
}

/**
 * Renames only collide within a name scope (a table on PostgreSQL), so each scope is ordered on
 * its own: the work grows with the renames per table, not with the renames of the whole plan.
 */
function orderRenames(
  renames: readonly { fk: ForeignKey; newName: string }[],
  held: Set<string>,
  dialect: Dialect,
): StepOp[] {
  const scopes = groupBy(renames, (r) => nameScopeKey(r.fk.table, '', dialect));
  return [...scopes.values()].flatMap((group) => orderScope(group, held, dialect));
}

/**
 * Orders the changes into steps: drops, renames, deferrability changes, adds, validations. The
 * order within each phase follows the (sorted) changes, so the plan is deterministic.
 */
export function planChanges(
  changes: readonly Change[],
  current: Catalog,
  dialect: Dialect,
  options: PlanOptions,
): Plan {
  const caps = dialect.capabilities;
  const partitioned = new Set(current.tables.filter((t) => t.partitioned).map((t) => tableKey(t.ref)));
  const online = options.online && caps.transactionalDdl && caps.notValid;

  const drops: DraftStep[] = [];
  const renames: { fk: ForeignKey; newName: string }[] = [];
  const alters: DraftStep[] = [];
  const adds: DraftStep[] = [];
  const validations: DraftStep[] = [];

  const tables = new Map(current.tables.map((table) => [tableKey(table.ref), table]));
  const notNullColumns = (fk: ForeignKey): string[] =>
    (tables.get(tableKey(fk.table))?.columns ?? [])
      .filter((column) => !column.nullable && fk.columns.includes(column.name))
      .map((column) => column.name);
  const addKey = (fk: ForeignKey, before: ForeignKey | undefined): void => {
    // PostgreSQL before 18 cannot add a NOT VALID key to a partitioned table: such a key is added
    // validated (which also satisfies `notValid: true`).
    const canSkipCheck = caps.notValid && !partitioned.has(tableKey(fk.table));
    const deferValidation = online && fk.validated && canSkipCheck;
    const checkNow = fk.validated ? !deferValidation : !canSkipCheck;
    adds.push({
      op: { op: 'add', fk, notValid: !checkNow },
      hazards: [
        ...(checkNow ? validationHazards(fk, true, dialect) : []),
        ...cascadeHazard(fk, before, notNullColumns(fk)),
      ],
      separate: false,
    });
    if (deferValidation) {
      validations.push({
        op: { op: 'validate', fk },
        hazards: validationHazards(fk, false, dialect),
        separate: true,
      });
    }
  };

  for (const change of changes) {
    switch (change.kind) {
      case 'drop':
        drops.push({
          op: { op: 'drop', fk: change.fk },
          hazards: [
            {
              code: 'drops-fk',
              message: `${label(change.fk)}: the database stops checking ${change.fk.table.name} (${change.fk.columns.join(', ')}) against ${change.fk.referencedTable.name}`,
            },
          ],
          separate: false,
        });
        break;
      case 'replace':
        drops.push({ op: { op: 'drop', fk: change.from }, hazards: [], separate: false });
        addKey(change.to, change.from);
        break;
      case 'rename':
        if (caps.renameConstraint) renames.push({ fk: change.fk, newName: change.newName });
        else {
          drops.push({ op: { op: 'drop', fk: change.fk }, hazards: [], separate: false });
          addKey({ ...change.fk, name: change.newName }, change.fk);
        }
        break;
      case 'alter':
        alters.push({
          op: {
            op: 'alter',
            fk: change.fk,
            deferrable: change.deferrable,
            initiallyDeferred: change.initiallyDeferred,
          },
          hazards: [],
          separate: false,
        });
        break;
      case 'add':
        addKey(change.fk, undefined);
        break;
      case 'validate':
        validations.push({
          op: { op: 'validate', fk: change.fk },
          hazards: validationHazards(change.fk, false, dialect),
          separate: online,
        });
        break;
    }
  }

  // The differ hands out normalized copies of the current keys: compare by scope and name.
  const dropped = new Set(drops.map((d) => d.op.fk));
  const freed = new Set([...dropped].map((fk) => nameScopeKey(fk.table, fk.name, dialect)));
  const held = new Set([
    ...current.foreignKeys
      .map((fk) => nameScopeKey(fk.table, fk.name, dialect))
      .filter((key) => !freed.has(key)),
    ...current.tables.flatMap((table) =>
      (table.reservedNames ?? []).map((name) => nameScopeKey(table.ref, name, dialect)),
    ),
  ]);
  const renameSteps: DraftStep[] = orderRenames(renames, held, dialect).map((op) => ({
    op,
    hazards: [],
    separate: false,
  }));

  const addSteps = caps.implicitForeignKeyIndex ? implicitIndexDrops(adds, current, dropped, dialect) : adds;
  const ordered = [...drops, ...renameSteps, ...alters, ...addSteps, ...validations];
  const steps = assignTransactions(ordered, dialect);
  return {
    dialect: dialect.name,
    schemas: current.schemas,
    online,
    changes,
    steps: markNonTransactional(markBlockedReads(steps, dialect), dialect),
    fingerprint: fingerprint(dialect, current.schemas, current.foreignKeys),
  };
}

function assignTransactions(drafts: readonly DraftStep[], dialect: Dialect): Step[] {
  let transaction = 1;
  return drafts.map((draft, index) => {
    if (!dialect.capabilities.transactionalDdl) transaction = index + 1;
    else if (draft.separate && index > 0) transaction += 1;
    return { op: draft.op, sql: dialect.stepSql(draft.op), hazards: draft.hazards, transaction };
  });
}

/**
 * PostgreSQL holds every lock until commit. Dropping or renaming a key takes ACCESS EXCLUSIVE locks on
 * both its tables, so a later step of the same transaction that checks rows of those tables keeps
 * readers waiting too, for as long as the check takes.
 */
function markBlockedReads(steps: readonly Step[], dialect: Dialect): Step[] {
  if (!dialect.capabilities.transactionalDdl) return [...steps];
  const exclusive = new Map<number, Set<string>>();
  return steps.map((step) => {
    const locked = exclusive.get(step.transaction) ?? new Set<string>();
    exclusive.set(step.transaction, locked);
    const { op } = step;
    const scans = (op.op === 'add' && !op.notValid) || op.op === 'validate';
    const blocked = scans ? [op.fk.table, op.fk.referencedTable].filter((t) => locked.has(tableKey(t))) : [];
    if (op.op === 'drop' || op.op === 'rename') {
      locked.add(tableKey(op.fk.table));
      locked.add(tableKey(op.fk.referencedTable));
    }
    if (blocked.length === 0) return step;
    const names = [...new Set(blocked.map((t) => t.name))].join(' and ');
    const hazard: Hazard = {
      code: 'blocks-reads',
      message: `${label(op.fk)}: reads of ${names} wait too while the rows are checked, because an earlier drop or rename in the same transaction locked ${blocked.length === 1 ? 'it' : 'them'} exclusively`,
    };
    return { ...step, hazards: [...step.hazards, hazard] };
  });
}

function markNonTransactional(steps: readonly Step[], dialect: Dialect): Step[] {
  const [first, ...rest] = steps;
  if (dialect.capabilities.transactionalDdl || first === undefined || rest.length === 0) return [...steps];
  const hazard: Hazard = {
    code: 'non-transactional',
    message: `${dialect.name} commits each of the ${steps.length} statements on its own: a failure part-way leaves the earlier ones applied (run apply again to finish)`,
  };
  return [{ ...first, hazards: [hazard, ...first.hazards] }, ...rest];
}
