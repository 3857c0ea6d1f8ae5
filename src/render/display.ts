/**
 * Characters that must never reach a terminal, a `--` comment or a markdown cell as they are: controls
 * (newlines, ESC), format characters (bidi overrides, zero-width joiners), lone surrogates, private-use
 * characters, and every whitespace character other than the plain space.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}]|[^\S ]/gu;

/** Characters that make a displayed name ambiguous in `schema.table (col, col)` or unsafe to show. */
const NEEDS_QUOTES = /[\s".,()\\]|[\p{Cc}\p{Cf}\p{Cs}\p{Co}]/u;

function escapeChar(char: string): string {
  switch (char) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      const code = char.codePointAt(0) ?? 0;
      return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
    }
  }
}

/** Free text (a hazard message, a fingerprint) made safe to print on one line. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A schema, table, column or constraint name as fkdiff shows it to people. Ordinary names are shown as
 * they are (non-ASCII included). Others are double-quoted like SQL identifiers (inner `"` doubled), with
 * `\` doubled and unsafe characters escaped (`\n`, `\u001b`), so that two names never look alike and no
 * name can break a line or send a terminal escape sequence.
 */
export function displayName(name: string): string {
  if (name !== '' && !NEEDS_QUOTES.test(name)) return name;
  return `"${escapeUnsafe(name.replaceAll('\\', '\\\\').replaceAll('"', '""'))}"`;
}

/**
 * `schema.table`; just `table` for the empty schema (a MySQL spec read without a database). Any
 * `TableRef` is one (structural, so that labels.ts can use this file without a circle).
 */
export function displayTable(ref: { readonly schema: string; readonly name: string }): string {
  return ref.schema === '' ? displayName(ref.name) : `${displayName(ref.schema)}.${displayName(ref.name)}`;
}

export function displayColumns(columns: readonly string[]): string {
  return columns.map(displayName).join(', ');
}
