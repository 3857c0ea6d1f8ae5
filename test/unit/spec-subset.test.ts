import { describe, expect, it } from 'vitest';
import { asDesired, syntheticCatalog } from '../../bench/synthetic.js';
import { engineFor } from '../../src/engines/registry.js';
import { readFastYaml } from '../../src/spec/fast-yaml.js';
import { parseSpecFile } from '../../src/spec/parse.js';
import { resolveSpec, writeSpec } from '../../src/spec/index.js';

function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

const HAND_WRITTEN = yaml(
  '# yaml-language-server: $schema=./schemas/fkdiff.schema.json',
  'version: 1 # the format',
  'schemas:',
  '- public',
  "- 'billing'",
  'tables:',
  '  users:',
  '    foreignKeys:',
  '      - name: "users org"',
  '        columns: [ org_id ]',
  '        references:',
  '          table: orgs',
  "          columns: ['id']",
  '        onDelete: SET NULL',
  '        deferrable: true',
  '      -   columns: [team_id, org_id]   # composite',
  '          references: billing.teams(id, org_id)',
  '',
  '  billing.invoices:',
  '    foreignKeys: []',
  '  "public.empty":',
  '    foreignKeys:',
  '    - columns: [x]',
  '      references: empty(id)',
  'exclude: [audit_*, "legacy.*"]',
  'policy:',
  '  denyHazards: [blocks-writes]',
);

const SUBSET_SPECS: readonly (readonly [string, string])[] = [
  ['a hand-written spec', HAND_WRITTEN],
  [
    'what pull writes (PostgreSQL, 400 keys)',
    writeSpec(
      { foreignKeys: syntheticCatalog(400, engineFor('postgres')).catalog.foreignKeys.map(asDesired) },
      { schemas: ['app', 'billing'], defaultSchema: 'app' },
    ),
  ],
  [
    'what pull writes (MySQL, 400 keys)',
    writeSpec(
      { foreignKeys: syntheticCatalog(400, engineFor('mysql')).catalog.foreignKeys.map(asDesired) },
      { schemas: ['app', 'billing'], defaultSchema: 'app' },
    ),
  ],
];

/** Texts the subset reader must leave to the library (which then decides what they mean). */
const OUTSIDE_SUBSET: readonly (readonly [string, string])[] = [
  ['an anchor', yaml('version: 1', 'schemas: &s [public]')],
  ['a tag', yaml('version: !!int 1')],
  ['an escape', yaml('version: 1', 'schemas: ["a\\tb"]')],
  ['a flow mapping', yaml('version: 1', 'tables: { users: { foreignKeys: [] } }')],
  ['a multi-line scalar', yaml('version: 1', 'schemas:', '  - a', '    b')],
  ['a block scalar', yaml('version: 1', 'schemas: |', '  a')],
  ['a tab', yaml('version: 1', 'tables:\t{}')],
  ['a float', yaml('version: 1.0')],
  ['a duplicate key', yaml('version: 1', 'version: 1')],
  ['two documents', yaml('version: 1', '---', 'version: 1')],
  ['a numeric key', yaml('version: 1', 'tables:', '  1: { foreignKeys: [] }')],
  ['a bad indentation', yaml('version: 1', 'tables:', '  users:', '     foreignKeys: []', '    x: 1')],
];

describe('the subset YAML reader', () => {
  it.each(SUBSET_SPECS)('reads %s exactly as the yaml library: data and every location', (_, text) => {
    expect(readFastYaml(text)).toBeDefined();
    const subset = parseSpecFile(text, 'fkdiff.yaml');
    const library = parseSpecFile(text, 'fkdiff.yaml', true);
    expect(subset).toEqual(library);
    const context = { dialect: engineFor('postgres'), defaultSchema: 'public' };
    expect(resolveSpec(subset.spec, context)).toEqual(resolveSpec(library.spec, context));
  });

  it.each(OUTSIDE_SUBSET)('leaves %s to the library', (_, text) => {
    expect(readFastYaml(text)).toBeUndefined();
  });
});
