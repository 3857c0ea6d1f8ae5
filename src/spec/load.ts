/**
 * A spec on disk: one file, a file with `include:` globs, or a directory of spec files. Each file
 * declares its own tables; the files become one RawSpec whose problems name the file they are in.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { FkdiffError, problemsError, type Problem } from '../errors.js';
import type { SourceLocation } from '../model/catalog.js';
import { quotedValue, sortProblems } from './messages.js';
import { parseSpecFile, type ParsedSpecFile, type RawSpec, type SharedFields } from './parse.js';
import { checkSpecSize } from './source.js';

/** Reads one spec file's text, failing with SPEC_NOT_FOUND or SPEC_SYNTAX as fkdiff reports them. */
export type ReadSpecText = (file: string) => Promise<string>;

const SPEC_FILE = /\.ya?ml$/;

/** Reads and parses the spec at `path` (a file or a directory); every file's problems name that file. */
export async function loadSpec(path: string, readText: ReadSpecText): Promise<RawSpec> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory() === true) return loadDirectory(path, readText);
  if (info !== undefined) checkSpecSize(info.size, path);
  const root = parseSpecFile(await readText(path), path);
  if (root.include.length === 0) return root.spec;
  const { files, problems } = await includedFiles(path, root);
  if (problems.length > 0) {
    throw problemsError('SPEC_INVALID', `${path}: invalid spec`, sortProblems(problems));
  }
  const included = await parseAll(files, readText);
  return merge(path, [root, ...included], 'an included file');
}

async function loadDirectory(directory: string, readText: ReadSpecText): Promise<RawSpec> {
  const names = (await readdir(directory)).filter((name) => SPEC_FILE.test(name)).sort();
  if (names.length === 0) {
    throw new FkdiffError(
      'SPEC_NOT_FOUND',
      `${directory}: the directory holds no spec files (*.yaml, *.yml)`,
    );
  }
  const files = await parseAll(
    names.map((name) => join(directory, name)),
    readText,
  );
  return merge(directory, files, 'a file of a spec directory');
}

/** Parsed one after another: the first file in error stops the load with its own problems. */
async function parseAll(files: readonly string[], readText: ReadSpecText): Promise<ParsedSpecFile[]> {
  const parsed: ParsedSpecFile[] = [];
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (info !== undefined) checkSpecSize(info.size, file);
    parsed.push(parseSpecFile(await readText(file), file));
  }
  return parsed;
}

/** The files the root's globs name, in sorted order, each once; a glob naming no file is a problem. */
async function includedFiles(
  rootFile: string,
  root: ParsedSpecFile,
): Promise<{ files: string[]; problems: Problem[] }> {
  // Loaded only for a spec that includes files.
  const { glob } = await import('tinyglobby');
  const base = dirname(rootFile);
  const rootPath = relative(base, rootFile);
  const found = new Set<string>();
  const problems: Problem[] = [];
  for (const pattern of root.include) {
    const matches = (await glob(pattern.value, { cwd: base, onlyFiles: true, expandDirectories: false }))
      .filter((match) => match !== rootPath)
      .sort();
    if (matches.length === 0) {
      problems.push({
        message: `include pattern ${quotedValue(pattern.value)} matches no file in ${base === '.' ? 'this directory' : base}`,
        source: pattern.source,
      });
    }
    for (const match of matches) found.add(join(base, match));
  }
  return { files: [...found].sort(), problems };
}

type SharedKey = keyof SharedFields;

const SHARED_KEYS: readonly SharedKey[] = ['schemas', 'exclude', 'policy'];

function sharedValue(spec: RawSpec, key: SharedKey): string {
  switch (key) {
    case 'schemas':
      return JSON.stringify(spec.schemas ?? null);
    case 'exclude':
      return JSON.stringify(spec.exclude);
    case 'policy':
      return JSON.stringify([...spec.denyHazards].sort());
  }
}

function place(source: SourceLocation): string {
  return `${source.file}:${source.line}:${source.column}`;
}

/**
 * One spec of several files: their tables in file order (resolveSpec reports a table declared twice,
 * naming both files); `schemas`, `exclude` and `policy` as the files declaring them agree.
 */
function merge(path: string, files: readonly ParsedSpecFile[], member: string): RawSpec {
  const problems: Problem[] = [];
  const [first] = files;
  for (const [index, file] of files.entries()) {
    if (index === 0 && member === 'an included file') continue;
    const [include] = file.include;
    if (include !== undefined) {
      problems.push({
        message: `${member} may not include further files; list every file in the top file's include`,
        source: include.source,
      });
    }
  }
  const declaring = (key: SharedKey) => files.filter((file) => file.shared[key] !== undefined);
  for (const key of SHARED_KEYS) {
    const [reference, ...others] = declaring(key);
    const referenceSource = reference?.shared[key];
    if (reference === undefined || referenceSource === undefined) continue;
    for (const other of others) {
      if (sharedValue(other.spec, key) === sharedValue(reference.spec, key)) continue;
      problems.push({
        message: `${key} differs from the ${key} declared at ${place(referenceSource)}; the files of one spec must agree on it`,
        source: other.shared[key],
      });
    }
  }
  if (problems.length > 0) {
    throw problemsError('SPEC_INVALID', `${path}: invalid spec`, sortProblems(problems));
  }
  const from = (key: SharedKey): RawSpec | undefined => declaring(key)[0]?.spec ?? first?.spec;
  return {
    file: path,
    schemas: from('schemas')?.schemas,
    tables: files.flatMap((file) => file.spec.tables),
    exclude: from('exclude')?.exclude ?? [],
    denyHazards: from('policy')?.denyHazards ?? [],
  };
}
