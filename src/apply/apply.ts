import { driverMessage, type Connection } from '../db/connection.js';
import { FkdiffError } from '../errors.js';
import { withLockTimeout } from '../db/locks.js';
import { bounded } from '../db/timeouts.js';
import { transactionGroups, type Plan, type Step } from '../model/plan.js';

export type ApplyEvent =
  | { readonly kind: 'step'; readonly index: number; readonly total: number; readonly step: Step }
  | { readonly kind: 'commit'; readonly transaction: number; readonly applied: number };

export interface ApplyOptions {
  /** How long one statement may wait for a table lock. */
  readonly lockTimeoutMs: number;
  /** How long one step may run, wall clock, before apply stops waiting for it (undefined: no bound). */
  readonly stepTimeoutMs?: number;
  readonly onEvent?: (event: ApplyEvent) => void;
}

export interface ApplyResult {
  readonly applied: number;
  readonly total: number;
}

function stepFailure(
  connection: Connection,
  plan: Plan,
  index: number,
  error: unknown,
  afterward: string,
): FkdiffError {
  const step = plan.steps[index];
  const timedOut = connection.engine.session.isLockTimeout(error);
  const message =
    `step ${index + 1} of ${plan.steps.length} failed: ${step?.sql ?? ''}: ${driverMessage(error)}` +
    (timedOut ? ' (a lock could not be taken in time: retry when the tables are less busy)' : '') +
    `. ${afterward}`;
  return new FkdiffError(timedOut ? 'LOCK_TIMEOUT' : 'SQL_FAILED', message, {
    cause: error,
    settings: timedOut ? ['lockTimeout'] : [],
  });
}

/**
 * The connection was lost (or stalled) while step `step` ran or its transaction committed: whether
 * it, or its commit, took effect is unknown until the catalog is read again.
 */
export class ConnectionLost extends Error {
  constructor(
    readonly step: number,
    override readonly cause: unknown,
  ) {
    super(driverMessage(cause));
  }
}

/** The error as the caller sees it: a known failure, or a lost connection whose outcome is unknown. */
function failure(connection: Connection, index: number, error: unknown, known: () => FkdiffError): Error {
  if (error instanceof FkdiffError && error.code === 'TIMEOUT') {
    return new FkdiffError(
      'TIMEOUT',
      `${error.message}; whether step ${index + 1} took effect is unknown until the catalog is read again: run plan to see`,
      { cause: error, settings: error.settings },
    );
  }
  if (error instanceof FkdiffError) return error;
  return connection.engine.session.isServerError(error) ? known() : new ConnectionLost(index, error);
}

const stepLabel = (plan: Plan, index: number) => (): string => `step ${index + 1} of ${plan.steps.length}`;

/** `step 3 was` / `steps 1–3 were`. */
function range(from: number, to: number): string {
  return from === to ? `step ${from} was` : `steps ${from}–${to} were`;
}

/** PostgreSQL: each transaction group commits or rolls back whole. */
async function applyTransactional(
  connection: Connection,
  plan: Plan,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const numbered = plan.steps.map((step, index) => ({ index, transaction: step.transaction }));
  let applied = 0;
  for (const group of transactionGroups(numbered)) {
    const transaction = group[0]?.transaction ?? 0;
    const indexes = group.map((step) => step.index);
    let current = -1;
    // A step past its bound is given up on at once: the transaction's ROLLBACK would queue behind the
    // running statement. Its COMMIT is never sent; the server rolls it back when the statement ends
    // or the connection closes.
    let giveUp: (error: unknown) => void = () => undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      giveUp = reject;
    });
    try {
      const work = withLockTimeout(connection, options.lockTimeoutMs, async (session) => {
        for (const index of indexes) {
          current = index;
          const step = plan.steps[index];
          if (step === undefined) continue;
          options.onEvent?.({ kind: 'step', index, total: plan.steps.length, step });
          await bounded(
            session.execute(step.sql),
            options.stepTimeoutMs,
            stepLabel(plan, index),
            'stepTimeout',
          ).catch((error: unknown) => {
            if (error instanceof FkdiffError && error.code === 'TIMEOUT') giveUp(error);
            throw error;
          });
        }
      });
      // Once given up on, its rollback ends in the background.
      work.catch(() => undefined);
      await Promise.race([work, gaveUp]);
    } catch (error) {
      if (current < 0) throw error;
      const committed =
        applied === 0
          ? 'It was rolled back: the database is unchanged.'
          : `Its transaction was rolled back; ${range(1, applied)} already committed: run apply again to finish.`;
      throw failure(connection, current, error, () =>
        stepFailure(connection, plan, current, error, committed),
      );
    }
    applied += indexes.length;
    options.onEvent?.({ kind: 'commit', transaction, applied });
  }
  return { applied, total: plan.steps.length };
}

/**
 * MySQL: every statement commits on its own. Run it inside `withApplyLock`, so that no other apply
 * interleaves with it.
 */
async function applyOneByOne(
  connection: Connection,
  plan: Plan,
  options: ApplyOptions,
): Promise<ApplyResult> {
  await withLockTimeout(connection, options.lockTimeoutMs, async () => {
    for (const [index, step] of plan.steps.entries()) {
      options.onEvent?.({ kind: 'step', index, total: plan.steps.length, step });
      try {
        await bounded(
          connection.execute(step.sql),
          options.stepTimeoutMs,
          stepLabel(plan, index),
          'stepTimeout',
        );
      } catch (error) {
        const done = index === 0 ? 'No step was applied' : `${range(1, index)} applied`;
        throw failure(connection, index, error, () =>
          stepFailure(
            connection,
            plan,
            index,
            error,
            `${done}; ${range(index + 1, plan.steps.length)} not. Fix the cause and run apply again: it plans from where this run stopped.`,
          ),
        );
      }
      options.onEvent?.({ kind: 'commit', transaction: step.transaction, applied: index + 1 });
    }
  });
  return { applied: plan.steps.length, total: plan.steps.length };
}

/**
 * Runs a plan's steps in order through `sequelize.query`. Only the pipeline calls this: it holds the
 * apply lock and checks the plan first.
 */
export function applySteps(connection: Connection, plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  if (plan.steps.length === 0) return Promise.resolve({ applied: 0, total: 0 });
  return connection.engine.capabilities.transactionalDdl
    ? applyTransactional(connection, plan, options)
    : applyOneByOne(connection, plan, options);
}
