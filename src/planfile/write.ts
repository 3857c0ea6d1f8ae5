/**
 * The plan as JSON for scripts and for applying a saved plan: a public contract, documented field by field in
 * docs/plan-json.md and checked by schemas/plan.schema.json. Fields are written in a fixed order.
 */
import { assertNever } from '../collections.js';
import type { DesiredForeignKey, ForeignKey, SourceLocation, TableRef } from '../model/catalog.js';
import { deleteSetColumns, isEnforced, isPeriod, newerAttributes } from '../model/catalog.js';
import type { Change } from '../model/change.js';
import type { Hazard, HazardCode, Plan, Step, StepAction } from '../model/plan.js';
import type { Spec } from '../spec/resolve.js';
import { planHazards, summarize, type PlanHazard } from '../model/summary.js';

/** Bumped on any change that an older reader would misread; the reader refuses other versions. */
export const FORMAT_VERSION = 1;

export function tableJson(ref: TableRef): object {
  return { schema: ref.schema, name: ref.name };
}

function foreignKeyJson(fk: ForeignKey): object {
  // Every field of the key, so that one added to the model fails to compile here until it is written.
  const fields: { readonly [K in keyof ForeignKey]: unknown } = {
    name: fk.name,
    table: tableJson(fk.table),
    columns: fk.columns,
    referencedTable: tableJson(fk.referencedTable),
    referencedColumns: fk.referencedColumns,
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
    match: fk.match,
    deferrable: fk.deferrable,
    initiallyDeferred: fk.initiallyDeferred,
    validated: fk.validated,
    // Written only where they differ from the defaults (PostgreSQL 15 and 18).
    ...newerAttributes({
      enforced: isEnforced(fk),
      period: isPeriod(fk),
      onDeleteColumns: deleteSetColumns(fk),
    }),
  };
  return fields;
}

function desiredKeyJson(fk: DesiredForeignKey): object {
  const fields: { readonly [K in keyof DesiredForeignKey]: unknown } = {
    ...(foreignKeyJson({ ...fk, name: '' }) as Record<keyof ForeignKey, unknown>),
    name: fk.name ?? null,
    source: sourceJson(fk.source),
  };
  return fields;
}

/** What verifying the plan after apply needs of the spec, so that applying a saved plan needs no spec. */
function specJson(spec: Spec): object {
  return {
    file: spec.file,
    exclude: spec.exclude,
    denyHazards: spec.denyHazards,
    foreignKeys: spec.foreignKeys.map(desiredKeyJson),
  };
}

export function sourceJson(source: SourceLocation | undefined): object | null {
  return source ? { file: source.file, line: source.line, column: source.column } : null;
}

export function changeJson(change: Change): object {
  switch (change.kind) {
    case 'add':
      return { kind: change.kind, fk: foreignKeyJson(change.fk), source: sourceJson(change.source) };
    case 'drop':
    case 'validate':
      return { kind: change.kind, fk: foreignKeyJson(change.fk) };
    case 'rename':
      return { kind: change.kind, fk: foreignKeyJson(change.fk), newName: change.newName };
    case 'alter':
      return {
        kind: change.kind,
        fk: foreignKeyJson(change.fk),
        deferrable: change.deferrable,
        initiallyDeferred: change.initiallyDeferred,
        ...(change.enforced === undefined ? {} : { enforced: change.enforced }),
      };
    case 'replace':
      return {
        kind: change.kind,
        from: foreignKeyJson(change.from),
        to: foreignKeyJson(change.to),
        fields: change.fields,
        source: sourceJson(change.source),
      };
    default:
      return assertNever(change);
  }
}

/** The fields only one kind of step has, written between the common head and tail of a step. */
function stepOpFields(op: StepAction): object {
  switch (op.kind) {
    case 'drop':
    case 'validate':
      return {};
    case 'rename':
      return { newName: op.newName };
    case 'alter':
      return {
        deferrable: op.deferrable,
        initiallyDeferred: op.initiallyDeferred,
        ...(op.enforced === undefined ? {} : { enforced: op.enforced }),
      };
    case 'add':
      return { notValid: op.notValid };
    case 'drop-index':
      return { indexName: op.indexName };
    default:
      return assertNever(op);
  }
}

function hazardJson(hazard: Hazard): object {
  return { code: hazard.code, message: hazard.message };
}

function indexOfChange(changeIndex: ReadonlyMap<Change, number>, change: Change): number {
  const index = changeIndex.get(change);
  if (index === undefined) throw new Error("a step whose change is not one of the plan's changes");
  return index;
}

function stepJson(step: Step, changeIndex: ReadonlyMap<Change, number>): object {
  return {
    op: step.action.kind,
    table: tableJson(step.action.fk.table),
    constraint: step.action.fk.name,
    ...stepOpFields(step.action),
    sql: step.sql,
    transaction: step.transaction,
    change: indexOfChange(changeIndex, step.change),
    hazards: step.hazards.map(hazardJson),
    fk: foreignKeyJson(step.action.fk),
  };
}

function planHazardJson(hazard: PlanHazard, denied: ReadonlySet<HazardCode>): object {
  return {
    code: hazard.code,
    message: hazard.message,
    table: tableJson(hazard.table),
    constraint: hazard.constraint,
    denied: denied.has(hazard.code),
  };
}

/** What the plan was made from, beyond the plan itself. */
export interface PlanContext {
  /** The resolved spec: saved so that the file alone can be applied and verified. */
  readonly spec: Spec;
  /** Hazards the policy refuses: the spec's and the caller's. */
  readonly denyHazards: readonly HazardCode[];
}

/** The plan as pretty-printed JSON (2 spaces, trailing newline); `readPlanFile` reads it back. */
export function writePlanFile(plan: Plan, context?: PlanContext): string {
  const denied = new Set(context?.denyHazards ?? []);
  const changeIndex = new Map(plan.changes.map((change, index) => [change, index]));
  const document = {
    fkdiff: FORMAT_VERSION,
    dialect: plan.dialect,
    schemas: plan.schemas,
    online: plan.online,
    fingerprint: plan.fingerprint,
    summary: summarize(plan.changes),
    changes: plan.changes.map(changeJson),
    steps: plan.steps.map((step) => stepJson(step, changeIndex)),
    hazards: planHazards(plan.steps).map((hazard) => planHazardJson(hazard, denied)),
    policy: { denyHazards: [...denied].sort() },
    ...(context === undefined ? {} : { spec: specJson(context.spec) }),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
