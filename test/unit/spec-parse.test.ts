import { describe, expect, it } from 'vitest';
import { FkdiffError, formatProblem } from '../../src/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { parseSpec } from '../../src/spec/index.js';

const FILE = 'fkdiff.yaml';

function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A spec with one owning table `users`, its foreign key items given line by line (8-space indent). */
function usersSpec(...itemLines: string[]): string {
  return yaml('version: 1', 'tables:', '  users:', '    foreignKeys:', ...itemLines);
}

function failure(text: string): { code: ErrorCode; message: string; problems: string[] } {
  try {
    parseSpec(text, FILE);
  } catch (error) {
    if (!(error instanceof FkdiffError)) throw error;
    return { code: error.code, message: error.message, problems: error.problems.map(formatProblem) };
  }
  throw new Error('expected the spec to be refused');
}

describe('parseSpec: malformed YAML', () => {
  it.each([
    [
      'an unclosed flow list',
      yaml('version: 1', 'schemas: [public'),
      ['fkdiff.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ],
    [
      'a duplicate key',
      yaml('version: 1', 'version: 1'),
      ['fkdiff.yaml:2:1: duplicate key: a key may appear only once in a mapping'],
    ],
    [
      'a tab as indentation',
      yaml('version: 1', 'tables:', '\tusers: {}'),
      ['fkdiff.yaml:3:1: Tabs are not allowed as indentation'],
    ],
    [
      'two documents',
      yaml('version: 1', '---', 'version: 1'),
      ['fkdiff.yaml:2:1: more than one YAML document: a spec is a single document'],
    ],
    [
      'an unterminated string',
      yaml('version: 1', 'schemas: ["public]'),
      [
        'fkdiff.yaml:3:1: Missing closing "quote',
        'fkdiff.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    [
      'an alias without its anchor',
      yaml('version: 1', 'schemas: *nowhere'),
      ['fkdiff.yaml:2:10: Unresolved alias (the anchor must be set before the alias): nowhere'],
    ],
  ])('reports %s as SPEC_SYNTAX', (_, text, problems) => {
    const result = failure(text);
    expect(result.code).toBe('SPEC_SYNTAX');
    expect(result.message).toBe(
      `fkdiff.yaml: malformed YAML: ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}`,
    );
    expect(result.problems).toEqual(problems);
  });
});

describe('parseSpec: invalid spec', () => {
  it.each([
    ['an empty file', '', ['fkdiff.yaml:1:1: the spec is empty: write at least "version: 1"']],
    [
      'a list instead of a mapping',
      yaml('- version: 1'),
      ['fkdiff.yaml:1:1: the spec must be a mapping (got a list)'],
    ],
    [
      'a missing version',
      yaml('tables: {}'),
      ['fkdiff.yaml:1:1: missing required key "version" at the top level'],
    ],
    ['another version', yaml('version: 2'), ['fkdiff.yaml:1:10: version must be 1 (got 2)']],
    [
      'a misspelt top-level key',
      yaml('version: 1', 'Tables: {}'),
      ['fkdiff.yaml:2:1: unknown key "Tables" at the top level; did you mean "tables"?'],
    ],
    [
      'an unknown top-level key far from any',
      yaml('version: 1', 'owner: me'),
      ['fkdiff.yaml:2:1: unknown key "owner" at the top level'],
    ],
    [
      'an unknown key in a foreign key, in another case',
      usersSpec(
        '      - columns: [profile_id]',
        '        references: profiles(id)',
        '        ondelete: cascade',
      ),
      ['fkdiff.yaml:7:9: unknown key "ondelete" in foreign key; did you mean "onDelete"?'],
    ],
    [
      'an unknown key two edits away',
      usersSpec(
        '      - columns: [profile_id]',
        '        references: profiles(id)',
        '        deferable: true',
      ),
      ['fkdiff.yaml:7:9: unknown key "deferable" in foreign key; did you mean "deferrable"?'],
    ],
    [
      'an unknown key in references',
      usersSpec('      - columns: [profile_id]', '        references: { table: profiles, column: [id] }'),
      [
        'fkdiff.yaml:6:21: missing required key "columns" in references',
        'fkdiff.yaml:6:40: unknown key "column" in references; did you mean "columns"?',
      ],
    ],
    [
      'an unknown key in a table',
      yaml('version: 1', 'tables:', '  users:', '    foreignKeys: []', '    foreignkeys: []'),
      ['fkdiff.yaml:5:5: unknown key "foreignkeys" in table users; did you mean "foreignKeys"?'],
    ],
    [
      'an unknown key in policy',
      yaml('version: 1', 'policy:', '  denyHazard: [drops-fk]'),
      ['fkdiff.yaml:3:3: unknown key "denyHazard" in policy; did you mean "denyHazards"?'],
    ],
    [
      'a table without foreignKeys',
      yaml('version: 1', 'tables:', '  users: {}'),
      ['fkdiff.yaml:3:10: missing required key "foreignKeys" in table users'],
    ],
    [
      'an empty table entry',
      yaml('version: 1', 'tables:', '  users:'),
      ['fkdiff.yaml:3:3: table users must be a mapping (got an empty value)'],
    ],
    [
      'a foreign key without columns and references',
      usersSpec('      - name: x'),
      [
        'fkdiff.yaml:5:9: missing required key "columns" in foreign key',
        'fkdiff.yaml:5:9: missing required key "references" in foreign key',
      ],
    ],
    [
      'a string where a list belongs',
      usersSpec('      - columns: profile_id', '        references: profiles(id)'),
      ['fkdiff.yaml:5:18: columns must be a list (got "profile_id")'],
    ],
    [
      'a number among the columns',
      usersSpec('      - columns: [profile_id, 2]', '        references: profiles(id, x)'),
      ['fkdiff.yaml:5:31: columns[1] must be a string (got 2)'],
    ],
    [
      'a string where a boolean belongs',
      usersSpec(
        '      - columns: [profile_id]',
        '        references: profiles(id)',
        '        deferrable: "yes"',
      ),
      ['fkdiff.yaml:7:21: deferrable must be true or false (got "yes")'],
    ],
    [
      'a bad onDelete',
      usersSpec(
        '      - columns: [profile_id]',
        '        references: profiles(id)',
        '        onDelete: cascades',
      ),
      [
        'fkdiff.yaml:7:19: onDelete must be one of: no action, restrict, cascade, set null, set default (got "cascades")',
      ],
    ],
    [
      'an empty onUpdate',
      usersSpec('      - columns: [profile_id]', '        references: profiles(id)', '        onUpdate:'),
      ['fkdiff.yaml:7:9: onUpdate must be a string (got an empty value)'],
    ],
    [
      'a bad match',
      usersSpec(
        '      - columns: [profile_id]',
        '        references: profiles(id)',
        '        match: partial',
      ),
      ['fkdiff.yaml:7:16: match must be one of: simple, full (got "partial")'],
    ],
    [
      'a bad hazard code',
      yaml('version: 1', 'policy:', '  denyHazards: [drops-fk, block-writes]'),
      [
        'fkdiff.yaml:3:27: policy.denyHazards[1] must be one of: blocks-writes, blocks-reads, validates-data, drops-fk, enables-cascade, drops-index, non-transactional (got "block-writes")',
      ],
    ],
    [
      'an empty column list',
      usersSpec('      - columns: []', '        references: profiles(id)'),
      ['fkdiff.yaml:5:18: columns must not be empty'],
    ],
    [
      'an empty name',
      usersSpec('      - name: ""', '        columns: [a]', '        references: profiles(id)'),
      ['fkdiff.yaml:5:15: name must not be empty'],
    ],
    [
      'a column listed twice',
      usersSpec('      - columns: [a, b, a]', '        references: profiles(x, y, z)'),
      ['fkdiff.yaml:5:25: columns lists "a" twice'],
    ],
    [
      'a referenced column listed twice',
      usersSpec('      - columns: [a, b]', '        references: { table: t, columns: [x, x] }'),
      ['fkdiff.yaml:6:46: references.columns lists "x" twice'],
    ],
    [
      'a column listed twice in the short form',
      usersSpec('      - columns: [a, b]', '        references: t(x, x)'),
      ['fkdiff.yaml:6:21: references lists "x" twice'],
    ],
    [
      'references of the wrong type',
      usersSpec('      - columns: [a]', '        references: [t, x]'),
      [
        'fkdiff.yaml:6:21: references must be a mapping {table, columns} or a string "table(column, ...)" (got a list)',
      ],
    ],
    [
      'references as a bare table',
      usersSpec('      - columns: [a]', '        references: profiles'),
      [
        'fkdiff.yaml:6:21: references must be a mapping {table, columns} or a string "table(column, ...)" (got "profiles")',
      ],
    ],
    [
      'a malformed short form',
      usersSpec('      - columns: [a]', '        references: "profiles(id,)"'),
      [
        'fkdiff.yaml:6:21: invalid references "profiles(id,)": empty or malformed column list; write it as "table(column, ...)"',
      ],
    ],
    [
      'a length mismatch',
      usersSpec(
        '      - columns: [tenant_id, profile_id]',
        '        references:',
        '          table: profiles',
        '          columns: [id]',
      ),
      ['fkdiff.yaml:8:20: columns and references.columns must have the same length (2 vs 1)'],
    ],
    [
      'a length mismatch in the short form',
      usersSpec('      - columns: [a]', '        references: profiles(tenant_id, id)'),
      ['fkdiff.yaml:6:21: columns and the columns in references must have the same length (1 vs 2)'],
    ],
    [
      'a bad owning table reference',
      yaml('version: 1', 'tables:', '  a.b.c:', '    foreignKeys: []'),
      [
        'fkdiff.yaml:3:3: invalid table reference "a.b.c": more than two dot-separated parts; double-quote a name that contains a dot, as in public."v1.users"',
      ],
    ],
    [
      'an unterminated quote in a table key',
      yaml('version: 1', 'tables:', `  '"v1.users':`, '    foreignKeys: []'),
      ['fkdiff.yaml:3:3: invalid table reference "\\"v1.users": unterminated quoted name'],
    ],
    [
      'a bad referenced table',
      usersSpec('      - columns: [a]', '        references: { table: "public.", columns: [id] }'),
      ['fkdiff.yaml:6:30: invalid table reference "public.": empty name'],
    ],
    [
      'a bad exclude pattern',
      yaml('version: 1', 'exclude: [ok_*, "x.y.z"]'),
      [
        'fkdiff.yaml:2:17: invalid exclude pattern "x.y.z": more than two dot-separated parts; double-quote a name that contains a dot, as in public."v1.users"',
      ],
    ],
    [
      'a duplicate schema',
      yaml('version: 1', 'schemas: [public, billing, public]'),
      ['fkdiff.yaml:2:28: schemas lists "public" twice'],
    ],
    [
      'an empty schema list',
      yaml('version: 1', 'schemas: []'),
      ['fkdiff.yaml:2:10: schemas must not be empty'],
    ],
  ])('reports %s', (_, text, problems) => {
    const result = failure(text);
    expect(result.code).toBe('SPEC_INVALID');
    expect(result.problems).toEqual(problems);
  });

  it('reports every problem at once, in file order', () => {
    const result = failure(
      usersSpec(
        '      - columns: [tenant_id, profile_id]',
        '        references: { table: profiles, columns: [id] }',
        '        ondelete: cascade',
        '        onUpdate: cascades',
        '  a.b.c:',
        '    foreignKeys: []',
        'tabels: {}',
      ),
    );
    expect(result.message).toBe('fkdiff.yaml: invalid spec: 5 problems');
    expect(result.problems).toEqual([
      'fkdiff.yaml:6:49: columns and references.columns must have the same length (2 vs 1)',
      'fkdiff.yaml:7:9: unknown key "ondelete" in foreign key; did you mean "onDelete"?',
      'fkdiff.yaml:8:19: onUpdate must be one of: no action, restrict, cascade, set null, set default (got "cascades")',
      'fkdiff.yaml:9:3: invalid table reference "a.b.c": more than two dot-separated parts; double-quote a name that contains a dot, as in public."v1.users"',
      'fkdiff.yaml:11:1: unknown key "tabels" at the top level; did you mean "tables"?',
    ]);
  });
});

describe('parseSpec: valid spec', () => {
  it('reads both forms of references, table quoting and the declared fields', () => {
    const raw = parseSpec(
      yaml(
        'version: 1',
        'schemas: [public, "my.schema"]',
        'tables:',
        '  users:',
        '    foreignKeys:',
        '      - name: user_profile_id_fkey',
        '        columns: [profile_id]',
        '        references: profiles(id)',
        '        onDelete: SET NULL',
        `  '"my.schema"."a""b"':`,
        '    foreignKeys:',
        '      - columns: [x, y]',
        '        references:',
        '          table: public."v1.users"',
        '          columns: [id, tenant_id]',
        '        onUpdate: Cascade',
        '        deferrable: true',
        '        match: full',
        '        notValid: false',
        'exclude: [audit_*]',
        'policy:',
        '  denyHazards: [blocks-writes]',
      ),
      FILE,
    );
    const at = (line: number, column: number) => ({ file: FILE, line, column });
    expect(raw).toEqual({
      file: FILE,
      schemas: ['public', 'my.schema'],
      exclude: ['audit_*'],
      denyHazards: ['blocks-writes'],
      tables: [
        {
          ref: { schema: undefined, name: 'users' },
          source: at(4, 3),
          foreignKeys: [
            {
              source: at(6, 9),
              name: { value: 'user_profile_id_fkey', source: at(6, 15) },
              columns: ['profile_id'],
              referencedTable: { schema: undefined, name: 'profiles' },
              referencedColumns: ['id'],
              onDelete: 'set null',
              onUpdate: undefined,
              deferrable: undefined,
              initiallyDeferred: undefined,
              match: undefined,
              notValid: undefined,
            },
          ],
        },
        {
          ref: { schema: 'my.schema', name: 'a"b' },
          source: at(10, 3),
          foreignKeys: [
            {
              source: at(12, 9),
              name: undefined,
              columns: ['x', 'y'],
              referencedTable: { schema: 'public', name: 'v1.users' },
              referencedColumns: ['id', 'tenant_id'],
              onDelete: undefined,
              onUpdate: 'cascade',
              deferrable: { value: true, source: at(17, 9) },
              initiallyDeferred: undefined,
              match: { value: 'full', source: at(18, 9) },
              notValid: { value: false, source: at(19, 9) },
            },
          ],
        },
      ],
    });
  });

  it('leaves schemas undefined and lists empty when the file does not declare them', () => {
    expect(parseSpec('version: 1\n', FILE)).toEqual({
      file: FILE,
      schemas: undefined,
      tables: [],
      exclude: [],
      denyHazards: [],
    });
  });

  it('keeps names exact: non-ASCII, case and quoted keys', () => {
    const raw = parseSpec(
      yaml(
        'version: 1',
        'tables:',
        '  Café.Usuários:',
        '    foreignKeys:',
        '      - name: Usuários_FK',
        '        columns: [perfil_id]',
        '        references: "\\"Perfis.v2\\"(Id)"',
      ),
      FILE,
    );
    const [table] = raw.tables;
    expect(table?.ref).toEqual({ schema: 'Café', name: 'Usuários' });
    expect(table?.foreignKeys[0]?.name?.value).toBe('Usuários_FK');
    expect(table?.foreignKeys[0]?.referencedTable).toEqual({ schema: undefined, name: 'Perfis.v2' });
    expect(table?.foreignKeys[0]?.referencedColumns).toEqual(['Id']);
  });
});
