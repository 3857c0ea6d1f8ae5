/**
 * fkdiff as a library: the same pipeline as the CLI, with the same rules (apply lock, stale saved
 * plans, denied hazards, verification).
 *
 * ```ts
 * import { connect, parseSpec, makePlan, applySpec, renderText, engineFor } from 'fkdiff';
 * const connection = await connect(process.env.DATABASE_URL);
 * try {
 *   const spec = parseSpec(yamlText, 'fkdiff.yaml');
 *   const options = { online: false, checkData: true, lockTimeoutMs: 5000, lockWaitMs: 30_000, denyHazards: [] };
 *   const { plan } = await makePlan(connection, spec, options);
 *   await applySpec(connection, spec, options); // plans again under the apply lock, applies, verifies
 * } finally {
 *   await connection.close();
 * }
 * ```
 *
 * In a Sequelize app, with the app's own instance (nothing to close):
 *
 * ```ts
 * await sequelize.sync();
 * const fk = await fkdiffFor(sequelize);
 * await fk.apply(await fk.loadSpec({ models: true, includeUnconstrained: true }));
 * ```
 */
export type { ApplyEvent, ApplyResult } from './apply/apply.js';
export {
  applySpec,
  checkSpecOffline,
  databaseGraph,
  loadSpecFile,
  makePlan,
  pullSpec,
  reviewAtRef,
  reviewFiles,
  specGraph,
  verify,
} from './pipeline.js';
export type { ReviewOptions } from './pipeline.js';
export type { Review, ReviewSide, TableReview, ReviewedChange } from './review/review.js';
export type { KeyGraph, GraphEdge, EdgeStatus } from './graph/graph.js';
export { renderReviewMarkdown } from './render/review-markdown.js';
export { renderReviewJson } from './render/review-json.js';
export { renderMermaid } from './render/mermaid.js';
export { renderDot } from './render/dot.js';
export type { ApplyOutcome, ApplySpecOptions, MakePlanOptions, PlanResult } from './pipeline.js';
export { connect, connectSequelize } from './db/connection.js';
export { fkdiffFor } from './with-sequelize.js';
export type { SequelizeFkdiff, SpecInput } from './with-sequelize.js';
export { loadModels, modelsSpec } from './models/index.js';
export type { ModelsSpecOptions } from './models/index.js';
export { pullModels, specFromModels } from './pipeline.js';
export type { ModelsOptions } from './pipeline.js';
export type { Connection } from './db/connection.js';
export { engineFor, ENGINE_NAMES } from './engines/registry.js';
export type { EngineName } from './engines/registry.js';
export type { Engine, EngineCapabilities } from './engines/engine.js';
export { diff } from './diff/diff.js';
export { FkdiffError } from './errors.js';
export type { ErrorCode, Problem, Setting } from './errors.js';
export type { Catalog, DesiredForeignKey, ForeignKey, ReferentialAction, TableRef } from './model/catalog.js';
export type { Change } from './model/change.js';
export { HAZARD_CODES } from './model/plan.js';
export type { Hazard, HazardCode, Plan, Step, StepAction } from './model/plan.js';
export { planChanges } from './plan/plan.js';
export { readPlanFile, writePlanFile } from './planfile/index.js';
export type { SavedPlan } from './planfile/index.js';
export {
  migrationFileName,
  renderMarkdown,
  renderSequelizeMigration,
  renderSql,
  renderText,
} from './render/index.js';
export type { OutputFormat } from './render/index.js';
export { parseSpec, resolveSpec, writeSpec } from './spec/index.js';
export type { RawSpec, Spec } from './spec/index.js';
export {
  fleetExitCode,
  mergeFleetReports,
  parseShard,
  parseTargetsFile,
  readFleetJson,
  runFleet,
  writeFleetJson,
} from './fleet/index.js';
export type {
  FleetCommand,
  FleetEvent,
  FleetOptions,
  FleetReport,
  FleetTarget,
  Shard,
  TargetOutcome,
  TargetResult,
} from './fleet/index.js';
export { renderFleetText } from './render/fleet.js';
