/** Timing, memory and table printing shared by the benchmark scripts. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Node's `gc`, present when the process runs with --expose-gc. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

export interface Timed<T> {
  readonly ms: number;
  readonly result: T;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

/** Runs `work` `runs` times (at least once, garbage collected before each when possible): the median time. */
export function timeMedian<T>(runs: number, work: () => T): Timed<T> {
  const timeRun = (): Timed<T> => {
    collectGarbage?.();
    const started = performance.now();
    const result = work();
    return { ms: performance.now() - started, result };
  };
  const first = timeRun();
  const times = [first.ms];
  for (let run = 1; run < runs; run += 1) times.push(timeRun().ms);
  return { ms: median(times), result: first.result };
}

/** Times one run of asynchronous work. */
export async function timeOnce<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** Runs asynchronous work `runs` times (at least once), one after the other: the median time. */
export async function timeMedianAsync<T>(runs: number, work: () => Promise<T>): Promise<Timed<T>> {
  collectGarbage?.();
  const first = await timeOnce(work);
  const times = [first.ms];
  for (let run = 1; run < runs; run += 1) {
    collectGarbage?.();
    times.push((await timeOnce(work)).ms);
  }
  return { ms: median(times), result: first.result };
}

/** Highest resident set size of this process so far, in MiB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** A plain-text table, columns after the first right-aligned; also valid Markdown. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join(' | ')} |`;
  console.log(line(headers));
  console.log(
    `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`,
  );
  for (const row of rows) console.log(line(row));
}

/**
 * Runs a bench script in a child process, so that its peak memory is its own: the script's last
 * line of standard output is its JSON result; everything else it prints is passed through.
 */
export function runChild<T>(script: string, args: readonly string[]): Promise<T> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = output.trimEnd().split('\n');
      const last = lines.pop() ?? '';
      if (lines.length > 0) console.log(lines.join('\n'));
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited with code ${String(code)}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch (error) {
        reject(new Error(`${script} ${args.join(' ')} printed no JSON result`, { cause: error }));
      }
    });
  });
}
