/** Bounded waits: no statement waits on a stalled server or network for ever. */
import { FkdiffError } from '../errors.js';
import type { Setting } from '../model/settings.js';

/** A catalog read or a check that gets no answer in this time fails (a stalled read, within a minute). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** How long closing a connection may take before it is given up (a stalled socket never closes). */
export const CLOSE_TIMEOUT_MS = 2_000;

/**
 * `work`, or TIMEOUT when it has not settled within `ms` (undefined or 0: no bound). The statement
 * may still be running on the server; the message says so, and which setting raises the bound.
 */
export async function bounded<T>(
  work: Promise<T>,
  ms: number | undefined,
  what: () => string,
  setting: Setting,
): Promise<T> {
  if (ms === undefined || ms <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new FkdiffError(
          'TIMEOUT',
          `${what()} got no answer within ${ms} ms: the server or the network stalled, or the statement is slow`,
          { settings: [setting] },
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
