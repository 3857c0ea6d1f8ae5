/**
 * `npm run bench`: the whole-process benchmark (bench/whole.ts, the cases of bench/cases.ts) on the
 * local PostgreSQL and MariaDB servers at 1,000, 10,000 and 20,000 keys; writes BENCHMARKS.md and
 * bench/chart.svg. Each measurement runs in a child process of its own.
 *
 *   npm run bench -- --quick              1,000 and 10,000 keys, fewer runs (a few minutes)
 *   npm run bench -- --keys 1000,5000     other key counts
 *   npm run bench -- --engines postgres   one server only
 *   npm run bench -- --no-write           print, leave BENCHMARKS.md and the chart alone
 *   npm run bench -- --stages             also the in-process stage timings (pure stages, live steps)
 *   npm run bench -- --json out.json      also write every result as JSON
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { EngineName } from '../src/engines/registry.js';
import type { LiveResult, LiveTarget } from './live.js';
import { formatCount, formatMs, printTable, runChild } from './measure.js';
import { benchmarksMarkdown, chartSvg, ENGINE_LABELS, targets } from './report.js';
import type { StagesResult } from './stages.js';
import type { WholeResult } from './whole.js';

const DIALECTS: readonly EngineName[] = ['postgres', 'mysql'];
const DIALECT_LABELS: Readonly<Record<EngineName, string>> = {
  postgres: 'PostgreSQL dialect',
  mysql: 'MySQL / MariaDB dialect',
};
const LIVE_LABELS: Readonly<Record<LiveTarget, string>> = {
  postgres: 'PostgreSQL, synthetic catalog',
  mysql: 'MariaDB, synthetic catalog',
  lago: 'PostgreSQL, lago-api schema (real)',
};

function positiveIntegers(text: string, option: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new Error(`${option} takes positive whole numbers separated by commas, got "${text}"`);
  }
  return values;
}

function machine(): string {
  const [cpu] = cpus();
  const memory = `${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM`;
  return `${cpu?.model ?? 'unknown CPU'} × ${cpus().length}, ${memory}, ${platform()} ${release()}, Node ${process.version}`;
}

function printStages(results: readonly StagesResult[], sizes: readonly number[]): void {
  for (const dialect of DIALECTS) {
    const bySize = sizes.map((size) => results.find((r) => r.dialect === dialect && r.foreignKeys === size));
    const present = bySize.filter((result) => result !== undefined);
    const [first] = present;
    if (first === undefined) continue;
    console.log(
      `\n${DIALECT_LABELS[dialect]}: pure stages, median of ${present.map((r) => r.runs).join('/')} runs`,
    );
    const cell = (format: (result: StagesResult) => string) => bySize.map((r) => (r ? format(r) : '-'));
    const rows: string[][] = [
      ['tables', ...cell((r) => formatCount(r.tables))],
      ['spec size', ...cell((r) => `${(r.specBytes / 1024 ** 2).toFixed(1)} MiB`)],
      [
        'changes / steps (10% changed)',
        ...cell((r) => `${formatCount(r.changes)} / ${formatCount(r.steps)}`),
      ],
      ...first.stages.map((stage, index) => [
        stage.stage,
        ...cell((r) => formatMs(r.stages[index]?.ms ?? Number.NaN)),
      ]),
      ['peak RSS (whole process)', ...cell((r) => `${r.peakRssMb.toFixed(0)} MiB`)],
    ];
    printTable(['foreign keys', ...bySize.map((_, i) => formatCount(sizes[i] ?? 0))], rows);
  }
}

function printLive(result: LiveResult): void {
  console.log(`\n${LIVE_LABELS[result.target]}`);
  if (result.skipped !== undefined) {
    console.log(`  skipped: the server cannot be reached (${result.skipped})`);
    return;
  }
  console.log(
    `  ${result.server}; ${formatCount(result.tables)} tables, ${formatCount(result.foreignKeys)} foreign keys, ` +
      `loaded in ${formatMs(result.loadMs)}; the changed spec plans ${formatCount(result.changes)} changes in ` +
      `${formatCount(result.steps)} steps; median of 3 runs; peak RSS ${result.peakRssMb.toFixed(0)} MiB`,
  );
  printTable(
    ['step', 'time'],
    result.timings.map((timing) => [timing.stage, formatMs(timing.ms)]),
  );
}

function versions(): string {
  const version = (name: string) => {
    try {
      const text = readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8');
      return `${name} ${(JSON.parse(text) as { version: string }).version}`;
    } catch {
      return `${name} (not installed)`;
    }
  };
  return ['pg', 'mysql2', 'sequelize', 'yaml', '@pgkit/migra'].map(version).join(', ');
}

/** The in-process stage timings of earlier rounds (pure stages, live steps), on request. */
async function stageBench(sizes: readonly number[], liveKeys: number): Promise<void> {
  const stages: StagesResult[] = [];
  for (const size of sizes) {
    for (const dialect of DIALECTS) {
      console.error(`… pure stages: ${formatCount(size)} keys, ${dialect}`);
      stages.push(await runChild<StagesResult>('./stages.ts', [String(size), dialect]));
    }
  }
  printStages(stages, sizes);
  const targetsLive: readonly (readonly [LiveTarget, string])[] = [
    ['postgres', String(liveKeys)],
    ['mysql', String(liveKeys)],
    ['lago', ''],
  ];
  for (const [target, keys] of targetsLive) {
    console.error(`… live: ${LIVE_LABELS[target]}`);
    printLive(await runChild<LiveResult>('./live.ts', keys === '' ? [target] : [target, keys]));
  }
}

function printWhole(result: WholeResult): void {
  const title = `${ENGINE_LABELS[result.engine]}, ${formatCount(result.foreignKeys)} keys`;
  if (result.skipped !== undefined) {
    console.log(`\n${title}: skipped (${result.skipped})`);
    return;
  }
  console.log(`\n${title}, ${formatCount(result.tables)} tables (${result.server})`);
  const floor = result.cases.find((c) => c.id === 'floor');
  const median = (values: readonly number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  printTable(
    ['case', 'median', 'runs', 'peak RSS', '× floor'],
    result.cases.map((c) => [
      c.label,
      c.failed === undefined ? formatMs(median(c.ms)) : 'failed',
      String(c.ms.length),
      c.rssMb.length > 0 ? `${Math.max(...c.rssMb).toFixed(0)} MiB` : '-',
      floor === undefined ? '-' : `${(median(c.ms) / median(floor.ms)).toFixed(1)}×`,
    ]),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      keys: { type: 'string' },
      engines: { type: 'string', default: 'postgres,mysql' },
      'no-write': { type: 'boolean', default: false },
      stages: { type: 'boolean', default: false },
      sizes: { type: 'string', default: '1000,10000,50000' },
      'live-keys': { type: 'string', default: '10000' },
      json: { type: 'string' },
    },
  });
  const quick = values.quick;
  const keys = positiveIntegers(values.keys ?? (quick ? '1000,10000' : '1000,10000,20000'), '--keys');
  const engines = values.engines
    .split(',')
    .filter((name): name is EngineName => name === 'postgres' || name === 'mysql');
  const started = performance.now();
  const startedAt = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, ' UTC')
    .replace('T', ' ');
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
  console.log(`fkdiff bench on ${machine()}`);
  console.error('… building dist/ (the bench runs the built CLI)');
  // The build users get: tsc's output and the bundled CLI (package.json's build script).
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });

  const results: WholeResult[] = [];
  const write = async (): Promise<void> => {
    if (values['no-write']) return;
    const input = {
      machine: machine(),
      versions: `Node ${process.version}, ${versions()}`,
      startedAt,
      durationMs: performance.now() - started,
      quick,
      load,
      results,
    };
    await writeFile('BENCHMARKS.md', benchmarksMarkdown(input));
    await writeFile('bench/chart.svg', chartSvg(results));
  };
  // Key count by key count, both servers at each: an interrupted run still compares them. The
  // report is rewritten after each, so that it holds whatever has been measured.
  for (const size of keys) {
    for (const engine of engines) {
      const args = [engine, String(size), ...(quick ? ['--quick'] : [])];
      const result = await runChild<WholeResult>('./whole.ts', args);
      results.push(result);
      printWhole(result);
      await write();
    }
  }
  console.log('\nTargets:');
  for (const target of targets(results)) {
    const verdict = target.holds === undefined ? 'not measured' : target.holds ? 'holds' : 'DOES NOT HOLD';
    console.log(`  ${target.what}: ${target.measured} — ${verdict}`);
  }
  if (values.stages) {
    const [liveKeys] = positiveIntegers(values['live-keys'], '--live-keys');
    await stageBench(positiveIntegers(values.sizes, '--sizes'), liveKeys ?? 10_000);
  }
  const durationMs = performance.now() - started;
  await write();
  if (!values['no-write']) console.log('\nWrote BENCHMARKS.md and bench/chart.svg.');
  if (values.json !== undefined) {
    await writeFile(values.json, `${JSON.stringify({ machine: machine(), results }, null, 2)}\n`);
  }
  console.log(`\nbench finished in ${formatMs(durationMs)}`);
}

await main();
