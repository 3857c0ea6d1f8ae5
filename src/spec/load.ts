import { readFileSync } from 'node:fs';
import { FkdiffError } from '../errors.js';
import { parseSpec } from './parse.js';
import { resolveSpec } from './resolve.js';
import type { ResolveContext, Spec } from './resolve.js';

/** Reads, parses and resolves a spec file; a missing file is SPEC_NOT_FOUND. */
export function loadSpecFile(file: string, context: ResolveContext): Spec {
  return resolveSpec(parseSpec(readSpecText(file), file), context);
}

export function readSpecText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) {
      throw new FkdiffError(
        'SPEC_NOT_FOUND',
        `${file}: no such file; write one, or run "fkdiff pull -o ${file}"`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
