import type { Change } from './change.js';
import type { ForeignKey } from './catalog.js';
import type { EngineName } from '../engines/names.js';
import type { Setting } from './settings.js';

/** Stable hazard codes: users deny them by name (`policy.denyHazards`). */
export const HAZARD_CODES = [
  /** The step holds a lock that blocks writes to a table while it checks every row. */
  'blocks-writes',
  /** Reads wait too: the transaction already holds an exclusive lock on a table the step scans. */
  'blocks-reads',
  /** The step checks existing rows and fails if any of them violates the key. */
  'validates-data',
  /** A foreign key is removed and not put back: the database stops enforcing it. */
  'drops-fk',
  /** Deletes or updates of referenced rows start to cascade to the referencing rows. */
  'enables-cascade',
  /** An index is dropped (InnoDB: a leftover of an earlier key, in the way of a new one). */
  'drops-index',
  /** The plan cannot run in one transaction: a failure part-way leaves some steps applied. */
  'non-transactional',
] as const;
export type HazardCode = (typeof HAZARD_CODES)[number];

export interface Hazard {
  readonly code: HazardCode;
  readonly message: string;
  /** A setting that would avoid the hazard; the CLI names its flag. */
  readonly avoidedBy?: Setting;
}

/** One DDL operation. The engine turns each into exactly one SQL statement. */
export type StepAction =
  | { readonly kind: 'drop'; readonly fk: ForeignKey }
  | { readonly kind: 'rename'; readonly fk: ForeignKey; readonly newName: string }
  /**
   * DEFERRABLE / INITIALLY DEFERRED; or, when `enforced` is set, ENFORCED / NOT ENFORCED only
   * (PostgreSQL 18; making a key enforced checks every row, as a validation does).
   */
  | {
      readonly kind: 'alter';
      readonly fk: ForeignKey;
      readonly deferrable: boolean;
      readonly initiallyDeferred: boolean;
      readonly enforced?: boolean;
    }
  /** `notValid`: add without checking existing rows (PostgreSQL NOT VALID). */
  | { readonly kind: 'add'; readonly fk: ForeignKey; readonly notValid: boolean }
  | { readonly kind: 'validate'; readonly fk: ForeignKey }
  /** MySQL: an index InnoDB created for a foreign key, dropped because it blocks a later step. */
  | { readonly kind: 'drop-index'; readonly fk: ForeignKey; readonly indexName: string };

export type StepKind = StepAction['kind'];

/** A step before it has SQL and a transaction number. */
export interface DraftStep {
  readonly action: StepAction;
  readonly hazards: readonly Hazard[];
  /** Runs after the main transaction, in a transaction of its own (online validation). */
  readonly ownTransaction: boolean;
  /** The change this step helps make. */
  readonly change: Change;
}

export interface Step {
  readonly action: StepAction;
  readonly sql: string;
  readonly hazards: readonly Hazard[];
  /**
   * Steps with the same number run in one transaction (engines with transactional DDL);
   * numbers increase through the plan.
   */
  readonly transaction: number;
  /** The change this step helps make: one of the plan's `changes`. */
  readonly change: Change;
}

export interface Plan {
  readonly dialect: EngineName;
  readonly schemas: readonly string[];
  readonly online: boolean;
  readonly changes: readonly Change[];
  readonly steps: readonly Step[];
  /** Hash of the current foreign keys the plan was computed from; applying a saved plan checks it. */
  readonly fingerprint: string;
}

/** Consecutive steps sharing a transaction number; each group runs as one transaction. */
export function transactionGroups<T extends { readonly transaction: number }>(
  steps: readonly T[],
): readonly (readonly T[])[] {
  const groups: T[][] = [];
  for (const step of steps) {
    const last = groups.at(-1);
    if (last?.[0]?.transaction === step.transaction) last.push(step);
    else groups.push([step]);
  }
  return groups;
}
