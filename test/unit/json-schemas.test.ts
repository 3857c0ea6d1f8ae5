import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSchemaFile } from '../../src/spec/schema.js';

const SCHEMAS = readdirSync(resolve(import.meta.dirname, '../../schemas')).filter((file) =>
  file.endsWith('.schema.json'),
);

// fkdiff compiles its schemas without the meta-schema check, to start faster: this is that check.
describe('the JSON Schemas fkdiff ships', () => {
  it('are all here', () => {
    expect(SCHEMAS).toEqual([
      'fkdiff.schema.json',
      'fleet-report.schema.json',
      'plan.schema.json',
      'targets.schema.json',
    ]);
  });

  it.each(SCHEMAS)('%s is valid against the meta-schema and compiles in strict mode', (file) => {
    const { ajv, schema } = compileSchemaFile(file, { checkSchema: true });
    expect(ajv.validateSchema(schema as object)).toBe(true);
    expect(ajv.errors ?? null).toBeNull();
  });

  it('a schema breaking the meta-schema is refused by that check', () => {
    const { ajv } = compileSchemaFile('fkdiff.schema.json', { checkSchema: true });
    expect(ajv.validateSchema({ type: 'strnig' })).toBe(false);
  });
});
