import fc from 'fast-check';
import type { EngineName } from '../../src/engines/registry.js';
import { describe, expect, it } from 'vitest';
import { compareForeignKeys } from '../../src/model/catalog.js';
import type { Catalog, DesiredForeignKey, ForeignKey, TableRef } from '../../src/model/catalog.js';
import { parseSpec, resolveSpec, writeSpec } from '../../src/spec/index.js';
import { parseSpecFile } from '../../src/spec/parse.js';
import type { SpecDialect } from '../../src/spec/index.js';
import { mysqlEngine as mysqlLike } from '../../src/engines/mysql/index.js';
import { postgresEngine as postgresLike } from '../../src/engines/postgres/index.js';

type Definition = Pick<ForeignKey, 'name' | 'columns' | 'referencedColumns'> & Partial<ForeignKey>;

function table(qualified: string): TableRef {
  const [schema = '', name = ''] = qualified.split('|');
  return { schema, name };
}

/** A key with every default; `table` and `referencedTable` written "schema|name". */
function foreignKey(owner: string, target: string, definition: Definition): ForeignKey {
  return {
    table: table(owner),
    referencedTable: table(target),
    onDelete: 'no action',
    onUpdate: 'no action',
    deferrable: false,
    initiallyDeferred: false,
    match: 'simple',
    validated: true,
    ...definition,
  };
}

function catalog(foreignKeys: readonly ForeignKey[], dialect: EngineName = 'postgres'): Catalog {
  return { dialect, schemas: [], tables: [], foreignKeys };
}

function readBack(text: string, dialect: SpecDialect, defaultSchema: string): ForeignKey[] {
  const spec = resolveSpec(parseSpec(text, 'pulled.yaml'), { dialect, defaultSchema });
  return spec.foreignKeys.map(asForeignKey);
}

function asForeignKey(fk: DesiredForeignKey): ForeignKey {
  const { name, table, columns, referencedTable, referencedColumns, onDelete, onUpdate } = fk;
  const { deferrable, initiallyDeferred, match, validated } = fk;
  return {
    name: name ?? '',
    table,
    columns,
    referencedTable,
    referencedColumns,
    onDelete,
    onUpdate,
    deferrable,
    initiallyDeferred,
    match,
    validated,
  };
}

const usersProfiles = [
  foreignKey('public|users', 'public|profiles', {
    name: 'user_profile_id_fkey',
    columns: ['profile_id'],
    referencedColumns: ['id'],
    onDelete: 'set null',
  }),
  foreignKey('public|profiles', 'public|users', {
    name: 'profiles_created_by_user_id_fkey',
    columns: ['created_by_user_id'],
    referencedColumns: ['id'],
    onUpdate: 'cascade',
  }),
];

describe('writeSpec', () => {
  it('writes the header, version, schemas and tables sorted, leaving defaults out', () => {
    const text = writeSpec(
      catalog([
        ...usersProfiles,
        foreignKey('billing|invoices', 'public|customers', {
          name: 'invoices_customer_id_fkey',
          columns: ['customer_id'],
          referencedColumns: ['id'],
          onDelete: 'restrict',
          deferrable: true,
          initiallyDeferred: true,
          match: 'full',
          validated: false,
        }),
      ]),
      { schemas: ['public', 'billing'], defaultSchema: 'public' },
    );
    expect(text).toBe(
      [
        '# yaml-language-server: $schema=https://unpkg.com/fkdiff/schemas/fkdiff.schema.json',
        '',
        'version: 1',
        'schemas: [public, billing]',
        'tables:',
        '  billing.invoices:',
        '    foreignKeys:',
        '      - name: invoices_customer_id_fkey',
        '        columns: [customer_id]',
        '        references: public.customers(id)',
        '        onDelete: restrict',
        '        deferrable: true',
        '        initiallyDeferred: true',
        '        match: full',
        '        notValid: true',
        '',
        '  profiles:',
        '    foreignKeys:',
        '      - name: profiles_created_by_user_id_fkey',
        '        columns: [created_by_user_id]',
        '        references: users(id)',
        '        onUpdate: cascade',
        '',
        '  users:',
        '    foreignKeys:',
        '      - name: user_profile_id_fkey',
        '        columns: [profile_id]',
        '        references: profiles(id)',
        '        onDelete: set null',
        '',
      ].join('\n'),
    );
  });

  it('writes the long references form, quoted as YAML needs, when names need quoting', () => {
    const text = writeSpec(
      catalog([
        foreignKey('public|v1.users', 'my.schema|a"b', {
          name: 'true',
          columns: ['a, b', '#x'],
          referencedColumns: ['1', 'null'],
        }),
      ]),
      { schemas: ['public'], defaultSchema: 'public' },
    );
    expect(text).toContain(
      [
        `  '"v1.users"':`,
        '    foreignKeys:',
        '      - name: "true"',
        '        columns: ["a, b", "#x"]',
        '        references:',
        `          table: '"my.schema"."a""b"'`,
        '          columns: ["1", "null"]',
      ].join('\n'),
    );
  });

  it('governs the default schema when given no schemas, and writes an empty catalog', () => {
    expect(writeSpec(catalog([]), { schemas: [], defaultSchema: 'shop' })).toBe(
      [
        '# yaml-language-server: $schema=https://unpkg.com/fkdiff/schemas/fkdiff.schema.json',
        '',
        'version: 1',
        'schemas: [shop]',
        'tables: {}',
        '',
      ].join('\n'),
    );
  });

  it('does not depend on the order of the catalog', () => {
    const options = { schemas: ['public'], defaultSchema: 'public' };
    expect(writeSpec(catalog([...usersProfiles].reverse()), options)).toBe(
      writeSpec(catalog(usersProfiles), options),
    );
  });
});

describe('writeSpec round trip', () => {
  const awkward = [
    ...usersProfiles,
    foreignKey('public|v1.users', 'my.schema|a"b', {
      name: 'Fk With Spaces',
      columns: ['a, b', ' padded ', 'x(y)'],
      referencedColumns: ['1', 'null', 'true'],
      onDelete: 'cascade',
      onUpdate: 'set default',
    }),
    foreignKey('public|Users', 'public|ÜSERS', {
      name: 'users_Ü_fkey',
      columns: ['Ü'],
      referencedColumns: ['ü'],
    }),
    foreignKey('public|"quoted"', 'public|.', { name: '"', columns: ['"'], referencedColumns: ['.'] }),
    foreignKey('public|123', 'other|yes', { name: '123', columns: ['~'], referencedColumns: ['- x'] }),
    foreignKey('public|a: b', 'public|#c', { name: 'a: b', columns: ['[x]'], referencedColumns: ['{y}'] }),
    foreignKey('my.schema|t', 'public|u', {
      name: 'deferred',
      columns: ['a', 'b'],
      referencedColumns: ['b', 'a'],
      deferrable: true,
      initiallyDeferred: true,
      match: 'full',
      validated: false,
    }),
    foreignKey('my.schema|t', 'my.schema|u', {
      name: 'only_deferrable',
      columns: ['c'],
      referencedColumns: ['id'],
      deferrable: true,
    }),
  ].sort(compareForeignKeys);

  it('reads back exactly the keys it wrote, awkward names included (PostgreSQL)', () => {
    const text = writeSpec(catalog(awkward), { schemas: ['public', 'my.schema'], defaultSchema: 'public' });
    expect(readBack(text, postgresLike, 'public').sort(compareForeignKeys)).toEqual(awkward);
  });

  it('reads back a MySQL catalog without PostgreSQL-only fields', () => {
    const keys = [
      foreignKey('shop|orders', 'shop|customers', {
        name: 'orders_ibfk_1',
        columns: ['customer_id'],
        referencedColumns: ['id'],
        onDelete: 'cascade',
      }),
      foreignKey('shop|orders', 'crm|accounts', {
        name: 'orders_ibfk_2',
        columns: ['account_id'],
        referencedColumns: ['id'],
      }),
    ];
    const text = writeSpec(catalog(keys, 'mysql'), { schemas: ['shop'], defaultSchema: 'shop' });
    expect(text).not.toMatch(/deferrable|match|notValid/u);
    expect(readBack(text, mysqlLike, 'other')).toEqual(keys);
  });

  it('writes the same text for the keys it reads back', () => {
    const options = { schemas: ['public', 'my.schema'], defaultSchema: 'public' };
    const text = writeSpec(catalog(awkward), options);
    expect(writeSpec(catalog(readBack(text, postgresLike, 'public')), options)).toBe(text);
  });

  // Names at the border between what the writer leaves plain and what it hands to the library's
  // quoting: words, words with YAML's indicators, keywords, numbers, spaces at either end.
  const part = fc.constantFrom(
    'a',
    'Z',
    '_',
    '1',
    '.',
    '-',
    '$',
    '(',
    ')',
    ',',
    ' ',
    ':',
    '#',
    "'",
    '"',
    '[',
    '~',
    'é',
  );
  const word = fc.oneof(
    fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
    fc.constantFrom('null', 'True', 'FALSE', 'yes', '1e3', '0x1f', '.inf', 'a - b', 'a: b', 'a #b', 'x_1'),
  );
  const keyOf = fc
    .record({
      owner: word,
      target: word,
      name: word,
      columns: fc.uniqueArray(word, { minLength: 1, maxLength: 2 }),
    })
    .map(({ owner, target, name, columns }) =>
      foreignKey(`public|${owner}`, `public|${target}`, {
        name,
        columns,
        referencedColumns: columns.map((_, i) => `id${i}`),
      }),
    );

  it('reads back any names exactly, and both readers agree on the text it writes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyOf, { minLength: 1, maxLength: 4, selector: (fk) => fk.table.name }),
        (keys) => {
          const text = writeSpec(catalog(keys), { schemas: ['public'], defaultSchema: 'public' });
          expect(parseSpecFile(text, 'pulled.yaml')).toEqual(parseSpecFile(text, 'pulled.yaml', true));
          expect(readBack(text, postgresLike, 'public').sort(compareForeignKeys)).toEqual(
            [...keys].sort(compareForeignKeys),
          );
        },
      ),
      { numRuns: 400 },
    );
  });
});
