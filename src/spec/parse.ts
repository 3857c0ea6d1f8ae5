import { problemsError } from '../errors.js';
import type { Problem } from '../errors.js';
import { REFERENTIAL_ACTIONS } from '../model/catalog.js';
import type { MatchType, ReferentialAction, SourceLocation } from '../model/catalog.js';
import type { HazardCode } from '../model/plan.js';
import { excludePatternError, readExcludePattern } from './exclude.js';
import { describeValue, quotedValue, schemaProblems, sortProblems } from './messages.js';
import { splitRuleColumns } from './key-attributes.js';
import { specValidators, type ForeignKeyDocument } from './schema.js';
import { childOf, isRecord, readYaml } from './source.js';
import type { Path, SpecSource } from './source.js';
import { readShortReference, readTableRef, tableRefError } from './table-ref.js';
import type { ParsedTableRef } from './table-ref.js';

/** A value with the place it is written: the value itself for names, the key for flags. */
export interface Located<T> {
  readonly value: T;
  readonly source: SourceLocation;
}

/** A foreign key as written: tables not yet qualified, optional fields still absent. */
export interface RawForeignKey {
  /** The list item that declares it. */
  readonly source: SourceLocation;
  readonly name: Located<string> | undefined;
  readonly columns: readonly string[];
  readonly referencedTable: ParsedTableRef;
  readonly referencedColumns: readonly string[];
  readonly onDelete: ReferentialAction | undefined;
  readonly onUpdate: ReferentialAction | undefined;
  readonly deferrable: Located<boolean> | undefined;
  readonly initiallyDeferred: Located<boolean> | undefined;
  readonly match: Located<MatchType> | undefined;
  readonly notValid: Located<boolean> | undefined;
  // PostgreSQL's newer attributes (issue 7); checked against the server in resolve and pre-flight.
  /** `onDelete: set null (col, …)`: the columns, located at the onDelete value. */
  readonly onDeleteColumns?: Located<readonly string[]> | undefined;
  readonly enforced?: Located<boolean> | undefined;
  readonly period?: Located<boolean> | undefined;
}

export interface RawTable {
  readonly ref: ParsedTableRef;
  /** The table's key under `tables`. */
  readonly source: SourceLocation;
  readonly foreignKeys: readonly RawForeignKey[];
}

/** A spec that is well-formed on its own; `resolveSpec` adds what depends on the database. */
export interface RawSpec {
  readonly file: string;
  /** As declared; undefined when the file leaves the choice to the connection. */
  readonly schemas: readonly string[] | undefined;
  readonly tables: readonly RawTable[];
  readonly exclude: readonly string[];
  readonly denyHazards: readonly HazardCode[];
}

interface Checked<T> {
  readonly value: T | undefined;
  readonly problems: readonly Problem[];
}

/**
 * Parses and validates a spec. Malformed YAML is SPEC_SYNTAX; anything else wrong is SPEC_INVALID
 * listing every problem at once, each with its line and column.
 */
export function parseSpec(text: string, file: string): RawSpec {
  return parseSpecFile(text, file).spec;
}

/** Where a file declares the fields every file of a split spec must agree on (see load.ts). */
export interface SharedFields {
  readonly schemas: SourceLocation | undefined;
  readonly exclude: SourceLocation | undefined;
  readonly policy: SourceLocation | undefined;
}

/** One file of a spec: its own RawSpec, the globs it includes, and where it declares shared fields. */
export interface ParsedSpecFile {
  readonly spec: RawSpec;
  readonly include: readonly Located<string>[];
  readonly shared: SharedFields;
}

/** `library`: read with the yaml library even when the subset reader could (for tests). */
export function parseSpecFile(text: string, file: string, library = false): ParsedSpecFile {
  try {
    return parseSource(readYaml(text, file, library), file);
  } catch (error) {
    // The library's reading decides every message, so that they do not depend on the reader.
    if (error instanceof SubsetProblems) return parseSource(readYaml(text, file, true), file);
    throw error;
  }
}

/** A spec read by the subset reader has problems: it is read again by the library. */
class SubsetProblems extends Error {}

function parseSource(source: SpecSource, file: string): ParsedSpecFile {
  const validateSpec = specValidators().spec;
  const data = source.data;
  const valid = validateSpec(data);
  const schemaIssues = valid ? [] : schemaProblems(validateSpec.errors ?? [], source);
  const tables = readTables(source, valid);
  const problems = [
    ...schemaIssues,
    ...withoutRepeats([...excludeProblems(source), ...tables.problems], schemaIssues),
  ];
  if (!valid || problems.length > 0 || tables.value === undefined) {
    if (source.subset === true) throw new SubsetProblems();
    throw problemsError('SPEC_INVALID', `${file}: invalid spec`, sortProblems(problems));
  }
  const declared = (key: string): SourceLocation | undefined =>
    childOf(data, key) === undefined ? undefined : source.keyAt([key]);
  return {
    spec: {
      file,
      schemas: data.schemas,
      tables: tables.value,
      exclude: data.exclude ?? [],
      denyHazards: data.policy?.denyHazards ?? [],
    },
    include: (data.include ?? []).map((value, index) => ({
      value,
      source: source.valueAt(['include', index]),
    })),
    shared: { schemas: declared('schemas'), exclude: declared('exclude'), policy: declared('policy') },
  };
}

/** One problem per spot: where the schema already complains about a value, its message is enough. */
function withoutRepeats(problems: readonly Problem[], schemaIssues: readonly Problem[]): Problem[] {
  const spot = (problem: Problem) =>
    problem.source ? `${problem.source.line}:${problem.source.column}` : '';
  const reported = new Set(schemaIssues.map(spot));
  return problems.filter((problem) => !reported.has(spot(problem)));
}

function excludeProblems(source: SpecSource): Problem[] {
  const patterns = childOf(source.data, 'exclude');
  if (!Array.isArray(patterns)) return [];
  return patterns.flatMap((pattern: unknown, index) => {
    if (typeof pattern !== 'string') return [];
    const result = readExcludePattern(pattern);
    return result.ok
      ? []
      : [{ message: excludePatternError(pattern, result.error), source: source.valueAt(['exclude', index]) }];
  });
}

/**
 * Reads every table and foreign key that the schema admits, so that their own problems (bad table
 * references, column counts) are reported along with the schema's; items the schema rejects are skipped.
 */
/** `documentValid`: the schema admits the whole document, so every item in it too. */
function readTables(source: SpecSource, documentValid: boolean): Checked<readonly RawTable[]> {
  const tables = childOf(source.data, 'tables');
  if (!isRecord(tables)) return { value: [], problems: [] };
  const validateForeignKey = specValidators().foreignKey;
  // Checking each item again would cost as much as the whole document's check: only needed when
  // that one failed, to read on past the items it rejects.
  const admitted = (item: unknown): item is ForeignKeyDocument => documentValid || validateForeignKey(item);
  const results = Object.entries(tables).map(([key, entry]) => readTable(source, key, entry, admitted));
  const problems = results.flatMap((result) => result.problems);
  const value = results.map((result) => result.value).filter((table) => table !== undefined);
  return { value: value.length === results.length ? value : undefined, problems };
}

type Admitted = (item: unknown) => item is ForeignKeyDocument;

function readTable(source: SpecSource, key: string, entry: unknown, admitted: Admitted): Checked<RawTable> {
  const path = ['tables', key];
  const ref = readTableRef(key);
  const items = childOf(entry, 'foreignKeys');
  const foreignKeys = Array.isArray(items)
    ? items.map((item: unknown, index) =>
        readForeignKey(source, [...path, 'foreignKeys', index], item, admitted),
      )
    : [];
  const problems = [
    ...(ref.ok ? [] : [{ message: tableRefError(key, ref.error), source: source.keyAt(path) }]),
    ...foreignKeys.flatMap((fk) => fk.problems),
  ];
  const values = foreignKeys.map((fk) => fk.value).filter((fk) => fk !== undefined);
  if (!ref.ok || values.length !== foreignKeys.length) return { value: undefined, problems };
  return { value: { ref: ref.value, source: source.keyAt(path), foreignKeys: values }, problems };
}

function readForeignKey(
  source: SpecSource,
  path: Path,
  item: unknown,
  admitted: Admitted,
): Checked<RawForeignKey> {
  // Read even when the schema rejects another part of the item, so that one run reports everything.
  const references = readReferences(source, path, item);
  // The whole-document validation has already reported what the schema finds wrong with the item.
  if (!admitted(item) || references.value === undefined) {
    return { value: undefined, problems: references.problems };
  }
  const onDeleteRule = splitRuleColumns(item.onDelete);
  const onDelete = readAction(source, [...path, 'onDelete'], onDeleteRule?.rule);
  const onUpdate = readAction(source, [...path, 'onUpdate'], item.onUpdate);
  const problems = [...onDelete.problems, ...onUpdate.problems];
  if (problems.length > 0) return { value: undefined, problems };
  const located = <T>(key: string, value: T | undefined, at: 'key' | 'value'): Located<T> | undefined =>
    value === undefined
      ? undefined
      : { value, source: at === 'key' ? source.keyAt([...path, key]) : source.valueAt([...path, key]) };
  return {
    value: {
      source: source.valueAt(path),
      name: located('name', item.name, 'value'),
      columns: item.columns,
      referencedTable: references.value.table,
      referencedColumns: references.value.columns,
      onDelete: onDelete.value,
      onUpdate: onUpdate.value,
      deferrable: located('deferrable', item.deferrable, 'key'),
      initiallyDeferred: located('initiallyDeferred', item.initiallyDeferred, 'key'),
      match: located('match', item.match, 'key'),
      notValid: located('notValid', item.notValid, 'key'),
      onDeleteColumns: located('onDelete', onDeleteRule?.columns, 'value'),
      enforced: located('enforced', item.enforced, 'key'),
      period: located('period', item.period, 'key'),
    },
    problems,
  };
}

interface References {
  readonly table: ParsedTableRef;
  readonly columns: readonly string[];
}

/** `references` in either form, checked as far as its parts have the types the schema asks for. */
function readReferences(source: SpecSource, path: Path, item: unknown): Checked<References> {
  const location = (...keys: string[]) => source.valueAt([...path, 'references', ...keys]);
  const columns = stringList(childOf(item, 'columns'));
  const references = childOf(item, 'references');
  if (typeof references === 'string') return readShortForm(references, columns, location());
  const table = childOf(references, 'table');
  const referencedColumns = stringList(childOf(references, 'columns'));
  const ref = typeof table === 'string' ? readTableRef(table) : undefined;
  const problems = [
    ...(ref === undefined || ref.ok
      ? []
      : [{ message: tableRefError(String(table), ref.error), source: location('table') }]),
    ...lengthProblems(columns, referencedColumns, 'references.columns', location('columns')),
  ];
  if (ref?.ok !== true || referencedColumns === undefined || problems.length > 0) {
    return { value: undefined, problems };
  }
  return { value: { table: ref.value, columns: referencedColumns }, problems };
}

function readShortForm(
  text: string,
  columns: readonly string[] | undefined,
  location: SourceLocation,
): Checked<References> {
  const short = readShortReference(text);
  if (!short.ok) {
    const message = `invalid references ${quotedValue(text)}: ${short.error}`;
    return { value: undefined, problems: [{ message, source: location }] };
  }
  const problems = [
    ...duplicateColumnProblems(short.value.columns, 'references', location),
    ...lengthProblems(columns, short.value.columns, 'the columns in references', location),
  ];
  return { value: problems.length > 0 ? undefined : short.value, problems };
}

function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((item): item is string => typeof item === 'string')
    ? value
    : undefined;
}

function lengthProblems(
  columns: readonly string[] | undefined,
  referenced: readonly string[] | undefined,
  referencedLabel: string,
  location: SourceLocation,
): Problem[] {
  // An empty list is the schema's to report.
  if (!columns?.length || !referenced?.length || columns.length === referenced.length) return [];
  const message = `columns and ${referencedLabel} must have the same length (${columns.length} vs ${referenced.length})`;
  return [{ message, source: location }];
}

/** The schema's uniqueItems cannot see inside the short form, so its columns are checked here. */
function duplicateColumnProblems(
  columns: readonly string[],
  label: string,
  location: SourceLocation,
): Problem[] {
  const repeated = columns.find((column, index) => columns.indexOf(column) !== index);
  return repeated === undefined
    ? []
    : [{ message: `${label} lists ${quotedValue(repeated)} twice`, source: location }];
}

/** The schema admits any letter case; the model holds the lower-case name. */
function readAction(source: SpecSource, path: Path, text: string | undefined): Checked<ReferentialAction> {
  if (text === undefined) return { value: undefined, problems: [] };
  const action = REFERENTIAL_ACTIONS.find((candidate) => candidate === text.toLowerCase());
  if (action !== undefined) return { value: action, problems: [] };
  const message = `${String(path.at(-1))} must be one of: ${REFERENTIAL_ACTIONS.join(', ')} (got ${describeValue(text)})`;
  return { value: undefined, problems: [{ message, source: source.valueAt(path) }] };
}
