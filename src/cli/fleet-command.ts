/** `--each-schema` / `--targets` on plan, apply and validate, and `fkdiff fleet-report`. */
import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseTarget } from '../db/url.js';
import { FkdiffError } from '../errors.js';
import { countOf } from '../labels.js';
import type { HazardCode } from '../model/plan.js';
import { fileErrorReason, loadSpecFile } from '../pipeline.js';
import { escapeUnsafe } from '../render/display.js';
import { renderFleetText } from '../render/fleet.js';
import { fleetExitCode, type FleetCommand, type FleetReport } from '../fleet/report.js';
import { mergeFleetReports, readFleetJson, writeFleetJson } from '../fleet/report-json.js';
import { runFleet, type FleetEvent } from '../fleet/run.js';
import { parseShard } from '../fleet/select.js';
import { parseTargetsFile, type FleetTarget } from '../fleet/targets-file.js';
import { parseDuration } from './duration.js';
import { confirm, type Io } from './io.js';

export const DEFAULT_CONCURRENCY = 4;

export interface FleetFlags {
  readonly url?: string;
  readonly eachSchema?: string;
  readonly targets?: string;
  readonly concurrency?: string;
  readonly shard?: string;
  readonly failFast?: boolean;
  readonly format?: string;
  readonly exitCode?: boolean;
  readonly yes?: boolean;
  readonly online?: boolean;
  readonly checkData?: boolean;
  readonly lockTimeout?: string;
  readonly lockWait?: string;
  readonly denyHazards?: readonly HazardCode[];
  readonly models?: string;
  readonly plan?: string;
  readonly out?: string;
}

/** Whether the command runs on a fleet rather than one database. */
export function isFleet(flags: FleetFlags): boolean {
  return flags.eachSchema !== undefined || flags.targets !== undefined;
}

function positiveInteger(value: string): string {
  if (!/^[1-9]\d*$/u.test(value.trim())) throw new InvalidArgumentError('must be a whole number, at least 1');
  return value.trim();
}

/** The fleet flags of `command` (plan, apply, validate). */
export function addFleetOptions(command: Command, name: FleetCommand): Command {
  command
    .addOption(
      new Option(
        '--each-schema <glob>',
        'run the spec (written for one tenant, unqualified tables) on every schema (MySQL: database) of the connection matching the glob (* and ?)',
      ).conflicts('targets'),
    )
    .option(
      '--targets <file>',
      'run the spec on every target of a YAML file (- url: …, name: …, schemas: glob)',
    )
    .option(
      '--concurrency <n>',
      `with --each-schema or --targets: targets at once, one connection each (default ${DEFAULT_CONCURRENCY})`,
      positiveInteger,
    )
    .option(
      '--shard <k/n>',
      'with --each-schema or --targets: only the k-th of n parts of the fleet (CI matrices)',
    )
    .option('--fail-fast', 'with --each-schema or --targets: start no target after one has failed');
  if (name !== 'plan') {
    command.addOption(
      new Option('--format <format>', 'with --each-schema or --targets: the results as text or JSON')
        .choices(['text', 'json'])
        .default('text'),
    );
  }
  if (name === 'validate') command.option('--exit-code', 'exit 2 when changes are pending');
  return command;
}

/** Fleet flags on one database are a mistake, not something to ignore. */
function refuseFleetFlags(name: FleetCommand, flags: FleetFlags): void {
  const alone = [
    flags.concurrency === undefined ? undefined : '--concurrency',
    flags.shard === undefined ? undefined : '--shard',
    flags.failFast === true ? '--fail-fast' : undefined,
    name !== 'plan' && flags.format === 'json' ? '--format json' : undefined,
    name === 'validate' && flags.exitCode === true ? '--exit-code' : undefined,
  ].filter((flag) => flag !== undefined);
  if (alone.length > 0) {
    throw new FkdiffError('USAGE', `${alone.join(', ')} needs --each-schema or --targets`);
  }
}

function refuseOtherFlags(flags: FleetFlags): void {
  const refused = [
    flags.models === undefined ? undefined : '--models',
    flags.plan === undefined ? undefined : '--plan',
    flags.out === undefined ? undefined : '--out',
  ].filter((flag) => flag !== undefined);
  if (refused.length > 0) {
    throw new FkdiffError('USAGE', `${refused.join(', ')} cannot be used with --each-schema or --targets`);
  }
  if (flags.format !== undefined && flags.format !== 'text' && flags.format !== 'json') {
    throw new FkdiffError(
      'USAGE',
      `--format ${flags.format} is not available with --each-schema or --targets: use text or json`,
    );
  }
}

async function readTargets(flags: FleetFlags, io: Io): Promise<{ targets: FleetTarget[]; tenants: boolean }> {
  if (flags.targets !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.targets, 'utf8');
    } catch (error) {
      throw new FkdiffError(
        'TARGETS_INVALID',
        `${flags.targets}: cannot read the targets file (${fileErrorReason(error)})`,
        {
          cause: error,
        },
      );
    }
    return { targets: parseTargetsFile(text, flags.targets, io.env), tenants: false };
  }
  const url = flags.url ?? io.env.DATABASE_URL;
  if (url === undefined || url === '') {
    throw new FkdiffError('URL_INVALID', 'no database URL', { settings: ['url'] });
  }
  return {
    targets: [{ name: parseTarget(url).display, url, schemas: [flags.eachSchema ?? '*'], source: undefined }],
    tenants: true,
  };
}

/** One line on the terminal, rewritten in place: done/total, who is running, the time so far. */
function progressLine(io: Io): { readonly onEvent: (event: FleetEvent) => void; readonly stop: () => void } {
  if (io.stderr.isTTY !== true) return { onEvent: () => undefined, stop: () => undefined };
  const started = Date.now();
  const running = new Set<string>();
  let phase = 'plan';
  let total = 0;
  let done = 0;
  let shown = 0;
  const draw = (): void => {
    const names = [...running].slice(0, 3).map(escapeUnsafe).join(', ');
    const more = running.size > 3 ? ` +${running.size - 3}` : '';
    const seconds = Math.round((Date.now() - started) / 1000);
    io.stderr.write(
      `\r\u001b[K${phase} ${done}/${total} · ${seconds}s${names === '' ? '' : ` · running ${names}${more}`}`,
    );
    shown = Date.now();
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    onEvent: (event) => {
      switch (event.kind) {
        case 'phase':
          phase = event.phase;
          total = event.total;
          done = 0;
          break;
        case 'start':
          running.add(event.target);
          break;
        case 'done':
          if (running.delete(event.result.target)) done += 1;
          break;
      }
      if (Date.now() - shown > 100) draw();
    },
    stop: () => {
      clearInterval(timer);
      io.stderr.write('\r\u001b[K');
    },
  };
}

/** Ctrl-C: no new target starts; those running finish or roll back; the summary is printed. */
function interruption(io: Io): { readonly signal: AbortSignal; readonly release: () => void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (!controller.signal.aborted) {
      io.stderr.write('\nfkdiff: interrupted: starting no more targets; waiting for those running\n');
    }
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSignal) };
}

function fleetConfirmation(flags: FleetFlags, io: Io): (planned: FleetReport) => Promise<boolean> {
  return async (planned) => {
    if (flags.yes === true) return true;
    if (!io.interactive) {
      throw new FkdiffError(
        'APPLY_REFUSED',
        'refusing to change the databases without a terminal to confirm: pass --yes to apply non-interactively',
      );
    }
    io.stdout.write(renderFleetText(planned));
    const pending = planned.results.filter((result) => result.outcome.status === 'pending').length;
    return confirm(`Apply to ${countOf(pending, planned.noun)}?`);
  };
}

/** plan, apply or validate over the fleet: results per target, the exit code from all of them. */
export async function fleetCommand(
  name: FleetCommand,
  specFile: string,
  flags: FleetFlags,
  io: Io,
): Promise<number> {
  refuseOtherFlags(flags);
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const spec = await loadSpecFile(specFile);
  const { targets, tenants } = await readTargets(flags, io);
  const progress = progressLine(io);
  const { signal, release } = interruption(io);
  let report: FleetReport;
  try {
    report = await runFleet({
      command: name,
      spec,
      targets,
      noun: tenants ? 'tenant' : 'target',
      concurrency: Number(flags.concurrency ?? DEFAULT_CONCURRENCY),
      ...(shard === undefined ? {} : { shard }),
      failFast: flags.failFast === true,
      online: flags.online ?? false,
      checkData: flags.checkData ?? true,
      lockTimeoutMs: parseDuration(flags.lockTimeout ?? '5s', '--lock-timeout'),
      lockWaitMs: parseDuration(flags.lockWait ?? '30s', '--lock-wait'),
      denyHazards: flags.denyHazards ?? [],
      ...(name === 'apply' ? { confirm: fleetConfirmation(flags, io) } : {}),
      signal,
      onEvent: progress.onEvent,
    });
  } finally {
    progress.stop();
    release();
  }
  io.stdout.write(flags.format === 'json' ? writeFleetJson(report) : renderFleetText(report));
  return fleetExitCode(report, flags.exitCode === true);
}

/** The command on the fleet its flags name, or `single` on one database. */
export async function fleetOr(
  name: FleetCommand,
  specFile: string,
  flags: FleetFlags,
  io: Io,
  single: () => Promise<number>,
): Promise<number> {
  if (isFleet(flags)) return fleetCommand(name, specFile, flags, io);
  refuseFleetFlags(name, flags);
  return single();
}

interface FleetReportFlags {
  readonly format: 'text' | 'json';
  readonly exitCode?: boolean;
}

async function fleetReportCommand(
  files: readonly string[],
  flags: FleetReportFlags,
  io: Io,
): Promise<number> {
  const reports = await Promise.all(
    files.map(async (file) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new FkdiffError(
          'FLEET_REPORT_INVALID',
          `${file}: cannot read the report (${fileErrorReason(error)})`,
          {
            cause: error,
          },
        );
      }
      return { file, report: readFleetJson(text, file) };
    }),
  );
  const merged = mergeFleetReports(reports);
  io.stdout.write(flags.format === 'json' ? writeFleetJson(merged) : renderFleetText(merged));
  return fleetExitCode(merged, flags.exitCode === true);
}

export function addFleetReportCommand(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('fleet-report')
    .description("merge the --format json results of a fleet run's shards into one summary")
    .argument('<files...>', 'the JSON results of each shard')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--exit-code', 'exit 2 when changes are pending')
    .action(async (files: string[], flags: FleetReportFlags) => {
      setExit(await fleetReportCommand(files, flags, io));
    });
}
