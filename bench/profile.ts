/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per package (or fkdiff source folder)
 * and the functions that take the most of it.
 *
 *   node --import tsx bench/profile.ts FILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** `node_modules/yaml/…` → `yaml`; `src/spec/parse.ts` → `src/spec`; V8's own entries by name. */
function bucketOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') return `(${functionName || 'anonymous'})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  if (url.startsWith('node:')) return 'node internals';
  const source = /\/(src|dist|bench)\/([^/]+)\//.exec(url);
  if (source?.[1] !== undefined && source[2] !== undefined) return `${source[1]}/${source[2]}`;
  return url.replace(/^.*\//, '');
}

function add(totals: Map<string, number>, key: string, ms: number): void {
  totals.set(key, (totals.get(key) ?? 0) + ms);
}

function top(totals: ReadonlyMap<string, number>, count: number): [string, number][] {
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, count);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const [file] = positionals;
  if (file === undefined) throw new Error('usage: bench/profile.ts FILE.cpuprofile [--top N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    if (node === undefined) return;
    total += ms;
    add(buckets, bucketOf(node), ms);
    const { functionName, url, lineNumber } = node.callFrame;
    add(functions, `${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}:${lineNumber + 1}`, ms);
  });
  const count = Number(values.top);
  console.log(`total sampled: ${total.toFixed(0)} ms`);
  console.log('\nself time by package / source folder');
  for (const [name, ms] of top(buckets, count)) console.log(`${ms.toFixed(0).padStart(7)} ms  ${name}`);
  console.log('\nself time by function');
  for (const [name, ms] of top(functions, count)) console.log(`${ms.toFixed(0).padStart(7)} ms  ${name}`);
}

main();
