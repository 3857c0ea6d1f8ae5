/**
 * A review as a pull-request comment: a hidden marker, the summary and the table of changes first,
 * then hazards, and the diagram, SQL and YAML diffs in `<details>` blocks, so that a large change
 * stays readable.
 */
import { groupBy } from '../collections.js';
import type { Engine } from '../engines/engine.js';
import { countOf } from '../labels.js';
import { REVIEW_GRAPH_LIMIT } from '../review/graph.js';
import type { Review } from '../review/review.js';
import type { SettingHint } from './describe.js';
import { displayTable, escapeUnsafe } from './display.js';
import { changesTable, code, escapeUnsafeLines, fenced, hazardsList, sqlBlock, text } from './markdown.js';
import { omittedLine, renderMermaid } from './mermaid.js';
import { OFFLINE_NOTE, REVIEW_MARKER, deniedHazards, reviewSubject, reviewSummary } from './review-words.js';

export interface ReviewMarkdownOptions {
  readonly engine: Engine;
  readonly lockTimeoutMs: number;
  readonly hint?: SettingHint;
}

/** At most this many tables get their YAML diff in the comment; the rest are counted. */
const MAX_YAML_TABLES = 20;

/** A name inside HTML (a `<summary>`), where Markdown is not rendered. */
function htmlCode(value: string): string {
  const escaped = escapeUnsafe(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<code>${escaped}</code>`;
}

function details(summary: string, body: readonly string[]): readonly string[] {
  // GitHub renders Markdown inside <details> only after a blank line.
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

function diagram(review: Review): readonly string[] {
  const { graph } = review;
  if (graph.edges.length === 0) return [];
  const left = omittedLine(graph, REVIEW_GRAPH_LIMIT);
  const summary = `Diagram: ${countOf(graph.tables.length, 'table')}, ${countOf(graph.edges.length, 'key')}`;
  return details(summary, [
    ...fenced('mermaid', renderMermaid(graph, { legend: 'statuses' }).trimEnd()),
    ...(left === undefined
      ? []
      : ['', `_${text(left)}; the graph command draws one table's neighbourhood._`]),
  ]);
}

function yamlDiffs(review: Review): readonly string[] {
  const changed = review.tables.filter((table) => table.yamlDiff !== '');
  const shown = changed.slice(0, MAX_YAML_TABLES);
  const hidden = changed.length - shown.length;
  return [
    ...shown.flatMap((table) => [
      ...details(
        `YAML: ${htmlCode(displayTable(table.table))}`,
        fenced('diff', escapeUnsafeLines(table.yamlDiff.trimEnd())),
      ),
      '',
    ]),
    ...(hidden > 0 ? [`_YAML diffs of ${countOf(hidden, 'more table')} left out._`] : []),
  ];
}

/** Beyond this many rows (changes, hazards) a list goes into a `<details>` block after its counts. */
const MAX_OPEN_ROWS = 15;

function changeLines(review: Review): readonly string[] {
  const table = changesTable(review.plan.changes);
  return review.plan.changes.length <= MAX_OPEN_ROWS
    ? table
    : details(`All ${countOf(review.plan.changes.length, 'change')}`, table);
}

function hazardLines(review: Review, options: ReviewMarkdownOptions): readonly string[] {
  const [heading, , ...items] = hazardsList(review.hazards, options.hint, new Set(review.denied));
  if (heading === undefined) return [];
  const note = `_${text(OFFLINE_NOTE)}_`;
  if (items.length <= MAX_OPEN_ROWS) return [heading, '', ...items, '', note];
  const counts = [...groupBy(review.hazards, (hazard) => hazard.code)].map(
    ([code, hazards]) => `**${code}** ${hazards.length}`,
  );
  return [
    heading,
    '',
    counts.join(', '),
    '',
    ...details(`All ${countOf(items.length, 'hazard')}`, items),
    '',
    note,
  ];
}

/** The review as Markdown for a pull-request comment. */
export function renderReviewMarkdown(review: Review, options: ReviewMarkdownOptions): string {
  const denied = deniedHazards(review);
  const head = [
    REVIEW_MARKER,
    `### fkdiff review: ${code(reviewSubject(review))}`,
    '',
    `${text(reviewSummary(review))}${denied.length > 0 ? ` **${countOf(denied.length, 'hazard')} denied by policy.**` : ''}`,
  ];
  if (review.plan.changes.length === 0) return `${head.join('\n')}\n`;
  const sections = [
    head,
    changeLines(review),
    hazardLines(review, options),
    diagram(review),
    details(
      `SQL (${options.engine.name}): ${countOf(review.plan.steps.length, 'statement')}`,
      sqlBlock(review.plan, options),
    ),
    yamlDiffs(review),
  ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')
    .trimEnd()}\n`;
}
