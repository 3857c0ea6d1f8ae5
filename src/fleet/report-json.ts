/** A fleet report as JSON (`--format json`), read back and merged by `fleet-report`. */
import type { ValidateFunction } from 'ajv';
import { assertNever } from '../collections.js';
import { FkdiffError, problemsError, type Problem } from '../errors.js';
import { HAZARD_CODES, type HazardCode } from '../model/plan.js';
import type { Summary } from '../model/summary.js';
import { schemaProblems, sortProblems } from '../spec/messages.js';
import { compileSchemaFile, requiredValidator } from '../spec/schema.js';
import { readYaml, type SpecSource } from '../spec/source.js';
import type {
  FleetCommand,
  FleetNoun,
  FleetReport,
  SkipReason,
  TargetOutcome,
  TargetResult,
  TargetStatus,
} from './report.js';
import { sortResults, statusCounts } from './report.js';

interface ResultDocument {
  readonly target: string;
  readonly server: string;
  readonly schema: string | null;
  readonly status: TargetStatus;
  readonly elapsedMs: number;
  readonly changes?: Summary;
  readonly steps?: number;
  readonly hazards?: readonly string[];
  readonly denied?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly reason?: SkipReason;
}

interface ReportDocument {
  readonly fkdiff: 'fleet-report';
  readonly version: 1;
  readonly command: FleetCommand;
  readonly noun: FleetNoun;
  readonly shard: { readonly index: number; readonly count: number } | null;
  readonly interrupted: boolean;
  readonly counts: Readonly<Record<string, number>>;
  readonly results: readonly ResultDocument[];
}

function outcomeFields(outcome: TargetOutcome): Partial<ResultDocument> {
  switch (outcome.status) {
    case 'unchanged':
      return {};
    case 'pending':
      return {
        changes: outcome.changes,
        steps: outcome.steps,
        hazards: outcome.hazards,
        denied: outcome.denied,
      };
    case 'applied':
      return { changes: outcome.changes, steps: outcome.steps };
    case 'failed':
      return { error: { code: outcome.code, message: outcome.message } };
    case 'skipped':
      return { reason: outcome.reason };
    default:
      return assertNever(outcome);
  }
}

/** The report as JSON, results sorted by target (schemas/fleet-report.schema.json). */
export function writeFleetJson(report: FleetReport): string {
  const document: ReportDocument = {
    fkdiff: 'fleet-report',
    version: 1,
    command: report.command,
    noun: report.noun,
    shard: report.shard ?? null,
    interrupted: report.interrupted,
    counts: statusCounts(report.results),
    results: sortResults(report.results).map((result) => ({
      target: result.target,
      server: result.server,
      schema: result.schema ?? null,
      status: result.outcome.status,
      elapsedMs: result.elapsedMs,
      ...outcomeFields(result.outcome),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const REPORT_ID = 'https://unpkg.com/fkdiff/schemas/fleet-report.schema.json';
let validator: ValidateFunction<ReportDocument> | undefined;

function reportValidator(): ValidateFunction<ReportDocument> {
  validator ??= requiredValidator<ReportDocument>(
    compileSchemaFile('fleet-report.schema.json').ajv,
    REPORT_ID,
  );
  return validator;
}

const isHazard = (code: string): code is HazardCode => (HAZARD_CODES as readonly string[]).includes(code);

function hazardsOf(codes: readonly string[] | undefined): HazardCode[] {
  return (codes ?? []).filter(isHazard);
}

function outcomeOf(document: ResultDocument): TargetOutcome | undefined {
  const none: Summary = { add: 0, drop: 0, rename: 0, change: 0, validate: 0 };
  switch (document.status) {
    case 'unchanged':
      return { status: 'unchanged' };
    case 'pending':
      return {
        status: 'pending',
        changes: document.changes ?? none,
        steps: document.steps ?? 0,
        hazards: hazardsOf(document.hazards),
        denied: hazardsOf(document.denied),
      };
    case 'applied':
      return { status: 'applied', changes: document.changes ?? none, steps: document.steps ?? 0 };
    case 'failed':
      return document.error === undefined ? undefined : { status: 'failed', ...document.error };
    case 'skipped':
      return document.reason === undefined ? undefined : { status: 'skipped', reason: document.reason };
    default:
      return assertNever(document.status);
  }
}

function readSource(text: string, file: string): SpecSource {
  try {
    return readYaml(text, file);
  } catch (error) {
    throw new FkdiffError('FLEET_REPORT_INVALID', `${file}: not a fleet report: it does not parse as JSON`, {
      cause: error,
      problems: error instanceof FkdiffError ? error.problems : [],
    });
  }
}

/** Reads a report written by `writeFleetJson`; anything the schema does not admit is FLEET_REPORT_INVALID. */
export function readFleetJson(text: string, file: string): FleetReport {
  const source = readSource(text, file);
  const validate = reportValidator();
  if (!validate(source.data)) {
    const problems = sortProblems(schemaProblems(validate.errors ?? [], source, 'plan'));
    throw problemsError('FLEET_REPORT_INVALID', `${file}: not a fleet report`, problems);
  }
  const data = source.data;
  const problems: Problem[] = [];
  const results = data.results.flatMap((document, index): TargetResult[] => {
    const outcome = outcomeOf(document);
    if (outcome === undefined) {
      problems.push({
        message: `a ${document.status} result needs its ${document.status === 'failed' ? 'error' : 'reason'}`,
        source: source.valueAt(['results', index]),
      });
      return [];
    }
    return [
      {
        target: document.target,
        server: document.server,
        schema: document.schema ?? undefined,
        outcome,
        elapsedMs: document.elapsedMs,
      },
    ];
  });
  if (problems.length > 0)
    throw problemsError('FLEET_REPORT_INVALID', `${file}: not a fleet report`, problems);
  return {
    command: data.command,
    noun: data.noun,
    shard: data.shard ?? undefined,
    interrupted: data.interrupted,
    results,
  };
}

/**
 * The reports of a fleet's shards as one: every shard 1..N exactly once (or whole reports), one
 * command, no target in two reports.
 */
export function mergeFleetReports(
  reports: readonly { readonly file: string; readonly report: FleetReport }[],
): FleetReport {
  const [first] = reports;
  if (first === undefined) throw new FkdiffError('USAGE', 'no report to merge');
  const problems: string[] = [];
  for (const { file, report } of reports) {
    if (report.command !== first.report.command) {
      problems.push(
        `${file} is a ${report.command} report and ${first.file} a ${first.report.command} report`,
      );
    }
  }
  const sharded = reports.filter(({ report }) => report.shard !== undefined);
  const counts = new Set(sharded.map(({ report }) => report.shard?.count));
  if (counts.size > 1)
    problems.push(`the reports split the fleet in different numbers of shards (${[...counts].join(', ')})`);
  const count = sharded[0]?.report.shard?.count;
  if (count !== undefined && counts.size === 1) {
    const seen = new Map<number, string>();
    for (const { file, report } of sharded) {
      const index = report.shard?.index ?? 0;
      const earlier = seen.get(index);
      if (earlier !== undefined) problems.push(`${earlier} and ${file} are both shard ${index}/${count}`);
      seen.set(index, file);
    }
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
    if (missing.length > 0)
      problems.push(`shard ${missing.map((index) => `${index}/${count}`).join(', ')} missing`);
  }
  const owner = new Map<string, string>();
  for (const { file, report } of reports) {
    for (const result of report.results) {
      const key = `${result.server}\u0000${result.target}`;
      const earlier = owner.get(key);
      if (earlier !== undefined) problems.push(`${result.target} is in both ${earlier} and ${file}`);
      owner.set(key, file);
    }
  }
  if (problems.length > 0) {
    throw new FkdiffError(
      'FLEET_REPORT_INVALID',
      `cannot merge the reports: ${problems.slice(0, 5).join('; ')}`,
    );
  }
  return {
    command: first.report.command,
    noun: first.report.noun,
    shard: undefined,
    interrupted: reports.some(({ report }) => report.interrupted),
    results: sortResults(reports.flatMap(({ report }) => report.results)),
  };
}
