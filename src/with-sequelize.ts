/**
 * fkdiff inside a Sequelize app: the app's own instance is the connection (no URL, no second pool,
 * never closed here). Specs come from a file, YAML text or the instance's models; plan and apply are
 * the pipeline's, with its rules and errors.
 */
import type { Sequelize } from 'sequelize';
import { connectSequelize, type Connection } from './db/connection.js';
import {
  applySpec,
  loadSpecFile,
  makePlan,
  specFromModels,
  type ApplyOutcome,
  type ApplySpecOptions,
  type MakePlanOptions,
  type PlanResult,
} from './pipeline.js';
import { parseSpec, type RawSpec } from './spec/index.js';

/** Where the desired keys come from. */
export type SpecInput =
  | { readonly file: string }
  | { readonly text: string; readonly name?: string }
  /** The instance's models, as `sync()` creates their keys; `constraints: false` ones on request. */
  | { readonly models: true; readonly includeUnconstrained?: boolean };

export interface SequelizeFkdiff {
  /** The connection over the caller's instance, for the lower-level verbs. */
  readonly connection: Connection;
  loadSpec(input: SpecInput): Promise<RawSpec>;
  plan(spec: RawSpec, options?: Partial<MakePlanOptions>): Promise<PlanResult>;
  /** Plans under the apply lock, applies and verifies; no question is asked unless `confirm` is given. */
  apply(spec: RawSpec, options?: Partial<ApplySpecOptions>): Promise<ApplyOutcome>;
}

const DEFAULTS: ApplySpecOptions = {
  online: false,
  checkData: true,
  lockTimeoutMs: 5_000,
  lockWaitMs: 30_000,
  denyHazards: [],
};

/** Reads the current schema through `sequelize` once; CONNECTION_FAILED when the instance cannot. */
export async function fkdiffFor(sequelize: Sequelize): Promise<SequelizeFkdiff> {
  const connection = await connectSequelize(sequelize);
  return {
    connection,
    async loadSpec(input) {
      if ('file' in input) return loadSpecFile(input.file);
      if ('text' in input) return parseSpec(input.text, input.name ?? 'fkdiff.yaml');
      return specFromModels(connection, sequelize, {
        module: `models of ${connection.display}`,
        includeUnconstrained: input.includeUnconstrained ?? false,
      });
    },
    plan: (spec, options) => makePlan(connection, spec, { ...DEFAULTS, ...options }),
    apply: (spec, options) => applySpec(connection, spec, { ...DEFAULTS, ...options }),
  };
}
