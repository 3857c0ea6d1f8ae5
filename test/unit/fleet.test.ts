import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fleetExitCode,
  type FleetReport,
  type TargetOutcome,
  type TargetResult,
} from '../../src/fleet/report.js';
import { mergeFleetReports, readFleetJson, writeFleetJson } from '../../src/fleet/report-json.js';
import { globMatcher, parseShard, shardOf } from '../../src/fleet/select.js';
import { renderFleetText } from '../../src/render/fleet.js';

const none = { add: 0, drop: 0, rename: 0, change: 0, validate: 0 };
const result = (target: string, outcome: TargetOutcome): TargetResult => ({
  target,
  server: 'postgres://app@db/app',
  schema: target,
  outcome,
  elapsedMs: 5,
});
const report = (results: readonly TargetResult[], extra: Partial<FleetReport> = {}): FleetReport => ({
  command: 'plan',
  noun: 'tenant',
  shard: undefined,
  interrupted: false,
  results,
  ...extra,
});
const pending = (add: number): TargetOutcome => ({
  status: 'pending',
  changes: { ...none, add },
  steps: add,
  hazards: [],
  denied: [],
});

describe('fleet shards', () => {
  it('K/N over 1..N takes every target exactly once, the parts differing by at most one', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        (names, n) => {
          const parts = Array.from({ length: n }, (_, k) =>
            shardOf(names, (name) => name, { index: k + 1, count: n }),
          );
          expect(parts.flat().sort()).toEqual([...names].sort());
          const sizes = parts.map((part) => part.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          // The same split whatever order the targets come in.
          const reversed = shardOf([...names].reverse(), (name) => name, { index: 1, count: n });
          expect(reversed).toEqual(parts[0]);
        },
      ),
    );
  });

  it('reads K/N and refuses anything else', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['0/8', '9/8', '3', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow('is not K/N');
  });

  it('globs: * and ? only, case-sensitive, everything else literal', () => {
    const matches = globMatcher(['tenant_*', 'x?.y']);
    expect(['tenant_1', 'tenant_', 'xa.y'].every(matches)).toBe(true);
    expect(['Tenant_1', 'xab.y', 'xaby', 'a_tenant_1'].some(matches)).toBe(false);
  });
});

describe('fleet summary and exit codes', () => {
  const results = [
    result('t1', { status: 'unchanged' }),
    result('t2', pending(1)),
    result('t3', { status: 'unchanged' }),
    result('t4', pending(1)),
    result('t5', { status: 'failed', code: 'LOCK_TIMEOUT', message: 'waited 300 ms for a lock on t5.users' }),
  ];

  it('groups identical outcomes, the largest first, and names each failure with its reason', () => {
    expect(renderFleetText(report(results))).toBe(
      [
        'fkdiff plan: 5 tenants: 2 unchanged, 2 pending, 1 failed.',
        '  2 tenants: 1 to add — t2, t4',
        '  2 tenants: no changes',
        '  1 tenant failed:',
        '    t5: waited 300 ms for a lock on t5.users [LOCK_TIMEOUT]',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 on a failure, 2 with --exit-code for pending changes, 3 for a denied hazard anywhere', () => {
    expect(fleetExitCode(report(results), true)).toBe(1);
    expect(fleetExitCode(report(results.slice(0, 4)), true)).toBe(2);
    expect(fleetExitCode(report(results.slice(0, 4)), false)).toBe(0);
    const denied = result('t6', {
      ...pending(1),
      hazards: ['drops-fk'],
      denied: ['drops-fk'],
    } as TargetOutcome);
    expect(fleetExitCode(report([...results, denied]), true)).toBe(3);
    expect(fleetExitCode(report(results.slice(0, 1), { interrupted: true }), false)).toBe(1);
  });

  it('JSON round-trips, and shards merge into the whole only when each is there once', () => {
    const whole = report(results);
    const shard = (k: number) =>
      report(
        shardOf(results, (r) => r.target, { index: k, count: 2 }),
        { shard: { index: k, count: 2 } },
      );
    const read = (r: FleetReport, file: string) => ({ file, report: readFleetJson(writeFleetJson(r), file) });
    expect(readFleetJson(writeFleetJson(whole), 'whole.json')).toEqual(whole);
    expect(mergeFleetReports([read(shard(2), 'b.json'), read(shard(1), 'a.json')])).toEqual(whole);
    expect(() => mergeFleetReports([read(shard(1), 'a.json'), read(shard(1), 'b.json')])).toThrow(
      'a.json and b.json are both shard 1/2',
    );
    expect(() => readFleetJson('{"fkdiff": "fleet-report", "version": 2}', 'bad.json')).toThrow(
      'not a fleet report',
    );
  });
});
