import type { Hazard, StepOp } from '../model/plan.js';

/** A step before it has SQL and a transaction number. */
export interface DraftStep {
  readonly op: StepOp;
  readonly hazards: readonly Hazard[];
  /** Runs after the main transaction, in one of its own (online validation). */
  readonly separate: boolean;
}
