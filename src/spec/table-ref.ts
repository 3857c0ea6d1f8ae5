import { quotedValue } from './messages.js';
import { FkdiffError } from '../errors.js';

/** A table reference as written in a spec: the schema is undefined when the text leaves it out. */
export interface ParsedTableRef {
  readonly schema: string | undefined;
  readonly name: string;
}

/** One part of a dotted reference; `quoted` tells the glob compiler that wildcards in it are literal. */
export interface RefPart {
  readonly text: string;
  readonly quoted: boolean;
}

export type ReadResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const QUOTE = '"';

/**
 * Splits `a`, `a.b`, `"a.b"."c""d"` into its unquoted parts. Whitespace around a part is ignored,
 * so `users (id)` and `public . users` read as expected; a quoted part keeps its inner spaces.
 */
export function readRefParts(text: string): ReadResult<readonly RefPart[]> {
  const parts: RefPart[] = [];
  let position = 0;
  for (;;) {
    const part = readPart(text, position);
    if (!part.ok) return part;
    parts.push(part.value.part);
    position = part.value.end;
    if (position >= text.length) break;
    position += 1; // the dot that readPart stopped at
  }
  return { ok: true, value: parts };
}

function readPart(text: string, start: number): ReadResult<{ part: RefPart; end: number }> {
  const position = skipSpaces(text, start);
  if (text[position] === QUOTE) return readQuotedPart(text, position);
  const dot = text.indexOf('.', position);
  const end = dot === -1 ? text.length : dot;
  const raw = text.slice(position, end).trim();
  if (raw.includes(QUOTE)) {
    return {
      ok: false,
      error: 'a name containing a double quote must be double-quoted, with the quote doubled ("a""b")',
    };
  }
  if (raw === '') return { ok: false, error: 'empty name' };
  return { ok: true, value: { part: { text: raw, quoted: false }, end } };
}

function readQuotedPart(text: string, openQuote: number): ReadResult<{ part: RefPart; end: number }> {
  let name = '';
  let position = openQuote + 1;
  for (;;) {
    const close = text.indexOf(QUOTE, position);
    if (close === -1) return { ok: false, error: 'unterminated quoted name' };
    name += text.slice(position, close);
    if (text[close + 1] !== QUOTE) {
      position = close + 1;
      break;
    }
    name += QUOTE;
    position = close + 2;
  }
  if (name === '') return { ok: false, error: 'empty name' };
  const end = skipSpaces(text, position);
  if (end < text.length && text[end] !== '.') {
    return { ok: false, error: 'unexpected text after a quoted name; expected "." or the end' };
  }
  return { ok: true, value: { part: { text: name, quoted: true }, end } };
}

function skipSpaces(text: string, position: number): number {
  let next = position;
  while (next < text.length && /\s/u.test(text.charAt(next))) next += 1;
  return next;
}

/** Splits parts into schema and name, refusing `a.b.c` (a dotted name must be quoted). */
export function splitSchema<T>(parts: readonly T[]): ReadResult<{ schema: T | undefined; name: T }> {
  const [first, second] = parts;
  if (first === undefined) return { ok: false, error: 'empty name' };
  if (parts.length > 2) {
    return {
      ok: false,
      error:
        'more than two dot-separated parts; double-quote a name that contains a dot, as in public."v1.users"',
    };
  }
  return {
    ok: true,
    value: second === undefined ? { schema: undefined, name: first } : { schema: first, name: second },
  };
}

export function readTableRef(text: string): ReadResult<ParsedTableRef> {
  const parts = readRefParts(text);
  if (!parts.ok) return parts;
  const split = splitSchema(parts.value);
  if (!split.ok) return split;
  return { ok: true, value: { schema: split.value.schema?.text, name: split.value.name.text } };
}

/** `table`, `schema.table`, `"my.schema"."a""b"`: names are exact, never case-folded. */
export function parseTableRef(text: string): ParsedTableRef {
  const result = readTableRef(text);
  if (!result.ok) throw new FkdiffError('SPEC_INVALID', tableRefError(text, result.error));
  return result.value;
}

export function tableRefError(text: string, error: string): string {
  return `invalid table reference ${quotedValue(text)}: ${error}`;
}

/** A name is quoted when reading it back unquoted would change it. */
function needsQuoting(name: string): boolean {
  return name === '' || name.includes('.') || name.includes(QUOTE) || name.trim() !== name;
}

export function quoteName(name: string): string {
  return needsQuoting(name) ? `${QUOTE}${name.replaceAll(QUOTE, QUOTE + QUOTE)}${QUOTE}` : name;
}

/** The shortest text that reads back as `ref`; the schema is left out when it is `defaultSchema`. */
export function formatTableRef(ref: ParsedTableRef, defaultSchema?: string): string {
  const name = quoteName(ref.name);
  return ref.schema === undefined || ref.schema === defaultSchema ? name : `${quoteName(ref.schema)}.${name}`;
}

export interface ShortReference {
  readonly table: ParsedTableRef;
  readonly columns: readonly string[];
}

const SHORT_FORM_HINT = 'write it as "table(column, ...)"';

/**
 * The short `references` form `table(col, col)`. Column names cannot contain parentheses here, so the
 * last `(` opens the column list even when a quoted table name contains one.
 */
export function readShortReference(text: string): ReadResult<ShortReference> {
  const trimmed = text.trim();
  const open = trimmed.lastIndexOf('(');
  if (open === -1 || !trimmed.endsWith(')')) return { ok: false, error: SHORT_FORM_HINT };
  const columns = trimmed
    .slice(open + 1, -1)
    .split(',')
    .map((column) => column.trim());
  if (columns.some((column) => column === '' || column.includes(')'))) {
    return { ok: false, error: `empty or malformed column list; ${SHORT_FORM_HINT}` };
  }
  const table = readTableRef(trimmed.slice(0, open));
  if (!table.ok) return { ok: false, error: `table: ${table.error}` };
  return { ok: true, value: { table: table.value, columns } };
}

const WORD = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Characters a short form must not hold: controls, format characters, line breaks and other blanks. */
const NOT_PLAIN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}]|[^\S ]/u;

/**
 * Whether `formatShortReference` reads back exactly, so `pull` may use the short form: it is
 * written, read again, and must give the same table and columns; names with a line break or a
 * control character always take the long form.
 */
export function fitsShortReference(table: ParsedTableRef, columns: readonly string[]): boolean {
  const names = table.schema === undefined ? [table.name] : [table.schema, table.name];
  // Identifier-like names (nearly every database's) need no quoting and hold nothing the short form
  // reads specially: they fit without the round trip, which was most of the time `pull` took.
  if (columns.length > 0 && [...names, ...columns].every((name) => WORD.test(name))) return true;
  const plain =
    columns.length > 0 &&
    [...names, ...columns].every((name) => !NOT_PLAIN.test(name)) &&
    names.every((name) => !needsQuoting(name) && !/[(),]/u.test(name)) &&
    columns.every((column) => column !== '' && column.trim() === column && !/[(),]/u.test(column));
  if (!plain) return false;
  const read = readShortReference(formatShortReference(table, columns));
  return (
    read.ok &&
    read.value.table.schema === table.schema &&
    read.value.table.name === table.name &&
    read.value.columns.length === columns.length &&
    read.value.columns.every((column, index) => column === columns[index])
  );
}

export function formatShortReference(
  table: ParsedTableRef,
  columns: readonly string[],
  defaultSchema?: string,
): string {
  return `${formatTableRef(table, defaultSchema)}(${columns.join(', ')})`;
}
