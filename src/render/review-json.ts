/**
 * The review as JSON for scripts: a public contract, documented field by field in docs/review-json.md.
 * Changes are written as in the plan JSON (docs/plan-json.md). Fields are written in a fixed order.
 */
import type { Engine } from '../engines/engine.js';
import type { GraphEdge } from '../graph/graph.js';
import { summarize } from '../model/summary.js';
import { changeJson, sourceJson, tableJson } from '../planfile/write.js';
import type { Review, ReviewSide } from '../review/review.js';
import { renderSql } from './sql.js';

/** Bumped on any change that an older reader would misread. */
export const REVIEW_FORMAT_VERSION = 1;

function sideJson(side: ReviewSide): object {
  return { file: side.file, ref: side.ref ?? null, exists: side.raw !== undefined };
}

function edgeJson(edge: GraphEdge): object {
  return {
    constraint: edge.fk.name,
    table: tableJson(edge.fk.table),
    referencedTable: tableJson(edge.fk.referencedTable),
    status: edge.status,
    inCycle: edge.inCycle,
  };
}

/** The review as pretty-printed JSON (2 spaces, trailing newline). */
export function renderReviewJson(
  review: Review,
  options: { readonly engine: Engine; readonly lockTimeoutMs: number },
): string {
  const { plan } = review;
  const index = new Map(plan.changes.map((change, i) => [change, i]));
  const denied = new Set(review.denied);
  const document = {
    fkdiffReview: REVIEW_FORMAT_VERSION,
    dialect: plan.dialect,
    base: sideJson(review.base),
    head: sideJson(review.head),
    summary: summarize(plan.changes),
    changes: plan.changes.map(changeJson),
    tables: review.tables.map((table) => ({
      table: tableJson(table.table),
      source: sourceJson(table.source),
      changes: table.changes.map((entry) => ({
        change: index.get(entry.change) ?? -1,
        source: sourceJson(entry.source),
        side: entry.side ?? null,
      })),
      yamlDiff: table.yamlDiff,
    })),
    hazards: review.hazards.map((hazard) => ({
      code: hazard.code,
      message: hazard.message,
      table: tableJson(hazard.table),
      constraint: hazard.constraint,
      denied: denied.has(hazard.code),
    })),
    denyHazards: review.denied,
    statements: plan.steps.map((step) => step.sql),
    sql: plan.steps.length === 0 ? '' : renderSql(plan, options),
    graph: {
      tables: review.graph.tables.map(tableJson),
      edges: review.graph.edges.map(edgeJson),
      omitted: review.graph.omitted,
    },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
