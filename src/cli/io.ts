import { openSync } from 'node:fs';
import { WriteStream } from 'node:tty';
import { redactSecrets } from '../db/redact.js';
import { escapeUnsafe } from '../render/display.js';

/** The process's streams and environment, injectable so that tests can run the CLI in-process. */
export interface Io {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A person can answer a prompt: stdin is a terminal (the question goes to the terminal itself). */
  readonly interactive: boolean;
}

/** The exit status shells give a process killed by SIGPIPE (128 + 13). */
export const BROKEN_PIPE_STATUS = 141;

/**
 * A standard stream that goes quiet once its reader has gone (`fkdiff plan | head -1`): later writes
 * are dropped and the process ends with the status the shell would give, instead of an EPIPE crash.
 */
function pipeSafe(stream: NodeJS.WriteStream): Io['stdout'] {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
    process.exitCode = BROKEN_PIPE_STATUS;
  });
  return {
    write: (text: string) => (closed ? false : stream.write(text)),
    get isTTY() {
      return stream.isTTY;
    },
  };
}

export function processIo(): Io {
  return {
    stdout: pipeSafe(process.stdout),
    stderr: pipeSafe(process.stderr),
    env: process.env,
    interactive: process.stdin.isTTY,
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: Io['stdout'], env: Io['env'] = process.env): boolean {
  const noColor = env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}

/** Where a question is shown: stdout when it is the terminal, else the terminal itself (`| tee log`). */
function promptOutput(): { readonly stream: NodeJS.WritableStream; readonly close: () => void } {
  if (process.stdout.isTTY) return { stream: process.stdout, close: () => undefined };
  const terminal = new WriteStream(openSync('/dev/tty', 'w'));
  return { stream: terminal, close: () => terminal.destroy() };
}

/** Asks a yes/no question at the terminal; Ctrl-C or a closed terminal counts as no. */
export async function confirm(message: string): Promise<boolean> {
  let output: ReturnType<typeof promptOutput>;
  try {
    output = promptOutput();
  } catch {
    return false;
  }
  try {
    // Loaded when a question is asked: most runs ask none, and the prompt library is large.
    const { default: confirmPrompt } = await import('@inquirer/confirm');
    return await confirmPrompt({ message, default: false }, { output: output.stream });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') return false;
    throw error;
  } finally {
    output.close();
  }
}

/**
 * What reaches stderr: secrets redacted, then every unsafe character escaped by the same function
 * that makes stdout safe, so a name from the catalog or a driver message cannot move the cursor,
 * set a title or forge a second line.
 */
export function printable(text: string): string {
  return escapeUnsafe(redactSecrets(text));
}
