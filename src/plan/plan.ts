import { createHash } from 'node:crypto';
import type { Dialect } from '../dialect/dialect.js';
import type { Change } from '../model/change.js';
import type { Catalog, ForeignKey, ReferentialAction } from '../model/catalog.js';
import { compareForeignKeys, tableKey } from '../model/catalog.js';
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

function label(fk: ForeignKey): string {
  return `${fk.table.schema}.${fk.table.name}.${fk.name}`;
}

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
function consequence(fk: ForeignKey, action: ReferentialAction, event: 'onDelete' | 'onUpdate'): string {
  const rows = `the rows of ${fk.table.name} that reference it`;
  const columns = fk.columns.join(', ');
  switch (action) {
    case 'cascade':
      return event === 'onDelete' ? `delete ${rows}` : `update ${columns} in ${rows}`;
    case 'set null':
      return `set ${columns} to NULL in ${rows}`;
    case 'set default':
      return `set ${columns} to their defaults in ${rows}`;
    case 'no action':
    case 'restrict':
      return `be refused while ${rows} exist`;
  }
}

function cascadeHazard(fk: ForeignKey, before: ForeignKey | undefined): Hazard[] {
  return (['onDelete', 'onUpdate'] as const)
    .filter((event) => ROW_CHANGING.has(fk[event]) && before?.[event] !== fk[event])
    .map((event) => ({
      code: 'enables-cascade',
      message: `${label(fk)}: ${event === 'onDelete' ? 'deleting' : 'updating'} a row of ${fk.referencedTable.name} will ${consequence(fk, fk[event], event)}`,
    }));
}

function validationHazards(fk: ForeignKey, blocksWrites: boolean): Hazard[] {
  const hazards: Hazard[] = [
    {
      code: 'validates-data',
      message: `${label(fk)}: every row of ${fk.table.name} is checked; the step fails if one has no matching row in ${fk.referencedTable.name}`,
    },
  ];
  if (blocksWrites) {
    hazards.push({
      code: 'blocks-writes',
      message: `${label(fk)}: writes to ${fk.table.name} and ${fk.referencedTable.name} wait while the rows are checked (use --online to validate without blocking writes)`,
    });
  }
  return hazards;
}

/**
 * Renames in an order that never takes a name still held by another key of the same scope; a cycle
 * (two keys swapping names) goes through a temporary name.
 */
function orderRenames(
  renames: readonly { fk: ForeignKey; newName: string }[],
  held: Set<string>,
  dialect: Dialect,
): StepOp[] {
  const steps: StepOp[] = [];
  let pending = renames.map((r) => ({ fk: r.fk, newName: r.newName }));
  const scoped = (fk: ForeignKey, name: string) => nameScopeKey(fk.table, name, dialect);
  while (pending.length > 0) {
    const ready = pending.find((r) => !held.has(scoped(r.fk, r.newName)));
    if (ready !== undefined) {
      steps.push({ op: 'rename', fk: ready.fk, newName: ready.newName });
      held.delete(scoped(ready.fk, ready.fk.name));
      held.add(scoped(ready.fk, ready.newName));
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
    steps.push({ op: 'rename', fk: first.fk, newName: temporary });
    held.delete(scoped(first.fk, first.fk.name));
    held.add(scoped(first.fk, temporary));
    pending = [...rest, { fk: { ...first.fk, name: temporary }, newName: first.newName }];
  }
  return steps;
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

  const addKey = (fk: ForeignKey, before: ForeignKey | undefined): void => {
    // PostgreSQL before 18 cannot add a NOT VALID key to a partitioned table.
    const deferValidation = online && fk.validated && !partitioned.has(tableKey(fk.table));
    const checkNow = fk.validated && !deferValidation;
    adds.push({
      op: { op: 'add', fk, notValid: !checkNow },
      hazards: [...(checkNow ? validationHazards(fk, true) : []), ...cascadeHazard(fk, before)],
      separate: false,
    });
    if (deferValidation) {
      validations.push({ op: { op: 'validate', fk }, hazards: validationHazards(fk, false), separate: true });
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
          hazards: validationHazards(change.fk, false),
          separate: online,
        });
        break;
    }
  }

  // The differ hands out normalized copies of the current keys: compare by scope and name.
  const dropped = new Set(drops.map((d) => d.op.fk));
  const freed = new Set([...dropped].map((fk) => nameScopeKey(fk.table, fk.name, dialect)));
  const held = new Set(
    current.foreignKeys
      .map((fk) => nameScopeKey(fk.table, fk.name, dialect))
      .filter((key) => !freed.has(key)),
  );
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
    steps: markNonTransactional(steps, dialect),
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

function markNonTransactional(steps: readonly Step[], dialect: Dialect): Step[] {
  const [first, ...rest] = steps;
  if (dialect.capabilities.transactionalDdl || first === undefined || rest.length === 0) return [...steps];
  const hazard: Hazard = {
    code: 'non-transactional',
    message: `${dialect.name} commits each of the ${steps.length} statements on its own: a failure part-way leaves the earlier ones applied (run apply again to finish)`,
  };
  return [{ ...first, hazards: [hazard, ...first.hazards] }, ...rest];
}
