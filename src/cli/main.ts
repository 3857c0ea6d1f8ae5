import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { FkdiffError, formatProblem } from '../errors.js';
import { settingsSuffix } from './flags.js';
import { buildProgram, EXIT } from './program.js';
import { printable, processIo, type Io } from './io.js';

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

const MAX_PROBLEMS = 50;

/** Help and version end well; commander's own errors become one line with the USAGE code. */
function commanderExit(error: CommanderError, io: Io): number {
  if (error.exitCode === 0) return EXIT.ok;
  // `fkdiff` alone prints the help, which says all there is to say.
  if (error.code === 'commander.help') return EXIT.error;
  const message = printable(error.message.replace(/^error: /, ''));
  io.stderr.write(`fkdiff: ${message} (run fkdiff --help for usage) [USAGE]\n`);
  return EXIT.error;
}

/** One line per error (plus one per problem), no stack trace; the exit code the contract gives. */
function report(error: unknown, io: Io): number {
  if (error instanceof CommanderError) return commanderExit(error, io);
  if (error instanceof FkdiffError) {
    io.stderr.write(`fkdiff: ${printable(error.message)}${settingsSuffix(error.settings)} [${error.code}]\n`);
    // One broken line can make a parser report hundreds of follow-on problems.
    for (const problem of error.problems.slice(0, MAX_PROBLEMS)) {
      io.stderr.write(`  ${printable(formatProblem(problem))}${settingsSuffix(problem.settings ?? [])}\n`);
      for (const line of problem.detail ?? []) io.stderr.write(`    ${printable(line)}\n`);
    }
    const hidden = error.problems.length - MAX_PROBLEMS;
    if (hidden > 0) io.stderr.write(`  … and ${hidden} more\n`);
    return error.code === 'HAZARD_DENIED' ? EXIT.denied : EXIT.error;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`fkdiff: unexpected error: ${printable(message)}\n`);
  if (io.env.FKDIFF_DEBUG === '1' && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack.split('\n').map(printable).join('\n')}\n`);
  }
  return EXIT.error;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, packageVersion(), (exit) => {
    code = exit;
  });
  const restore = quietLibraries(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    return report(error, io);
  } finally {
    restore();
  }
}

/**
 * Sequelize writes its own `console.warn` line when a commit or rollback fails ("We are killing its
 * connection…"); fkdiff reports that failure itself, in one line with its code. The libraries' warnings
 * are shown, escaped, only with FKDIFF_DEBUG=1.
 */
function quietLibraries(io: Io): () => void {
  const original = console.warn;
  console.warn = (...parts: unknown[]) => {
    if (io.env.FKDIFF_DEBUG === '1') io.stderr.write(`${printable(parts.map(String).join(' '))}\n`);
  };
  return () => {
    console.warn = original;
  };
}
