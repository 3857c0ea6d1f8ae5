import { LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, ErrorCode, Node, Pair, YAMLError, YAMLMap } from 'yaml';
import { problemsError } from '../errors.js';
import type { Problem } from '../errors.js';
import type { SourceLocation } from '../model/catalog.js';

export type PathSegment = string | number;
/** Keys and list indexes from the document root, as in `['tables', 'users', 'foreignKeys', 0]`. */
export type Path = readonly PathSegment[];

/** A parsed YAML document: its plain data, and where each part of it is written. */
export interface SpecSource {
  readonly file: string;
  readonly data: unknown;
  /** The value at `path`; its key when the value is empty; the nearest written ancestor when absent. */
  valueAt(path: Path): SourceLocation;
  /** The key of the last segment of `path` (for a list item, the item itself). */
  keyAt(path: Path): SourceLocation;
}

/** Parses YAML keeping positions; malformed YAML is SPEC_SYNTAX with every error's line and column. */
export function readYaml(text: string, file: string): SpecSource {
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
  const data = documentData(document, file, locate);
  const nodeLocation = (node: Node | undefined): SourceLocation => locate(node?.range?.[0] ?? 0);
  const pairs = pairFinder();
  return {
    file,
    data,
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

/**
 * yaml's own duplicate-key check compares each key with every earlier key of its mapping: quadratic
 * in the `tables` mapping of a spec with thousands of tables. Keys are compared here with a set
 * instead, and only a document that repeats a key is parsed again with the library's check, so that
 * its errors are exactly the library's.
 */
function parseYaml(text: string): { document: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (!repeatsKey(document)) return { document, lineCounter };
  const recount = new LineCounter();
  return {
    document: parseDocument(text, { lineCounter: recount, prettyErrors: false }),
    lineCounter: recount,
  };
}

/** Whether a mapping holds two scalar keys of the same value (yaml's test for a duplicate key). */
function repeatsKey(document: Document): boolean {
  let repeated = false;
  visit(document, {
    Map: (_, map) => {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (seen.has(key.value)) {
          repeated = true;
          return visit.BREAK;
        }
        seen.add(key.value);
      }
      return undefined;
    },
  });
  return repeated;
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
    return document.toJS();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = unresolvedAliasOffset(document);
    throw syntaxError(file, [{ message, source: offset === undefined ? undefined : locate(offset) }]);
  }
}

function unresolvedAliasOffset(document: Document): number | undefined {
  let offset: number | undefined;
  visit(document, {
    Alias: (_, alias) => {
      if (alias.resolve(document) !== undefined) return undefined;
      offset = alias.range?.[0];
      return visit.BREAK;
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
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  return (map, key) => {
    let index = indexes.get(map);
    if (index === undefined) {
      index = new Map();
      for (const item of map.items) {
        if (!isScalar(item.key)) continue;
        const text = String(item.key.value);
        if (!index.has(text)) index.set(text, item);
      }
      indexes.set(map, index);
    }
    return index.get(key);
  };
}

function walk(document: Document, path: Path, findPair: PairFinder): Found {
  let value: unknown = document.contents;
  let key: Node | undefined;
  let nearest: Node | undefined = isNode(value) ? value : undefined;
  for (const segment of path) {
    const container = isAlias(value) ? value.resolve(document) : value;
    if (isMap(container)) {
      const pair = findPair(container, String(segment));
      if (pair === undefined) return { key: undefined, value: undefined, nearest };
      key = isNode(pair.key) ? pair.key : undefined;
      value = pair.value;
    } else if (isSeq(container) && typeof segment === 'number') {
      value = container.items[segment];
      key = isNode(value) ? value : undefined;
    } else {
      return { key: undefined, value: undefined, nearest };
    }
    nearest = isNode(value) ? value : (key ?? nearest);
  }
  return { key, value: isNode(value) ? value : undefined, nearest };
}

function isEmptyScalar(node: Node | undefined): boolean {
  return isScalar(node) && node.value === null && node.source === '';
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
