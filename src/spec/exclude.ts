import { quotedValue } from './messages.js';
import { FkdiffError } from '../errors.js';
import type { TableRef } from '../model/catalog.js';
import type { ReadResult, RefPart } from './table-ref.js';
import { readRefParts, splitSchema } from './table-ref.js';

export type TableMatcher = (table: TableRef) => boolean;

interface ExcludePattern {
  readonly schema: RegExp | undefined;
  readonly name: RegExp;
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
    value: { schema: schema === undefined ? undefined : globRegExp(schema), name: globRegExp(name) },
  };
}

function globRegExp(part: RefPart): RegExp {
  const source = part.text.replace(/[.*+?^${}()|[\]\\]/gu, (char) => {
    if (part.quoted) return `\\${char}`;
    if (char === '*') return '.*';
    return char === '?' ? '.' : `\\${char}`;
  });
  return new RegExp(`^${source}$`, 'su');
}

/** One predicate for all patterns, compiled once: true when any pattern matches the table. */
export function compileExclude(patterns: readonly string[]): TableMatcher {
  const compiled = patterns.map((pattern) => {
    const result = readExcludePattern(pattern);
    if (!result.ok) throw new FkdiffError('SPEC_INVALID', excludePatternError(pattern, result.error));
    return result.value;
  });
  return (table) =>
    compiled.some(
      ({ schema, name }) => (schema === undefined || schema.test(table.schema)) && name.test(table.name),
    );
}

export function isExcluded(patterns: readonly string[], table: TableRef): boolean {
  return compileExclude(patterns)(table);
}

export function excludePatternError(pattern: string, error: string): string {
  return `invalid exclude pattern ${quotedValue(pattern)}: ${error}`;
}
