/** The targets file (`--targets FILE`): YAML checked against schemas/targets.schema.json. */
import type { ValidateFunction } from 'ajv';
import { FkdiffError, problemsError, type Problem } from '../errors.js';
import type { SourceLocation } from '../model/catalog.js';
import { parseTarget } from '../db/url.js';
import { schemaProblems, sortProblems } from '../spec/messages.js';
import { compileSchemaFile, requiredValidator } from '../spec/schema.js';
import { readYaml, type SpecSource } from '../spec/source.js';

/** One database (and, with `schemas`, the schemas of it) the spec is run on. */
export interface FleetTarget {
  readonly name: string;
  /** With `${VAR}` replaced from the environment: may hold a password, never shown. */
  readonly url: string;
  /** Globs over the connection's schemas (MySQL: databases); undefined: its current schema only. */
  readonly schemas: readonly string[] | undefined;
  /** Where the file lists it. */
  readonly source?: SourceLocation | undefined;
}

interface TargetDocument {
  readonly name?: string;
  readonly url: string;
  readonly schemas?: string | readonly string[];
}

const TARGETS_ID = 'https://unpkg.com/fkdiff/schemas/targets.schema.json';
let validator: ValidateFunction<TargetDocument[]> | undefined;

function targetsValidator(): ValidateFunction<TargetDocument[]> {
  validator ??= requiredValidator<TargetDocument[]>(compileSchemaFile('targets.schema.json').ajv, TARGETS_ID);
  return validator;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/gu;

/** `${VAR}` replaced by the environment's value; the names of those that are not set. */
function expand(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): { readonly url: string; readonly missing: readonly string[] } {
  const missing: string[] = [];
  const expanded = url.replace(VARIABLE, (_, name: string) => {
    const value = env[name];
    if (value === undefined) missing.push(name);
    return value ?? '';
  });
  return { url: expanded, missing };
}

function readSource(text: string, file: string): SpecSource {
  try {
    return readYaml(text, file);
  } catch (error) {
    if (error instanceof FkdiffError) {
      throw new FkdiffError('TARGETS_INVALID', `${file}: not a YAML targets file`, {
        problems: error.problems,
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Reads a targets file: every problem at once with its line and column (TARGETS_INVALID), `${VAR}`
 * taken from `env`.
 */
export function parseTargetsFile(
  text: string,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): FleetTarget[] {
  const source = readSource(text, file);
  const start = { file, line: 1, column: 1 };
  if (!Array.isArray(source.data) || source.data.length === 0) {
    throw problemsError('TARGETS_INVALID', `${file}: invalid targets file`, [
      {
        message: 'a targets file is a list of targets, each "- url: …" with an optional name and schemas',
        source: start,
      },
    ]);
  }
  const validate = targetsValidator();
  if (!validate(source.data)) {
    const problems = sortProblems(schemaProblems(validate.errors ?? [], source));
    throw problemsError('TARGETS_INVALID', `${file}: invalid targets file`, problems);
  }
  const documents: readonly TargetDocument[] = source.data;
  const problems: Problem[] = [];
  const seen = new Map<string, SourceLocation>();
  const targets = documents.map((document, index): FleetTarget => {
    const at = source.valueAt([index, 'url']);
    const { url, missing } = expand(document.url, env);
    for (const name of missing) {
      problems.push({ message: `environment variable ${name} is not set`, source: at });
    }
    let name = document.name;
    if (missing.length === 0) {
      try {
        const { display } = parseTarget(url);
        name ??= display;
      } catch (error) {
        problems.push({ message: error instanceof Error ? error.message : String(error), source: at });
      }
    }
    const where = source.keyAt([index]);
    const earlier = name === undefined ? undefined : seen.get(name);
    if (name !== undefined && earlier !== undefined) {
      problems.push({
        message: `target "${name}" is listed twice (also at line ${earlier.line}); give one a name`,
        source: where,
      });
    }
    if (name !== undefined) seen.set(name, where);
    const schemas = document.schemas;
    return {
      name: name ?? '',
      url,
      schemas: schemas === undefined ? undefined : typeof schemas === 'string' ? [schemas] : [...schemas],
      source: where,
    };
  });
  if (problems.length > 0) {
    throw problemsError('TARGETS_INVALID', `${file}: invalid targets file`, sortProblems(problems));
  }
  return targets;
}
