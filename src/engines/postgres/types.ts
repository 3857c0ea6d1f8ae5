/** Which column types PostgreSQL lets a foreign key connect. */

/** Type families whose members PostgreSQL can compare with `=` (so a key between them works). */
const TYPE_FAMILIES: readonly (readonly [RegExp, string])[] = [
  [/^(smallint|integer|bigint|numeric|real|double precision)\b/, 'number'],
  [/^(text|character varying|character|name)\b/, 'text'],
  [/^(date|timestamp|time)\b/, 'datetime'],
  [/^uuid$/, 'uuid'],
  [/^boolean$/, 'boolean'],
  [/^bytea$/, 'bytea'],
];

function typeFamily(type: string): string | undefined {
  if (type.endsWith(']')) return undefined;
  return TYPE_FAMILIES.find(([pattern]) => pattern.test(type))?.[1];
}

export function columnTypesMatch(owning: string, referenced: string): boolean {
  const [a, b] = [typeFamily(owning), typeFamily(referenced)];
  return a === undefined || b === undefined || a === b;
}
