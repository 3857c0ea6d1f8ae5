import { writeFile, readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { applyPlan, type ApplyEvent } from '../apply/apply.js';
import { parseDuration } from './duration.js';
import { loadSpecFile, makePlan, pullSpec, verify, type PlanResult } from '../core.js';
import { connect, type Connection } from '../db/connection.js';
import { withApplyLock } from '../db/locks.js';
import { dialectFor } from '../dialect/index.js';
import { FkdiffError } from '../errors.js';
import { HAZARD_CODES, type HazardCode, type Plan } from '../model/plan.js';
import {
  parsePlanJson,
  renderJson,
  renderMarkdown,
  renderSql,
  renderText,
  type OutputFormat,
} from '../render/index.js';
import { resolveSpec } from '../spec/index.js';
import { escapeUnsafe } from '../render/names.js';
import { confirm, useColor, type Io } from './io.js';

const DEFAULT_SPEC = 'fkdiff.yaml';

/** `1 step`, `2 steps`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
const DEFAULT_LOCK_TIMEOUT = '5s';

interface ConnectionOptions {
  readonly url?: string;
}

interface PlanCommandOptions extends ConnectionOptions {
  readonly checkData: boolean;
  readonly format: OutputFormat;
  readonly lockTimeout: string;
  readonly out?: string;
  readonly exitCode?: boolean;
  readonly online?: boolean;
}

interface ApplyCommandOptions extends ConnectionOptions {
  readonly checkData: boolean;
  readonly yes?: boolean;
  readonly plan?: string;
  readonly online?: boolean;
  readonly lockTimeout: string;
  readonly lockWait: string;
  readonly denyHazards?: readonly HazardCode[];
}

interface PullCommandOptions extends ConnectionOptions {
  readonly schema?: readonly string[];
  readonly output?: string;
}

async function withConnection<T>(
  url: string | undefined,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await connect(url);
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
  const unknown = codes.filter((code) => !(HAZARD_CODES as readonly string[]).includes(code));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown hazard ${unknown.join(', ')}; known: ${HAZARD_CODES.join(', ')}`);
  }
  return [...previous, ...(codes as HazardCode[])];
}

function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

function managedCount(result: PlanResult): number {
  return result.current.foreignKeys.length;
}

function render(format: OutputFormat, result: PlanResult, io: Io, lockTimeoutMs: number): string {
  const { plan } = result;
  const dialect = dialectFor(plan.dialect);
  switch (format) {
    case 'text':
      return renderText(plan, {
        color: useColor(io.stdout, io.env),
        dialect,
        managedCount: managedCount(result),
      });
    case 'sql':
      return renderSql(plan, { dialect, lockTimeoutMs });
    case 'json':
      return renderJson(plan);
    case 'markdown':
      return renderMarkdown(plan, { dialect, managedCount: managedCount(result), lockTimeoutMs });
  }
}

function deniedHazards(plan: Plan, denied: ReadonlySet<HazardCode>): string[] {
  return plan.steps.flatMap((step) =>
    step.hazards
      .filter((hazard) => denied.has(hazard.code))
      .map((hazard) => `${hazard.code}: ${hazard.message}`),
  );
}

/** Exit codes from the contract: 0 done, 1 error, 2 changes pending (--exit-code), 3 denied hazard. */
export const EXIT = { ok: 0, error: 1, pending: 2, denied: 3 } as const;

async function planCommand(specFile: string, options: PlanCommandOptions, io: Io): Promise<number> {
  const lockTimeoutMs = parseDuration(options.lockTimeout, '--lock-timeout');
  const raw = await loadSpecFile(specFile);
  return withConnection(options.url ?? io.env.DATABASE_URL, async (connection) => {
    const result = await makePlan(connection, raw, {
      online: options.online ?? false,
      checkData: options.checkData,
      lockTimeoutMs,
    });
    io.stdout.write(render(options.format, result, io, lockTimeoutMs));
    if (options.out !== undefined) await writeFile(options.out, renderJson(result.plan));
    return options.exitCode === true && result.plan.steps.length > 0 ? EXIT.pending : EXIT.ok;
  });
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

async function applyCommand(specFile: string, options: ApplyCommandOptions, io: Io): Promise<number> {
  const lockTimeoutMs = parseDuration(options.lockTimeout, '--lock-timeout');
  const lockWaitMs = parseDuration(options.lockWait, '--lock-wait');
  const raw = await loadSpecFile(specFile);
  const saved =
    options.plan === undefined
      ? undefined
      : parsePlanJson(await readFile(options.plan, 'utf8'), options.plan);
  return withConnection(options.url ?? io.env.DATABASE_URL, (connection) =>
    withApplyLock(connection, lockWaitMs, async () => {
      const result = await makePlan(connection, raw, {
        online: saved?.online ?? options.online ?? false,
        checkData: options.checkData,
        lockTimeoutMs,
      });
      const { plan } = result;
      if (saved !== undefined && options.plan !== undefined) {
        const same =
          saved.fingerprint === plan.fingerprint &&
          saved.steps.map((s) => s.sql).join('\n') === plan.steps.map((s) => s.sql).join('\n');
        if (!same) {
          throw new FkdiffError(
            'PLAN_STALE',
            `${options.plan} no longer matches: the database or the spec changed since it was made; run plan again`,
          );
        }
      }
      io.stdout.write(render('text', result, io, lockTimeoutMs));
      if (plan.steps.length === 0) return EXIT.ok;

      const denied = new Set<HazardCode>([...(options.denyHazards ?? []), ...result.spec.denyHazards]);
      const refused = deniedHazards(plan, denied);
      if (refused.length > 0) {
        throw new FkdiffError(
          'HAZARD_DENIED',
          `refusing to apply: the plan holds denied hazards: ${refused.join('; ')}`,
        );
      }
      if (options.yes !== true) {
        if (!io.interactive) {
          throw new FkdiffError(
            'APPLY_REFUSED',
            'refusing to change the database without a terminal to confirm: pass --yes to apply non-interactively',
          );
        }
        if (!(await confirm(`Apply ${count(plan.steps.length, 'step')} to ${connection.display}?`))) {
          throw new FkdiffError('APPLY_REFUSED', 'apply cancelled: nothing was changed');
        }
      }
      const started = Date.now();
      const applied = await applyPlan(connection, plan, { lockTimeoutMs, onEvent: progress(io) });
      await verify(connection, raw);
      io.stdout.write(
        `Applied ${count(applied.applied, 'step')} in ${Date.now() - started} ms; the database now matches ${result.spec.file}.\n`,
      );
      return EXIT.ok;
    }),
  );
}

async function pullCommand(options: PullCommandOptions, io: Io): Promise<number> {
  return withConnection(options.url ?? io.env.DATABASE_URL, async (connection) => {
    const pulled = await pullSpec(connection, options.schema ?? []);
    if (options.output === undefined) io.stdout.write(pulled.text);
    else {
      await writeFile(options.output, pulled.text);
      io.stdout.write(`Wrote ${count(pulled.foreignKeys, 'foreign key')} to ${options.output}.\n`);
    }
    return EXIT.ok;
  });
}

async function validateCommand(specFile: string, options: ConnectionOptions, io: Io): Promise<number> {
  const url = options.url ?? io.env.DATABASE_URL;
  const raw = await loadSpecFile(specFile);
  if (url === undefined || url === '') {
    // Offline the default schema is unknown: govern every schema the file names (and "public").
    const named = raw.tables.flatMap((table) => (table.ref.schema === undefined ? [] : [table.ref.schema]));
    const schemas = raw.schemas ?? [...new Set(['public', ...named])];
    const spec = resolveSpec(
      { ...raw, schemas },
      { dialect: dialectFor('postgres'), defaultSchema: 'public' },
    );
    io.stdout.write(
      `${specFile}: valid (${count(spec.foreignKeys.length, 'foreign key')}); pass --url to check it against a database too.\n`,
    );
    return EXIT.ok;
  }
  return withConnection(url, async (connection) => {
    const result = await makePlan(connection, raw, {
      online: false,
      checkData: true,
      lockTimeoutMs: parseDuration(DEFAULT_LOCK_TIMEOUT, '--lock-timeout'),
    });
    io.stdout.write(
      `${specFile}: valid for ${connection.display} (${count(result.spec.foreignKeys.length, 'foreign key')}; ${count(result.plan.steps.length, 'step')} pending).\n`,
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

Exit codes: 0 success, 1 error, 2 changes pending (--exit-code), 3 denied hazard.
`;

export function buildProgram(io: Io, version: string, setExit: (code: number) => void): Command {
  const program = new Command('fkdiff')
    .description(
      'Declarative foreign keys: diff a YAML spec against the database and plan the ALTER TABLE steps.',
    )
    .version(version, '-v, --version')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run fkdiff --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();

  const urlOption = () => new Option('--url <url>', 'database URL (default: $DATABASE_URL)');

  program
    .command('plan')
    .description('show the steps that would make the database match the spec')
    .argument('[spec]', 'spec file', DEFAULT_SPEC)
    .addOption(urlOption())
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'sql', 'json', 'markdown'])
        .default('text'),
    )
    .option('--out <file>', 'also write the plan as JSON, for apply --plan')
    .option(
      '--lock-timeout <duration>',
      'longest wait for a table lock (data check; the sql format sets it as apply would)',
      DEFAULT_LOCK_TIMEOUT,
    )
    .option('--no-check-data', 'do not look for existing rows that would make an add or a validation fail')
    .option('--exit-code', 'exit 2 when changes are pending')
    .option('--online', 'add keys NOT VALID and validate them in separate transactions (PostgreSQL)')
    .action(async (spec: string, options: PlanCommandOptions) => {
      setExit(await planCommand(spec, options, io));
    });

  program
    .command('apply')
    .description('make the database match the spec')
    .argument('[spec]', 'spec file', DEFAULT_SPEC)
    .addOption(urlOption())
    .option('-y, --yes', 'apply without asking')
    .option('--plan <file>', 'apply exactly this plan (from plan --out); refuse if it is stale')
    .option('--online', 'add keys NOT VALID and validate them in separate transactions (PostgreSQL)')
    .option('--lock-timeout <duration>', 'longest wait for a table lock, per statement', DEFAULT_LOCK_TIMEOUT)
    .option('--lock-wait <duration>', 'longest wait for another fkdiff apply to finish (MySQL)', '30s')
    .option('--no-check-data', 'do not look for existing rows that would make an add or a validation fail')
    .option(
      '--deny-hazards <codes>',
      `refuse plans with these hazards (${HAZARD_CODES.join(', ')})`,
      parseHazards,
    )
    .action(async (spec: string, options: ApplyCommandOptions) => {
      setExit(await applyCommand(spec, options, io));
    });

  program
    .command('pull')
    .description("write the database's foreign keys as a spec")
    .addOption(urlOption())
    .option(
      '--schema <name>',
      'schema (MySQL: database) to read; repeatable (default: the current one)',
      collect,
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (options: PullCommandOptions) => {
      setExit(await pullCommand(options, io));
    });

  program
    .command('validate')
    .description('check the spec; with a URL also check it against the database, without changing anything')
    .argument('[spec]', 'spec file', DEFAULT_SPEC)
    .addOption(urlOption())
    .action(async (spec: string, options: ConnectionOptions) => {
      setExit(await validateCommand(spec, options, io));
    });

  return program;
}
