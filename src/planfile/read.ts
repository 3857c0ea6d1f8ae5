/**
 * Reads a saved plan file back for apply: checked against schemas/plan.schema.json (every problem
 * with its line and column, as for specs), keeping only what applying it needs.
 */
import type { ValidateFunction } from 'ajv';
import type { EngineName } from '../engines/names.js';
import type { DesiredForeignKey } from '../model/catalog.js';
import type { HazardCode } from '../model/plan.js';
import type { Spec } from '../spec/resolve.js';
import { FkdiffError, problemsError } from '../errors.js';
import { schemaProblems, sortProblems } from '../spec/messages.js';
import { compileSchemaFile, requiredValidator } from '../spec/schema.js';
import { readYaml, type SpecSource } from '../spec/source.js';

/** What applying a saved plan uses of it. */
export interface SavedPlan {
  readonly file: string;
  readonly dialect: EngineName;
  readonly schemas: readonly string[];
  readonly online: boolean;
  readonly fingerprint: string;
  /** The steps' SQL, in order. */
  readonly statements: readonly string[];
  /** The steps as saved, one by one: apply checks each against a fresh plan. */
  readonly steps: readonly SavedStep[];
  /** The plan's hazards as saved: `code table.constraint`, in order. */
  readonly hazards: readonly string[];
  /** The resolved spec the plan was made from; absent in files written before fkdiff saved it. */
  readonly spec: Spec | undefined;
}

/** One saved step, as far as apply compares it with a fresh plan's. */
export interface SavedStep {
  readonly op: string;
  readonly table: { readonly schema: string; readonly name: string };
  readonly constraint: string;
  readonly sql: string;
  readonly transaction: number;
  readonly hazards: readonly HazardCode[];
}

interface StepDocument extends Omit<SavedStep, 'hazards'> {
  readonly hazards: readonly { readonly code: HazardCode }[];
}

interface PlanHazardDocument {
  readonly code: HazardCode;
  readonly table: { readonly schema: string; readonly name: string };
  readonly constraint: string;
}

/** A plan hazard as apply compares it. */
export function hazardKey(hazard: PlanHazardDocument): string {
  return `${hazard.code} ${hazard.table.schema}.${hazard.table.name}.${hazard.constraint}`;
}

type DesiredKeyDocument = Omit<DesiredForeignKey, 'name' | 'source'> & {
  readonly name: string | null;
  readonly source: DesiredForeignKey['source'] | null;
};

interface SpecDocument {
  readonly file: string;
  readonly exclude: readonly string[];
  readonly denyHazards: readonly HazardCode[];
  readonly foreignKeys: readonly DesiredKeyDocument[];
}

/** The part of a valid plan document this reader uses. */
interface PlanDocument {
  readonly dialect: EngineName;
  readonly schemas: readonly string[];
  readonly online: boolean;
  readonly fingerprint: string;
  readonly steps: readonly StepDocument[];
  readonly hazards: readonly PlanHazardDocument[];
  readonly spec?: SpecDocument;
}

function savedSpec(document: SpecDocument, schemas: readonly string[]): Spec {
  return {
    file: document.file,
    schemas,
    exclude: document.exclude,
    denyHazards: document.denyHazards,
    foreignKeys: document.foreignKeys.map((fk) => ({
      ...fk,
      name: fk.name ?? undefined,
      source: fk.source ?? undefined,
    })),
  };
}

let validator: ValidateFunction<PlanDocument> | undefined;

function planValidator(): ValidateFunction<PlanDocument> {
  if (validator === undefined) {
    const { ajv, id } = compileSchemaFile('plan.schema.json');
    validator = requiredValidator<PlanDocument>(ajv, id);
  }
  return validator;
}

/** Where each value is written, for the messages; a text YAML cannot read gives no positions. */
function locatedSource(text: string, file: string, data: unknown): SpecSource {
  try {
    return readYaml(text, file);
  } catch {
    const start = { file, line: 1, column: 1 };
    return { file, data, valueAt: () => start, keyAt: () => start };
  }
}

/** Reads a plan written by `writePlanFile`, refusing anything the schema does not admit. */
export function readPlanFile(text: string, file: string): SavedPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FkdiffError('PLAN_FILE_INVALID', `${file}: not valid JSON: ${reason}`, { cause: error });
  }
  const validate = planValidator();
  if (!validate(data)) {
    // JSON is YAML: the YAML reader gives every value its line and column, needed for messages only.
    const source = locatedSource(text, file, data);
    const problems = sortProblems(schemaProblems(validate.errors ?? [], source, 'plan'));
    throw problemsError('PLAN_FILE_INVALID', `${file}: not a plan as fkdiff writes it`, problems);
  }
  return {
    file,
    dialect: data.dialect,
    schemas: data.schemas,
    online: data.online,
    fingerprint: data.fingerprint,
    statements: data.steps.map((step) => step.sql),
    steps: data.steps.map((step) => ({
      op: step.op,
      table: { schema: step.table.schema, name: step.table.name },
      constraint: step.constraint,
      sql: step.sql,
      transaction: step.transaction,
      hazards: step.hazards.map((hazard) => hazard.code),
    })),
    hazards: data.hazards.map(hazardKey),
    spec: data.spec === undefined ? undefined : savedSpec(data.spec, data.schemas),
  };
}
