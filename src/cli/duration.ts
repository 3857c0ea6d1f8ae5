import { FkdiffError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000 };

/**
 * The longest wait every server accepts: PostgreSQL's lock_timeout is a 32-bit count of
 * milliseconds (24.8 days); a round 24 days (34560min) stays under it.
 */
const MAX_MS = 24 * 24 * 60 * 60_000;

/** Parses `500ms`, `5s`, `2min` (a bare number is seconds) into milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+)(ms|s|min)?$/.exec(text.trim());
  const amount = match?.[1];
  if (match === null || amount === undefined) {
    throw new FkdiffError('USAGE', `${option} "${text}" is not a duration such as 500ms, 5s or 2min`);
  }
  const milliseconds = Number(amount) * (UNITS[match[2] ?? 's'] ?? 1000);
  // 0 would mean "wait forever" to PostgreSQL and is not allowed by MySQL.
  if (milliseconds < 1) throw new FkdiffError('USAGE', `${option} must be at least 1ms`);
  if (milliseconds > MAX_MS) {
    throw new FkdiffError('USAGE', `${option} "${text}" is too long: at most ${MAX_MS / 60_000}min`);
  }
  return milliseconds;
}
