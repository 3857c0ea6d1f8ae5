/** The saved plan (`plan --out`, `plan --format json`, `apply --plan`): docs/plan-json.md. */
export { writePlanFile } from './write.js';
export { readPlanFile } from './read.js';
export type { SavedPlan } from './read.js';
