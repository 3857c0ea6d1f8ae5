import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { MatchType } from '../model/catalog.js';
import type { HazardCode } from '../model/plan.js';

/** A foreign key item as the JSON Schema admits it; actions are still in the user's case. */
export interface ForeignKeyDocument {
  readonly name?: string;
  readonly columns: readonly string[];
  readonly references: string | { readonly table: string; readonly columns: readonly string[] };
  readonly onDelete?: string;
  readonly onUpdate?: string;
  readonly deferrable?: boolean;
  readonly initiallyDeferred?: boolean;
  readonly match?: MatchType;
  readonly notValid?: boolean;
  /** PostgreSQL 18+: false for NOT ENFORCED. */
  readonly enforced?: boolean;
  /** PostgreSQL 18+: a temporal key (PERIOD on the last column of both sides). */
  readonly period?: boolean;
}

/** The whole spec as the JSON Schema admits it, after YAML has become plain data. */
export interface SpecDocument {
  readonly version: 1;
  readonly schemas?: readonly string[];
  readonly tables?: Readonly<Record<string, { readonly foreignKeys: readonly ForeignKeyDocument[] }>>;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly policy?: { readonly denyHazards?: readonly HazardCode[] };
}

export interface SpecValidators {
  /** The JSON Schema itself, to read allowed keys and values back from. */
  readonly schema: unknown;
  readonly spec: ValidateFunction<SpecDocument>;
  readonly foreignKey: ValidateFunction<ForeignKeyDocument>;
}

/** `schemas/` ships next to `dist/`; this module sits two levels below the package root in both. */
const SCHEMAS_URL = new URL('../../schemas/', import.meta.url);
/** The spec schema's `$id`, also where `pull` points editors (`# yaml-language-server: $schema=`). */
export const SCHEMA_ID = 'https://unpkg.com/fkdiff/schemas/fkdiff.schema.json';

/** A JSON Schema of `schemas/`, compiled with the options every document of fkdiff's is checked with. */
export function compileSchemaFile(
  file: string,
  options: {
    /**
     * Check the schema against JSON Schema's meta-schema first. Off when fkdiff runs: the schemas
     * ship with it and a test checks them (test/unit/json-schemas.test.ts), and compiling the
     * meta-schema cost every command that reads a spec more than validating a 10,000-key spec.
     */
    readonly checkSchema?: boolean;
  } = {},
): {
  readonly ajv: Ajv;
  readonly schema: unknown;
  readonly id: string;
} {
  const url = new URL(file, SCHEMAS_URL);
  const schema = JSON.parse(readFileSync(url, 'utf8')) as unknown;
  if (typeof schema !== 'object' || schema === null) throw new Error(`${url.href} is not a JSON Schema`);
  // logger false: nothing here writes to the console; verbose: errors carry their schema and data.
  // discriminator: a tagged union's errors are those of the variant its tag names, not of every variant.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
    logger: false,
    discriminator: true,
    validateSchema: options.checkSchema ?? false,
  });
  ajv.addSchema(schema);
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error(`${url.href} has no $id`);
  return { ajv, schema, id };
}

export function requiredValidator<T>(ajv: Ajv, ref: string): ValidateFunction<T> {
  const validate = ajv.getSchema<T>(ref);
  if (validate === undefined) throw new Error(`the JSON Schema has no ${ref}`);
  return validate;
}

let validators: SpecValidators | undefined;

/** Compiled on first use, once: most commands read one spec, and the help needs none. */
export function specValidators(): SpecValidators {
  if (validators === undefined) {
    const { ajv, schema } = compileSchemaFile('fkdiff.schema.json');
    validators = {
      schema,
      spec: requiredValidator<SpecDocument>(ajv, SCHEMA_ID),
      foreignKey: requiredValidator<ForeignKeyDocument>(ajv, `${SCHEMA_ID}#/definitions/foreignKey`),
    };
  }
  return validators;
}
