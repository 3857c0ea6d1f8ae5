/** How messages name things and count them: one wording for the whole program. */
import { displayName, displayTable } from './render/display.js';

/** A table as messages name it; any `TableRef` is one. */
interface Named {
  readonly schema: string;
  readonly name: string;
}

/**
 * `schema.table`, how messages name a table, each part quoted as `displayName` shows names; just
 * `table` for the empty schema, which stands for the connection's database when a MySQL spec is read
 * without one (`review`, offline `validate`).
 */
export function tableLabel(ref: Named): string {
  return displayTable(ref);
}

/** `schema.table.name`, how messages name a constraint. */
export function keyLabel(key: { readonly table: Named; readonly name: string }): string {
  return `${tableLabel(key.table)}.${displayName(key.name)}`;
}

/** `1 step`, `2 steps`; `plural` for nouns that do not just take an s. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
