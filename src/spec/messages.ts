import type { ErrorObject } from 'ajv';
import type { Problem } from '../errors.js';
import { REFERENTIAL_ACTIONS } from '../model/catalog.js';
import type { SourceLocation } from '../model/catalog.js';
import { childOf, isRecord, pointerPath, valueAtPath } from './source.js';
import type { Path, SpecSource } from './source.js';

/** What `references` accepts, in the words of the docs. */
const REFERENCES_FORMS = 'a mapping {table, columns} or a string "table(column, ...)"';

/** In reading order, so the first problem listed is the first in the file. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  // A spec of several files lists each file's problems together, the files in name order.
  const file = (problem: Problem) => problem.source?.file ?? '';
  const line = (problem: Problem) => problem.source?.line ?? 0;
  const column = (problem: Problem) => problem.source?.column ?? 0;
  return [...problems].sort(
    (a, b) =>
      (file(a) === file(b) ? 0 : file(a) < file(b) ? -1 : 1) || line(a) - line(b) || column(a) - column(b),
  );
}

/**
 * Turns ajv's errors into problems a YAML author can act on, each at the line and column it is
 * about. `document` is what the file is, in messages about the whole of it.
 */
export function schemaProblems(
  errors: readonly ErrorObject[],
  source: SpecSource,
  document: 'spec' | 'plan' = 'spec',
): Problem[] {
  return errors.map((error) => schemaProblem(error, source, document));
}

function schemaProblem(error: ErrorObject, source: SpecSource, document: 'spec' | 'plan'): Problem {
  const path = pointerPath(error.instancePath, source.data);
  const at = (message: string, location: SourceLocation = source.valueAt(path)): Problem => ({
    message,
    source: location,
  });
  const value = valueAtPath(source.data, path);
  const got = describeValue(value);
  const label = path.length === 0 ? `the ${document}` : pathLabel(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(param(error, 'additionalProperty'));
      const hint = nearMiss(key, allowedKeys(error.parentSchema));
      const suggestion = hint === undefined ? '' : `; did you mean "${hint}"?`;
      return at(`unknown key "${key}" ${containerLabel(path)}${suggestion}`, source.keyAt([...path, key]));
    }
    case 'required':
      return at(`missing required key "${String(param(error, 'missingProperty'))}" ${containerLabel(path)}`);
    case 'type':
      if (path.length === 0 && (value === undefined || value === null)) {
        return at(
          document === 'spec' ? 'the spec is empty: write at least "version: 1"' : 'the plan is empty',
        );
      }
      return at(`${label} must be ${expectedType(path, param(error, 'type'))} (got ${got})`);
    case 'const':
      return at(`${label} must be ${JSON.stringify(param(error, 'allowedValue'))} (got ${got})`);
    case 'enum':
      return at(`${label} must be one of: ${listOf(param(error, 'allowedValues'))} (got ${got})`);
    case 'pattern':
      return at(`${label} must be ${patternMeaning(path)} (got ${got})`);
    case 'minItems':
    case 'minLength':
      return at(`${label} must not be empty`);
    case 'uniqueItems': {
      // ajv names the two equal items; the problem is the later one.
      const index = Math.max(Number(param(error, 'i')), Number(param(error, 'j')));
      const item = childOf(value, index);
      return at(`${label} lists ${describeValue(item)} twice`, source.valueAt([...path, index]));
    }
    case 'discriminator': {
      // A tagged union whose tag names no variant.
      const tag = String(param(error, 'tag'));
      const tagPath = [...path, tag];
      return at(
        `${pathLabel(tagPath)} must name a known variant (got ${describeValue(param(error, 'tagValue'))})`,
        source.valueAt(tagPath),
      );
    }
    default:
      return at(`${label} ${error.message ?? 'is invalid'}`);
  }
}

function param(error: ErrorObject, name: string): unknown {
  const params: Readonly<Record<string, unknown>> = error.params;
  return params[name];
}

function allowedKeys(schema: unknown): readonly string[] {
  const properties = isRecord(schema) ? schema['properties'] : undefined;
  return isRecord(properties) ? Object.keys(properties) : [];
}

function listOf(values: unknown): string {
  return Array.isArray(values) ? values.map(String).join(', ') : String(values);
}

function patternMeaning(path: Path): string {
  const field = path.at(-1);
  if (field === 'onDelete' || field === 'onUpdate') return `one of: ${REFERENTIAL_ACTIONS.join(', ')}`;
  if (field === 'references') return REFERENCES_FORMS;
  return 'well-formed';
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  integer: 'a whole number',
  null: 'empty',
};

function expectedType(path: Path, type: unknown): string {
  if (path.at(-1) === 'references') return REFERENCES_FORMS;
  const types = Array.isArray(type) ? type.map(String) : String(type).split(',');
  return types.map((name) => TYPE_NAMES[name] ?? name).join(' or ');
}

/** A value as the author wrote it, short: `"cascades"`, `3`, `a list`. */
/** Longest quoted value a message shows; a pasted blob must not fill the terminal. */
const QUOTED_LIMIT = 60;

/** A string value as messages quote it: JSON-escaped, cut to a sensible length. */
export function quotedValue(value: string): string {
  const chars = Array.from(new Intl.Segmenter().segment(value), (part) => part.segment);
  if (chars.length <= QUOTED_LIMIT) return JSON.stringify(value);
  return `${JSON.stringify(chars.slice(0, QUOTED_LIMIT).join(''))}… (${chars.length} characters)`;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return quotedValue(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'a mapping';
}

/** Where the foreign key items start in a path: `tables.<table>.foreignKeys.<index>`. */
const FOREIGN_KEY_DEPTH = 4;

/** The name of the value at `path`, relative to the foreign key or table it belongs to. */
function pathLabel(path: Path): string {
  if (path.length === 0) return 'the spec';
  if (path[0] !== 'tables' || path.length < 2) return dotted(path);
  if (path.length === 2) return `table ${String(path[1])}`;
  if (path.length === FOREIGN_KEY_DEPTH) return 'foreign key';
  return dotted(path.slice(path.length > FOREIGN_KEY_DEPTH ? FOREIGN_KEY_DEPTH : 2));
}

/** Where a key sits, for "unknown key … in foreign key". */
function containerLabel(path: Path): string {
  if (path.length === 0) return 'at the top level';
  return `in ${pathLabel(path)}`;
}

function dotted(path: Path): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join('');
}

/** The allowed key the author probably meant: same letters in another case, or at most two edits away. */
function nearMiss(key: string, allowed: readonly string[]): string | undefined {
  const sameLetters = allowed.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (sameLetters !== undefined) return sameLetters;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
