/** The results of a fleet run: one outcome per target, and what they add up to. Pure. */
import { compareStrings } from '../model/catalog.js';
import type { HazardCode } from '../model/plan.js';
import type { Summary } from '../model/summary.js';

export const FLEET_COMMANDS = ['plan', 'apply', 'validate'] as const;
export type FleetCommand = (typeof FLEET_COMMANDS)[number];

/** What happened at one target. */
export type TargetOutcome =
  | { readonly status: 'unchanged' }
  /** Changes planned, not applied (plan, validate; apply when a denied hazard elsewhere stopped it). */
  | {
      readonly status: 'pending';
      readonly changes: Summary;
      readonly steps: number;
      readonly hazards: readonly HazardCode[];
      /** The hazards of the plan that the caller or the spec's policy refuses. */
      readonly denied: readonly HazardCode[];
    }
  | { readonly status: 'applied'; readonly changes: Summary; readonly steps: number }
  | { readonly status: 'failed'; readonly code: string; readonly message: string }
  | { readonly status: 'skipped'; readonly reason: SkipReason };

export type TargetStatus = TargetOutcome['status'];

/** Why a target was not run. */
export type SkipReason = 'interrupted' | 'fail-fast' | 'denied-elsewhere';

export interface TargetResult {
  /** How the summary names the target: the schema with `--each-schema`, else the target's name. */
  readonly target: string;
  /** The server's URL without its password. */
  readonly server: string;
  /** The schema (MySQL: database) the spec was run on, when the target is one of many schemas. */
  readonly schema: string | undefined;
  readonly outcome: TargetOutcome;
  readonly elapsedMs: number;
}

/** What a fleet run calls its targets: schemas of one connection are tenants. */
export type FleetNoun = 'tenant' | 'target';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface FleetReport {
  readonly command: FleetCommand;
  readonly noun: FleetNoun;
  /** The part of the fleet this run covered; undefined for the whole fleet (or a merged report). */
  readonly shard: Shard | undefined;
  /** Stopped before every target had run (Ctrl-C): the rest are skipped. */
  readonly interrupted: boolean;
  /** Sorted by target. */
  readonly results: readonly TargetResult[];
}

export function sortResults(results: readonly TargetResult[]): TargetResult[] {
  return [...results].sort((a, b) => compareStrings(a.target, b.target));
}

/** Exit codes as the contract gives them. */
export const FLEET_EXIT = { ok: 0, error: 1, pending: 2, denied: 3 } as const;

/**
 * 3 when a denied hazard stopped the run (anywhere), 1 when any target failed or the run was
 * interrupted, 2 with `exitCode` when changes are pending, else 0.
 */
export function fleetExitCode(report: FleetReport, exitCode: boolean): number {
  const outcomes = report.results.map((result) => result.outcome);
  const denied = outcomes.some(
    (outcome) =>
      (outcome.status === 'failed' && outcome.code === 'HAZARD_DENIED') ||
      (outcome.status === 'pending' && outcome.denied.length > 0 && (exitCode || report.command === 'apply')),
  );
  if (denied) return FLEET_EXIT.denied;
  if (report.interrupted || outcomes.some((outcome) => outcome.status === 'failed')) return FLEET_EXIT.error;
  if (exitCode && outcomes.some((outcome) => outcome.status === 'pending')) return FLEET_EXIT.pending;
  return FLEET_EXIT.ok;
}

/** Counts of targets by status, every status present. */
export function statusCounts(results: readonly TargetResult[]): Readonly<Record<TargetStatus, number>> {
  const counts: Record<TargetStatus, number> = {
    unchanged: 0,
    pending: 0,
    applied: 0,
    failed: 0,
    skipped: 0,
  };
  for (const result of results) counts[result.outcome.status] += 1;
  return counts;
}
