import { describe, expect, it } from 'vitest';
import { FkdiffError } from '../../src/errors.js';
import { formatTableRef, parseTableRef } from '../../src/spec/index.js';
import { fitsShortReference, formatShortReference, readShortReference } from '../../src/spec/table-ref.js';

describe('parseTableRef', () => {
  it.each([
    ['users', undefined, 'users'],
    ['public.users', 'public', 'users'],
    ['Users', undefined, 'Users'],
    ['"Users"', undefined, 'Users'],
    ['public."v1.users"', 'public', 'v1.users'],
    ['"my.schema"."a""b"', 'my.schema', 'a"b'],
    ['"""quoted"""', undefined, '"quoted"'],
    ['café.naïve_tbl', 'café', 'naïve_tbl'],
    ['"日本.語".テーブル', '日本.語', 'テーブル'],
    [' public . users ', 'public', 'users'],
    ['"  padded "', undefined, '  padded '],
    ['my table', undefined, 'my table'],
    ['"a(b"', undefined, 'a(b'],
  ])('reads %j', (text, schema, name) => {
    expect(parseTableRef(text)).toEqual({ schema, name });
  });

  it.each([
    ['"abc', 'unterminated quoted name'],
    ['public."abc', 'unterminated quoted name'],
    [
      'a.b.c',
      'more than two dot-separated parts; double-quote a name that contains a dot, as in public."v1.users"',
    ],
    ['.users', 'empty name'],
    ['public.', 'empty name'],
    ['', 'empty name'],
    ['""', 'empty name'],
    ['a"b', 'a name containing a double quote must be double-quoted, with the quote doubled ("a""b")'],
    ['"a"b', 'unexpected text after a quoted name; expected "." or the end'],
  ])('refuses %j', (text, error) => {
    const attempt = () => parseTableRef(text);
    expect(attempt).toThrow(FkdiffError);
    expect(attempt).toThrow(`invalid table reference ${JSON.stringify(text)}: ${error}`);
  });
});

describe('formatTableRef', () => {
  it.each([
    [{ schema: 'public', name: 'users' }, undefined, 'public.users'],
    [{ schema: 'public', name: 'users' }, 'public', 'users'],
    [{ schema: 'billing', name: 'users' }, 'public', 'billing.users'],
    [{ schema: undefined, name: 'users' }, 'public', 'users'],
    [{ schema: 'public', name: 'v1.users' }, undefined, 'public."v1.users"'],
    [{ schema: 'my.schema', name: 'a"b' }, undefined, '"my.schema"."a""b"'],
    [{ schema: 'public', name: ' padded' }, 'public', '" padded"'],
    [{ schema: 'public', name: 'Users' }, undefined, 'public.Users'],
    [{ schema: 'public', name: '' }, undefined, 'public.""'],
  ])('writes %j (default schema %j) as %j', (ref, defaultSchema, text) => {
    expect(formatTableRef(ref, defaultSchema)).toBe(text);
  });

  it.each(['users', 'v1.users', 'a"b', '"', '..', ' x ', 'día', 'a b', 'x(y)', 'a,b'])(
    'reads back what it writes for the name %j',
    (name) => {
      const ref = { schema: 'my.schema', name };
      expect(parseTableRef(formatTableRef(ref))).toEqual(ref);
    },
  );
});

describe('short references form', () => {
  it.each([
    ['users(id)', { schema: undefined, name: 'users' }, ['id']],
    ['public.users(id, tenant_id)', { schema: 'public', name: 'users' }, ['id', 'tenant_id']],
    ['"my.schema"."t"(a, b)', { schema: 'my.schema', name: 't' }, ['a', 'b']],
    ['"a(b"(x)', { schema: undefined, name: 'a(b' }, ['x']],
    ['users ( id ,tenant_id ) ', { schema: undefined, name: 'users' }, ['id', 'tenant_id']],
  ])('reads %j', (text, table, columns) => {
    expect(readShortReference(text)).toEqual({ ok: true, value: { table, columns } });
  });

  it.each([
    ['users', 'write it as "table(column, ...)"'],
    ['users(id', 'write it as "table(column, ...)"'],
    ['users()', 'empty or malformed column list; write it as "table(column, ...)"'],
    ['users(a,,b)', 'empty or malformed column list; write it as "table(column, ...)"'],
    ['users(a)b)', 'empty or malformed column list; write it as "table(column, ...)"'],
    [
      'a.b.c(id)',
      'table: more than two dot-separated parts; double-quote a name that contains a dot, as in public."v1.users"',
    ],
    ['(id)', 'table: empty name'],
  ])('refuses %j', (text, error) => {
    expect(readShortReference(text)).toEqual({ ok: false, error });
  });

  it.each([
    [{ schema: undefined, name: 'users' }, ['id'], true],
    [{ schema: 'public', name: 'users' }, ['id', 'tenant_id'], true],
    [{ schema: undefined, name: 'v1.users' }, ['id'], false],
    [{ schema: 'my.schema', name: 'users' }, ['id'], false],
    [{ schema: undefined, name: 'a(b' }, ['id'], false],
    [{ schema: undefined, name: 'users' }, ['a,b'], false],
    [{ schema: undefined, name: 'users' }, ['f(x)'], false],
    [{ schema: undefined, name: 'users' }, [' id'], false],
  ])('uses the short form for %j %j: %s', (table, columns, fits) => {
    expect(fitsShortReference(table, columns)).toBe(fits);
    if (fits) {
      expect(readShortReference(formatShortReference(table, columns))).toEqual({
        ok: true,
        value: { table, columns },
      });
    }
  });
});
