/**
 * fkdiff as a library: the same pipeline as the CLI.
 *
 * ```ts
 * import { connect, parseSpec, makePlan, applyPlan, verify, renderText, dialectFor } from 'fkdiff';
 * const connection = await connect(process.env.DATABASE_URL);
 * try {
 *   const spec = parseSpec(yamlText, 'fkdiff.yaml');
 *   const { plan } = await makePlan(connection, spec, { online: false, checkData: true, lockTimeoutMs: 5000 });
 *   await applyPlan(connection, plan, { lockTimeoutMs: 5000 }); // MySQL: inside withApplyLock
 *   await verify(connection, spec);
 * } finally {
 *   await connection.close();
 * }
 * ```
 */
export { applyPlan } from './apply/apply.js';
export type { ApplyEvent, ApplyOptions, ApplyResult } from './apply/apply.js';
export { loadSpecFile, makePlan, pullSpec, verify } from './core.js';
export type { MakePlanOptions, PlanResult } from './core.js';
export { connect } from './db/connection.js';
export { withApplyLock } from './db/locks.js';
export type { Connection } from './db/connection.js';
export { dialectFor } from './dialect/index.js';
export type { Dialect, DialectCapabilities } from './dialect/index.js';
export { diff } from './diff/diff.js';
export { FkdiffError } from './errors.js';
export type { ErrorCode, Problem } from './errors.js';
export type { Catalog, DesiredForeignKey, ForeignKey, ReferentialAction, TableRef } from './model/catalog.js';
export type { Change } from './model/change.js';
export { HAZARD_CODES } from './model/plan.js';
export type { Hazard, HazardCode, Plan, Step, StepOp } from './model/plan.js';
export { planChanges } from './plan/plan.js';
export { parsePlanJson, renderJson, renderMarkdown, renderSql, renderText } from './render/index.js';
export type { OutputFormat } from './render/index.js';
export { parseSpec, resolveSpec, writeSpec } from './spec/index.js';
export type { RawSpec, Spec } from './spec/index.js';
