/**
 * Reads a saved plan file back for apply: checked against schemas/plan.schema.json (every problem
 * with its line and column, as for specs), keeping only what applying it needs.
 */
import type { ValidateFunction } from 'ajv';
import type { EngineName } from '../engines/registry.js';
import { FkdiffError, problemsError } from '../errors.js';
import { schemaProblems, sortProblems } from '../spec/messages.js';
import { compileSchemaFile, requiredValidator } from '../spec/schema.js';
import { readYaml } from '../spec/source.js';

/** What applying a saved plan uses of it. */
export interface SavedPlan {
  readonly file: string;
  readonly dialect: EngineName;
  readonly schemas: readonly string[];
  readonly online: boolean;
  readonly fingerprint: string;
  /** The steps' SQL, in order. */
  readonly statements: readonly string[];
}

/** The part of a valid plan document this reader uses. */
interface PlanDocument {
  readonly dialect: EngineName;
  readonly schemas: readonly string[];
  readonly online: boolean;
  readonly fingerprint: string;
  readonly steps: readonly { readonly sql: string }[];
}

let validator: ValidateFunction<PlanDocument> | undefined;

function planValidator(): ValidateFunction<PlanDocument> {
  if (validator === undefined) {
    const { ajv, id } = compileSchemaFile('plan.schema.json');
    validator = requiredValidator<PlanDocument>(ajv, id);
  }
  return validator;
}

/** Reads a plan written by `writePlanFile`, refusing anything the schema does not admit. */
export function readPlanFile(text: string, file: string): SavedPlan {
  try {
    JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FkdiffError('PLAN_FILE_INVALID', `${file}: not valid JSON: ${reason}`, { cause: error });
  }
  // JSON is YAML: the YAML reader gives every value its line and column for the messages.
  const source = readYaml(text, file);
  const validate = planValidator();
  if (!validate(source.data)) {
    const problems = sortProblems(schemaProblems(validate.errors ?? [], source));
    throw problemsError('PLAN_FILE_INVALID', `${file}: not a plan as fkdiff writes it`, problems);
  }
  const plan = source.data;
  return {
    file,
    dialect: plan.dialect,
    schemas: plan.schemas,
    online: plan.online,
    fingerprint: plan.fingerprint,
    statements: plan.steps.map((step) => step.sql),
  };
}
