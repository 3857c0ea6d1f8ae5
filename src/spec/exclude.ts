import { quotedValue } from './messages.js';
import { FkdiffError } from '../errors.js';
import type { TableRef } from '../model/catalog.js';
import type { ReadResult, RefPart } from './table-ref.js';
import { readRefParts, splitSchema } from './table-ref.js';

export type TableMatcher = (table: TableRef) => boolean;

/** Matches one name part (whole, in characters, not UTF-16 units). */
type Glob = (text: string) => boolean;

interface ExcludePattern {
  readonly schema: Glob | undefined;
  readonly name: Glob;
}

/**
 * Reads `audit_*`, `legacy.*`, `"v1.app".*`: parts split like a table reference, then `*` and `?`
 * are wildcards, except inside double quotes where, as in a shell, they stand for themselves.
 */
export function readExcludePattern(text: string): ReadResult<ExcludePattern> {
  const parts = readRefParts(text);
  if (!parts.ok) return parts;
  const split = splitSchema(parts.value);
  if (!split.ok) return split;
  const { schema, name } = split.value;
  return {
    ok: true,
    value: { schema: schema === undefined ? undefined : compileGlob(schema), name: compileGlob(name) },
  };
}

/** One character of a glob: a literal, or `?` (any one character). */
type GlobChar = string | undefined;

/** Where `segment` first matches in `text` at or after `from`, or -1. */
function findSegment(text: readonly string[], segment: readonly GlobChar[], from: number): number {
  for (let start = from; start + segment.length <= text.length; start += 1) {
    if (segmentAt(text, segment, start)) return start;
  }
  return -1;
}

function segmentAt(text: readonly string[], segment: readonly GlobChar[], start: number): boolean {
  return segment.every((char, offset) => char === undefined || char === text[start + offset]);
}

/**
 * `*` (any run) and `?` (one character); quoted parts are literal. No backtracking: the pattern is
 * split at its stars, the first piece must start the name, the last must end it, and each piece
 * between is taken at its leftmost place (which is always right for globs), so the time is bounded
 * by the pattern's length times the name's, whatever the number of stars.
 */
function compileGlob(part: RefPart): Glob {
  const chars = Array.from(part.text);
  const pieces: GlobChar[][] = [[]];
  for (const char of chars) {
    if (!part.quoted && char === '*') pieces.push([]);
    else pieces[pieces.length - 1]?.push(!part.quoted && char === '?' ? undefined : char);
  }
  const [first = [], ...rest] = pieces;
  const last = rest.pop();
  return (name) => {
    const text = Array.from(name);
    if (last === undefined) return text.length === first.length && segmentAt(text, first, 0);
    if (text.length < first.length + last.length || !segmentAt(text, first, 0)) return false;
    const end = text.length - last.length;
    if (!segmentAt(text, last, end)) return false;
    let position = first.length;
    for (const middle of rest) {
      const found = findSegment(text.slice(0, end), middle, position);
      if (found < 0) return false;
      position = found + middle.length;
    }
    return true;
  };
}

/** One predicate for all patterns, compiled once: true when any pattern matches the table. */
export function compileExclude(patterns: readonly string[]): TableMatcher {
  const compiled = patterns.map((pattern) => {
    const result = readExcludePattern(pattern);
    if (!result.ok) throw new FkdiffError('SPEC_INVALID', excludePatternError(pattern, result.error));
    return result.value;
  });
  return (table) =>
    compiled.some(({ schema, name }) => (schema === undefined || schema(table.schema)) && name(table.name));
}

export function isExcluded(patterns: readonly string[], table: TableRef): boolean {
  return compileExclude(patterns)(table);
}

export function excludePatternError(pattern: string, error: string): string {
  return `invalid exclude pattern ${quotedValue(pattern)}: ${error}`;
}
