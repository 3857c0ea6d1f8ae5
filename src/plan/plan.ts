import { createHash } from 'node:crypto';
import type { Engine, LockCapacity } from '../engines/engine.js';
import { asDropsAndAdds, changedKey, type Change } from '../model/change.js';
import type { Catalog, ForeignKey, Table } from '../model/catalog.js';
import { compareForeignKeys, isEnforced, tableKey } from '../model/catalog.js';
import type { DraftStep, Hazard, Plan, Step, StepAction } from '../model/plan.js';
import { fitIdentifier, nameScopeKey } from '../diff/constraint-names.js';
import {
  cascadeHazards,
  dropHazards,
  markBlockedReads,
  markNonTransactional,
  validationHazards,
} from './hazards.js';
import { orderRenames, type Rename } from './renames.js';

export interface PlanOptions {
  /**
   * Keep writes flowing: add keys NOT VALID in the main transaction, then validate each in a
   * transaction of its own (PostgreSQL). Without transactional DDL it changes nothing.
   */
  readonly online: boolean;
  /** The product as users name it, for messages (default: from the engine alone). */
  readonly product?: string;
  /**
   * The most tables one transaction may lock (PostgreSQL's lock table, `engine.lockCapacity`): a
   * larger plan runs in several transactions, each under the limit, and says so with a hazard.
   */
  readonly lockCapacity?: LockCapacity;
}

/** Hash of the keys a plan was made from, so that applying a saved plan can tell the database moved on. */
export function fingerprint(
  engine: Engine,
  schemas: readonly string[],
  current: readonly ForeignKey[],
): string {
  const canonical = JSON.stringify([engine.name, [...schemas].sort(), [...current].sort(compareForeignKeys)]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** The steps of one plan, by phase, in the order they run. */
interface Phases {
  readonly drops: DraftStep[];
  readonly renames: Rename<Change>[];
  readonly alters: DraftStep[];
  readonly adds: DraftStep[];
  readonly validations: DraftStep[];
}

function draft(
  action: StepAction,
  change: Change,
  hazards: readonly Hazard[] = [],
  ownTransaction = false,
): DraftStep {
  return { action, hazards, ownTransaction, change };
}

interface PlanContext {
  readonly tables: ReadonlyMap<string, Table>;
  readonly engine: Engine;
  readonly online: boolean;
  readonly serverVersion: number | undefined;
}

/**
 * Whether a key on `table` can be added NOT VALID. PostgreSQL before 18 cannot add one to a
 * partitioned table: such a key is added validated (which also satisfies `notValid: true`).
 */
export function canAddNotValid(
  table: Table | undefined,
  engine: Engine,
  serverVersion: number | undefined,
): boolean {
  if (!engine.capabilities.notValid) return false;
  if (table?.partitioned !== true) return true;
  const since = engine.capabilities.notValidOnPartitionedSince;
  return since !== undefined && serverVersion !== undefined && serverVersion >= since;
}

/** Plans the add of `fk` (replacing `before`, if any) with its validation, as the options allow. */
function planAdd(
  phases: Phases,
  fk: ForeignKey,
  before: ForeignKey | undefined,
  change: Change,
  context: PlanContext,
): void {
  const { tables, engine, online } = context;
  const table = tables.get(tableKey(fk.table));
  const notNull = (table?.columns ?? [])
    .filter((column) => !column.nullable && fk.columns.includes(column.name))
    .map((column) => column.name);
  if (!isEnforced(fk)) {
    // NOT ENFORCED (PostgreSQL 18): never checked, so never validated, online or not.
    phases.adds.push(draft({ kind: 'add', fk, notValid: true }, change, cascadeHazards(fk, before, notNull)));
    return;
  }
  const canSkipCheck = canAddNotValid(table, engine, context.serverVersion);
  const deferValidation = online && fk.validated && canSkipCheck;
  const checkNow = fk.validated ? !deferValidation : !canSkipCheck;
  phases.adds.push(
    draft({ kind: 'add', fk, notValid: !checkNow }, change, [
      ...(checkNow ? validationHazards(fk, true, canSkipCheck && engine.capabilities.transactionalDdl) : []),
      ...cascadeHazards(fk, before, notNull),
    ]),
  );
  if (deferValidation) {
    phases.validations.push(
      draft({ kind: 'validate', fk }, change, validationHazards(fk, false, false), true),
    );
  }
}

/**
 * A rule change that never blocks reads (online): the new definition is added NOT VALID under a
 * temporary name, the old key dropped and the new one renamed to the final name, in one short
 * transaction; the validation then runs in a transaction of its own. A failure in the first
 * transaction rolls it back; a failed validation leaves the final key NOT VALID, which the next
 * plan validates.
 */
function planOnlineReplace(
  phases: Phases,
  change: Extract<Change, { kind: 'replace' }>,
  context: PlanContext,
  names: Set<string>,
): boolean {
  const { from, to } = change;
  const { engine } = context;
  const table = context.tables.get(tableKey(to.table));
  if (!context.online || !isEnforced(to) || !canAddNotValid(table, engine, context.serverVersion))
    return false;
  let temporary = '';
  for (
    let attempt = 0;
    temporary === '' || names.has(nameScopeKey(to.table, temporary, engine));
    attempt += 1
  ) {
    temporary = fitIdentifier(`${to.name}_fkdiff_new${attempt === 0 ? '' : String(attempt)}`, engine);
  }
  names.add(nameScopeKey(to.table, temporary, engine));
  const added: ForeignKey = { ...to, name: temporary };
  const notNull = (table?.columns ?? [])
    .filter((column) => !column.nullable && to.columns.includes(column.name))
    .map((column) => column.name);
  phases.drops.push(
    draft({ kind: 'add', fk: added, notValid: true }, change, cascadeHazards(to, from, notNull)),
    draft({ kind: 'drop', fk: from }, change),
  );
  phases.renames.push({ fk: added, newName: to.name, tag: change });
  if (to.validated) {
    phases.validations.push(
      draft({ kind: 'validate', fk: to }, change, validationHazards(to, false, false), true),
    );
  }
  return true;
}

/** Every name a plan's keys hold or take, so that a temporary name takes none of them. */
function namesInUse(changes: readonly Change[], current: Catalog, engine: Engine): Set<string> {
  const names = heldNames(current, [], engine);
  for (const change of changes) {
    const after = changedKey(change);
    names.add(nameScopeKey(after.table, after.name, engine));
    if (change.kind === 'rename') names.add(nameScopeKey(change.fk.table, change.newName, engine));
  }
  return names;
}

/** The names held while the renames run: every kept key's and every other constraint's. */
function heldNames(current: Catalog, drops: readonly DraftStep[], engine: Engine): Set<string> {
  // The differ hands out normalized copies of the current keys: compare by scope and name.
  const freed = new Set(drops.map((d) => nameScopeKey(d.action.fk.table, d.action.fk.name, engine)));
  return new Set([
    ...current.foreignKeys
      .map((fk) => nameScopeKey(fk.table, fk.name, engine))
      .filter((key) => !freed.has(key)),
    ...current.tables.flatMap((table) =>
      (table.reservedNames ?? []).map((name) => nameScopeKey(table.ref, name, engine)),
    ),
  ]);
}

/** The keys the database holds once the changes are made: the kept ones and the added ones. */
function keysAfter(changes: readonly Change[], current: Catalog, renameConstraint: boolean): ForeignKey[] {
  const identity = (fk: ForeignKey): string => `${tableKey(fk.table)}\u0000${fk.name}`;
  const split = changes.map((change) => asDropsAndAdds(change, renameConstraint));
  const gone = new Set(split.flatMap(({ dropped }) => dropped.map(identity)));
  return [
    ...current.foreignKeys.filter((fk) => !gone.has(identity(fk))),
    ...split.flatMap(({ added }) => added.map(({ fk }) => fk)),
  ];
}

/**
 * Orders the changes into steps: drops, renames, deferrability changes, adds, validations. The
 * order within each phase follows the (sorted) changes, so the plan is deterministic.
 */
export function planChanges(
  changes: readonly Change[],
  current: Catalog,
  engine: Engine,
  options: PlanOptions,
): Plan {
  const caps = engine.capabilities;
  const online = options.online && caps.transactionalDdl && caps.notValid;
  const phases: Phases = { drops: [], renames: [], alters: [], adds: [], validations: [] };
  const tables = new Map(current.tables.map((table) => [tableKey(table.ref), table]));
  const context: PlanContext = { tables, engine, online, serverVersion: current.serverVersion };
  const remaining = keysAfter(changes, current, caps.renameConstraint);
  const names = namesInUse(changes, current, engine);

  for (const change of changes) {
    if (change.kind === 'replace' && planOnlineReplace(phases, change, context, names)) continue;
    const { dropped, added } = asDropsAndAdds(change, caps.renameConstraint);
    for (const fk of dropped) {
      const hazards = change.kind === 'drop' ? dropHazards(fk, remaining, tables) : [];
      phases.drops.push(draft({ kind: 'drop', fk }, change, hazards));
    }
    for (const { fk, before } of added) planAdd(phases, fk, before, change, context);
    switch (change.kind) {
      case 'rename':
        if (caps.renameConstraint)
          phases.renames.push({ fk: change.fk, newName: change.newName, tag: change });
        break;
      case 'alter': {
        const { fk, deferrable, initiallyDeferred, enforced } = change;
        const after: ForeignKey = { ...fk, deferrable, initiallyDeferred };
        const table = tables.get(tableKey(fk.table));
        // Not when the key is renamed too: the drop would run before the rename.
        const heldNow = current.foreignKeys.some(
          (kept) => tableKey(kept.table) === tableKey(fk.table) && kept.name === fk.name,
        );
        const reAdd =
          enforced === true && online && heldNow && canAddNotValid(table, engine, current.serverVersion);
        if (!reAdd && (fk.deferrable !== deferrable || fk.initiallyDeferred !== initiallyDeferred)) {
          phases.alters.push(draft({ kind: 'alter', fk, deferrable, initiallyDeferred }, change));
        }
        if (reAdd) {
          // Online, ALTER … ENFORCED would check every row under the tables' locks: the key is
          // dropped and added again NOT VALID instead, and validated in a transaction of its own.
          phases.drops.push(draft({ kind: 'drop', fk }, change));
          const { enforced: _notEnforced, ...enforcedKey } = after;
          planAdd(phases, { ...enforcedKey, validated: true }, fk, change, context);
        } else if (enforced !== undefined) {
          // ENFORCED checks every row (and validates the key) while it holds the tables' locks.
          phases.alters.push(
            draft(
              { kind: 'alter', fk: after, deferrable, initiallyDeferred, enforced },
              change,
              enforced
                ? validationHazards(
                    { ...after, enforced: true },
                    true,
                    caps.notValid && caps.transactionalDdl,
                  )
                : [],
            ),
          );
        }
        break;
      }
      case 'validate':
        phases.validations.push(
          draft(
            { kind: 'validate', fk: change.fk },
            change,
            validationHazards(change.fk, false, false),
            online,
          ),
        );
        break;
      case 'add':
      case 'drop':
      case 'replace':
        break;
    }
  }

  const renameSteps = orderRenames(phases.renames, heldNames(current, phases.drops, engine), engine).map(
    (rename) => draft({ kind: 'rename', fk: rename.fk, newName: rename.newName }, rename.tag),
  );
  const dropped = new Set(phases.drops.map((d) => d.action.fk));
  const addSteps = engine.planning?.beforeAdds(phases.adds, current, dropped) ?? phases.adds;
  const ordered = [...phases.drops, ...renameSteps, ...phases.alters, ...addSteps, ...phases.validations];
  const steps = splitForLocks(assignTransactions(ordered, engine), options.lockCapacity, engine);
  return {
    dialect: engine.name,
    schemas: current.schemas,
    online,
    changes,
    steps: markNonTransactional(
      markBlockedReads(steps, engine),
      engine,
      options.product ?? engine.productName(''),
    ),
    fingerprint: fingerprint(engine, current.schemas, current.foreignKeys),
  };
}

/** The tables a step locks: its own and the one it references. */
function lockedTables(step: Step): string[] {
  const { fk } = step.action;
  return [tableKey(fk.table), tableKey(fk.referencedTable)];
}

/**
 * Splits transactions that would lock more tables than `capacity` allows into consecutive ones that
 * each fit; the first step of each transaction after the first carries a non-transactional hazard.
 */
function splitForLocks(steps: readonly Step[], capacity: LockCapacity | undefined, engine: Engine): Step[] {
  if (capacity === undefined || !engine.capabilities.transactionalDdl) return [...steps];
  const limit = Math.max(2, capacity.tablesPerTransaction);
  const split: Step[] = [];
  let offset = 0;
  let previous: number | undefined;
  let locked = new Set<string>();
  for (const step of steps) {
    if (step.transaction !== previous) locked = new Set();
    const tables = lockedTables(step);
    const grows = tables.filter((table) => !locked.has(table)).length;
    let starts = false;
    if (step.transaction === previous && locked.size + grows > limit) {
      offset += 1;
      locked = new Set();
      starts = true;
    }
    previous = step.transaction;
    for (const table of tables) locked.add(table);
    split.push({ ...step, transaction: step.transaction + offset, ...(starts ? { splitStart: true } : {}) });
  }
  if (offset === 0) return split;
  const transactions = new Set(split.map((step) => step.transaction)).size;
  return split.map(({ splitStart, ...step }: Step & { splitStart?: boolean }) =>
    splitStart === true
      ? {
          ...step,
          hazards: [
            ...step.hazards,
            {
              code: 'non-transactional',
              message: `the plan runs in ${transactions} transactions so that none locks more than ${limit} tables (${capacity.basis}); if this transaction fails, the ones before it stay applied`,
            },
          ],
        }
      : step,
  );
}

function assignTransactions(drafts: readonly DraftStep[], engine: Engine): Step[] {
  let transaction = 1;
  return drafts.map((step, index) => {
    if (!engine.capabilities.transactionalDdl) transaction = index + 1;
    else if (step.ownTransaction && index > 0) transaction += 1;
    return {
      action: step.action,
      sql: engine.stepSql(step.action),
      hazards: step.hazards,
      transaction,
      change: step.change,
    };
  });
}
