import { FkdiffError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000 };

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
  return milliseconds;
}
