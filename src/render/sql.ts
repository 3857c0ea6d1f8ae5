import type { Dialect } from '../dialect/dialect.js';
import type { Plan, Step } from '../model/plan.js';
import { describeStep, transactionGroups } from './describe.js';
import { escapeUnsafe } from './names.js';

export interface SqlOptions {
  readonly dialect: Dialect;
  /** How long each statement may wait for a lock, as apply sets it. */
  readonly lockTimeoutMs: number;
}

/** `-- ` comments end at a line break, so everything interpolated into one is escaped first. */
function comment(text: string): string {
  return `-- ${escapeUnsafe(text)}`;
}

function stepLines(step: Step): readonly string[] {
  return [comment(describeStep(step.op)), `${step.sql};`];
}

const terminated = (statements: readonly string[]): string[] => statements.map((sql) => `${sql};`);

/**
 * The plan as a script that `psql -v ON_ERROR_STOP=1` or the `mysql` client runs as is: what `apply`
 * executes, in the same order, with one comment line before each statement.
 */
export function renderSql(plan: Plan, options: SqlOptions): string {
  if (plan.steps.length === 0) return `${comment('fkdiff: no changes')}\n`;

  const framing = options.dialect.scriptFraming(options.lockTimeoutMs);
  const steps = plan.steps.length === 1 ? '1 step' : `${plan.steps.length} steps`;
  const header = [
    comment(`fkdiff plan: ${steps}, fingerprint ${plan.fingerprint}`),
    ...terminated(framing.prologue),
  ];
  const { transaction } = framing;
  const blocks = transaction
    ? transactionGroups(plan.steps).map((group) => [
        ...terminated(transaction.begin),
        ...group.flatMap(stepLines),
        ...terminated(transaction.end),
      ])
    : [plan.steps.flatMap(stepLines)];
  return `${[header, ...blocks].map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
