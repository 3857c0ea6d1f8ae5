export { loadModels } from './load.js';
export { modelsSpec } from './spec.js';
export type { ModelsSpecOptions } from './spec.js';
