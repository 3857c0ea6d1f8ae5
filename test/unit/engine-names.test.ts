import { describe, expect, it } from 'vitest';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import { mysqlSsl } from '../../src/engines/mysql/session.js';
import { fitsShortReference } from '../../src/spec/table-ref.js';

describe('names each server would refuse or change are caught in pre-flight', () => {
  it.each([
    ['orders_\u{1F600}_fkey', 'beyond the Basic Multilingual Plane'],
    ['orders_fkey ', 'ends with a space'],
    ['orders_\uD800_fkey', 'unpaired surrogate'],
  ])('MySQL: %j', (name, problem) => {
    expect(mysqlEngine.identifierProblem(name)).toContain(problem);
  });

  it.each([
    ['orders\u0000fkey', 'NUL'],
    ['orders_\uDC00', 'unpaired surrogate'],
  ])('PostgreSQL: %j', (name, problem) => {
    expect(postgresEngine.identifierProblem(name)).toContain(problem);
  });

  it('lets ordinary and non-ASCII names through, and a trailing space on PostgreSQL', () => {
    for (const name of ['orders_user_id_fkey', 'commandes_clé', '注文_fkey']) {
      expect(mysqlEngine.identifierProblem(name)).toBeUndefined();
      expect(postgresEngine.identifierProblem(name)).toBeUndefined();
    }
    expect(postgresEngine.identifierProblem('orders_\u{1F600} ')).toBeUndefined();
  });
});

describe('pull writes the short references form only where it reads back', () => {
  it.each([
    [{ schema: undefined, name: 'users' }, ['id'], true],
    [{ schema: undefined, name: 'users' }, ['a\nb'], false],
    [{ schema: undefined, name: 'us\ters' }, ['id'], false],
    [{ schema: undefined, name: 'users' }, ['id\u001b'], false],
    [{ schema: undefined, name: 'users' }, [' id'], false],
  ])('%j (%j): %s', (table, columns, short) => {
    expect(fitsShortReference(table, columns)).toBe(short);
  });
});

describe('MySQL URL TLS options, as the mysql client reads ssl-mode', () => {
  it('maps each mode to mysql2 ssl options', () => {
    expect(mysqlSsl({})).toBeUndefined();
    expect(mysqlSsl({ 'ssl-mode': 'DISABLED' })).toBeUndefined();
    expect(mysqlSsl({ 'ssl-mode': 'REQUIRED' })).toEqual({ rejectUnauthorized: false });
    expect(mysqlSsl({ 'ssl-mode': 'VERIFY_IDENTITY' })).toEqual({ rejectUnauthorized: true });
    expect(mysqlSsl({ 'ssl-mode': 'verify-ca' })).toMatchObject({ rejectUnauthorized: true });
    expect(() => mysqlSsl({ 'ssl-mode': 'SOMETIMES' })).toThrow(/ssl-mode must be one of/u);
    expect(() => mysqlSsl({ 'ssl-mode': 'VERIFY_CA', 'ssl-ca': '/no/such/ca.pem' })).toThrow(
      /ssl-ca: cannot read/u,
    );
  });
});
