import confirmPrompt from '@inquirer/confirm';

/** The process's streams and environment, injectable so that tests can run the CLI in-process. */
export interface Io {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A person can answer a prompt: stdin and stdout are terminals. */
  readonly interactive: boolean;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interactive: process.stdin.isTTY && process.stdout.isTTY,
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: Io['stdout'], env: Io['env'] = process.env): boolean {
  const noColor = env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}

/** Asks a yes/no question; Ctrl-C or a closed terminal counts as no. */
export async function confirm(message: string): Promise<boolean> {
  try {
    return await confirmPrompt({ message, default: false });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') return false;
    throw error;
  }
}
