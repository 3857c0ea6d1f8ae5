/**
 * A reader for the plain subset of YAML that specs are written in (what `pull` writes, and what
 * people write by hand): block mappings and lists, one-line flow lists, plain and quoted scalars,
 * comments. It builds the plain data and an index of offsets directly, without yaml's Documents,
 * which cost most of a large plan's time and memory. Anything outside the subset (anchors, tags,
 * multi-line scalars, escapes, flow mappings, odd indentation, errors) returns undefined, and the
 * caller reads the text with the yaml library instead: the subset never decides what is an error.
 */

/** A parsed node: where it starts (as yaml's `range[0]`) and what it holds. */
export type FastNode =
  | { readonly kind: 'map'; readonly offset: number; readonly pairs: ReadonlyMap<string, FastPair> }
  | { readonly kind: 'seq'; readonly offset: number; readonly items: readonly FastNode[] }
  | { readonly kind: 'scalar'; readonly offset: number; readonly empty: boolean };

export interface FastPair {
  readonly keyOffset: number;
  readonly value: FastNode;
}

export interface FastDocument {
  readonly data: unknown;
  readonly root: FastNode;
}

interface Line {
  readonly indent: number;
  /** Offset of the first non-space character. */
  readonly start: number;
  /** The content without its indentation and trailing comment. */
  readonly text: string;
}

/** Outside the subset: the caller falls back to the yaml library. */
class Unsupported extends Error {}

function unsupported(): never {
  throw new Unsupported();
}

/** Characters the subset leaves to the library: tabs, CR, other controls, BOM, NUL, lone surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const UNSAFE_TEXT = /[\u0000-\u0009\u000b-\u001f\u007f\ufeff]|\p{Cs}/u;
/** A plain scalar the subset reads as a string: no indicator first, nothing that could be a comment. */
const PLAIN = /^[A-Za-z0-9_$./()][^#'"]*$/;
const PLAIN_IN_FLOW = /^[A-Za-z0-9_$./()][^#'",[\]{}:]*$/;
const KEY = /^[A-Za-z0-9_$./()][^#'":]*$/;
const NULLS = new Set(['null', 'Null', 'NULL', '~']);
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

export function readFastYaml(text: string): FastDocument | undefined {
  if (UNSAFE_TEXT.test(text)) return undefined;
  try {
    const lines = splitLines(text);
    const [first] = lines;
    if (first === undefined || first.indent !== 0 || first.text.startsWith('-')) return undefined;
    const reader = new BlockReader(lines);
    const { node, data } = reader.block(0);
    if (reader.index !== lines.length || node.kind !== 'map') return undefined;
    return { data, root: node };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const indent = raw.length - raw.trimStart().length;
    const content = raw.slice(indent);
    if (content !== '' && !content.startsWith('#')) {
      if (content.startsWith('---') || content.startsWith('...') || content.startsWith('%')) unsupported();
      lines.push({ indent, start: offset + indent, text: withoutComment(content) });
    }
    offset += raw.length + 1;
  }
  return lines;
}

/** The line without a trailing ` # comment` (outside quotes) and trailing spaces. */
function withoutComment(content: string): string {
  let quote: string | undefined;
  for (let i = 0; i < content.length; i += 1) {
    const char = content[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#' && content[i - 1] === ' ') {
      return content.slice(0, i).trimEnd();
    }
  }
  if (quote !== undefined) unsupported();
  return content.trimEnd();
}

interface Parsed {
  readonly node: FastNode;
  readonly data: unknown;
}

class BlockReader {
  index = 0;

  constructor(private readonly lines: readonly Line[]) {}

  /** The block node starting at the current line, whose lines are indented `indent`. */
  block(indent: number): Parsed {
    const line = this.lines[this.index];
    if (line === undefined || line.indent !== indent) unsupported();
    return line.text === '-' || line.text.startsWith('- ')
      ? this.sequence(indent)
      : this.mapping(indent, line.text, line.start);
  }

  private sequence(indent: number): Parsed {
    const items: FastNode[] = [];
    const data: unknown[] = [];
    const offset = this.lines[this.index]?.start ?? 0;
    for (let line = this.lines[this.index]; line?.indent === indent; line = this.lines[this.index]) {
      if (!line.text.startsWith('- ')) break;
      const rest = line.text.slice(2);
      const gap = rest.length - rest.trimStart().length;
      const content = rest.slice(gap);
      const column = indent + 2 + gap;
      const start = line.start + 2 + gap;
      if (content === '' || content.startsWith('- ')) unsupported();
      if (isPairStart(content)) {
        const item = this.mapping(column, content, start);
        items.push(item.node);
        data.push(item.data);
      } else {
        this.index += 1;
        const item = inlineValue(content, start);
        items.push(item.node);
        data.push(item.data);
      }
    }
    return { node: { kind: 'seq', offset, items }, data };
  }

  /**
   * A mapping whose keys sit at column `indent`; its first pair is `firstText` at `firstStart` (the
   * current line, or the rest of a list item's line).
   */
  private mapping(indent: number, firstText: string, firstStart: number): Parsed {
    const pairs = new Map<string, FastPair>();
    const data: Record<string, unknown> = {};
    let text = firstText;
    let start = firstStart;
    for (;;) {
      const colon = pairColon(text);
      const key = readKey(text.slice(0, colon));
      if (pairs.has(key) || key === '__proto__') unsupported();
      const after = text.slice(colon + 1);
      const valueText = after.trimStart();
      this.index += 1;
      let value: Parsed;
      if (valueText !== '') {
        value = inlineValue(valueText, start + colon + 1 + (after.length - valueText.length));
      } else {
        const next = this.lines[this.index];
        if (next !== undefined && next.indent > indent) value = this.block(next.indent);
        else if (next?.indent === indent && (next.text === '-' || next.text.startsWith('- '))) {
          value = this.sequence(indent);
        } else value = { node: { kind: 'scalar', offset: start + colon + 1, empty: true }, data: null };
      }
      pairs.set(key, { keyOffset: start, value: value.node });
      data[key] = value.data;
      const next = this.lines[this.index];
      if (next === undefined || next.indent < indent) break;
      if (next.indent > indent || next.text.startsWith('- ') || next.text === '-') {
        if (next.indent > indent) unsupported();
        break;
      }
      text = next.text;
      start = next.start;
    }
    return { node: { kind: 'map', offset: firstStart, pairs }, data };
  }
}

/** Whether `text` starts a `key: value` pair (a key outside quotes followed by `:` and a space or the end). */
function isPairStart(text: string): boolean {
  return pairColonOrUndefined(text) !== undefined;
}

function pairColon(text: string): number {
  return pairColonOrUndefined(text) ?? unsupported();
}

function pairColonOrUndefined(text: string): number | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = closingQuote(text, 0);
    if (end === undefined) unsupported();
    return text[end + 1] === ':' && (end + 2 === text.length || text[end + 2] === ' ') ? end + 1 : undefined;
  }
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    if (i + 1 === text.length || text[i + 1] === ' ') return i;
  }
  return undefined;
}

function readKey(text: string): string {
  if (text.startsWith('"') || text.startsWith("'")) return quoted(text);
  // Keys the core schema would read as null, booleans or numbers are the library's to convert.
  if (!KEY.test(text) || /[[\]{},]/.test(text) || text !== text.trim()) unsupported();
  if (NULLS.has(text) || BOOLEANS.has(text) || /^[-+.0-9]/.test(text)) unsupported();
  return text;
}

function inlineValue(text: string, offset: number): Parsed {
  if (text.startsWith('[')) return flowList(text, offset);
  if (text === '{}') return { node: { kind: 'map', offset, pairs: new Map() }, data: {} };
  return { node: { kind: 'scalar', offset, empty: false }, data: scalar(text, PLAIN) };
}

function flowList(text: string, offset: number): Parsed {
  if (!text.endsWith(']')) unsupported();
  const items: FastNode[] = [];
  const data: unknown[] = [];
  const inner = text.slice(1, -1);
  if (inner.trim() === '') return { node: { kind: 'seq', offset, items }, data };
  let position = 0;
  while (position <= inner.length) {
    let end: number;
    const lead = inner.slice(position).length - inner.slice(position).trimStart().length;
    const itemStart = position + lead;
    const char = inner[itemStart];
    if (char === '"' || char === "'") {
      const close = closingQuote(inner, itemStart) ?? unsupported();
      end = inner.indexOf(',', close);
      if (end === -1) end = inner.length;
      if (inner.slice(close + 1, end).trim() !== '') unsupported();
    } else {
      end = inner.indexOf(',', itemStart);
      if (end === -1) end = inner.length;
    }
    const itemText = inner.slice(itemStart, end).trimEnd();
    if (itemText === '') unsupported();
    items.push({ kind: 'scalar', offset: offset + 1 + itemStart, empty: false });
    data.push(scalar(itemText, PLAIN_IN_FLOW));
    position = end + 1;
  }
  return { node: { kind: 'seq', offset, items }, data };
}

function scalar(text: string, plain: RegExp): unknown {
  if (text.startsWith('"') || text.startsWith("'")) return quoted(text);
  if (NULLS.has(text)) return null;
  const boolean = BOOLEANS.get(text);
  if (boolean !== undefined) return boolean;
  if (/^[0-9]+$/.test(text) && text.length < 10 && !(text.length > 1 && text.startsWith('0'))) {
    return Number(text);
  }
  // Other numbers, and anything the core schema might read otherwise, are the library's.
  if (/^[-+.0-9]/.test(text) && /^[-+]?(\.[0-9]|[0-9])/.test(text)) unsupported();
  if (!plain.test(text) || text.includes(': ') || text.endsWith(':') || text.startsWith('.')) unsupported();
  return text;
}

/** The index of the quote closing the one at `start` (`''` inside single quotes is a quote). */
function closingQuote(text: string, start: number): number | undefined {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === '\\' && quote === '"') unsupported();
    if (text[i] !== quote) continue;
    if (quote === "'" && text[i + 1] === "'") {
      i += 1;
      continue;
    }
    return i;
  }
  return undefined;
}

function quoted(text: string): string {
  const end = closingQuote(text, 0);
  if (end !== text.length - 1) unsupported();
  const inner = text.slice(1, -1);
  return text.startsWith("'") ? inner.replaceAll("''", "'") : inner;
}
