import type { Plan } from '../../src/model/plan.js';
import { planHazards } from '../../src/model/summary.js';
import { hazardKey, type SavedStep } from '../../src/planfile/read.js';

/** The steps and hazards `readPlanFile` reads back from the file of `plan`. */
export function savedParts(plan: Plan): { steps: SavedStep[]; hazards: string[] } {
  return {
    steps: plan.steps.map((step) => ({
      op: step.action.kind,
      table: { schema: step.action.fk.table.schema, name: step.action.fk.table.name },
      constraint: step.action.fk.name,
      sql: step.sql,
      transaction: step.transaction,
      hazards: step.hazards.map((hazard) => hazard.code),
    })),
    hazards: planHazards(plan.steps).map(hazardKey),
  };
}
