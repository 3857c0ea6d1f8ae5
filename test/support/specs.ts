/** Generated specs for tests of large changes. */

/** `count` tables, each with one key to `hub`. */
export function largeSpec(count: number): string {
  const tables = Array.from(
    { length: count },
    (_, i) =>
      `  t${String(i).padStart(3, '0')}:\n    foreignKeys:\n      - { columns: [hub_id], references: hub(id) }\n`,
  );
  return `version: 1\ntables:\n${tables.join('')}`;
}
