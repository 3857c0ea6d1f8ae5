/**
 * The truth after a lost connection: what a step or a COMMIT did when its answer never came is read
 * back from the catalog, never guessed.
 */
import { driverMessage, type Connection } from '../db/connection.js';
import { FkdiffError } from '../errors.js';
import type { Plan } from '../model/plan.js';
import { ConnectionLost } from './apply.js';

/** How often, and how long apart, the catalog is read again before giving up. */
const ATTEMPTS = 3;
const PAUSE_MS = 1000;

/** `step 3 was` / `steps 1–3 were`. */
function stepsWere(from: number, to: number): string {
  return from === to ? `step ${from} was` : `steps ${from}–${to} were`;
}

/**
 * How many leading steps of `plan` the database now holds: the plan made again from the catalog is
 * exactly the rest of the old one (undefined when it is not: the database is in neither state).
 */
export function stepsApplied(plan: Plan, again: Plan): number | undefined {
  const done = plan.steps.length - again.steps.length;
  if (done < 0) return undefined;
  const same = again.steps.every((step, index) => step.sql === plan.steps[done + index]?.sql);
  return same ? done : undefined;
}

function truth(plan: Plan, again: Plan): string {
  const total = plan.steps.length;
  const done = stepsApplied(plan, again);
  if (done === undefined) {
    return `the database now matches neither the plan's start nor its end: ${again.steps.length} steps still pending; run plan to see them`;
  }
  if (done === total) return `all ${total} steps were applied: the database matches the spec`;
  if (done === 0) return `no step was applied: the database is unchanged`;
  return `${stepsWere(1, done)} applied, ${stepsWere(done + 1, total)} not: run apply again to finish`;
}

/**
 * Turns a lost connection during apply into APPLY_INTERRUPTED saying what the catalog, read again
 * on a new connection, holds; any other error is passed on as it is.
 */
export async function afterFault(
  connection: Connection,
  plan: Plan,
  error: unknown,
  replan: () => Promise<Plan>,
): Promise<unknown> {
  if (!(error instanceof ConnectionLost)) return error;
  const lost = `the connection to ${connection.display} was lost during step ${error.step + 1} of ${plan.steps.length} (${error.message})`;
  let last: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (attempt > 0) await new Promise((resume) => setTimeout(resume, PAUSE_MS));
    try {
      const again = await replan();
      return new FkdiffError(
        'APPLY_INTERRUPTED',
        `${lost}; read again after reconnecting: ${truth(plan, again)}`,
        {
          cause: error.cause,
        },
      );
    } catch (reread) {
      last = reread;
    }
  }
  return new FkdiffError(
    'APPLY_INTERRUPTED',
    `${lost}, and reading the catalog again failed (${driverMessage(last)}): what was applied is unknown; run plan to see what is left`,
    { cause: error.cause },
  );
}
