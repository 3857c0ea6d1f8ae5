import { FkdiffError } from '../errors.js';
import type { DialectName } from '../model/catalog.js';
import type { Plan, Step } from '../model/plan.js';
import { assertNever, describeStep, transactionGroups } from './describe.js';
import { escapeUnsafe } from './names.js';

export interface SqlOptions {
  /** PostgreSQL `lock_timeout` for each transaction: digits with an optional unit ms, s or min. */
  readonly lockTimeout?: string;
}

const LOCK_TIMEOUT = /^\d+(ms|s|min)?$/;

/** Whether the script wraps each transaction group in BEGIN … COMMIT, as `apply` runs it. */
function wrapsTransactions(dialect: DialectName): boolean {
  switch (dialect) {
    case 'postgres':
      return true;
    case 'mysql':
      // MySQL commits DDL implicitly, so BEGIN/COMMIT would only pretend to group the steps.
      return false;
    default:
      return assertNever(dialect);
  }
}

/** `-- ` comments end at a line break, so everything interpolated into one is escaped first. */
function comment(text: string): string {
  return `-- ${escapeUnsafe(text)}`;
}

function stepLines(step: Step): readonly string[] {
  return [comment(describeStep(step.op)), `${step.sql};`];
}

function transactionLines(steps: readonly Step[], lockTimeout: string): readonly string[] {
  return ['BEGIN;', `SET LOCAL lock_timeout = '${lockTimeout}';`, ...steps.flatMap(stepLines), 'COMMIT;'];
}

/**
 * The plan as a script that `psql -v ON_ERROR_STOP=1` or the `mysql` client runs as is: what `apply`
 * executes, in the same order, with one comment line before each statement.
 */
export function renderSql(plan: Plan, options: SqlOptions = {}): string {
  const lockTimeout = options.lockTimeout ?? '5s';
  if (!LOCK_TIMEOUT.test(lockTimeout)) {
    throw new FkdiffError(
      'USAGE',
      `invalid lock timeout ${JSON.stringify(lockTimeout)}: expected a number with an optional unit ms, s or min, e.g. 5s`,
    );
  }
  if (plan.steps.length === 0) return `${comment('fkdiff: no changes')}\n`;

  const steps = plan.steps.length === 1 ? '1 step' : `${plan.steps.length} steps`;
  const header = comment(`fkdiff plan: ${steps}, fingerprint ${plan.fingerprint}`);
  const blocks = wrapsTransactions(plan.dialect)
    ? transactionGroups(plan.steps).map((group) => transactionLines(group, lockTimeout))
    : [plan.steps.flatMap(stepLines)];
  return `${[[header], ...blocks].map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
