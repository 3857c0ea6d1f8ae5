import type { LineCounter } from 'yaml';
import { yamlLibrary } from './yaml-library.js';
import type { Document, ErrorCode, Node, Pair, YAMLError, YAMLMap } from 'yaml';
import { FkdiffError, problemsError } from '../errors.js';
import type { Problem } from '../errors.js';
import type { SourceLocation } from '../model/catalog.js';
import { readFastYaml, type FastDocument, type FastNode, type FastPair } from './fast-yaml.js';

export type PathSegment = string | number;
/** Keys and list indexes from the document root, as in `['tables', 'users', 'foreignKeys', 0]`. */
export type Path = readonly PathSegment[];

/** A parsed YAML document: its plain data, and where each part of it is written. */
export interface SpecSource {
  readonly file: string;
  readonly data: unknown;
  /** Read by the subset reader (fast-yaml.ts): a spec with problems is read again by the library. */
  readonly subset?: boolean;
  /** The value at `path`; its key when the value is empty; the nearest written ancestor when absent. */
  valueAt(path: Path): SourceLocation;
  /** The key of the last segment of `path` (for a list item, the item itself). */
  keyAt(path: Path): SourceLocation;
}

/** The largest spec file read, in bytes: far above any real schema, far below what exhausts memory. */
export const MAX_SPEC_BYTES = 20 * 1024 * 1024;

/** How many aliases a spec may expand (yaml's guard against "billion laughs" documents). */
export const MAX_ALIAS_COUNT = 100;

/** SPEC_TOO_LARGE when a spec of `bytes` bytes is over the limit. */
export function checkSpecSize(bytes: number, file: string): void {
  if (bytes <= MAX_SPEC_BYTES) return;
  const mib = (value: number) => `${(value / 1024 ** 2).toFixed(1)} MiB`;
  throw new FkdiffError(
    'SPEC_TOO_LARGE',
    `${file}: the spec is ${mib(bytes)}, over the limit of ${mib(MAX_SPEC_BYTES)}; split it into several files (a directory of spec files, or include:)`,
  );
}

/**
 * Parses YAML keeping positions; malformed YAML is SPEC_SYNTAX with every error's line and column.
 * Text in the plain subset specs are written in is read without yaml's Documents (`subset`), unless
 * `library` asks for the library's reading.
 */
export function readYaml(text: string, file: string, library = false): SpecSource {
  // Characters are at most 3 bytes of UTF-8 each: only a text near the limit needs counting.
  if (text.length * 3 > MAX_SPEC_BYTES) checkSpecSize(Buffer.byteLength(text, 'utf8'), file);
  const fast = library ? undefined : readFastYaml(text);
  if (fast !== undefined) return subsetSource(fast, text, file);
  const { document, lineCounter } = parseYaml(text);
  const locate = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (document.errors.length > 0) {
    throw syntaxError(
      file,
      document.errors.map((error) => ({ message: yamlErrorMessage(error), source: locate(error.pos[0]) })),
    );
  }
  const unsafe = unsafeNodes(document);
  if (unsafe.length > 0) {
    throw syntaxError(
      file,
      unsafe.map(({ message, offset }) => ({ message, source: locate(offset) })),
    );
  }
  const data = documentData(document, file, locate);
  const nodeLocation = (node: Node | undefined): SourceLocation => locate(node?.range?.[0] ?? 0);
  const pairs = pairFinder();
  return {
    file,
    data,
    subset: false,
    valueAt: (path) => {
      const found = walk(document, path, pairs);
      return nodeLocation(
        isEmptyScalar(found.value) ? (found.key ?? found.value) : (found.value ?? found.nearest),
      );
    },
    keyAt: (path) => {
      const found = walk(document, path, pairs);
      return nodeLocation(found.key ?? found.nearest);
    },
  };
}

/** Offsets to lines and columns as yaml's LineCounter gives them (both from 1). */
function offsetLocator(text: string, file: string): (offset: number) => SourceLocation {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { file, line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  };
}

interface FastFound {
  readonly key: number | undefined;
  readonly value: FastNode | undefined;
  readonly nearest: number;
}

/** As `walk`, over the subset reader's nodes: offsets of the key, the value and the nearest ancestor. */
function walkFast(root: FastNode, path: Path): FastFound {
  let value: FastNode | undefined = root;
  let key: number | undefined;
  let nearest = root.offset;
  for (const segment of path) {
    if (value?.kind === 'map') {
      const pair: FastPair | undefined = value.pairs.get(String(segment));
      if (pair === undefined) return { key: undefined, value: undefined, nearest };
      key = pair.keyOffset;
      value = pair.value;
    } else if (value?.kind === 'seq' && typeof segment === 'number') {
      value = value.items[segment];
      key = value?.offset;
    } else {
      return { key: undefined, value: undefined, nearest };
    }
    nearest = value?.offset ?? key ?? nearest;
  }
  return { key, value, nearest };
}

function subsetSource(document: FastDocument, text: string, file: string): SpecSource {
  const locate = offsetLocator(text, file);
  return {
    file,
    data: document.data,
    subset: true,
    valueAt: (path) => {
      const found = walkFast(document.root, path);
      if (found.value?.kind === 'scalar' && found.value.empty) return locate(found.key ?? found.value.offset);
      return locate(found.value?.offset ?? found.nearest);
    },
    keyAt: (path) => {
      const found = walkFast(document.root, path);
      return locate(found.key ?? found.nearest);
    },
  };
}

/**
 * yaml's own duplicate-key check compares each key with every earlier key of its mapping: quadratic
 * in the `tables` mapping of a spec with thousands of tables. Keys are compared here with a set
 * instead, and only a document that repeats a key is parsed again with the library's check, so that
 * its errors are exactly the library's.
 */
function parseYaml(text: string): { document: Document; lineCounter: LineCounter } {
  const yaml = yamlLibrary();
  const lineCounter = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (!repeatsKey(document)) return { document, lineCounter };
  const recount = new yaml.LineCounter();
  return {
    document: yaml.parseDocument(text, { lineCounter: recount, prettyErrors: false }),
    lineCounter: recount,
  };
}

/** Whether a mapping holds two scalar keys of the same value (yaml's test for a duplicate key). */
function repeatsKey(document: Document): boolean {
  const yaml = yamlLibrary();
  let repeated = false;
  yaml.visit(document, {
    Map: (_, map) => {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!yaml.isScalar(key) || Number.isNaN(key.value)) continue;
        if (seen.has(key.value)) {
          repeated = true;
          return yaml.visit.BREAK;
        }
        seen.add(key.value);
      }
      return undefined;
    },
  });
  return repeated;
}

/** The tags of YAML's core schema: plain mappings, lists, strings, numbers, booleans and null. */
const CORE_TAGS = new Set(
  ['map', 'seq', 'str', 'null', 'bool', 'int', 'float'].map((name) => `tag:yaml.org,2002:${name}`),
);

/** A lone UTF-16 surrogate (from a `\uD800` escape) or a NUL: no database takes them in a name. */
const INVALID_TEXT = /[\0\p{Cs}]/u;

interface Unsafe {
  readonly message: string;
  readonly offset: number;
}

/**
 * What a spec may not hold although it is well-formed YAML: tags outside the core schema (`!!set`
 * and `!!omap` would turn `tables:` into something the schema reads as empty; `!!binary` is no
 * name) and strings that are not valid Unicode text.
 */
function unsafeNodes(document: Document): Unsafe[] {
  const yaml = yamlLibrary();
  const found: Unsafe[] = [];
  yaml.visit(document, {
    Node: (_, node) => {
      const offset = node.range?.[0] ?? 0;
      if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
        found.push({
          message: `the YAML tag ${quotedTag(node.tag)} is not allowed: a spec uses plain mappings, lists, strings, numbers and booleans`,
          offset,
        });
      } else if (yaml.isScalar(node) && typeof node.value === 'string' && INVALID_TEXT.test(node.value)) {
        found.push({
          message: node.value.includes('\0')
            ? 'a NUL character (\\0) is not allowed in a spec string'
            : 'a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape) is not valid Unicode text',
          offset,
        });
      }
      return undefined;
    },
  });
  return found;
}

function quotedTag(tag: string): string {
  const short = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
  return JSON.stringify(short);
}

function syntaxError(file: string, problems: readonly Problem[]) {
  return problemsError('SPEC_SYNTAX', `${file}: malformed YAML`, problems);
}

/** The yaml library's wording where it speaks of its own API or is terse; its own words elsewhere. */
const YAML_MESSAGES: Partial<Record<ErrorCode, string>> = {
  DUPLICATE_KEY: 'duplicate key: a key may appear only once in a mapping',
  MULTIPLE_DOCS: 'more than one YAML document: a spec is a single document',
};

function yamlErrorMessage(error: YAMLError): string {
  return YAML_MESSAGES[error.code] ?? error.message;
}

/** YAML → plain data; an alias to a missing anchor only shows up here, so it is looked for here. */
function documentData(document: Document, file: string, locate: (offset: number) => SourceLocation): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('Excessive alias count')) {
      const offset = firstAliasOffset(document);
      throw syntaxError(file, [
        {
          message: `the aliases expand too far (more than ${MAX_ALIAS_COUNT} alias resolutions): write the values out instead of repeating them through aliases`,
          source: offset === undefined ? undefined : locate(offset),
        },
      ]);
    }
    const offset = unresolvedAliasOffset(document);
    throw syntaxError(file, [{ message, source: offset === undefined ? undefined : locate(offset) }]);
  }
}

function firstAliasOffset(document: Document): number | undefined {
  const yaml = yamlLibrary();
  let offset: number | undefined;
  yaml.visit(document, {
    Alias: (_, alias) => {
      offset = alias.range?.[0];
      return yaml.visit.BREAK;
    },
  });
  return offset;
}

function unresolvedAliasOffset(document: Document): number | undefined {
  const yaml = yamlLibrary();
  let offset: number | undefined;
  yaml.visit(document, {
    Alias: (_, alias) => {
      if (alias.resolve(document) !== undefined) return undefined;
      offset = alias.range?.[0];
      return yaml.visit.BREAK;
    },
  });
  return offset;
}

interface Found {
  readonly key: Node | undefined;
  readonly value: Node | undefined;
  readonly nearest: Node | undefined;
}

type PairFinder = (map: YAMLMap, key: string) => Pair | undefined;

/**
 * The first pair of a mapping whose scalar key reads as `key`. Each mapping is indexed on first use:
 * a spec's locations are looked up once per foreign key, in a mapping of every table.
 */
function pairFinder(): PairFinder {
  const yaml = yamlLibrary();
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  return (map, key) => {
    let index = indexes.get(map);
    if (index === undefined) {
      index = new Map();
      for (const item of map.items) {
        if (!yaml.isScalar(item.key)) continue;
        const text = String(item.key.value);
        if (!index.has(text)) index.set(text, item);
      }
      indexes.set(map, index);
    }
    return index.get(key);
  };
}

function walk(document: Document, path: Path, findPair: PairFinder): Found {
  const yaml = yamlLibrary();
  let value: unknown = document.contents;
  let key: Node | undefined;
  let nearest: Node | undefined = yaml.isNode(value) ? value : undefined;
  for (const segment of path) {
    const container = yaml.isAlias(value) ? value.resolve(document) : value;
    if (yaml.isMap(container)) {
      const pair = findPair(container, String(segment));
      if (pair === undefined) return { key: undefined, value: undefined, nearest };
      key = yaml.isNode(pair.key) ? pair.key : undefined;
      value = pair.value;
    } else if (yaml.isSeq(container) && typeof segment === 'number') {
      value = container.items[segment];
      key = yaml.isNode(value) ? value : undefined;
    } else {
      return { key: undefined, value: undefined, nearest };
    }
    nearest = yaml.isNode(value) ? value : (key ?? nearest);
  }
  return { key, value: yaml.isNode(value) ? value : undefined, nearest };
}

function isEmptyScalar(node: Node | undefined): boolean {
  const yaml = yamlLibrary();
  return yaml.isScalar(node) && node.value === null && node.source === '';
}

/** Splits an ajv `instancePath` (JSON Pointer) into keys and list indexes, using the data to tell them apart. */
export function pointerPath(pointer: string, data: unknown): Path {
  const path: PathSegment[] = [];
  let value = data;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment = Array.isArray(value) ? Number(key) : key;
    path.push(segment);
    value = childOf(value, segment);
  }
  return path;
}

export function childOf(value: unknown, segment: PathSegment): unknown {
  if (Array.isArray(value) && typeof segment === 'number') return value[segment] as unknown;
  if (isRecord(value) && typeof segment === 'string') return value[segment];
  return undefined;
}

export function valueAtPath(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((value, segment) => childOf(value, segment), data);
}

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
