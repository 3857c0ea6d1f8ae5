import { createHash } from 'node:crypto';
import type { Engine } from '../engines/engine.js';
import type { TableRef } from '../model/catalog.js';

/** Longest prefix of `text` whose length, as the engine counts it, is at most `budget`. */
function truncateTo(text: string, budget: number, engine: Engine): string {
  let result = '';
  for (const char of text) {
    if (engine.identifierLength(result + char) > budget) break;
    result += char;
  }
  return result;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * Fits `name` into the engine's identifier limit. A name that is too long keeps its start and gets
 * a hash of the whole name, so two long names that share a prefix still differ.
 */
export function fitIdentifier(name: string, engine: Engine): string {
  const limit = engine.capabilities.maxIdentifierLength;
  if (engine.identifierLength(name) <= limit) return name;
  const suffix = `_${shortHash(name)}`;
  return truncateTo(name, limit - suffix.length, engine) + suffix;
}

/** PostgreSQL's convention: `<table>_<col>[_<col>…]_fkey`. */
function conventionalName(table: TableRef, columns: readonly string[]): string {
  return `${table.name}_${columns.join('_')}_fkey`;
}

/**
 * A name for a new foreign key that no other key in its scope holds. Like PostgreSQL, a taken
 * name gets a number appended; the result always fits the identifier limit.
 */
export function deriveName(
  table: TableRef,
  columns: readonly string[],
  engine: Engine,
  isTaken: (name: string) => boolean,
): string {
  const base = conventionalName(table, columns);
  for (let attempt = 0; ; attempt += 1) {
    const candidate = fitIdentifier(attempt === 0 ? base : `${base}${attempt}`, engine);
    if (!isTaken(candidate)) return candidate;
  }
}

/** Two names with the same key collide: the scope they must be unique in, and the name as compared. */
export function nameScopeKey(table: TableRef, name: string, engine: Engine): string {
  const compared = engine.capabilities.constraintNamesIgnoreCase ? name.toLowerCase() : name;
  return engine.capabilities.constraintNameScope === 'table'
    ? `${table.schema}\u0000${table.name}\u0000${compared}`
    : `${table.schema}\u0000${compared}`;
}
