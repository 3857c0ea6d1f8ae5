/**
 * `npm run bench`: the pure stages on synthetic catalogs, then introspection and planning against
 * the local servers (skipped with a notice when they cannot be reached). Each case runs in a child
 * process of its own, so that its peak memory is its own.
 *
 *   npm run bench -- --sizes 1000,10000   key counts for the pure stages (default 1000,10000,50000)
 *   npm run bench -- --live-keys 2000     keys of the live synthetic catalogs (default 10000)
 *   npm run bench -- --no-live            pure stages only
 *   npm run bench -- --json out.json      also write every result as JSON
 */
import { writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { EngineName } from '../src/engines/registry.js';
import type { LiveResult, LiveTarget } from './live.js';
import { formatCount, formatMs, printTable, runChild } from './measure.js';
import type { StagesResult } from './stages.js';

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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000,50000' },
      'live-keys': { type: 'string', default: '10000' },
      'no-live': { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  const sizes = positiveIntegers(values.sizes, '--sizes');
  const [liveKeys] = positiveIntegers(values['live-keys'], '--live-keys');
  const started = performance.now();
  console.log(`fkdiff bench on ${machine()}`);

  const stages: StagesResult[] = [];
  for (const size of sizes) {
    for (const dialect of DIALECTS) {
      console.error(`… pure stages: ${formatCount(size)} keys, ${dialect}`);
      stages.push(await runChild<StagesResult>('./stages.ts', [String(size), dialect]));
    }
  }
  printStages(stages, sizes);

  const live: LiveResult[] = [];
  if (!values['no-live']) {
    const targets: readonly (readonly [LiveTarget, string])[] = [
      ['postgres', String(liveKeys)],
      ['mysql', String(liveKeys)],
      ['lago', ''],
    ];
    for (const [target, keys] of targets) {
      console.error(`… live: ${LIVE_LABELS[target]}`);
      const result = await runChild<LiveResult>('./live.ts', keys === '' ? [target] : [target, keys]);
      live.push(result);
      printLive(result);
    }
  }
  if (values.json !== undefined) {
    await writeFile(values.json, `${JSON.stringify({ machine: machine(), stages, live }, null, 2)}\n`);
  }
  console.log(`\nbench finished in ${formatMs(performance.now() - started)}`);
}

await main();
