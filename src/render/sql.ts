import type { Engine } from '../engines/engine.js';
import { countOf } from '../labels.js';
import { transactionGroups, type HazardCode, type Plan, type Step } from '../model/plan.js';
import { describeStep, policyLine } from './describe.js';
import { escapeUnsafe } from './display.js';

export interface SqlOptions {
  readonly engine: Engine;
  /** How long each statement may wait for a lock, as apply sets it. */
  readonly lockTimeoutMs: number;
  /** Hazards the policy refuses: named in the header, and after each step that holds one. */
  readonly denyHazards?: readonly HazardCode[];
}

/** `-- ` comments end at a line break, so everything interpolated into one is escaped first. */
function comment(text: string): string {
  return `-- ${escapeUnsafe(text)}`;
}

function stepLines(step: Step, denied: ReadonlySet<HazardCode>): readonly string[] {
  const refused = [...new Set(step.hazards.map((hazard) => hazard.code).filter((code) => denied.has(code)))];
  return [
    comment(describeStep(step.action)),
    ...(refused.length === 0 ? [] : [comment(`denied by policy: ${refused.join(', ')}`)]),
    `${step.sql};`,
  ];
}

const terminated = (statements: readonly string[]): string[] => statements.map((sql) => `${sql};`);

/**
 * The plan as a script that `psql -v ON_ERROR_STOP=1` or the `mysql` client runs as is: what `apply`
 * executes, in the same order, with one comment line before each statement.
 */
export function renderSql(plan: Plan, options: SqlOptions): string {
  if (plan.steps.length === 0) return `${comment('fkdiff: no changes')}\n`;

  const framing = options.engine.scriptFraming(options.lockTimeoutMs);
  const steps = countOf(plan.steps.length, 'step');
  const denyHazards = options.denyHazards ?? [];
  const denied = new Set(denyHazards);
  const policy = policyLine(denyHazards);
  const header = [
    comment(`fkdiff plan: ${steps}, fingerprint ${plan.fingerprint}`),
    ...(policy === undefined ? [] : [comment(policy)]),
    ...terminated(framing.prologue),
  ];
  const { transaction } = framing;
  const blocks = transaction
    ? transactionGroups(plan.steps).map((group) => [
        ...terminated(transaction.begin),
        ...group.flatMap((step) => stepLines(step, denied)),
        ...terminated(transaction.end),
      ])
    : [plan.steps.flatMap((step) => stepLines(step, denied))];
  return `${[header, ...blocks].map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
