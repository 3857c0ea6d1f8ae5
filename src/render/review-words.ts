/** What every review format says the same way: the title, the summary, what a review cannot know. */
import { countOf } from '../labels.js';
import { summarize } from '../model/summary.js';
import type { Review } from '../review/review.js';
import { summaryLine } from './describe.js';

/** The hidden marker a workflow finds its earlier comment by. */
export const REVIEW_MARKER = '<!-- fkdiff-review -->';

/** `fkdiff.yaml`, `main:fkdiff.yaml → fkdiff.yaml`, or how the spec came or went in the branch. */
export function reviewSubject(review: Review): string {
  const { base, head } = review;
  if (base.raw === undefined) return `${head.file} (new spec)`;
  if (head.raw === undefined) return `${base.file} (spec deleted)`;
  return `${base.file} → ${head.file}`;
}

/** `Plan: 2 to add, 1 to drop.` with how many tables, or that the keys are the same. */
export function reviewSummary(review: Review): string {
  const { changes } = review.plan;
  if (changes.length === 0) return 'No foreign key changes.';
  const line = summaryLine(summarize(changes))
    .replace(/^Plan: /, '')
    .replace(/\.$/, '');
  return `Keys: ${line}, in ${countOf(review.tables.length, 'table')}.`;
}

/** Why a review's hazards are only part of the story. */
export const OFFLINE_NOTE =
  'Reviewed without a database: no tables or rows are known, so row counts, lock times and NOT NULL columns are not checked; run fkdiff plan against a database for them.';

/** Hazards whose code the policy denies. */
export function deniedHazards(review: Review): Review['hazards'] {
  const denied = new Set(review.denied);
  return review.hazards.filter((hazard) => denied.has(hazard.code));
}
