/** `pull --split … -o DIR`: a spec directory written file by file, never mixed with stale files. */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FkdiffError } from '../errors.js';
import { fileErrorReason } from '../pipeline.js';
import type { SpecFileText } from '../spec/index.js';

const SPEC_FILE = /\.ya?ml$/;

function outputError(directory: string, error: unknown): FkdiffError {
  return new FkdiffError('OUTPUT_FAILED', `${directory}: cannot write (${fileErrorReason(error)})`, {
    cause: error,
  });
}

/**
 * Writes the files into `directory` (created if missing). Spec files already there would be read
 * with the new ones: without `force` they stop the write; with it, those not rewritten are removed.
 */
export async function writeSpecDirectory(
  directory: string,
  files: readonly SpecFileText[],
  force: boolean,
): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw outputError(directory, error);
  }
  const existing = (
    await readdir(directory).catch((error: unknown) => {
      throw outputError(directory, error);
    })
  ).filter((name) => SPEC_FILE.test(name));
  if (existing.length > 0 && !force) {
    throw new FkdiffError(
      'OUTPUT_FAILED',
      `${directory} already holds spec files (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', …' : ''}): pass --force to replace them`,
    );
  }
  const written = new Set(files.map((file) => file.file));
  try {
    for (const stale of existing.filter((name) => !written.has(name))) await rm(join(directory, stale));
    for (const file of files) await writeFile(join(directory, file.file), file.text);
  } catch (error) {
    throw outputError(directory, error);
  }
}
