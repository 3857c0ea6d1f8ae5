/** A review for people at a terminal: summary, changes by table with their YAML diff, hazards, SQL. */
import pc from 'picocolors';
import type { Engine } from '../engines/engine.js';
import type { Review, TableReview } from '../review/review.js';
import type { Colors, SettingHint } from './describe.js';
import { displayTable, escapeUnsafe } from './display.js';
import { OFFLINE_NOTE, reviewSubject, reviewSummary } from './review-words.js';
import { changeLine, hazardSection, sqlSection } from './text.js';

export interface ReviewTextOptions {
  readonly color: boolean;
  readonly engine: Engine;
  readonly hint?: SettingHint;
}

function where(table: TableReview): string {
  return table.source === undefined ? '' : ` (${escapeUnsafe(table.source.file)}:${table.source.line})`;
}

function diffLine(line: string, c: Colors): string {
  const safe = `    ${escapeUnsafe(line)}`;
  if (line.startsWith('+')) return c.green(safe);
  if (line.startsWith('-')) return c.red(safe);
  return line.startsWith('@@') ? c.cyan(safe) : safe;
}

function tableSection(table: TableReview, c: Colors): readonly string[] {
  const yaml = table.yamlDiff.trimEnd();
  return [
    c.bold(displayTable(table.table)) + c.dim(where(table)),
    ...table.changes.map(({ change }) => changeLine(change, c)),
    ...(yaml === '' ? [] : yaml.split('\n').map((line) => diffLine(line, c))),
  ];
}

/** The review as plain text (colour only when asked). */
export function renderReviewText(review: Review, options: ReviewTextOptions): string {
  const c = pc.createColors(options.color);
  const head = [
    c.bold(`fkdiff review: ${escapeUnsafe(reviewSubject(review))} (${review.plan.dialect})`),
    reviewSummary(review),
  ];
  if (review.plan.changes.length === 0) return `${head.join('\n')}\n`;
  const hazards = hazardSection(review.hazards, c, options.hint);
  const denied = new Set(review.denied);
  const sections = [
    head,
    ...review.tables.map((table) => tableSection(table, c)),
    hazards.length === 0
      ? []
      : [
          ...hazards.map((line, i) => {
            const code = review.hazards[i - 1]?.code;
            return code !== undefined && denied.has(code) ? `${line} ${c.red('(denied by policy)')}` : line;
          }),
          c.dim(OFFLINE_NOTE),
        ],
    sqlSection(review.plan, options.engine, c),
  ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}
