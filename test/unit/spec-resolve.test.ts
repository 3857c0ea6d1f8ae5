import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SpecDialect } from '../../src/spec/index.js';
import { FkdiffError, formatProblem } from '../../src/errors.js';
import type { DesiredForeignKey } from '../../src/model/catalog.js';
import { parseSpec, resolveSpec } from '../../src/spec/index.js';
import type { Spec } from '../../src/spec/index.js';
import { mysqlEngine as mysqlLike } from '../../src/engines/mysql/index.js';
import { postgresEngine as postgresLike } from '../../src/engines/postgres/index.js';

const FILE = 'fkdiff.yaml';

function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function resolve(text: string, dialect: SpecDialect = postgresLike, defaultSchema = 'public'): Spec {
  return resolveSpec(parseSpec(text, FILE), { dialect, defaultSchema });
}

function problems(text: string, dialect: SpecDialect = postgresLike): string[] {
  try {
    resolve(text, dialect);
  } catch (error) {
    if (!(error instanceof FkdiffError)) throw error;
    expect(error.code).toBe('SPEC_INVALID');
    return error.problems.map(formatProblem);
  }
  throw new Error('expected the spec to be refused');
}

/** toEqual ignores undefined properties: compares everything but where the key was declared. */
function withoutSource(fk: DesiredForeignKey): DesiredForeignKey {
  return { ...fk, source: undefined };
}

describe('resolveSpec', () => {
  it('fills in every default and qualifies tables', () => {
    const spec = resolve(
      yaml(
        'version: 1',
        'tables:',
        '  users:',
        '    foreignKeys:',
        '      - columns: [profile_id]',
        '        references: profiles(id)',
      ),
    );
    expect(spec).toEqual({
      file: FILE,
      schemas: ['public'],
      exclude: [],
      denyHazards: [],
      foreignKeys: [
        {
          name: undefined,
          table: { schema: 'public', name: 'users' },
          columns: ['profile_id'],
          referencedTable: { schema: 'public', name: 'profiles' },
          referencedColumns: ['id'],
          onDelete: 'no action',
          onUpdate: 'no action',
          deferrable: false,
          initiallyDeferred: false,
          match: 'simple',
          validated: true,
          source: { file: FILE, line: 5, column: 9 },
        },
      ],
    });
  });

  it('puts an unqualified owning table in the first governed schema, a referenced one beside its owner', () => {
    const spec = resolve(
      yaml(
        'version: 1',
        'schemas: [app, billing]',
        'tables:',
        '  users:',
        '    foreignKeys:',
        '      - { columns: [org_id], references: orgs(id) }',
        '      - { columns: [plan_id], references: billing.plans(id) }',
        '  billing.invoices:',
        '    foreignKeys:',
        '      - { columns: [user_id], references: app.users(id) }',
        '      - { columns: [plan_id], references: plans(id) }',
      ),
      postgresLike,
      'public',
    );
    expect(spec.schemas).toEqual(['app', 'billing']);
    expect(spec.foreignKeys.map((fk) => [fk.table, fk.referencedTable])).toEqual([
      [
        { schema: 'app', name: 'users' },
        { schema: 'app', name: 'orgs' },
      ],
      [
        { schema: 'app', name: 'users' },
        { schema: 'billing', name: 'plans' },
      ],
      [
        { schema: 'billing', name: 'invoices' },
        { schema: 'app', name: 'users' },
      ],
      [
        { schema: 'billing', name: 'invoices' },
        { schema: 'billing', name: 'plans' },
      ],
    ]);
  });

  it('governs the connection schema when the file names none', () => {
    const spec = resolve(
      yaml('version: 1', 'tables:', '  t:', '    foreignKeys: [{ columns: [a], references: u(id) }]'),
      mysqlLike,
      'shop',
    );
    expect(spec.schemas).toEqual(['shop']);
    expect(spec.foreignKeys[0]?.table).toEqual({ schema: 'shop', name: 't' });
  });

  it('lower-cases actions and lets the dialect normalize them', () => {
    const text = yaml(
      'version: 1',
      'tables:',
      '  t:',
      '    foreignKeys:',
      '      - { columns: [a], references: u(id), onDelete: RESTRICT, onUpdate: Set Null }',
    );
    const actions = (dialect: SpecDialect) =>
      resolve(text, dialect).foreignKeys.map((fk) => [fk.onDelete, fk.onUpdate]);
    expect(actions(postgresLike)).toEqual([['restrict', 'set null']]);
    expect(actions(mysqlLike)).toEqual([['no action', 'set null']]);
  });

  it.each([
    ['initiallyDeferred: true', { deferrable: true, initiallyDeferred: true }],
    ['deferrable: true', { deferrable: true, initiallyDeferred: false }],
    ['notValid: true', { validated: false }],
    ['notValid: false', { validated: true }],
    ['match: full', { match: 'full' }],
  ])('reads %s', (field, expected) => {
    const spec = resolve(
      yaml(
        'version: 1',
        'tables:',
        '  t:',
        '    foreignKeys:',
        '      - columns: [a]',
        '        references: u(id)',
        `        ${field}`,
      ),
    );
    expect(spec.foreignKeys[0]).toMatchObject(expected);
  });

  it('keeps names exact and passes policy and exclude through', () => {
    const spec = resolve(
      yaml(
        'version: 1',
        'schemas: ["My.Schema"]',
        'tables:',
        `  '"v1.Users"':`,
        '    foreignKeys:',
        '      - name: Fk_Ünïcode',
        '        columns: [Profile_ID]',
        `        references: { table: '"a""b"', columns: [ID] }`,
        'exclude: [Audit_*]',
        'policy: { denyHazards: [drops-fk, enables-cascade] }',
      ),
    );
    expect(spec.foreignKeys.map(withoutSource)).toEqual([
      {
        name: 'Fk_Ünïcode',
        table: { schema: 'My.Schema', name: 'v1.Users' },
        columns: ['Profile_ID'],
        referencedTable: { schema: 'My.Schema', name: 'a"b' },
        referencedColumns: ['ID'],
        onDelete: 'no action',
        onUpdate: 'no action',
        deferrable: false,
        initiallyDeferred: false,
        match: 'simple',
        validated: true,
      },
    ]);
    expect(spec.exclude).toEqual(['Audit_*']);
    expect(spec.denyHazards).toEqual(['drops-fk', 'enables-cascade']);
  });
});

describe('resolveSpec: problems', () => {
  it.each<[string, string, SpecDialect, string[]]>([
    [
      'a table in a schema the file does not govern',
      yaml('version: 1', 'schemas: [public]', 'tables:', '  billing.invoices:', '    foreignKeys: []'),
      postgresLike,
      [
        'fkdiff.yaml:4:3: table billing.invoices is in schema billing, which this file does not govern; add it to schemas',
      ],
    ],
    [
      'a table in a quoted schema the file does not govern',
      yaml('version: 1', 'tables:', `  '"a.b".t':`, '    foreignKeys: []'),
      postgresLike,
      [
        'fkdiff.yaml:3:3: table "a.b".t is in schema "a.b", which this file does not govern; add it to schemas',
      ],
    ],
    [
      'the same table written two ways',
      yaml(
        'version: 1',
        'tables:',
        '  users:',
        '    foreignKeys: []',
        '  public.users:',
        '    foreignKeys: []',
      ),
      postgresLike,
      ['fkdiff.yaml:5:3: duplicate table public.users (also declared at line 3, column 3)'],
    ],
    [
      'a constraint name used twice on one table',
      yaml(
        'version: 1',
        'tables:',
        '  users:',
        '    foreignKeys:',
        '      - { name: fk, columns: [a], references: x(id) }',
        '      - { name: fk, columns: [b], references: y(id) }',
      ),
      postgresLike,
      ['fkdiff.yaml:6:17: duplicate constraint name "fk" on table public.users (also at line 5, column 17)'],
    ],
    [
      'a constraint name used twice in a schema, where names are unique per schema',
      yaml(
        'version: 1',
        'tables:',
        '  users:',
        '    foreignKeys: [{ name: fk, columns: [a], references: x(id) }]',
        '  orders:',
        '    foreignKeys: [{ name: fk, columns: [b], references: y(id) }]',
      ),
      mysqlLike,
      ['fkdiff.yaml:6:27: duplicate constraint name "fk" in schema public (also at line 4, column 27)'],
    ],
    [
      'PostgreSQL-only fields on MySQL',
      yaml(
        'version: 1',
        'tables:',
        '  users:',
        '    foreignKeys:',
        '      - columns: [a]',
        '        references: x(id)',
        '        deferrable: true',
        '        initiallyDeferred: true',
        '        match: simple',
        '        notValid: false',
      ),
      mysqlLike,
      [
        'fkdiff.yaml:7:9: "deferrable" is PostgreSQL-only; mysql does not support it',
        'fkdiff.yaml:8:9: "initiallyDeferred" is PostgreSQL-only; mysql does not support it',
        'fkdiff.yaml:9:9: "match" is PostgreSQL-only; mysql does not support it',
        'fkdiff.yaml:10:9: "notValid" is PostgreSQL-only; mysql does not support it',
      ],
    ],
    [
      'initiallyDeferred with deferrable: false',
      yaml(
        'version: 1',
        'tables:',
        '  users:',
        '    foreignKeys:',
        '      - columns: [a]',
        '        references: x(id)',
        '        deferrable: false',
        '        initiallyDeferred: true',
      ),
      postgresLike,
      ['fkdiff.yaml:8:9: initiallyDeferred: true needs a deferrable key; remove "deferrable: false"'],
    ],
    [
      'a name over 63 bytes',
      yaml(
        'version: 1',
        'tables:',
        '  t:',
        `    foreignKeys: [{ name: ${'é'.repeat(32)}, columns: [a], references: x(id) }]`,
      ),
      postgresLike,
      [`fkdiff.yaml:4:27: constraint name "${'é'.repeat(32)}" is 64 bytes long; postgres allows at most 63`],
    ],
    [
      'a name over 64 characters',
      yaml(
        'version: 1',
        'tables:',
        '  t:',
        `    foreignKeys: [{ name: ${'n'.repeat(65)}, columns: [a], references: x(id) }]`,
      ),
      mysqlLike,
      [
        `fkdiff.yaml:4:27: constraint name "${'n'.repeat(65)}" is 65 characters long; mysql allows at most 64`,
      ],
    ],
    [
      'foreign keys on an excluded table',
      yaml(
        'version: 1',
        'tables:',
        '  audit_log:',
        '    foreignKeys: [{ columns: [a], references: x(id) }]',
        'exclude: [tmp_*, audit_*]',
      ),
      postgresLike,
      [
        'fkdiff.yaml:3:3: table public.audit_log declares foreign keys but exclude pattern "audit_*" tells fkdiff to leave it alone',
      ],
    ],
    [
      'the same definition twice, one without a name',
      yaml(
        'version: 1',
        'tables:',
        '  t:',
        '    foreignKeys:',
        '      - { name: t_a_fkey, columns: [a], references: x(id) }',
        '      - { columns: [a], references: public.x(id), onDelete: cascade }',
      ),
      postgresLike,
      ['fkdiff.yaml:6:9: foreign key (a) repeats the one at line 5, column 9; name both or remove one'],
    ],
  ])('reports %s', (_, text, dialect, expected) => {
    expect(problems(text, dialect)).toEqual(expected);
  });

  it('accepts the same definition twice under two names, and a name reused on another table', () => {
    const spec = resolve(
      yaml(
        'version: 1',
        'tables:',
        '  t:',
        '    foreignKeys:',
        '      - { name: one, columns: [a], references: x(id) }',
        '      - { name: two, columns: [a], references: x(id) }',
        '  u:',
        '    foreignKeys:',
        '      - { name: one, columns: [a], references: x(id) }',
      ),
    );
    expect(spec.foreignKeys.map((fk) => fk.name)).toEqual(['one', 'two', 'one']);
  });

  it('reports every problem at once, in file order', () => {
    expect(
      problems(
        yaml(
          'version: 1',
          'tables:',
          '  users:',
          '    foreignKeys:',
          '      - { name: fk, columns: [a], references: x(id), match: full }',
          '      - { name: fk, columns: [b], references: y(id) }',
          '  other.t:',
          '    foreignKeys: []',
        ),
        mysqlLike,
      ),
    ).toEqual([
      'fkdiff.yaml:5:54: "match" is PostgreSQL-only; mysql does not support it',
      'fkdiff.yaml:6:17: duplicate constraint name "fk" in schema public (also at line 5, column 17)',
      'fkdiff.yaml:7:3: table other.t is in schema other, which this file does not govern; add it to schemas',
    ]);
  });
});

describe('schemas/examples', () => {
  const directory = new URL('../../schemas/examples/', import.meta.url);
  const examples = readdirSync(directory).filter((name) => name.endsWith('.yaml'));

  it('holds the examples the README points to', () => {
    expect(examples).toEqual(
      expect.arrayContaining(['users-profiles.yaml', 'multi-schema.yaml', 'composite-keys.yaml']),
    );
  });

  it.each(examples)('%s points editors at the schema, parses and resolves', (name) => {
    const text = readFileSync(new URL(name, directory), 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=../fkdiff.schema.json\n')).toBe(true);
    const spec = resolve(text, postgresLike, 'public');
    expect(spec.foreignKeys.length).toBeGreaterThan(0);
  });

  it('users-profiles.yaml declares the User <-> Profile cycle', () => {
    const spec = resolve(readFileSync(new URL('users-profiles.yaml', directory), 'utf8'));
    expect(spec.foreignKeys.map(withoutSource)).toEqual([
      {
        name: 'user_profile_id_fkey',
        table: { schema: 'public', name: 'users' },
        columns: ['profile_id'],
        referencedTable: { schema: 'public', name: 'profiles' },
        referencedColumns: ['id'],
        onDelete: 'set null',
        onUpdate: 'no action',
        deferrable: false,
        initiallyDeferred: false,
        match: 'simple',
        validated: true,
      },
      {
        name: 'profiles_created_by_user_id_fkey',
        table: { schema: 'public', name: 'profiles' },
        columns: ['created_by_user_id'],
        referencedTable: { schema: 'public', name: 'users' },
        referencedColumns: ['id'],
        onDelete: 'no action',
        onUpdate: 'cascade',
        deferrable: false,
        initiallyDeferred: false,
        match: 'simple',
        validated: true,
      },
    ]);
  });
});
