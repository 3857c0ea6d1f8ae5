/** What each kind of step risks, in words; the planner attaches these to its steps. */
import type { Engine } from '../engines/engine.js';
import { keyLabel } from '../labels.js';
import type { ForeignKey, ReferentialAction, Table, TableRef } from '../model/catalog.js';
import { sameColumns, tableKey } from '../model/catalog.js';
import { displayColumns, displayName } from '../render/display.js';
import type { Hazard, Step } from '../model/plan.js';

const ROW_CHANGING: ReadonlySet<ReferentialAction> = new Set(['cascade', 'set null', 'set default']);

/** What a referential action does to the referencing rows, in words. */
function consequence(
  fk: ForeignKey,
  action: ReferentialAction,
  event: 'onDelete' | 'onUpdate',
  notNull: readonly string[],
): string {
  const rows = `the rows of ${displayName(fk.table.name)} that reference it`;
  const columns = displayColumns(fk.columns);
  switch (action) {
    case 'cascade':
      return event === 'onDelete' ? `delete ${rows}` : `update ${columns} in ${rows}`;
    case 'set null':
      return notNull.length > 0
        ? `fail while ${rows} exist: ${displayColumns(notNull)} cannot be set to NULL (NOT NULL)`
        : `set ${columns} to NULL in ${rows}`;
    case 'set default':
      return `set ${columns} to their defaults in ${rows}`;
    case 'no action':
    case 'restrict':
      return `be refused while ${rows} exist`;
  }
}

/** Rules that start to change referencing rows, compared with the key `fk` replaces. */
export function cascadeHazards(
  fk: ForeignKey,
  before: ForeignKey | undefined,
  notNull: readonly string[],
): Hazard[] {
  return (['onDelete', 'onUpdate'] as const)
    .filter((event) => ROW_CHANGING.has(fk[event]) && before?.[event] !== fk[event])
    .map((event) => ({
      code: 'enables-cascade',
      message: `${keyLabel(fk)}: ${event === 'onDelete' ? 'deleting' : 'updating'} a row of ${displayName(fk.referencedTable.name)} will ${consequence(fk, fk[event], event, notNull)}`,
    }));
}

/**
 * A step that checks every row; `blocksWrites` when it holds the tables' locks meanwhile, and
 * `onlineHelps` when online mode would add the key without the check (not on a partitioned table
 * before PostgreSQL 18, nor where DDL is not transactional).
 */
export function validationHazards(fk: ForeignKey, blocksWrites: boolean, onlineHelps: boolean): Hazard[] {
  const hazards: Hazard[] = [
    {
      code: 'validates-data',
      message: `${keyLabel(fk)}: every row of ${displayName(fk.table.name)} is checked; the step fails if one has no matching row in ${displayName(fk.referencedTable.name)}`,
    },
  ];
  if (blocksWrites) {
    hazards.push({
      code: 'blocks-writes',
      message: `${keyLabel(fk)}: writes to ${displayName(fk.table.name)} and ${displayName(fk.referencedTable.name)} wait while the rows are checked`,
      ...(onlineHelps ? { avoidedBy: 'online' as const } : {}),
    });
  }
  return hazards;
}

/** The table and the partitioned tables it is a partition of, nearest first. */
function withAncestors(table: TableRef, tables: ReadonlyMap<string, Table>): string[] {
  const keys: string[] = [];
  for (let ref: TableRef | undefined = table; ref !== undefined && !keys.includes(tableKey(ref));) {
    keys.push(tableKey(ref));
    ref = tables.get(tableKey(ref))?.partitionOf;
  }
  return keys;
}

/**
 * Whether `kept` goes on checking what `dropped` checked: the same columns against the same
 * referenced columns, on the same table or on a partitioned table it belongs to (whose key
 * PostgreSQL applies to every partition).
 */
function covers(kept: ForeignKey, dropped: ForeignKey, tables: ReadonlyMap<string, Table>): boolean {
  return (
    withAncestors(dropped.table, tables).includes(tableKey(kept.table)) &&
    sameColumns(kept.columns, dropped.columns) &&
    tableKey(kept.referencedTable) === tableKey(dropped.referencedTable) &&
    sameColumns(kept.referencedColumns, dropped.referencedColumns)
  );
}

/**
 * `drops-fk` when no key left after the plan (kept or added) still checks what `fk` checked:
 * removing one of two identical keys, or moving partitions' keys to their parent, drops nothing.
 */
export function dropHazards(
  fk: ForeignKey,
  remaining: readonly ForeignKey[],
  tables: ReadonlyMap<string, Table>,
): Hazard[] {
  if (remaining.some((kept) => covers(kept, fk, tables))) return [];
  return [
    {
      code: 'drops-fk',
      message: `${keyLabel(fk)}: the database stops checking ${displayName(fk.table.name)} (${displayColumns(fk.columns)}) against ${displayName(fk.referencedTable.name)}`,
    },
  ];
}

/**
 * PostgreSQL holds every lock until commit. Dropping or renaming a key takes ACCESS EXCLUSIVE locks on
 * both its tables, so a later step of the same transaction that checks rows of those tables keeps
 * readers waiting too, for as long as the check takes.
 */
export function markBlockedReads(steps: readonly Step[], engine: Engine): Step[] {
  if (!engine.capabilities.transactionalDdl) return [...steps];
  const exclusive = new Map<number, Set<string>>();
  return steps.map((step) => {
    const locked = exclusive.get(step.transaction) ?? new Set<string>();
    exclusive.set(step.transaction, locked);
    const { action } = step;
    const scans =
      (action.kind === 'add' && !action.notValid) ||
      action.kind === 'validate' ||
      (action.kind === 'alter' && action.enforced === true);
    const blocked = scans
      ? [action.fk.table, action.fk.referencedTable].filter((t) => locked.has(tableKey(t)))
      : [];
    if (action.kind === 'drop' || action.kind === 'rename') {
      locked.add(tableKey(action.fk.table));
      locked.add(tableKey(action.fk.referencedTable));
    }
    if (blocked.length === 0) return step;
    const names = [...new Set(blocked.map((t) => displayName(t.name)))].join(' and ');
    const hazard: Hazard = {
      code: 'blocks-reads',
      message: `${keyLabel(action.fk)}: reads of ${names} wait too while the rows are checked, because an earlier drop or rename in the same transaction locked ${blocked.length === 1 ? 'it' : 'them'} exclusively`,
    };
    return { ...step, hazards: [...step.hazards, hazard] };
  });
}

/** Where each statement commits on its own, the first step says so for the whole plan. */
export function markNonTransactional(steps: readonly Step[], engine: Engine, product: string): Step[] {
  const [first, ...rest] = steps;
  if (engine.capabilities.transactionalDdl || first === undefined || rest.length === 0) return [...steps];
  const hazard: Hazard = {
    code: 'non-transactional',
    message: `${product} commits each of the ${steps.length} statements on its own: a failure part-way leaves the earlier ones applied (run apply again to finish)`,
  };
  return [{ ...first, hazards: [hazard, ...first.hazards] }, ...rest];
}
