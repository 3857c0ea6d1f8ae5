import type { Engine } from '../engines/engine.js';
import { countOf } from '../labels.js';
import type { Change } from '../model/change.js';
import { transactionGroups, type HazardCode, type Plan } from '../model/plan.js';
import { planHazards, summarize, type PlanHazard } from '../model/summary.js';
import {
  changeNames,
  changeTable,
  changeVerb,
  describeChange,
  hazardText,
  plainColors,
  noChangesLine,
  policyLine,
  summaryLine,
  type SettingHint,
} from './describe.js';
import { displayName, displayTable, escapeUnsafe } from './display.js';
import { renderSql } from './sql.js';

export interface MarkdownOptions {
  readonly engine: Engine;
  /** How many foreign keys the spec manages, for the line an empty plan prints. */
  readonly managedCount: number;
  /** As apply sets it, for the SQL section. */
  readonly lockTimeoutMs: number;
  /** How to name a setting that avoids a hazard. */
  readonly hint?: SettingHint;
  /** Hazards the policy refuses. */
  readonly denyHazards?: readonly HazardCode[];
}

const HEADING = '### fkdiff plan';

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

/** A code span that holds any text: the fence outgrows the text's backtick runs (CommonMark). */
export function code(text: string): string {
  const safe = escapeUnsafe(text);
  const fence = '`'.repeat(longestBacktickRun(safe) + 1);
  const pad = /^[` ]|[` ]$/.test(safe) ? ' ' : '';
  return `${fence}${pad}${safe}${pad}${fence}`;
}

/** Free text: punctuation that could start a link, emphasis, HTML, a mention or math is escaped. */
export function text(value: string): string {
  return escapeUnsafe(value).replace(/[\\`*_[\]<>|~&@#$!]/g, '\\$&');
}

/** Multi-line text (a script, a diff) with each line made safe, the line breaks kept. */
export function escapeUnsafeLines(value: string): string {
  return value.split('\n').map(escapeUnsafe).join('\n');
}

/** GFM splits table rows at `|` before anything else, code spans included. */
function cell(content: string): string {
  return content.replaceAll('|', '\\|');
}

function constraintCell(change: Change): string {
  const { name, newName } = changeNames(change);
  const names =
    newName === undefined
      ? code(displayName(name))
      : `${code(displayName(name))} → ${code(displayName(newName))}`;
  return cell(names);
}

function changeCell(change: Change): string {
  const detail = describeChange(change, plainColors);
  return cell(detail === '' ? changeVerb(change) : `${changeVerb(change)} ${code(detail)}`);
}

/** One row per change: table, constraint (old → new name), what changes (each field before → after). */
export function changesTable(changes: readonly Change[]): readonly string[] {
  return [
    '| table | constraint | change |',
    '| --- | --- | --- |',
    ...changes.map(
      (change) =>
        `| ${cell(code(displayTable(changeTable(change))))} | ${constraintCell(change)} | ${changeCell(change)} |`,
    ),
  ];
}

/** `#### Hazards` and one item per hazard; those in `denied` are marked so. */
export function hazardsList(
  hazards: readonly PlanHazard[],
  hint: SettingHint | undefined,
  denied: ReadonlySet<HazardCode> = new Set(),
): readonly string[] {
  if (hazards.length === 0) return [];
  return [
    '#### Hazards',
    '',
    ...hazards.map(
      (hazard) =>
        `- **${hazard.code}**${denied.has(hazard.code) ? ' (denied by policy)' : ''}: ${text(hazardText(hazard, hint))}`,
    ),
  ];
}

/** A fenced code block that holds any text: the fence outgrows the text's backtick runs. */
export function fenced(language: string, body: string): readonly string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return [`${fence}${language}`, body, fence];
}

/** `#### SQL`, how many statements in how many transactions, and the script as the sql format prints it. */
export function sqlBlock(
  plan: Plan,
  options: Pick<MarkdownOptions, 'engine' | 'lockTimeoutMs'>,
): readonly string[] {
  const { engine } = options;
  const statements = countOf(plan.steps.length, 'statement');
  const transactions = transactionGroups(plan.steps).length;
  // Reviewers need to know what a failure part-way leaves behind.
  const atomicity = engine.capabilities.transactionalDdl
    ? `in ${countOf(transactions, 'transaction')}`
    : 'each committed on its own';
  const script = escapeUnsafeLines(
    renderSql(plan, { engine, lockTimeoutMs: options.lockTimeoutMs }).trimEnd(),
  );
  return ['#### SQL', '', `${statements}, ${atomicity}:`, '', ...fenced('sql', script)];
}

/** The plan as a pull-request comment: summary, a table of changes, hazards, and the SQL script. */
export function renderMarkdown(plan: Plan, options: MarkdownOptions): string {
  const line = policyLine(options.denyHazards ?? []);
  const policy = line === undefined ? [] : ['', text(line)];
  const sections =
    plan.changes.length === 0
      ? [[HEADING], [noChangesLine(plan, options.managedCount, (name) => code(displayName(name)))]]
      : [
          [HEADING],
          [summaryLine(summarize(plan.changes)), ...policy],
          changesTable(plan.changes),
          hazardsList(planHazards(plan.steps), options.hint, new Set(options.denyHazards ?? [])),
          sqlBlock(plan, options),
        ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}
