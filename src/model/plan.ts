import type { Change } from './change.js';
import type { DialectName, ForeignKey } from './catalog.js';

/** Stable hazard codes: users deny them by name (`--deny-hazards`, `policy.denyHazards`). */
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
}

/** One DDL operation. The dialect turns each into exactly one SQL statement. */
export type StepOp =
  | { readonly op: 'drop'; readonly fk: ForeignKey }
  | { readonly op: 'rename'; readonly fk: ForeignKey; readonly newName: string }
  | {
      readonly op: 'alter';
      readonly fk: ForeignKey;
      readonly deferrable: boolean;
      readonly initiallyDeferred: boolean;
    }
  /** `notValid`: add without checking existing rows (PostgreSQL NOT VALID). */
  | { readonly op: 'add'; readonly fk: ForeignKey; readonly notValid: boolean }
  | { readonly op: 'validate'; readonly fk: ForeignKey }
  /** MySQL: an index InnoDB created for a foreign key, dropped because it blocks a later step. */
  | { readonly op: 'drop-index'; readonly fk: ForeignKey; readonly indexName: string };

export type StepOpKind = StepOp['op'];

export interface Step {
  readonly op: StepOp;
  readonly sql: string;
  readonly hazards: readonly Hazard[];
  /**
   * Steps with the same number run in one transaction (dialects with transactional DDL);
   * numbers increase through the plan.
   */
  readonly transaction: number;
}

export interface Plan {
  readonly dialect: DialectName;
  readonly schemas: readonly string[];
  readonly online: boolean;
  readonly changes: readonly Change[];
  readonly steps: readonly Step[];
  /** Hash of the current foreign keys the plan was computed from; `apply --plan` checks it. */
  readonly fingerprint: string;
}
