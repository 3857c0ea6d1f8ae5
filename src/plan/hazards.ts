/** What each kind of step risks, in words; the planner attaches these to its steps. */
import type { Engine } from '../engines/engine.js';
import { keyLabel } from '../labels.js';
import type { ForeignKey, ReferentialAction } from '../model/catalog.js';
import { tableKey } from '../model/catalog.js';
import type { Hazard, Step } from '../model/plan.js';

const ROW_CHANGING: ReadonlySet<ReferentialAction> = new Set(['cascade', 'set null', 'set default']);

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
      message: `${keyLabel(fk)}: ${event === 'onDelete' ? 'deleting' : 'updating'} a row of ${fk.referencedTable.name} will ${consequence(fk, fk[event], event, notNull)}`,
    }));
}

/** A step that checks every row; `blocksWrites` when it holds the tables' locks meanwhile. */
export function validationHazards(fk: ForeignKey, blocksWrites: boolean, engine: Engine): Hazard[] {
  const hazards: Hazard[] = [
    {
      code: 'validates-data',
      message: `${keyLabel(fk)}: every row of ${fk.table.name} is checked; the step fails if one has no matching row in ${fk.referencedTable.name}`,
    },
  ];
  if (blocksWrites) {
    const canGoOnline = engine.capabilities.transactionalDdl && engine.capabilities.notValid;
    hazards.push({
      code: 'blocks-writes',
      message: `${keyLabel(fk)}: writes to ${fk.table.name} and ${fk.referencedTable.name} wait while the rows are checked`,
      ...(canGoOnline ? { avoidedBy: 'online' as const } : {}),
    });
  }
  return hazards;
}

export function dropHazard(fk: ForeignKey): Hazard {
  return {
    code: 'drops-fk',
    message: `${keyLabel(fk)}: the database stops checking ${fk.table.name} (${fk.columns.join(', ')}) against ${fk.referencedTable.name}`,
  };
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
    const scans = (action.kind === 'add' && !action.notValid) || action.kind === 'validate';
    const blocked = scans
      ? [action.fk.table, action.fk.referencedTable].filter((t) => locked.has(tableKey(t)))
      : [];
    if (action.kind === 'drop' || action.kind === 'rename') {
      locked.add(tableKey(action.fk.table));
      locked.add(tableKey(action.fk.referencedTable));
    }
    if (blocked.length === 0) return step;
    const names = [...new Set(blocked.map((t) => t.name))].join(' and ');
    const hazard: Hazard = {
      code: 'blocks-reads',
      message: `${keyLabel(action.fk)}: reads of ${names} wait too while the rows are checked, because an earlier drop or rename in the same transaction locked ${blocked.length === 1 ? 'it' : 'them'} exclusively`,
    };
    return { ...step, hazards: [...step.hazards, hazard] };
  });
}

/** Where each statement commits on its own, the first step says so for the whole plan. */
export function markNonTransactional(steps: readonly Step[], engine: Engine): Step[] {
  const [first, ...rest] = steps;
  if (engine.capabilities.transactionalDdl || first === undefined || rest.length === 0) return [...steps];
  const hazard: Hazard = {
    code: 'non-transactional',
    message: `${engine.name} commits each of the ${steps.length} statements on its own: a failure part-way leaves the earlier ones applied (run apply again to finish)`,
  };
  return [{ ...first, hazards: [hazard, ...first.hazards] }, ...rest];
}
