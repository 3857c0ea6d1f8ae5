/**
 * GitHub Actions workflow commands: `::warning file=…,line=…::` at the spec line of each changed key,
 * `::error` for hazards the policy denies and for problems in a spec. GitHub shows them on the
 * pull request's diff.
 */
import { formatProblem, type Problem } from '../errors.js';
import { keyLabel } from '../labels.js';
import type { SourceLocation } from '../model/catalog.js';
import { changedKey } from '../model/change.js';
import type { Review, ReviewedChange } from '../review/review.js';
import { changeNames, changeVerb, describeChange, plainColors } from './describe.js';
import { escapeUnsafe } from './display.js';
import { deniedHazards, reviewSubject, reviewSummary } from './review-words.js';

type Level = 'notice' | 'warning' | 'error';

/** Message data: `%`, CR and LF are encoded; the rest made safe to print. */
function data(value: string): string {
  return escapeUnsafe(value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A'));
}

/** A property value: also `:` and `,`, which end it. */
function property(value: string): string {
  return data(value).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** Whether a source names a file in the working tree (a version read from git does not). */
export type IsWorkingFile = (file: string) => boolean;

function command(level: Level, message: string, at: SourceLocation | undefined, title: string): string {
  const place = at === undefined ? [] : [`file=${property(at.file)}`, `line=${at.line}`, `col=${at.column}`];
  return `::${level} ${[...place, `title=${property(title)}`].join(',')}::${data(message)}`;
}

function located(source: SourceLocation | undefined, isWorking: IsWorkingFile): SourceLocation | undefined {
  return source !== undefined && isWorking(source.file) ? source : undefined;
}

function changeMessage(entry: ReviewedChange): string {
  const { change } = entry;
  const { name, newName } = changeNames(change);
  const detail = describeChange(change, plainColors);
  const subject =
    newName === undefined
      ? keyLabel({ table: changedKey(change).table, name })
      : `${keyLabel({ table: changedKey(change).table, name })} → ${newName}`;
  return `${changeVerb(change)} ${subject}${detail === '' ? '' : `: ${detail}`}`;
}

/** One annotation per changed key, and one error per denied hazard, after a summary notice. */
export function renderReviewGithub(review: Review, isWorking: IsWorkingFile): string {
  const lines = [
    command('notice', reviewSummary(review), undefined, `fkdiff review: ${reviewSubject(review)}`),
  ];
  for (const table of review.tables) {
    for (const entry of table.changes) {
      const at = located(entry.source, isWorking) ?? located(table.source, isWorking);
      lines.push(command('warning', changeMessage(entry), at, 'fkdiff: foreign key changed'));
    }
  }
  const entries = review.tables.flatMap((table) => table.changes.map((entry) => ({ entry, table })));
  for (const hazard of deniedHazards(review)) {
    const match = entries.find(({ entry }) => {
      const { name, newName } = changeNames(entry.change);
      return hazard.constraint === name || hazard.constraint === newName;
    });
    const at = located(match?.entry.source, isWorking) ?? located(match?.table.source, isWorking);
    lines.push(
      command('error', `${hazard.code}: ${hazard.message}`, at, `fkdiff: denied hazard ${hazard.code}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A spec error as annotations: one per problem at its line, or the error itself when it has none. */
export function renderProblemsGithub(
  message: string,
  problems: readonly Problem[],
  isWorking: IsWorkingFile,
): string {
  const lines =
    problems.length === 0
      ? [command('error', message, undefined, 'fkdiff')]
      : problems.map((problem) => {
          const at = located(problem.source, isWorking);
          return command(
            'error',
            at === undefined ? formatProblem(problem) : problem.message,
            at,
            'fkdiff: spec error',
          );
        });
  return `${lines.join('\n')}\n`;
}
