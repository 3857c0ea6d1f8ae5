/**
 * Pull-request review: two versions of a spec compared without a database. The base's keys stand
 * in for the database (no tables are known, so nothing about columns, partitions or row counts), the
 * head is the desired state; the result is the plan between them, per table, with the spec lines of
 * each changed key, each table's YAML diff and the key graph around the change. Pure.
 */
import { createTwoFilesPatch } from 'diff';
import { diff } from '../diff/diff.js';
import type { Engine } from '../engines/engine.js';
import { keyGraph, type EdgeStatus, type KeyGraph } from '../graph/graph.js';
import { compareTables, definitionKey, tableKey } from '../model/catalog.js';
import type { Catalog, DesiredForeignKey, ForeignKey, SourceLocation, TableRef } from '../model/catalog.js';
import { changedKey, type Change } from '../model/change.js';
import type { HazardCode, Plan } from '../model/plan.js';
import { planHazards, type PlanHazard } from '../model/summary.js';
import { planChanges } from '../plan/plan.js';
import type { RawSpec, Spec } from '../spec/index.js';
import { tableTexts } from '../spec/table-text.js';
import { affectedGraph, REVIEW_GRAPH_LIMIT } from './graph.js';

/** One version of the spec; `spec` is undefined when the file does not exist on that side. */
export interface ReviewSide {
  /** As messages and annotations name it: the path, or `REF:path` for a version in git. */
  readonly file: string;
  /** The git ref the version was read from, if any. */
  readonly ref: string | undefined;
  readonly text: string | undefined;
  /** A spec of several files (a directory, `include:`): each file's text, by its name in messages. */
  readonly texts?: ReadonlyMap<string, string>;
  readonly raw: RawSpec | undefined;
  readonly spec: Spec | undefined;
}

export interface ReviewedChange {
  readonly change: Change;
  /** Where the key is declared: in the head, else (a drop) in the base. */
  readonly source: SourceLocation | undefined;
  readonly side: 'base' | 'head' | undefined;
}

export interface TableReview {
  readonly table: TableRef;
  readonly changes: readonly ReviewedChange[];
  /** Where the head declares the table, if it does. */
  readonly source: SourceLocation | undefined;
  /** Unified diff of the table's YAML, base → head (without the file header). */
  readonly yamlDiff: string;
}

export interface Review {
  readonly base: ReviewSide;
  readonly head: ReviewSide;
  /** The plan from the base's keys to the head's: SQL for the review's dialect, hazards without row counts. */
  readonly plan: Plan;
  readonly tables: readonly TableReview[];
  readonly hazards: readonly PlanHazard[];
  /** The hazard codes refused: the caller's and the head's `policy.denyHazards`. */
  readonly denied: readonly HazardCode[];
  readonly graph: KeyGraph;
}

export interface ReviewInput {
  readonly base: ReviewSide;
  readonly head: ReviewSide;
  readonly engine: Engine;
  readonly denyHazards: readonly HazardCode[];
}

/** The base's keys as a database would hold them: every key named (derived names where the spec has none). */
function namedKeys(spec: Spec | undefined, engine: Engine): ForeignKey[] {
  if (spec === undefined) return [];
  return diff([], spec.foreignKeys, engine).flatMap((change) => (change.kind === 'add' ? [change.fk] : []));
}

function keyIndex(spec: Spec | undefined): (fk: ForeignKey) => DesiredForeignKey | undefined {
  const keys = spec?.foreignKeys ?? [];
  const byName = new Map(
    keys.flatMap((fk) => (fk.name === undefined ? [] : [[`${tableKey(fk.table)}\u0000${fk.name}`, fk]])),
  );
  const byDefinition = new Map(keys.map((fk) => [definitionKey(fk), fk]));
  return (fk) => byName.get(`${tableKey(fk.table)}\u0000${fk.name}`) ?? byDefinition.get(definitionKey(fk));
}

function locateChanges(
  changes: readonly Change[],
  base: Spec | undefined,
  head: Spec | undefined,
): ReviewedChange[] {
  const inHead = keyIndex(head);
  const inBase = keyIndex(base);
  return changes.map((change) => {
    const headSource = change.kind === 'drop' ? undefined : inHead(changedKey(change))?.source;
    if (headSource !== undefined) return { change, source: headSource, side: 'head' };
    const before = change.kind === 'replace' ? change.from : changedKey(change);
    const baseSource = inBase(before)?.source;
    return { change, source: baseSource, side: baseSource === undefined ? undefined : 'base' };
  });
}

/** Each declared table's text, keyed by the resolved table. */
function textsByTable(
  side: ReviewSide,
): Map<string, { readonly text: string; readonly source: SourceLocation }> {
  const result = new Map<string, { readonly text: string; readonly source: SourceLocation }>();
  if (side.raw === undefined || side.spec === undefined) return result;
  const byFile = new Map<string, ReturnType<typeof tableTexts>>();
  const textsOf = (file: string) => {
    let texts = byFile.get(file);
    if (texts === undefined) {
      const text = side.texts?.get(file) ?? (file === side.file ? side.text : undefined);
      texts = text === undefined ? new Map<string, string>() : tableTexts(text);
      byFile.set(file, texts);
    }
    return texts;
  };
  const owningSchema = side.spec.schemas[0] ?? '';
  for (const table of side.raw.tables) {
    const ref = { schema: table.ref.schema ?? owningSchema, name: table.ref.name };
    const texts = textsOf(table.source.file);
    const text = texts.get(`${table.source.line}:${table.source.column}`) ?? '';
    result.set(tableKey(ref), { text, source: table.source });
  }
  return result;
}

function yamlDiff(before: string, after: string): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch('base', 'head', before, after, '', '', { context: 3 });
  // Drop the `Index`/`===`/`---`/`+++` header: the review names the table itself.
  return `${patch
    .split('\n')
    .filter((line) => !/^(Index: |={3,}|--- |\+\+\+ )/.test(line))
    .join('\n')
    .trim()}\n`;
}

function tableReviews(base: ReviewSide, head: ReviewSide, located: readonly ReviewedChange[]): TableReview[] {
  const baseTexts = textsByTable(base);
  const headTexts = textsByTable(head);
  const byTable = new Map<string, { table: TableRef; changes: ReviewedChange[] }>();
  for (const entry of located) {
    const table = changedKey(entry.change).table;
    const group = byTable.get(tableKey(table)) ?? { table, changes: [] };
    group.changes.push(entry);
    byTable.set(tableKey(table), group);
  }
  return [...byTable.entries()]
    .map(([key, group]) => ({
      table: group.table,
      changes: group.changes,
      source: headTexts.get(key)?.source,
      yamlDiff: yamlDiff(baseTexts.get(key)?.text ?? '', headTexts.get(key)?.text ?? ''),
    }))
    .sort((a, b) => compareTables(a.table, b.table));
}

function edgeStatus(change: Change): EdgeStatus {
  switch (change.kind) {
    case 'add':
      return 'added';
    case 'drop':
      return 'dropped';
    case 'rename':
    case 'alter':
    case 'validate':
    case 'replace':
      return 'changed';
  }
}

/** Every key of either side once, with how the change treats it. */
function reviewEdges(
  baseKeys: readonly ForeignKey[],
  headKeys: readonly ForeignKey[],
  changes: readonly Change[],
) {
  const status = new Map<string, EdgeStatus>();
  for (const change of changes) {
    if (change.kind === 'replace') status.set(definitionKey(change.from), 'dropped');
    status.set(definitionKey(changedKey(change)), edgeStatus(change));
  }
  const all = new Map<string, ForeignKey>();
  for (const fk of [...baseKeys, ...headKeys]) all.set(definitionKey(fk), fk);
  // A replace that keeps its definition key (rules changed) is one changed edge; one that moves it is a drop and an add.
  for (const change of changes) if (change.kind === 'replace') all.set(definitionKey(change.to), change.to);
  return [...all.entries()].map(([key, fk]) => ({ fk, status: status.get(key) ?? ('unchanged' as const) }));
}

/** Compares the two sides; both are resolved for `engine` already. */
export function reviewSpecs(input: ReviewInput): Review {
  const { base, head, engine } = input;
  const baseKeys = namedKeys(base.spec, engine);
  const schemas = [...new Set([...(base.spec?.schemas ?? []), ...(head.spec?.schemas ?? [])])];
  const current: Catalog = { dialect: engine.name, schemas, tables: [], foreignKeys: baseKeys };
  const changes = diff(baseKeys, head.spec?.foreignKeys ?? [], engine);
  const plan = planChanges(changes, current, engine, { online: false });
  const located = locateChanges(plan.changes, base.spec, head.spec);
  const denied = [...new Set([...input.denyHazards, ...(head.spec?.denyHazards ?? [])])].sort();
  const headKeys = namedKeys(head.spec, engine);
  const full = keyGraph(reviewEdges(baseKeys, headKeys, plan.changes));
  return {
    base,
    head,
    plan,
    tables: tableReviews(base, head, located),
    hazards: planHazards(plan.steps),
    denied,
    graph: affectedGraph(full, REVIEW_GRAPH_LIMIT),
  };
}
