/** A fleet run for people: identical outcomes grouped, failures one per line with their reason. Pure. */
import { assertNever, groupBy } from '../collections.js';
import { countOf } from '../labels.js';
import type { Summary } from '../model/summary.js';
import type { FleetReport, SkipReason, TargetOutcome, TargetResult } from '../fleet/report.js';
import { statusCounts } from '../fleet/report.js';
import { SUMMARY_KEYS } from './describe.js';
import { escapeUnsafe } from './display.js';

/** Names shown per group before "… and N more". */
const NAMES_SHOWN = 10;

const DONE: Readonly<Record<keyof Summary, string>> = {
  add: 'added',
  drop: 'dropped',
  rename: 'renamed',
  change: 'changed',
  validate: 'validated',
};

const SKIPPED: Readonly<Record<SkipReason, string>> = {
  interrupted: 'skipped: interrupted before they started',
  'fail-fast': 'skipped: stopped after a failure',
  'denied-elsewhere': 'not applied: a denied hazard elsewhere stops the whole run',
};

function changeWords(summary: Summary, done: boolean): string {
  return SUMMARY_KEYS.filter((key) => summary[key] > 0)
    .map((key) => (done ? `${summary[key]} ${DONE[key]}` : `${summary[key]} to ${key}`))
    .join(', ');
}

/** The words a group of identical outcomes is shown with; undefined for failures (each their own). */
function groupWords(outcome: TargetOutcome): string | undefined {
  switch (outcome.status) {
    case 'unchanged':
      return 'no changes';
    case 'pending': {
      const denied = outcome.denied.length > 0 ? ` (denied hazard: ${outcome.denied.join(', ')})` : '';
      return `${changeWords(outcome.changes, false)}${denied}`;
    }
    case 'applied':
      return `applied: ${changeWords(outcome.changes, true)}`;
    case 'failed':
      return undefined;
    case 'skipped':
      return SKIPPED[outcome.reason];
    default:
      return assertNever(outcome);
  }
}

function names(results: readonly TargetResult[]): string {
  const shown = results.slice(0, NAMES_SHOWN).map((result) => escapeUnsafe(result.target));
  const hidden = results.length - shown.length;
  return `${shown.join(', ')}${hidden > 0 ? `, … and ${hidden} more` : ''}`;
}

/** "412 tenants: no changes" per outcome, the largest group first, then each failure. */
export function renderFleetText(report: FleetReport): string {
  const { results, noun } = report;
  const counts = statusCounts(results);
  const shard = report.shard === undefined ? '' : ` (shard ${report.shard.index}/${report.shard.count})`;
  const totals = (['applied', 'unchanged', 'pending', 'failed', 'skipped'] as const)
    .filter((status) => counts[status] > 0)
    .map((status) => `${counts[status]} ${status}`)
    .join(', ');
  const lines = [`fkdiff ${report.command}: ${countOf(results.length, noun)}${shard}: ${totals || 'none'}.`];
  const groups = groupBy(
    results.filter((result) => result.outcome.status !== 'failed'),
    (result) => groupWords(result.outcome) ?? '',
  );
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  for (const [words, members] of ordered) {
    const listed = words === 'no changes' ? '' : ` — ${names(members)}`;
    lines.push(`  ${countOf(members.length, noun)}: ${words}${listed}`);
  }
  const failed = results.filter((result) => result.outcome.status === 'failed');
  if (failed.length > 0) lines.push(`  ${countOf(failed.length, noun)} failed:`);
  for (const result of failed) {
    if (result.outcome.status !== 'failed') continue;
    lines.push(
      `    ${escapeUnsafe(result.target)}: ${escapeUnsafe(result.outcome.message)} [${result.outcome.code}]`,
    );
  }
  if (report.interrupted)
    lines.push('Interrupted: targets that had not started were skipped; run again to finish.');
  return `${lines.join('\n')}\n`;
}
