/** The base of a review as it is at a git ref: `git show REF:path`, run without a shell. */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';
import { FkdiffError } from '../errors.js';

const run = promisify(execFile);

interface GitFailure {
  readonly code?: number | string;
  readonly stderr?: string;
}

async function git(
  args: readonly string[],
  cwd: string,
): Promise<{ ok: true; stdout: string } | { ok: false; failure: GitFailure }> {
  try {
    const { stdout } = await run('git', [...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { ok: true, stdout };
  } catch (error) {
    return { ok: false, failure: error as GitFailure };
  }
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? '')
      .trim()
      .split('\n')[0]
      ?.replace(/^fatal: /, '') ?? ''
  );
}

/**
 * The text of `file` at `ref`, or undefined when the file does not exist there (a spec added in the
 * branch). GIT_FAILED, in one line, when git is missing, the file is not in a repository or the ref
 * does not exist.
 */
export async function readAtRef(file: string, ref: string): Promise<string | undefined> {
  const cwd = dirname(file);
  const where = `${ref}:${file}`;
  const folder = await stat(cwd).catch(() => undefined);
  if (folder?.isDirectory() !== true) {
    throw new FkdiffError('SPEC_NOT_FOUND', `${file}: no such file, and its folder does not exist`);
  }
  const inRepo = await git(['rev-parse', '--show-toplevel'], cwd);
  if (!inRepo.ok) {
    const reason =
      inRepo.failure.code === 'ENOENT' ? 'git is not installed' : firstLine(inRepo.failure.stderr);
    throw new FkdiffError('GIT_FAILED', `${where}: cannot read the base from git: ${reason}`);
  }
  const commit = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], cwd);
  if (!commit.ok) {
    throw new FkdiffError('GIT_FAILED', `${where}: no commit ${ref} in this repository`);
  }
  const object = `${commit.stdout.trim()}:./${basename(file)}`;
  const exists = await git(['cat-file', '-e', object], cwd);
  if (!exists.ok) return undefined;
  const shown = await git(['show', object], cwd);
  if (!shown.ok) {
    throw new FkdiffError(
      'GIT_FAILED',
      `${where}: cannot read the base from git: ${firstLine(shown.failure.stderr)}`,
    );
  }
  return shown.stdout;
}
