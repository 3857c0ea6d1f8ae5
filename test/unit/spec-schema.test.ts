import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MATCH_TYPES, REFERENTIAL_ACTIONS } from '../../src/model/catalog.js';
import { HAZARD_CODES } from '../../src/model/plan.js';
import { SCHEMA_ID } from '../../src/spec/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const schema = JSON.parse(
  readFileSync(new URL('../../schemas/fkdiff.schema.json', import.meta.url), 'utf8'),
) as {
  [key: string]: Json;
};

/** Every schema node that describes a property or list item, with its path for failure messages. */
function propertySchemas(node: Json, path: string): [string, Json][] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  const children: [string, Json][] = [];
  const { properties, items, additionalProperties, definitions } = node;
  if (properties && typeof properties === 'object' && !Array.isArray(properties)) {
    for (const [key, child] of Object.entries(properties)) children.push([`${path}.${key}`, child]);
  }
  if (items !== undefined) children.push([`${path}[]`, items]);
  if (additionalProperties && typeof additionalProperties === 'object')
    children.push([`${path}.*`, additionalProperties]);
  const nested = children.flatMap(([childPath, child]) => propertySchemas(child, childPath));
  const defined =
    definitions && typeof definitions === 'object' && !Array.isArray(definitions)
      ? Object.entries(definitions).flatMap(([key, child]) => propertySchemas(child, `#${key}`))
      : [];
  return [...children, ...nested, ...defined];
}

function at(path: readonly string[]): Json {
  return path.reduce<Json>(
    (node, key) => (node && typeof node === 'object' && !Array.isArray(node) ? (node[key] ?? null) : null),
    schema,
  );
}

const foreignKeyProperties = ['definitions', 'foreignKey', 'properties'];

describe('schemas/fkdiff.schema.json', () => {
  it('is identified by the address pull writes into specs', () => {
    expect(schema['$id']).toBe(SCHEMA_ID);
  });

  it('describes every property and item, for editors', () => {
    const undescribed = propertySchemas(schema, '')
      .filter(
        ([, node]) =>
          !(
            node &&
            typeof node === 'object' &&
            !Array.isArray(node) &&
            ('description' in node || '$ref' in node)
          ),
      )
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('lists exactly the hazard codes of the model', () => {
    expect(at(['properties', 'policy', 'properties', 'denyHazards', 'items', 'enum'])).toEqual([
      ...HAZARD_CODES,
    ]);
  });

  it('lists exactly the match types of the model', () => {
    expect(at([...foreignKeyProperties, 'match', 'enum'])).toEqual([...MATCH_TYPES]);
  });

  it.each(['onDelete', 'onUpdate'])(
    'accepts %s as any referential action in any case, and nothing else',
    (field) => {
      const source = at([...foreignKeyProperties, field, 'pattern']);
      expect(typeof source).toBe('string');
      const pattern = new RegExp(typeof source === 'string' ? source : '', 'u');
      for (const action of REFERENTIAL_ACTIONS) {
        expect(
          [action, action.toUpperCase(), action.replace(/\b./gu, (c) => c.toUpperCase())].map((a) =>
            pattern.test(a),
          ),
        ).toEqual([true, true, true]);
      }
      expect(
        ['cascades', 'setnull', 'set  null', ' cascade', 'no_action', ''].filter((text) =>
          pattern.test(text),
        ),
      ).toEqual([]);
    },
  );
});
