/**
 * A saved plan against the plan made now from the same database: apply runs the saved file only when
 * the two agree in dialect, fingerprint, every step (operation, table, constraint, SQL, transaction,
 * hazards) and the plan's hazards; otherwise it says the first place where they differ.
 */
import type { Plan, Step } from '../model/plan.js';
import { planHazards } from '../model/summary.js';
import { displayTable } from '../render/display.js';
import { hazardKey, type SavedPlan, type SavedStep } from './read.js';

function stepDifference(saved: SavedStep, step: Step): string | undefined {
  const { action } = step;
  if (saved.op !== action.kind) return `it is ${saved.op} in the file, ${action.kind} now`;
  const table = action.fk.table;
  if (saved.table.schema !== table.schema || saved.table.name !== table.name) {
    return `its table is ${displayTable(saved.table)} in the file, ${displayTable(table)} now`;
  }
  if (saved.constraint !== action.fk.name) return 'its constraint differs';
  if (saved.sql !== step.sql) return 'its SQL differs';
  if (saved.transaction !== step.transaction) return 'it runs in another transaction';
  const hazards = step.hazards.map((hazard) => hazard.code);
  if (saved.hazards.join(',') !== hazards.join(',')) {
    return `its hazards are [${saved.hazards.join(', ')}] in the file, [${hazards.join(', ')}] now`;
  }
  return undefined;
}

/** Where the saved plan and the fresh one differ, in words; undefined when they are the same plan. */
export function savedPlanDifference(saved: SavedPlan, plan: Plan): string | undefined {
  if (saved.dialect !== plan.dialect)
    return `it was made for ${saved.dialect}, the database is ${plan.dialect}`;
  if (saved.online !== plan.online)
    return saved.online ? 'it was made online, a plan made now is not' : 'it was not made online';
  if (saved.fingerprint !== plan.fingerprint) return 'the database changed since it was made (fingerprint)';
  if (saved.steps.length !== plan.steps.length) {
    return `it has ${saved.steps.length} steps, a plan made now has ${plan.steps.length}`;
  }
  for (const [index, step] of plan.steps.entries()) {
    const savedStep = saved.steps[index];
    const difference = savedStep === undefined ? 'it is missing' : stepDifference(savedStep, step);
    if (difference !== undefined) return `step ${index + 1}: ${difference}`;
  }
  const hazards = planHazards(plan.steps).map(hazardKey);
  if (saved.hazards.join('\n') !== hazards.join('\n')) return "its list of hazards is not the plan's";
  return undefined;
}

/** The plan to run: the saved statements, once `savedPlanDifference` has found none. */
export function savedSteps(saved: SavedPlan, plan: Plan): Plan {
  return {
    ...plan,
    steps: plan.steps.map((step, index) => ({ ...step, sql: saved.steps[index]?.sql ?? step.sql })),
  };
}
