/** The spec's newer PostgreSQL fields (15: SET NULL (col); 18: enforced, period), without a database. */
import { describe, expect, it } from 'vitest';
import { FkdiffError, formatProblem } from '../../src/errors.js';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import { parseSpec, resolveSpec } from '../../src/spec/index.js';
import { writeSpec } from '../../src/spec/write.js';

const FILE = 'fkdiff.yaml';

function spec(...key: string[]): string {
  return ['version: 1', 'tables:', '  posts:', '    foreignKeys:', ...key.map((l) => `      ${l}`), ''].join(
    '\n',
  );
}

function resolve(text: string) {
  return resolveSpec(parseSpec(text, FILE), { dialect: postgresEngine, defaultSchema: 'public' });
}

function problems(text: string): string[] {
  try {
    resolve(text);
  } catch (error) {
    if (!(error instanceof FkdiffError)) throw error;
    return error.problems.map(formatProblem);
  }
  throw new Error('expected the spec to be refused');
}

describe('the newer key attributes in the spec', () => {
  it('reads set null (col, …), enforced: false and period: true, and pull writes them back', () => {
    const text = spec(
      '- columns: [tenant_id, author_id]',
      '  references: authors(tenant_id, id)',
      '  onDelete: SET NULL (author_id)',
      '- columns: [room_id, booked_at]',
      '  references: rooms(id, valid_at)',
      '  period: true',
      '  enforced: false',
    );
    const [setNull, temporal] = resolve(text).foreignKeys;
    expect(setNull).toMatchObject({ onDelete: 'set null', onDeleteColumns: ['author_id'], validated: true });
    expect(setNull).not.toHaveProperty('enforced');
    expect(temporal).toMatchObject({ period: true, enforced: false, validated: false });
    const written = writeSpec(
      { foreignKeys: resolve(text).foreignKeys.map((fk) => ({ ...fk, name: 'k' })) },
      { schemas: ['public'], defaultSchema: 'public' },
    );
    expect(written).toContain('onDelete: set null (author_id)');
    expect(written).toContain('period: true');
    expect(written).toContain('enforced: false');
    expect(written).not.toContain('notValid');
  });

  it('refuses a column list outside the key, on another rule, and contradictions, each at its line', () => {
    expect(
      problems(
        spec(
          '- columns: [tenant_id, author_id]',
          '  references: authors(tenant_id, id)',
          '  onDelete: set null (editor_id)',
          '- columns: [room_id, booked_at]',
          '  references: rooms(id, valid_at)',
          '  period: true',
          '  onUpdate: cascade',
          '- columns: [b_id]',
          '  references: b(id)',
          '  enforced: false',
          '  notValid: true',
        ),
      ),
    ).toEqual([
      "fkdiff.yaml:7:19: onDelete: the columns set must be some of the key's columns (tenant_id, author_id); not editor_id",
      'fkdiff.yaml:10:9: period: true allows only "no action" for onDelete and onUpdate (PostgreSQL 18)',
      'fkdiff.yaml:15:9: notValid does not apply to a key with enforced: false (it is never validated); remove it',
    ]);
  });
});
