/** The CLI in a pseudo-terminal (util-linux `script`), as a person at a terminal runs it. */
import { spawn } from 'node:child_process';
import { CLI_COMMAND } from './cli.js';

export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

export interface Reply {
  readonly prompt: string;
  readonly answer: string;
  /** Called when the prompt appears; the answer is typed when it resolves (a person taking their time). */
  readonly before?: () => Promise<void>;
}

/**
 * Runs `shell` (a command line) with a pseudo-terminal as its terminal, typing the answer once the
 * prompt appears; resolves with everything the terminal showed and the exit status.
 */
export function inTerminal(
  shell: string,
  env: Record<string, string | undefined>,
  reply?: Reply,
): Promise<{ readonly screen: string; readonly code: number | null }> {
  const child = spawn('script', ['-qefc', shell, '/dev/null'], {
    env: { ...process.env, NO_COLOR: undefined, TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let answered = false;
  let failure: Error | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    if (reply !== undefined && !answered && screen.includes(reply.prompt)) {
      answered = true;
      const ready = reply.before?.() ?? Promise.resolve();
      ready.then(
        () => child.stdin.write(reply.answer),
        (error: unknown) => {
          failure = error instanceof Error ? error : new Error(String(error));
          child.stdin.write('n\r');
        },
      );
    }
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      if (failure !== undefined) fail(failure);
      else done({ screen, code });
    });
  });
}

/** The CLI's command line for `inTerminal`. */
export const cliCommand = (args: readonly string[]): string =>
  [...CLI_COMMAND, ...args].map(shellQuote).join(' ');
