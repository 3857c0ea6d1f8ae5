/**
 * The newer PostgreSQL key attributes as the spec writes them: `onDelete: set null (col, …)`
 * (PostgreSQL 15+), kept apart from parse.ts so that the rule text is read in one place.
 */

/** A rule as written, split into the rule and the columns it names (`set null (tenant_id)`). */
export interface SplitRule {
  readonly rule: string;
  /** undefined when the rule names no columns. */
  readonly columns: readonly string[] | undefined;
}

/** `set null (a, b)` → `set null` and [a, b]; text without a column list is returned as it is. */
export function splitRuleColumns(text: string | undefined): SplitRule | undefined {
  if (text === undefined) return undefined;
  const match = /^(.*?)\s*\(([^()]*)\)\s*$/su.exec(text);
  if (match === null) return { rule: text, columns: undefined };
  const columns = (match[2] ?? '')
    .split(',')
    .map((column) => column.trim())
    .filter((column) => column !== '');
  return { rule: match[1] ?? '', columns };
}
