import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ApplyEvent } from '../apply/apply.js';
import { connect, type Connection } from '../db/connection.js';
import { engineFor } from '../engines/registry.js';
import { FkdiffError } from '../errors.js';
import { countOf } from '../labels.js';
import { HAZARD_CODES, type HazardCode } from '../model/plan.js';
import {
  applySpec,
  checkSpecOffline,
  fileErrorReason,
  loadSpecFile,
  makePlan,
  pullModels,
  pullSpec,
  refuseDataProblems,
  type PlanResult,
} from '../pipeline.js';
import { readPlanFile, writePlanFile, type SavedPlan } from '../planfile/index.js';
import {
  escapeUnsafe,
  renderMarkdown,
  renderSequelizeMigration,
  renderSql,
  renderText,
  type OutputFormat,
} from '../render/index.js';
import { parseDuration } from './duration.js';
import { ENGINE_NAMES, offlineEngine } from '../engines/registry.js';
import {
  graphCommand,
  REVIEW_FORMATS,
  reviewCommand,
  type GraphCommandOptions,
  type ReviewCommandOptions,
} from './review-command.js';
import { settingHint } from './flags.js';
import type { LockWait } from '../db/locks.js';
import { confirm, printable, useColor, type Io } from './io.js';
import { withSpecSource, writeMigration, type SpecSourceOptions } from './models.js';
import { addFleetOptions, addFleetReportCommand, fleetOr, type FleetFlags } from './fleet-command.js';
import { writeSpecDirectory } from './split-output.js';
import { SPLIT_BY, type SpecFileText, type SplitBy } from '../spec/index.js';

const DEFAULT_SPEC = 'fkdiff.yaml';
const DEFAULT_LOCK_TIMEOUT = '5s';

interface ConnectionOptions extends FleetFlags {
  readonly url?: string;
}

interface PlanCommandOptions extends ConnectionOptions, SpecSourceOptions {
  readonly checkData: boolean;
  readonly format: OutputFormat;
  readonly lockTimeout: string;
  readonly out?: string;
  readonly exitCode?: boolean;
  readonly online?: boolean;
  readonly denyHazards?: readonly HazardCode[];
}

interface ApplyCommandOptions extends ConnectionOptions, SpecSourceOptions {
  readonly checkData: boolean;
  readonly yes?: boolean;
  readonly plan?: string;
  readonly online?: boolean;
  readonly lockTimeout: string;
  readonly lockWait: string;
  readonly stepTimeout?: string;
  readonly denyHazards?: readonly HazardCode[];
  readonly create?: boolean;
}

interface PullCommandOptions extends ConnectionOptions, SpecSourceOptions {
  readonly schema?: readonly string[];
  readonly output?: string;
  readonly force?: boolean;
  readonly split?: SplitBy;
}

/** Exit codes from the contract: 0 done, 1 error, 2 changes pending (--exit-code), 3 denied hazard. */
export const EXIT = { ok: 0, error: 1, pending: 2, denied: 3 } as const;

/** `fkdiff: warning: …` on stderr, one line each. */
function warn(io: Io, warnings: readonly string[]): void {
  for (const warning of warnings) io.stderr.write(`fkdiff: warning: ${printable(warning)}\n`);
}

async function withConnection<T>(
  url: string | undefined,
  work: (connection: Connection) => Promise<T>,
  create = false,
): Promise<T> {
  // pull and validate only read: the driver alone, without Sequelize.
  const connection = await connect(url, { create, executor: 'driver' });
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

function parseHazards(value: string, previous: readonly HazardCode[] = []): HazardCode[] {
  const codes = value
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '');
  const known = (code: string): code is HazardCode => (HAZARD_CODES as readonly string[]).includes(code);
  const unknown = codes.filter((code) => !known(code));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown hazard ${unknown.join(', ')}; known: ${HAZARD_CODES.join(', ')}`);
  }
  return [...previous, ...codes.filter(known)];
}

function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** The hazards refused: the flag's and the spec's policy. */
function deniedHazards(result: PlanResult, flag: readonly HazardCode[] | undefined): HazardCode[] {
  return [...new Set([...(flag ?? []), ...result.spec.denyHazards])];
}

function render(
  format: OutputFormat,
  result: PlanResult,
  io: Io,
  lockTimeoutMs: number,
  denyHazards: readonly HazardCode[],
): string {
  const { plan } = result;
  const engine = engineFor(plan.dialect);
  const managedCount = result.current.foreignKeys.length;
  switch (format) {
    case 'text':
      return renderText(plan, {
        color: useColor(io.stdout, io.env),
        engine,
        managedCount,
        hint: settingHint,
        denyHazards,
      });
    case 'sql':
      return renderSql(plan, { engine, lockTimeoutMs, denyHazards });
    case 'json':
      return writePlanFile(plan, { spec: result.spec, denyHazards });
    case 'markdown':
      return renderMarkdown(plan, { engine, managedCount, lockTimeoutMs, hint: settingHint, denyHazards });
    case 'sequelize-migration':
      return renderSequelizeMigration(plan, { engine });
  }
}

/** With --exit-code: 3 when the policy refuses a hazard of the plan, 2 when changes are pending. */
function planExit(result: PlanResult, denyHazards: readonly HazardCode[], exitCode: boolean): number {
  if (!exitCode) return EXIT.ok;
  const { steps } = result.plan;
  if (steps.some((step) => step.hazards.some((hazard) => denyHazards.includes(hazard.code)))) {
    return EXIT.denied;
  }
  return steps.length > 0 ? EXIT.pending : EXIT.ok;
}

async function planCommand(
  specFile: string | undefined,
  options: PlanCommandOptions,
  io: Io,
): Promise<number> {
  const lockTimeoutMs = parseDuration(options.lockTimeout, '--lock-timeout');
  return withSpecSource(
    specFile ?? DEFAULT_SPEC,
    options,
    options.url ?? io.env.DATABASE_URL,
    async (connection, raw) => {
      const result = await makePlan(connection, raw, {
        online: options.online ?? false,
        checkData: options.checkData,
        lockTimeoutMs,
      });
      warn(io, result.warnings);
      const denyHazards = deniedHazards(result, options.denyHazards);
      const text = render(options.format, result, io, lockTimeoutMs, denyHazards);
      if (options.format === 'sequelize-migration' && options.out !== undefined) {
        const file = await writeMigration(options.out, text, new Date());
        io.stdout.write(
          `Wrote a migration of ${countOf(result.plan.steps.length, 'step')} to ${escapeUnsafe(file)}.\n`,
        );
      } else {
        // The file first: a plan that cannot be saved is an error before anything is shown as done.
        if (options.out !== undefined) {
          await writeOutput(options.out, writePlanFile(result.plan, { spec: result.spec, denyHazards }));
        }
        io.stdout.write(text);
      }
      // The whole plan first, then what in the data stops it.
      refuseDataProblems(result);
      return planExit(result, denyHazards, options.exitCode === true);
    },
  );
}

async function writeOutput(file: string, text: string, exclusive = false): Promise<void> {
  try {
    await writeFile(file, text, exclusive ? { flag: 'wx' } : {});
  } catch (error) {
    if (exclusive && (error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new FkdiffError('OUTPUT_FAILED', `${file} already exists: pass --force to overwrite it`, {
        cause: error,
      });
    }
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : fileErrorReason(error);
    throw new FkdiffError('OUTPUT_FAILED', `${file}: cannot write (${reason})`, {
      cause: error,
    });
  }
}

async function readSavedPlan(file: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FkdiffError('PLAN_FILE_INVALID', `${file}: cannot read the plan (${fileErrorReason(error)})`, {
      cause: error,
    });
  }
  return readPlanFile(text, file);
}

function progress(io: Io): (event: ApplyEvent) => void {
  return (event) => {
    switch (event.kind) {
      case 'step':
        io.stdout.write(`[${event.index + 1}/${event.total}] ${escapeUnsafe(event.step.sql)}\n`);
        break;
      case 'commit':
        break;
    }
  };
}

/** Another apply holds the lock: say whose and how long this one waits, then plan when it ends. */
function lockWaitNotice(io: Io): (wait: LockWait) => void {
  return (wait) => {
    const holder = wait.holder === undefined ? '' : ` (${wait.holder})`;
    io.stdout.write(
      printable(
        `Another fkdiff apply holds the lock "${wait.lock}"${holder}: waiting up to ${wait.waitMs} ms, then planning against what it leaves.`,
      ) + '\n',
    );
  };
}

/** `--yes`, or a person at the terminal who says yes; without a terminal, no. */
function confirmation(
  options: ApplyCommandOptions,
  io: Io,
  database: string,
): (result: PlanResult) => Promise<boolean> {
  return async (result) => {
    if (options.yes === true) return true;
    if (!io.interactive) {
      throw new FkdiffError(
        'APPLY_REFUSED',
        'refusing to change the database without a terminal to confirm: pass --yes to apply non-interactively',
      );
    }
    return confirm(`Apply ${countOf(result.plan.steps.length, 'step')} to ${database}?`);
  };
}

async function applyCommand(
  specFile: string | undefined,
  options: ApplyCommandOptions,
  io: Io,
): Promise<number> {
  const lockTimeoutMs = parseDuration(options.lockTimeout, '--lock-timeout');
  const lockWaitMs = parseDuration(options.lockWait, '--lock-wait');
  const savedPlan = options.plan === undefined ? undefined : await readSavedPlan(options.plan);
  // A saved plan carries its spec; a spec named on the command line is checked against it instead.
  const fallback = specFile === undefined ? savedPlan?.spec : undefined;
  return withSpecSource(
    specFile ?? DEFAULT_SPEC,
    options,
    options.url ?? io.env.DATABASE_URL,
    async (connection, raw) => {
      const outcome = await applySpec(connection, raw, {
        onLockWait: lockWaitNotice(io),
        ...(options.stepTimeout === undefined
          ? {}
          : { stepTimeoutMs: parseDuration(options.stepTimeout, '--step-timeout') }),
        online: options.online ?? false,
        checkData: options.checkData,
        lockTimeoutMs,
        lockWaitMs,
        denyHazards: options.denyHazards ?? [],
        ...(savedPlan === undefined ? {} : { savedPlan }),
        onPlan: (result) => {
          warn(io, result.warnings);
          io.stdout.write(
            render('text', result, io, lockTimeoutMs, deniedHazards(result, options.denyHazards)),
          );
        },
        confirm: confirmation(options, io, connection.display),
        onEvent: progress(io),
      });
      if (outcome.applied.total > 0) {
        io.stdout.write(
          `Applied ${countOf(outcome.applied.applied, 'step')} in ${outcome.elapsedMs} ms; the database now matches ${outcome.result.spec.file}.\n`,
        );
      }
      return EXIT.ok;
    },
    {
      create: options.create === true,
      executor: 'sequelize',
      ...(fallback === undefined ? {} : { fallback }),
    },
  );
}

async function writePulled(
  pulled: { readonly text: string; readonly files?: readonly SpecFileText[]; readonly foreignKeys: number },
  options: PullCommandOptions,
  io: Io,
): Promise<number> {
  if (options.split !== undefined && options.output !== undefined) {
    const files = pulled.files ?? [];
    await writeSpecDirectory(options.output, files, options.force === true);
    io.stdout.write(
      `Wrote ${countOf(pulled.foreignKeys, 'foreign key')} to ${options.output} in ${countOf(files.length, 'file')}.\n`,
    );
  } else if (options.output === undefined) io.stdout.write(pulled.text);
  else {
    // A hand-edited spec is not overwritten by accident.
    await writeOutput(options.output, pulled.text, options.force !== true);
    io.stdout.write(`Wrote ${countOf(pulled.foreignKeys, 'foreign key')} to ${options.output}.\n`);
  }
  return EXIT.ok;
}

async function pullCommand(options: PullCommandOptions, io: Io): Promise<number> {
  const url = options.url ?? io.env.DATABASE_URL;
  if (options.models !== undefined) {
    if (options.split !== undefined) {
      throw new FkdiffError('USAGE', '--split reads the database: it cannot be combined with --models');
    }
    return withSpecSource(DEFAULT_SPEC, options, url, (connection, raw) =>
      writePulled(pullModels(connection, raw), options, io),
    );
  }
  if (options.split !== undefined && options.output === undefined) {
    throw new FkdiffError('USAGE', '--split writes a directory of spec files: name it with -o DIR');
  }
  return withConnection(url, async (connection) => {
    const pulled = await pullSpec(connection, options.schema ?? [], options.split);
    warn(io, pulled.warnings);
    return writePulled(pulled, options, io);
  });
}

async function validateCommand(
  specFile: string | undefined,
  options: ConnectionOptions,
  io: Io,
): Promise<number> {
  const url = options.url ?? io.env.DATABASE_URL;
  const raw = await loadSpecFile(specFile ?? DEFAULT_SPEC);
  if (url === undefined || url === '') {
    const spec = checkSpecOffline(raw);
    io.stdout.write(
      `${specFile}: valid (${countOf(spec.foreignKeys.length, 'foreign key')}); pass --url to check it against a database too.\n`,
    );
    return EXIT.ok;
  }
  return withConnection(url, async (connection) => {
    const result = await makePlan(connection, raw, {
      online: false,
      checkData: true,
      lockTimeoutMs: parseDuration(DEFAULT_LOCK_TIMEOUT, '--lock-timeout'),
    });
    // validate has no flag to skip the data check: its problems name none.
    warn(io, result.warnings);
    refuseDataProblems({
      ...result,
      dataProblems: result.dataProblems.map((problem) => ({
        ...problem,
        settings: (problem.settings ?? []).filter((setting) => setting !== 'checkData'),
      })),
    });
    io.stdout.write(
      `${specFile}: valid for ${connection.display} (${countOf(result.spec.foreignKeys.length, 'foreign key')}; ${countOf(result.plan.steps.length, 'step')} pending).\n`,
    );
    return EXIT.ok;
  });
}

const EXAMPLES = `
Examples:
  $ fkdiff pull --url postgres://app@localhost/app -o fkdiff.yaml
  $ fkdiff plan                          # fkdiff.yaml against $DATABASE_URL
  $ fkdiff plan --format sql > change.sql
  $ fkdiff plan --exit-code              # exit 2 when changes are pending (CI drift check)
  $ fkdiff apply --yes --lock-timeout 3s
  $ fkdiff apply --plan plan.json        # apply exactly the plan saved by "plan --out plan.json"
  $ fkdiff plan --url pglite:./.data     # embedded PostgreSQL, no server needed
  $ fkdiff plan --format sequelize-migration --out migrations/   # a sequelize-cli / umzug migration
  $ fkdiff plan --models ./models/index.js --exit-code            # do the database's keys match the models?

Exit codes: 0 success, 1 error, 2 changes pending (--exit-code), 3 denied hazard.
`;

type SetExit = (code: number) => void;

const urlOption = (): Option => new Option('--url <url>', 'database URL (default: $DATABASE_URL)');
const checkDataOption = (): Option =>
  new Option('--no-check-data', 'do not look for existing rows that would make an add or a validation fail');
const onlineOption = (): Option =>
  new Option('--online', 'add keys NOT VALID and validate them in separate transactions (PostgreSQL)');

const modelsOption = (): Option =>
  new Option(
    '--models <module>',
    "the desired keys from a module exporting a Sequelize instance (or a function or promise returning one), as sync() creates them; without --url or $DATABASE_URL, connects through the module's instance",
  );

const unconstrainedOption = (): Option =>
  new Option(
    '--include-unconstrained',
    'with --models: also declare the keys of associations with constraints: false',
  );

const denyHazardsOption = (): Option =>
  new Option(
    '--deny-hazards <codes>',
    `refuse plans with these hazards, on top of the spec's policy (${HAZARD_CODES.join(', ')})`,
  ).argParser(parseHazards);

/** A command that reads a spec and connects: `fkdiff NAME [spec] --url URL`. */
function specCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .argument('[spec]', `spec file (default: ${DEFAULT_SPEC})`)
    .addOption(urlOption())
    .option(
      '--statement-timeout <duration>',
      'longest wait for the answer to a catalog read or a data check',
      '30s',
    );
}

function addPlanCommand(program: Command, io: Io, setExit: SetExit): void {
  const command = specCommand(program, 'plan', 'show the steps that would make the database match the spec')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'sql', 'json', 'markdown', 'sequelize-migration'])
        .default('text'),
    )
    .option(
      '--out <file>',
      'also write the plan as JSON, for apply --plan; with --format sequelize-migration, write the migration there instead (a directory: <timestamp>-fkdiff.cjs in it)',
    )
    .addOption(modelsOption())
    .addOption(unconstrainedOption())
    .option(
      '--lock-timeout <duration>',
      'longest wait for a table lock (data check; the sql format sets it as apply would)',
      DEFAULT_LOCK_TIMEOUT,
    )
    .addOption(checkDataOption())
    .option('--exit-code', 'exit 2 when changes are pending')
    .addOption(onlineOption())
    .addOption(denyHazardsOption());
  addFleetOptions(command, 'plan').action(async (spec: string | undefined, options: PlanCommandOptions) => {
    setExit(await fleetOr('plan', spec ?? DEFAULT_SPEC, options, io, () => planCommand(spec, options, io)));
  });
}

function addApplyCommand(program: Command, io: Io, setExit: SetExit): void {
  const command = specCommand(program, 'apply', 'make the database match the spec')
    .option('-y, --yes', 'apply without asking')
    .option(
      '--plan <file>',
      'apply exactly this plan (from plan --out); it carries its spec, so none is needed; refused if stale',
    )
    .addOption(modelsOption())
    .addOption(unconstrainedOption())
    .addOption(onlineOption())
    .option('--lock-timeout <duration>', 'longest wait for a table lock, per statement', DEFAULT_LOCK_TIMEOUT)
    .option(
      '--lock-wait <duration>',
      'longest wait for another fkdiff apply to the database to finish',
      '30s',
    )
    .addOption(checkDataOption())
    .addOption(denyHazardsOption())
    .option('--step-timeout <duration>', 'longest time one step may run (default: no bound)')
    .option('--create', 'pglite:<directory>: make a new database there if there is none');
  addFleetOptions(command, 'apply').action(async (spec: string | undefined, options: ApplyCommandOptions) => {
    setExit(await fleetOr('apply', spec ?? DEFAULT_SPEC, options, io, () => applyCommand(spec, options, io)));
  });
}

function addPullCommand(program: Command, io: Io, setExit: SetExit): void {
  program
    .command('pull')
    .description("write the database's foreign keys as a spec")
    .addOption(urlOption())
    .option(
      '--schema <name>',
      'a schema (MySQL: database) to read; repeat the flag for more (default: the current one)',
      collect,
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--force', 'overwrite the --output file if it exists')
    .addOption(
      new Option(
        '--split <by>',
        'write a directory (-o DIR) of spec files, one per schema or per table',
      ).choices(SPLIT_BY),
    )
    .addOption(modelsOption())
    .addOption(unconstrainedOption())
    .action(async (options: PullCommandOptions) => {
      setExit(await pullCommand(options, io));
    });
}

function addValidateCommand(program: Command, io: Io, setExit: SetExit): void {
  const command = specCommand(
    program,
    'validate',
    'check the spec; with a URL also check it against the database, without changing anything',
  );
  addFleetOptions(command, 'validate').action(
    async (spec: string | undefined, options: ConnectionOptions) => {
      setExit(
        await fleetOr('validate', spec ?? DEFAULT_SPEC, options, io, () =>
          validateCommand(spec, options, io),
        ),
      );
    },
  );
}

function addReviewCommand(program: Command, io: Io, setExit: SetExit): void {
  program
    .command('review')
    .description('compare two versions of a spec without a database: changes, hazards, SQL, diagram')
    .argument('[specs...]', 'BASE HEAD, or with --base-ref one spec (default: fkdiff.yaml)')
    .option('--base-ref <ref>', 'the base is the spec as it is at this git ref')
    .addOption(new Option('--format <format>', 'output format').choices(REVIEW_FORMATS).default('text'))
    .addOption(
      new Option('--dialect <dialect>', 'the SQL and rules of this engine')
        .choices(ENGINE_NAMES)
        .default(offlineEngine().name),
    )
    .option('--exit-code', 'exit 2 when keys change')
    .option(
      '--deny-hazards <codes>',
      `exit 3 when the change holds these hazards (${HAZARD_CODES.join(', ')})`,
      parseHazards,
    )
    .action(async (specs: string[], options: ReviewCommandOptions) => {
      setExit(await reviewCommand(specs, options, io));
    });
}

function addGraphCommand(program: Command, io: Io, setExit: SetExit): void {
  program
    .command('graph')
    .description("draw the key graph of a spec, or of the database's current schema with --url")
    .argument('[spec]', 'spec file (default: fkdiff.yaml, unless --url is given)')
    .option('--url <url>', 'read the keys of this database instead of a spec')
    .addOption(
      new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'),
    )
    .option('--table <name>', 'only the neighbourhood of this table ("table" or "schema.table")')
    .option('--depth <n>', 'with --table: how many keys away to go', '1')
    .action(async (spec: string | undefined, options: GraphCommandOptions) => {
      setExit(await graphCommand(spec, options, io));
    });
}

export function buildProgram(io: Io, version: string, setExit: SetExit): Command {
  const program = new Command('fkdiff')
    .description(
      'Declarative foreign keys: diff a YAML spec against the database and plan the ALTER TABLE steps.',
    )
    .version(version, '-v, --version')
    .addHelpText('after', EXAMPLES)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Errors are reported by main.ts, one line with their code.
      outputError: () => undefined,
    })
    .exitOverride();
  addPlanCommand(program, io, setExit);
  addApplyCommand(program, io, setExit);
  addPullCommand(program, io, setExit);
  addValidateCommand(program, io, setExit);
  addReviewCommand(program, io, setExit);
  addGraphCommand(program, io, setExit);
  addFleetReportCommand(program, io, setExit);
  return program;
}
