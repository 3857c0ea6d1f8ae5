/** The saved plan, as JSON output and as the file apply reads back: docs/plan-json.md. */
export { writePlanFile } from './write.js';
export { readPlanFile } from './read.js';
export type { SavedPlan } from './read.js';
