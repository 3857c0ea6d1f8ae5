/** What the human formats (text, markdown) and the JSON summary say about a plan, computed once. */
import { diffArrays } from 'diff';
import pc from 'picocolors';
import { groupBy } from '../collections.js';
import { assertNever } from '../collections.js';
import type { Setting } from '../model/settings.js';
import { countOf } from '../labels.js';
import { deleteSetColumns, isEnforced, isPeriod, tableKey } from '../model/catalog.js';
import type { ForeignKey, TableRef } from '../model/catalog.js';
import { changedKey, type Change, type FieldName } from '../model/change.js';
import type { HazardCode, Plan, StepAction } from '../model/plan.js';
import type { KeyField } from '../model/fields.js';
import { planHazards, type PlanHazard, type Summary } from '../model/summary.js';
import { displayColumns, displayName, displayTable } from './display.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** Colours that add nothing, for formats without them. */
export const plainColors: Colors = pc.createColors(false);

/** How the caller names a setting that avoids a hazard (the CLI: by its flag). */
export type SettingHint = (setting: Setting) => string;

/** The hazards of a change's steps, each once (a replace's drop and add would say it twice). */
export function changeHazards(plan: Plan, change: Change): readonly PlanHazard[] {
  return planHazards(plan.steps.filter((step) => step.change === change));
}

/** `Policy: denies drops-fk.`, or nothing when no hazard is denied. */
export function policyLine(denyHazards: readonly HazardCode[]): string | undefined {
  return denyHazards.length === 0 ? undefined : `Policy: denies ${[...denyHazards].sort().join(', ')}.`;
}

/** A hazard's message, followed by how to avoid it when the caller can say. */
export function hazardText(
  hazard: { readonly message: string; readonly avoidedBy?: Setting | undefined },
  hint: SettingHint | undefined,
): string {
  return hazard.avoidedBy === undefined || hint === undefined
    ? hazard.message
    : `${hazard.message} (${hint(hazard.avoidedBy)})`;
}

export const SUMMARY_KEYS = [
  'add',
  'drop',
  'rename',
  'change',
  'validate',
] as const satisfies readonly (keyof Summary)[];

/** `Plan: 2 to add, 1 to drop.`: only the kinds the plan holds. */
export function summaryLine(summary: Summary): string {
  const parts = SUMMARY_KEYS.filter((key) => summary[key] > 0).map((key) => `${summary[key]} to ${key}`);
  return `Plan: ${parts.join(', ')}.`;
}

export function noChangesLine(plan: Plan, managedCount: number, showName: (name: string) => string): string {
  const keys = countOf(managedCount, 'foreign key');
  const where =
    plan.schemas.length === 0
      ? ''
      : ` in ${plan.schemas.length === 1 ? 'schema' : 'schemas'} ${plan.schemas.map(showName).join(', ')}`;
  return `No changes: the database matches the spec (${keys}${where}).`;
}

/** The table whose foreign keys a change alters. */
export function changeTable(change: Change): TableRef {
  return changedKey(change).table;
}

/** The constraint's name before the change, and after it when the change gives it another. */
export function changeNames(change: Change): { readonly name: string; readonly newName: string | undefined } {
  switch (change.kind) {
    case 'add':
    case 'drop':
    case 'alter':
    case 'validate':
      return { name: change.fk.name, newName: undefined };
    case 'rename':
      return { name: change.fk.name, newName: change.newName };
    case 'replace':
      return {
        name: change.from.name,
        newName: change.to.name === change.from.name ? undefined : change.to.name,
      };
    default:
      return assertNever(change);
  }
}

/** Changes in their given order, grouped by owning table in order of first appearance. */
export function changesByTable(
  changes: readonly Change[],
): readonly (readonly [TableRef, readonly Change[]])[] {
  return [...groupBy(changes, (change) => tableKey(changeTable(change))).values()].flatMap((group) => {
    const [first] = group;
    return first === undefined ? [] : [[changeTable(first), group] as const];
  });
}

/** `(profile_id) → public.profiles (id) ON DELETE SET NULL`: only clauses that differ from the defaults. */
function describeDefinition(fk: ForeignKey): string {
  // One entry per field, in display order: a field added to the model fails to compile here.
  const clauses: { readonly [F in KeyField]: string } = {
    columns: `(${displayColumns(fk.columns)}) →`,
    referencedTable: displayTable(fk.referencedTable),
    referencedColumns: `(${displayColumns(fk.referencedColumns)})`,
    period: isPeriod(fk) ? 'PERIOD' : '',
    onDelete: fk.onDelete === 'no action' ? '' : `ON DELETE ${fk.onDelete.toUpperCase()}`,
    onDeleteColumns: deleteSetColumns(fk).length > 0 ? `(${displayColumns(deleteSetColumns(fk))})` : '',
    onUpdate: fk.onUpdate === 'no action' ? '' : `ON UPDATE ${fk.onUpdate.toUpperCase()}`,
    match: fk.match === 'simple' ? '' : `MATCH ${fk.match.toUpperCase()}`,
    deferrable: fk.deferrable ? (fk.initiallyDeferred ? 'DEFERRABLE INITIALLY DEFERRED' : 'DEFERRABLE') : '',
    // Part of the DEFERRABLE clause.
    initiallyDeferred: '',
    enforced: isEnforced(fk) ? '' : 'NOT ENFORCED',
    validated: fk.validated || !isEnforced(fk) ? '' : 'NOT VALID',
  };
  return Object.values(clauses)
    .filter((clause) => clause !== '')
    .join(' ');
}

function describeEnforcement(enforced: boolean): string {
  return enforced ? 'enforced' : 'not enforced';
}

function describeDeferrability(deferrable: boolean, initiallyDeferred: boolean): string {
  if (!deferrable) return 'not deferrable';
  return initiallyDeferred ? 'deferrable initially deferred' : 'deferrable initially immediate';
}

/** Both column lists, with the columns only one side has picked out in colour. */
function describeColumnsChange(from: readonly string[], to: readonly string[], c: Colors): string {
  const parts = diffArrays([...from], [...to]);
  const side = (keep: 'removed' | 'added', paint: (text: string) => string): string =>
    parts
      .filter((part) => !(keep === 'removed' ? part.added : part.removed))
      .flatMap((part) =>
        part.value.map((column) => (part[keep] ? paint(displayName(column)) : displayName(column))),
      )
      .join(', ');
  return `(${side('removed', c.red)}) → (${side('added', c.green)})`;
}

function describeFieldChange(field: FieldName, from: ForeignKey, to: ForeignKey, c: Colors): string {
  switch (field) {
    case 'columns':
      return `columns ${describeColumnsChange(from.columns, to.columns, c)}`;
    case 'referencedTable':
      return `references ${displayTable(from.referencedTable)} → ${displayTable(to.referencedTable)}`;
    case 'referencedColumns':
      return `referenced columns ${describeColumnsChange(from.referencedColumns, to.referencedColumns, c)}`;
    case 'onDelete':
      return `on delete ${from.onDelete} → ${to.onDelete}`;
    case 'onUpdate':
      return `on update ${from.onUpdate} → ${to.onUpdate}`;
    case 'match':
      return `match ${from.match} → ${to.match}`;
    case 'deferrable':
      return `${from.deferrable ? 'deferrable' : 'not deferrable'} → ${to.deferrable ? 'deferrable' : 'not deferrable'}`;
    case 'initiallyDeferred':
      return `initially ${from.initiallyDeferred ? 'deferred' : 'immediate'} → ${to.initiallyDeferred ? 'deferred' : 'immediate'}`;
    case 'enforced':
      return `${describeEnforcement(isEnforced(from))} → ${describeEnforcement(isEnforced(to))}`;
    case 'period':
      return `period ${isPeriod(from) ? 'yes' : 'no'} → ${isPeriod(to) ? 'yes' : 'no'}`;
    case 'onDeleteColumns':
      return `on delete sets (${displayColumns(deleteSetColumns(from).length > 0 ? deleteSetColumns(from) : from.columns)}) → (${displayColumns(deleteSetColumns(to).length > 0 ? deleteSetColumns(to) : to.columns)})`;
    default:
      return assertNever(field);
  }
}

/** What a change does beyond its name; empty when the verb says it all (rename, validate). */
export function describeChange(change: Change, c: Colors): string {
  switch (change.kind) {
    case 'add':
    case 'drop':
      return describeDefinition(change.fk);
    case 'rename':
    case 'validate':
      return '';
    case 'alter': {
      const deferral =
        change.fk.deferrable === change.deferrable && change.fk.initiallyDeferred === change.initiallyDeferred
          ? []
          : [
              `${describeDeferrability(change.fk.deferrable, change.fk.initiallyDeferred)} → ${describeDeferrability(change.deferrable, change.initiallyDeferred)}`,
            ];
      const enforcement =
        change.enforced === undefined
          ? []
          : [`${describeEnforcement(isEnforced(change.fk))} → ${describeEnforcement(change.enforced)}`];
      return [...deferral, ...enforcement].join(', ');
    }
    case 'replace':
      return change.fields.map((field) => describeFieldChange(field, change.from, change.to, c)).join(', ');
    default:
      return assertNever(change);
  }
}

export function changeVerb(change: Change): string {
  return change.kind === 'replace' ? 'change' : change.kind;
}

/** One line saying what a step does, e.g. `drop foreign key old_fkey on public.users`. */
export function describeStep(op: StepAction): string {
  const fk = `foreign key ${displayName(op.fk.name)} on ${displayTable(op.fk.table)}`;
  switch (op.kind) {
    case 'drop':
      return `drop ${fk}`;
    case 'rename':
      return `rename ${fk} to ${displayName(op.newName)}`;
    case 'alter':
      return op.enforced === undefined
        ? `alter ${fk}: ${describeDeferrability(op.deferrable, op.initiallyDeferred)}`
        : `alter ${fk}: ${op.enforced ? 'enforced: every row is checked' : 'not enforced: rows stop being checked'}`;
    case 'add':
      return op.notValid ? `add ${fk}, not valid: existing rows are not checked here` : `add ${fk}`;
    case 'validate':
      return `validate ${fk}`;
    case 'drop-index':
      return `drop index ${displayName(op.indexName)} on ${displayTable(op.fk.table)}: a leftover of an earlier key, in the way of foreign key ${displayName(op.fk.name)}`;
    default:
      return assertNever(op);
  }
}
