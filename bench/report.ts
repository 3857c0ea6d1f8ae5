/** BENCHMARKS.md and bench/chart.svg from the whole-process results (bench/run.ts writes them). */
import type { EngineName } from '../src/engines/registry.js';
import { FLOOR_ID } from './cases.js';
import type { CaseResult, WholeResult } from './whole.js';

export const ENGINE_LABELS: Readonly<Record<EngineName, string>> = {
  postgres: 'PostgreSQL',
  mysql: 'MariaDB',
};

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 100_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`;
}

/** The median and the spread (min–max) of a case's runs. */
function timeCell(result: CaseResult | undefined): string {
  if (result === undefined) return '-';
  if (result.failed !== undefined) return `failed (${result.failed.slice(0, 60)})`;
  const low = Math.min(...result.ms);
  const high = Math.max(...result.ms);
  const spread = result.ms.length > 1 ? ` (${seconds(low)}–${seconds(high)})` : '';
  return `${seconds(median(result.ms))}${spread}`;
}

function rssCell(result: CaseResult | undefined): string {
  if (result === undefined || result.rssMb.length === 0) return '-';
  return `${Math.max(...result.rssMb).toFixed(0)} MiB`;
}

function ratio(result: WholeResult, id: string): number {
  const floor = result.cases.find((c) => c.id === FLOOR_ID);
  const other = result.cases.find((c) => c.id === id);
  if (floor === undefined || other === undefined || other.failed !== undefined) return Number.NaN;
  return median(other.ms) / median(floor.ms);
}

function ratioCell(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)}×` : '-';
}

export interface Target {
  readonly what: string;
  readonly holds: boolean | undefined;
  readonly measured: string;
}

export function targets(results: readonly WholeResult[]): Target[] {
  const at = (engine: EngineName, keys: number) =>
    results.find((r) => r.engine === engine && r.foreignKeys === keys && r.skipped === undefined);
  const list: Target[] = [];
  for (const engine of ['postgres', 'mysql'] as const) {
    const result = at(engine, 10_000);
    for (const [id, limit, what] of [
      ['plan-unchanged', 3, 'plan, unchanged spec'],
      ['pull', 1.5, 'pull'],
    ] as const) {
      const value = result === undefined ? Number.NaN : ratio(result, id);
      list.push({
        what: `${ENGINE_LABELS[engine]}, 10,000 keys: ${what} ≤ ${limit}× the floor`,
        holds: Number.isFinite(value) ? value <= limit : undefined,
        measured: ratioCell(value),
      });
    }
    const large = at(engine, 20_000)?.cases.find((c) => c.id === 'plan-unchanged');
    const peak = large === undefined || large.rssMb.length === 0 ? Number.NaN : Math.max(...large.rssMb);
    list.push({
      what: `${ENGINE_LABELS[engine]}, 20,000 keys: peak RSS of plan < 200 MB`,
      holds: Number.isFinite(peak) ? peak * 1.048576 < 200 : undefined,
      measured: Number.isFinite(peak) ? `${peak.toFixed(0)} MiB (${(peak * 1.048576).toFixed(0)} MB)` : '-',
    });
  }
  return list;
}

function resultTable(results: readonly WholeResult[], engine: EngineName): string[] {
  const runs = results.filter((r) => r.engine === engine && r.skipped === undefined);
  if (runs.length === 0) {
    const skipped = results.find((r) => r.engine === engine)?.skipped;
    return [`${ENGINE_LABELS[engine]}: skipped${skipped === undefined ? '' : ` (${skipped})`}.`, ''];
  }
  const ids = [...new Set(runs.flatMap((r) => r.cases.map((c) => c.id)))];
  const header = `| case | ${runs.map((r) => `${r.foreignKeys.toLocaleString('en-US')} keys: time (min–max) | peak RSS | × floor`).join(' | ')} |`;
  const rule = `|---|${runs.map(() => '---:|---:|---:').join('|')}|`;
  const rows = ids.map((id) => {
    const label = runs.flatMap((r) => r.cases).find((c) => c.id === id)?.label ?? id;
    const cells = runs.map((r) => {
      const c = r.cases.find((candidate) => candidate.id === id);
      return `${timeCell(c)} | ${rssCell(c)} | ${id === FLOOR_ID ? '1×' : ratioCell(ratio(r, id))}`;
    });
    return `| ${label} | ${cells.join(' | ')} |`;
  });
  const first = runs[0];
  return [
    `### ${ENGINE_LABELS[engine]} (${first?.server ?? ''})`,
    '',
    `Tables: ${runs.map((r) => `${r.tables.toLocaleString('en-US')} for ${r.foreignKeys.toLocaleString('en-US')} keys`).join(', ')}.`,
    '',
    header,
    rule,
    ...rows,
    '',
  ];
}

export interface ReportInput {
  readonly machine: string;
  readonly versions: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly quick: boolean;
  readonly load: string;
  readonly results: readonly WholeResult[];
}

export function benchmarksMarkdown(input: ReportInput): string {
  const list = targets(input.results);
  const holds = (target: Target) =>
    target.holds === undefined ? 'not measured' : target.holds ? 'holds' : 'does not hold';
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${input.quick ? ' -- --quick' : ''}\` on ${input.startedAt} (${(input.durationMs / 60_000).toFixed(1)} min). ` +
      'See docs/benchmarks.md for how to run it and what each case does.',
    '',
    `- Machine: ${input.machine}`,
    `- Load when the run started (1/5/15 min): ${input.load}. Other work on the machine makes every figure noisy; ` +
      'the ratios compare cases measured in the same run, one after another.',
    `- Versions: ${input.versions}`,
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '|---|---:|---|',
    ...list.map((t) => `| ${t.what} | ${t.measured} | ${holds(t)} |`),
    '',
    '## What each figure is',
    '',
    '- **time**: wall clock of the whole process, from spawn to exit (node start-up, module loading, connecting, ' +
      'the work, exit), the median of the runs, with the fastest and slowest run in brackets. The Sequelize ' +
      'loop is the exception: it times 100 tables (one query each) and scales the mean to every table.',
    '- **peak RSS**: the largest maximum resident set size of the runs, from `/usr/bin/time -f %M`.',
    "- **× floor**: the median time over the floor's median time at the same key count, same server, same run.",
    '- **floor**: `bench/floor.mjs`, a minimal Node process that connects with `pg` or `mysql2` and runs ' +
      "fkdiff's own foreign-key catalog query once.",
    '- **plan, pulled spec**: `fkdiff plan` of the spec `fkdiff pull` wrote of the same database (nothing to change); ' +
      '**10 % changed**: a spec renaming, re-ruling, dropping, adding and swapping about 10 % of the keys.',
    '- **migra**: `@pgkit/migra` comparing the database with a second one holding the 10 % change (PostgreSQL only).',
    '',
    '## Results',
    '',
    ...resultTable(input.results, 'postgres'),
    ...resultTable(input.results, 'mysql'),
    '![time against key count](bench/chart.svg)',
    '',
  ].join('\n');
}

const COLORS: Readonly<Record<string, string>> = {
  floor: '#6b7280',
  pull: '#2563eb',
  'plan-unchanged': '#16a34a',
  'plan-changed': '#ca8a04',
  'plan-sql': '#9333ea',
  migra: '#dc2626',
  'sequelize-loop': '#0f766e',
};

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Median time against key count, log scale in time; solid PostgreSQL, dashed MariaDB. */
export function chartSvg(results: readonly WholeResult[]): string {
  const width = 820;
  const height = 460;
  const left = 70;
  const right = 300;
  const top = 30;
  const bottom = 50;
  const measured = results.filter((r) => r.skipped === undefined);
  const sizes = [...new Set(measured.map((r) => r.foreignKeys))].sort((a, b) => a - b);
  const times = measured.flatMap((r) =>
    r.cases.filter((c) => c.failed === undefined).map((c) => median(c.ms)),
  );
  const low = Math.max(0.01, Math.min(...times) / 1000 / 1.5);
  const high = (Math.max(...times) / 1000) * 1.5;
  const maxKeys = Math.max(...sizes, 1);
  const x = (keys: number) => left + (keys / maxKeys) * (width - left - right);
  const y = (ms: number) =>
    top +
    (1 - (Math.log10(ms / 1000) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) *
      (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14">fkdiff and others: whole-process time against foreign keys (log scale)</text>`,
  ];
  for (let decade = Math.ceil(Math.log10(low)); decade <= Math.log10(high); decade += 1) {
    const value = 10 ** decade * 1000;
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${left - 8}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${10 ** decade >= 1 ? 10 ** decade : (10 ** decade).toFixed(Math.abs(decade))} s</text>`,
    );
  }
  for (const keys of sizes) {
    parts.push(
      `<text x="${x(keys).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle">${keys.toLocaleString('en-US')}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">foreign keys</text>`,
  );
  let legend = 0;
  for (const engine of ['postgres', 'mysql'] as const) {
    const runs = measured.filter((r) => r.engine === engine).sort((a, b) => a.foreignKeys - b.foreignKeys);
    const ids = [...new Set(runs.flatMap((r) => r.cases.map((c) => c.id)))];
    for (const id of ids) {
      const points = runs.flatMap((r) => {
        const c = r.cases.find((candidate) => candidate.id === id);
        return c === undefined || c.failed !== undefined
          ? []
          : [[x(r.foreignKeys), y(median(c.ms))] as const];
      });
      if (points.length === 0) continue;
      const color = COLORS[id] ?? '#000';
      const dash = engine === 'mysql' ? ' stroke-dasharray="6 4"' : '';
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`,
        ...points.map(
          ([px, py]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${color}"/>`,
        ),
      );
      const ly = top + 10 + legend * 18;
      legend += 1;
      parts.push(
        `<line x1="${width - right + 20}" x2="${width - right + 50}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
        `<text x="${width - right + 56}" y="${ly + 4}">${escapeXml(`${ENGINE_LABELS[engine]}: ${id}`)}</text>`,
      );
    }
  }
  parts.push('</svg>', '');
  return parts.join('\n');
}
