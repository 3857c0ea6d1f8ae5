import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FkdiffError } from '../../src/errors.js';
import { compileExclude, isExcluded } from '../../src/spec/index.js';

describe('exclude globs', () => {
  it.each([
    [['audit_*'], 'public', 'audit_log', true],
    [['audit_*'], 'billing', 'audit_log', true],
    [['audit_*'], 'audit_x', 'log', false],
    [['legacy.*'], 'legacy', 'anything', true],
    [['"legacy".*'], 'legacy', 'anything', true],
    [['legacy.*'], 'public', 'legacy', false],
    [['public.tmp_?'], 'public', 'tmp_1', true],
    [['public.tmp_?'], 'public', 'tmp_12', false],
    [['public.tmp_?'], 'public', 'tmp_é', true],
    [['*'], 'any', 'table', true],
    [['*.*'], 'any', 'table', true],
    [['Users'], 'public', 'users', false],
    [['users'], 'public', 'users', true],
    [['public.users'], 'public', 'users_old', false],
    [['p*.u*'], 'public', 'users', true],
    [['p*.u*'], 'billing', 'users', false],
    [['"v1.*".x'], 'v1.*', 'x', true],
    [['"v1.*".x'], 'v1.app', 'x', false],
    [['"v1.app".*'], 'v1.app', 'sessions', true],
    [['a+b'], 'public', 'a+b', true],
    [['a+b'], 'public', 'aab', false],
    [['(x)|y'], 'public', 'y', false],
    [['(x)|y'], 'public', '(x)|y', true],
    [['log[1]'], 'public', 'log[1]', true],
    [['log[1]'], 'public', 'log1', false],
    [['*.users', 'audit_*'], 'billing', 'audit_x', true],
    [[], 'public', 'users', false],
  ])('%j excludes %s.%s: %s', (patterns, schema, name, expected) => {
    expect(isExcluded(patterns, { schema, name })).toBe(expected);
    expect(compileExclude(patterns)({ schema, name })).toBe(expected);
  });

  it('refuses a malformed pattern', () => {
    expect(() => compileExclude(['ok_*', 'a.b.c'])).toThrow(FkdiffError);
    expect(() => compileExclude(['"open'])).toThrow(
      'invalid exclude pattern "\\"open": unterminated quoted name',
    );
  });
});

describe('exclude globs in bounded time', () => {
  it('matches as a regular expression would, for any pattern of stars, marks and letters', () => {
    const glob = fc.stringMatching(/^[ab*?]{1,8}$/u);
    const name = fc.stringMatching(/^[ab]{0,10}$/u);
    fc.assert(
      fc.property(glob, name, (pattern, table) => {
        const source = pattern.replaceAll('*', '.*').replaceAll('?', '.');
        const expected = new RegExp(`^${source}$`, 'su').test(table);
        expect(isExcluded([pattern], { schema: 'public', name: table })).toBe(expected);
      }),
    );
  });

  it('answers a pattern of 30 stars against a long name that does not match', () => {
    const pattern = `${'a*'.repeat(30)}b`;
    expect(isExcluded([pattern], { schema: 'public', name: 'a'.repeat(5000) })).toBe(false);
  });
});
