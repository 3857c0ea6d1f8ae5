/** `fkdiff review` and `fkdiff graph`: flags in, a rendered review or graph out, the exit code. */
import { connect } from '../db/connection.js';
import { engineFor, type EngineName } from '../engines/registry.js';
import { FkdiffError } from '../errors.js';
import { findTable, neighbourhood, type KeyGraph } from '../graph/graph.js';
import type { HazardCode } from '../model/plan.js';
import { databaseGraph, loadSpecFile, reviewAtRef, reviewFiles, specGraph } from '../pipeline.js';
import { renderDot } from '../render/dot.js';
import { renderProblemsGithub, renderReviewGithub, type IsWorkingFile } from '../render/github.js';
import { renderMermaid } from '../render/mermaid.js';
import { renderReviewJson } from '../render/review-json.js';
import { renderReviewMarkdown } from '../render/review-markdown.js';
import { deniedHazards } from '../render/review-words.js';
import { renderReviewText } from '../render/review-text.js';
import type { Review } from '../review/review.js';
import { parseTableRef } from '../spec/index.js';
import { parseDuration } from './duration.js';
import { settingHint } from './flags.js';
import { useColor, type Io } from './io.js';
import { EXIT } from './program.js';

export const REVIEW_FORMATS = ['text', 'markdown', 'json', 'github'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

export interface ReviewCommandOptions {
  readonly baseRef?: string;
  readonly format: ReviewFormat;
  readonly dialect: EngineName;
  readonly exitCode?: boolean;
  readonly denyHazards?: readonly HazardCode[];
}

/** The lock timeout the review's SQL sets, as apply would by default. */
const REVIEW_LOCK_TIMEOUT = '5s';

function renderReview(
  review: Review,
  options: ReviewCommandOptions,
  io: Io,
  isWorking: IsWorkingFile,
): string {
  const engine = engineFor(options.dialect);
  const lockTimeoutMs = parseDuration(REVIEW_LOCK_TIMEOUT, '--lock-timeout');
  switch (options.format) {
    case 'text':
      return renderReviewText(review, { color: useColor(io.stdout, io.env), engine, hint: settingHint });
    case 'markdown':
      return renderReviewMarkdown(review, { engine, lockTimeoutMs, hint: settingHint });
    case 'json':
      return renderReviewJson(review, { engine, lockTimeoutMs });
    case 'github':
      return renderReviewGithub(review, isWorking);
  }
}

function specsOf(
  files: readonly string[],
  options: ReviewCommandOptions,
): { base: string; head: string } | { spec: string } {
  if (options.baseRef !== undefined) {
    if (files.length > 1) throw new FkdiffError('USAGE', 'review --base-ref REF takes one spec, not two');
    return { spec: files[0] ?? 'fkdiff.yaml' };
  }
  const [base, head, ...rest] = files;
  if (base === undefined || head === undefined || rest.length > 0) {
    throw new FkdiffError('USAGE', 'review takes two specs (BASE HEAD), or --base-ref REF and one spec');
  }
  return { base, head };
}

export async function reviewCommand(
  files: readonly string[],
  options: ReviewCommandOptions,
  io: Io,
): Promise<number> {
  const { baseRef } = options;
  const isWorking: IsWorkingFile = (file) => baseRef === undefined || !file.startsWith(`${baseRef}:`);
  const specs = specsOf(files, options);
  const reviewOptions = { engine: engineFor(options.dialect), denyHazards: options.denyHazards ?? [] };
  let review: Review;
  try {
    review =
      'spec' in specs
        ? await reviewAtRef(baseRef ?? '', specs.spec, reviewOptions)
        : await reviewFiles(specs.base, specs.head, reviewOptions);
  } catch (error) {
    // In a workflow the spec's problems become annotations on its lines; the error still exits 1.
    if (options.format === 'github' && error instanceof FkdiffError) {
      io.stdout.write(renderProblemsGithub(error.message, error.problems, isWorking));
    }
    throw error;
  }
  io.stdout.write(renderReview(review, options, io, isWorking));
  if (deniedHazards(review).length > 0) return EXIT.denied;
  return options.exitCode === true && review.plan.changes.length > 0 ? EXIT.pending : EXIT.ok;
}

export interface GraphCommandOptions {
  readonly url?: string;
  readonly format: 'mermaid' | 'dot';
  readonly table?: string;
  readonly depth: string;
}

function depthOf(text: string): number {
  const depth = Number(text);
  if (!Number.isInteger(depth) || depth < 0) {
    throw new FkdiffError('USAGE', `--depth "${text}" is not a whole number of keys (0 or more)`);
  }
  return depth;
}

async function loadGraph(spec: string | undefined, url: string | undefined): Promise<KeyGraph> {
  if (spec !== undefined || url === undefined) return specGraph(await loadSpecFile(spec ?? 'fkdiff.yaml'));
  const connection = await connect(url, { executor: 'driver' });
  try {
    return await databaseGraph(connection);
  } finally {
    await connection.close();
  }
}

export async function graphCommand(
  spec: string | undefined,
  options: GraphCommandOptions,
  io: Io,
): Promise<number> {
  const depth = depthOf(options.depth);
  const whole = await loadGraph(spec, options.url);
  const graph =
    options.table === undefined
      ? whole
      : neighbourhood(whole, findTable(whole, parseTableRef(options.table)), depth);
  io.stdout.write(options.format === 'dot' ? renderDot(graph) : renderMermaid(graph, { legend: 'cycles' }));
  return EXIT.ok;
}
