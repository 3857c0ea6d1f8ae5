/** Which column types InnoDB lets a foreign key connect. */

/**
 * InnoDB wants "similar" types: integers and decimals of the same type, size and sign (the display
 * width does not count); strings of any length, and binary strings likewise. What this does not
 * know (temporal types, collations) is left to the server.
 */
function typeClass(columnType: string): string | undefined {
  const type = columnType.toLowerCase().trim();
  const unsigned = /\bunsigned\b/.test(type) ? ' unsigned' : '';
  const integer = /^(tinyint|smallint|mediumint|int|integer|bigint)\b/.exec(type)?.[1];
  if (integer !== undefined) return `${integer === 'integer' ? 'int' : integer}${unsigned}`;
  const decimal = /^(decimal|numeric)\s*(\([^)]*\))?/.exec(type);
  if (decimal !== null) return `decimal${(decimal[2] ?? '(10,0)').replace(/\s/g, '')}${unsigned}`;
  if (/^(float|double)\b/.test(type)) return `${type.split(/[\s(]/)[0] ?? type}${unsigned}`;
  if (/^(char|varchar)\b/.test(type)) return 'string';
  if (/^(binary|varbinary)\b/.test(type)) return 'binary';
  return undefined;
}

export function columnTypesMatch(owning: string, referenced: string): boolean {
  const [a, b] = [typeClass(owning), typeClass(referenced)];
  return a === undefined || b === undefined || a === b;
}
