/** How messages name things and count them: one wording for the whole program. */
import type { TableRef } from './model/catalog.js';

/** `schema.table`, how messages name a table. */
export function tableLabel(ref: TableRef): string {
  return `${ref.schema}.${ref.name}`;
}

/** `schema.table.name`, how messages name a constraint. */
export function keyLabel(key: { readonly table: TableRef; readonly name: string }): string {
  return `${tableLabel(key.table)}.${key.name}`;
}

/** `1 step`, `2 steps`; `plural` for nouns that do not just take an s. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
