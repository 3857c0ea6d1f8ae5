import pc from 'picocolors';
import type { Engine } from '../engines/engine.js';
import { assertNever } from '../collections.js';
import type { TableRef } from '../model/catalog.js';
import type { Change } from '../model/change.js';
import { transactionGroups, type HazardCode, type Plan, type Step } from '../model/plan.js';
import { summarize, type PlanHazard } from '../model/summary.js';
import {
  changeHazards,
  changeNames,
  changesByTable,
  changeVerb,
  describeChange,
  hazardText,
  noChangesLine,
  policyLine,
  summaryLine,
} from './describe.js';
import type { Colors, SettingHint } from './describe.js';
import { displayName, displayTable, escapeUnsafe } from './display.js';

export interface TextOptions {
  /** ANSI colours; false guarantees output without any escape sequence. */
  readonly color: boolean;
  readonly engine: Engine;
  /** How many foreign keys the spec manages, for the line an empty plan prints. */
  readonly managedCount: number;
  /** How to name a setting that avoids a hazard; hazards are shown without when undefined. */
  readonly hint?: SettingHint;
  /** Hazards the policy refuses: marked where they occur, and named in a line of their own. */
  readonly denyHazards?: readonly HazardCode[];
}

const INDENT = '  ';

function sign(change: Change): string {
  switch (change.kind) {
    case 'add':
      return '+';
    case 'drop':
      return '-';
    case 'rename':
    case 'alter':
    case 'replace':
      return '~';
    case 'validate':
      // Pending like every other change: a tick would read as done.
      return '~';
    default:
      return assertNever(change);
  }
}

function paint(change: Change, c: Colors): (text: string) => string {
  switch (change.kind) {
    case 'add':
      return c.green;
    case 'drop':
      return c.red;
    case 'rename':
    case 'alter':
    case 'replace':
      return c.yellow;
    case 'validate':
      return c.cyan;
    default:
      return assertNever(change);
  }
}

/** `+ add name (cols) → table (cols)`, `~ rename a → b`, `~ change name: on delete … → …`. */
export function changeLine(change: Change, c: Colors): string {
  const { name, newName } = changeNames(change);
  const subject =
    newName === undefined ? displayName(name) : `${displayName(name)} → ${displayName(newName)}`;
  const detail = describeChange(change, c);
  const separator = change.kind === 'add' || change.kind === 'drop' ? ' ' : ': ';
  const line = `${sign(change)} ${changeVerb(change)} ${subject}${detail === '' ? '' : separator + detail}`;
  return INDENT + paint(change, c)(line);
}

/** `    ! drops-fk (denied): …`, under the change the hazard belongs to. */
function hazardLine(hazard: PlanHazard, options: TextOptions, c: Colors): string {
  const denied = options.denyHazards?.includes(hazard.code) === true;
  const code = denied ? `${hazard.code} (denied by policy)` : hazard.code;
  const line = `! ${code}: ${escapeUnsafe(hazardText(hazard, options.hint))}`;
  return INDENT + INDENT + (denied ? c.red(c.bold(line)) : c.magenta(line));
}

/** A flat list of hazards (a review's, which has no changes of a database to hang them under). */
export function hazardSection(
  hazards: readonly PlanHazard[],
  c: Colors,
  hint: SettingHint | undefined,
): readonly string[] {
  if (hazards.length === 0) return [];
  return [
    c.bold('Hazards:'),
    ...hazards.map(
      (hazard) => INDENT + c.magenta(`! ${hazard.code}: ${escapeUnsafe(hazardText(hazard, hint))}`),
    ),
  ];
}

function tableSection(
  plan: Plan,
  [table, changes]: readonly [TableRef, readonly Change[]],
  options: TextOptions,
  c: Colors,
): readonly string[] {
  return [
    c.bold(displayTable(table)),
    ...changes.flatMap((change) => [
      changeLine(change, c),
      ...changeHazards(plan, change).map((hazard) => hazardLine(hazard, options, c)),
    ]),
  ];
}

interface NumberedStep {
  readonly step: Step;
  readonly number: number;
  readonly transaction: number;
}

/** `  3. ALTER TABLE …;`: lines of a multi-line statement are aligned under its first. */
function statementLines({ step, number }: NumberedStep, width: number): readonly string[] {
  const label = `${String(number).padStart(width)}. `;
  return `${step.sql};`
    .split('\n')
    .map((line, index) => INDENT + (index === 0 ? label : ' '.repeat(label.length)) + escapeUnsafe(line));
}

export function sqlSection(plan: Plan, engine: Engine, c: Colors): readonly string[] {
  const width = String(plan.steps.length).length;
  const steps = plan.steps.map((step, index) => ({ step, number: index + 1, transaction: step.transaction }));
  const body = engine.capabilities.transactionalDdl
    ? transactionGroups(steps).flatMap((group, index) => [
        INDENT + c.dim(`-- transaction ${index + 1}`),
        ...group.flatMap((step) => statementLines(step, width)),
      ])
    : steps.flatMap((step) => statementLines(step, width));
  return [c.bold('SQL:'), ...body];
}

/** The plan for people at a terminal: summary, changes by table with their hazards, then the SQL. */
export function renderText(plan: Plan, options: TextOptions): string {
  const c = pc.createColors(options.color);
  if (plan.changes.length === 0) return `${noChangesLine(plan, options.managedCount, displayName)}\n`;
  const policy = policyLine(options.denyHazards ?? []);
  const sections = [
    [summaryLine(summarize(plan.changes)), ...(policy === undefined ? [] : [policy])],
    ...changesByTable(plan.changes).map((group) => tableSection(plan, group, options, c)),
    sqlSection(plan, options.engine, c),
  ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}
