/** What a plan amounts to, derived from its changes and steps: counts, and each hazard once. */
import { assertNever } from '../collections.js';
import type { Change } from './change.js';
import type { TableRef } from './catalog.js';
import { tableKey } from './catalog.js';
import type { HazardCode, Step } from './plan.js';

/** Counts by what a user sees happen; `alter` and `replace` both change a key in place for them. */
export interface Summary {
  readonly add: number;
  readonly drop: number;
  readonly rename: number;
  readonly change: number;
  readonly validate: number;
}

function summaryKey(change: Change): keyof Summary {
  switch (change.kind) {
    case 'add':
      return 'add';
    case 'drop':
      return 'drop';
    case 'rename':
      return 'rename';
    case 'alter':
    case 'replace':
      return 'change';
    case 'validate':
      return 'validate';
    default:
      return assertNever(change);
  }
}

export function summarize(changes: readonly Change[]): Summary {
  const counts = { add: 0, drop: 0, rename: 0, change: 0, validate: 0 };
  for (const change of changes) counts[summaryKey(change)] += 1;
  return counts;
}

/** A hazard as the plan reports it once, with the constraint it concerns. */
export interface PlanHazard {
  readonly code: HazardCode;
  readonly message: string;
  readonly table: TableRef;
  readonly constraint: string;
  readonly avoidedBy: Step['hazards'][number]['avoidedBy'];
}

/**
 * The steps' hazards in plan order, each reported once per constraint (a replace's drop and add, or
 * an online add and its validation, would otherwise say it twice); two hazards of one code with
 * different messages (ON DELETE and ON UPDATE both cascading) are both kept.
 */
export function planHazards(steps: readonly Step[]): readonly PlanHazard[] {
  const seen = new Set<string>();
  const hazards: PlanHazard[] = [];
  for (const step of steps) {
    const { table, name } = step.action.fk;
    for (const hazard of step.hazards) {
      const key = [hazard.code, tableKey(table), name, hazard.message].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      hazards.push({
        code: hazard.code,
        message: hazard.message,
        table,
        constraint: name,
        avoidedBy: hazard.avoidedBy,
      });
    }
  }
  return hazards;
}
