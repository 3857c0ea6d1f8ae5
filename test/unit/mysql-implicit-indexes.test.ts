import { describe, expect, it } from 'vitest';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { diff } from '../../src/diff/diff.js';
import type { Catalog, DesiredForeignKey, ForeignKey, Index, Table } from '../../src/model/catalog.js';
import { implicitIndexProblems } from '../../src/engines/mysql/implicit-indexes.js';
import { planChanges } from '../../src/plan/plan.js';
import { buildersFor } from '../support/builders.js';

const DB = 'app';
const build = buildersFor(mysqlEngine, DB);
const { index } = build;

function table(name: string, indexes: readonly Index[] = []): Table {
  const built = build.table(name, ['id', 'a', 'b', 'x', 'y']);
  return { ...built, indexes: [...built.indexes, ...indexes] };
}

function key(
  name: string,
  owner: string,
  columns: readonly string[],
  references = 'p',
  refColumns = ['id'],
): ForeignKey {
  return build.fk({ name, table: owner, columns, references, referencedColumns: refColumns });
}

function wanted(fk: ForeignKey): DesiredForeignKey {
  return { ...fk, source: undefined };
}

function catalog(tables: readonly Table[], foreignKeys: readonly ForeignKey[]): Catalog {
  return build.catalog([table('p'), ...tables], foreignKeys);
}

function plan(current: Catalog, desired: readonly ForeignKey[]) {
  const changes = diff(current.foreignKeys, desired.map(wanted), mysqlEngine);
  const result = planChanges(changes, current, mysqlEngine, { online: false });
  return {
    sql: result.steps.map((step) => step.sql),
    problems: implicitIndexProblems(changes, current).map((p) => p.message),
  };
}

const T = '`app`.`c`';

describe('implicit foreign key indexes on MySQL/MariaDB', () => {
  it('drops a leftover index that has the name of a key being added on other columns', () => {
    const current = catalog([table('c', [index('n', ['a'])])], []);
    expect(plan(current, [key('n', 'c', ['b'])])).toEqual({
      sql: [
        `ALTER TABLE ${T} DROP INDEX \`n\``,
        `ALTER TABLE ${T} ADD CONSTRAINT \`n\` FOREIGN KEY (\`b\`) REFERENCES \`app\`.\`p\` (\`id\`)`,
      ],
      problems: [],
    });
  });

  it('moves a name to other columns: drop the key, then its index, then add', () => {
    const current = catalog([table('c', [index('n', ['a'])])], [key('n', 'c', ['a'])]);
    expect(plan(current, [key('n', 'c', ['b'])]).sql).toEqual([
      `ALTER TABLE ${T} DROP FOREIGN KEY \`n\``,
      `ALTER TABLE ${T} DROP INDEX \`n\``,
      `ALTER TABLE ${T} ADD CONSTRAINT \`n\` FOREIGN KEY (\`b\`) REFERENCES \`app\`.\`p\` (\`id\`)`,
    ]);
  });

  it('swaps the names of two keys: both indexes go before either key is added', () => {
    const current = catalog(
      [table('c', [index('a', ['x']), index('b', ['y'])])],
      [key('a', 'c', ['x']), key('b', 'c', ['y'])],
    );
    const { sql } = plan(current, [key('a', 'c', ['y']), key('b', 'c', ['x'])]);
    expect(sql.slice(0, 2).sort()).toEqual([
      `ALTER TABLE ${T} DROP FOREIGN KEY \`a\``,
      `ALTER TABLE ${T} DROP FOREIGN KEY \`b\``,
    ]);
    expect(sql.slice(2, 4).sort()).toEqual([
      `ALTER TABLE ${T} DROP INDEX \`a\``,
      `ALTER TABLE ${T} DROP INDEX \`b\``,
    ]);
    expect(sql.slice(4).sort()).toEqual([
      `ALTER TABLE ${T} ADD CONSTRAINT \`a\` FOREIGN KEY (\`y\`) REFERENCES \`app\`.\`p\` (\`id\`)`,
      `ALTER TABLE ${T} ADD CONSTRAINT \`b\` FOREIGN KEY (\`x\`) REFERENCES \`app\`.\`p\` (\`id\`)`,
    ]);
  });

  it('renames a key as drop + add and leaves its index to the server', () => {
    const current = catalog([table('c', [index('old', ['a'])])], [key('old', 'c', ['a'])]);
    expect(plan(current, [key('new', 'c', ['a'])]).sql).toEqual([
      `ALTER TABLE ${T} DROP FOREIGN KEY \`old\``,
      `ALTER TABLE ${T} ADD CONSTRAINT \`new\` FOREIGN KEY (\`a\`) REFERENCES \`app\`.\`p\` (\`id\`)`,
    ]);
  });

  it('adds a key on columns that already have an index without touching indexes', () => {
    const current = catalog([table('c', [index('c_a_idx', ['a', 'b'])])], []);
    expect(plan(current, [key('c_a_fk', 'c', ['a'])]).sql).toEqual([
      `ALTER TABLE ${T} ADD CONSTRAINT \`c_a_fk\` FOREIGN KEY (\`a\`) REFERENCES \`app\`.\`p\` (\`id\`)`,
    ]);
  });

  it('keeps an index with the key’s name when it serves the key', () => {
    const current = catalog([table('c', [index('n', ['a', 'b'])])], []);
    expect(plan(current, [key('n', 'c', ['a'])]).sql).toHaveLength(1);
  });

  it.each([
    ['a unique index', index('u', ['b'], { unique: true })],
    ['a longer index', index('ab', ['b', 'a'])],
  ])('does not drop the named index when the server is sure to reuse %s', (_what, reused) => {
    const current = catalog([table('c', [index('n', ['a']), reused])], []);
    expect(plan(current, [key('n', 'c', ['b'])]).sql).toEqual([
      `ALTER TABLE ${T} ADD CONSTRAINT \`n\` FOREIGN KEY (\`b\`) REFERENCES \`app\`.\`p\` (\`id\`)`,
    ]);
  });

  it('still drops it when only a plain index of exactly the key’s columns could serve (InnoDB may own it)', () => {
    const current = catalog([table('c', [index('n', ['a']), index('b_idx', ['b'])])], []);
    expect(plan(current, [key('n', 'c', ['b'])]).sql[0]).toBe(`ALTER TABLE ${T} DROP INDEX \`n\``);
  });

  it('compares index names case-insensitively, as the server does', () => {
    const current = catalog([table('c', [index('N', ['a'])])], []);
    expect(plan(current, [key('n', 'c', ['b'])]).sql[0]).toBe(`ALTER TABLE ${T} DROP INDEX \`N\``);
  });

  it('never drops an index that a remaining key needs, and reports the conflict', () => {
    const current = catalog([table('c', [index('n', ['a', 'b'])])], [key('r', 'c', ['a'])]);
    const result = plan(current, [key('r', 'c', ['a']), key('n', 'c', ['x'])]);
    expect(result.sql).toEqual([
      `ALTER TABLE ${T} ADD CONSTRAINT \`n\` FOREIGN KEY (\`x\`) REFERENCES \`app\`.\`p\` (\`id\`)`,
    ]);
    expect(result.problems).toEqual([
      "app.c.n: the index n (a, b) of c has this key's name, which mysql also gives the index it creates for the key, " +
        'and app.c.r needs that index: rename the index (ALTER TABLE … RENAME INDEX) or choose another name for the key',
    ]);
  });

  it('drops it when another index serves the remaining key', () => {
    const current = catalog(
      [table('c', [index('n', ['a']), index('a_b', ['a', 'b'])])],
      [key('r', 'c', ['a'])],
    );
    expect(plan(current, [key('r', 'c', ['a']), key('n', 'c', ['x'])]).sql[0]).toBe(
      `ALTER TABLE ${T} DROP INDEX \`n\``,
    );
  });

  it('does not drop both of two indexes when each is the other’s replacement for a remaining key', () => {
    const current = catalog(
      [table('c', [index('n1', ['a']), index('n2', ['a', 'x'])])],
      [key('r', 'c', ['a'])],
    );
    const result = plan(current, [key('r', 'c', ['a']), key('n1', 'c', ['b']), key('n2', 'c', ['y'])]);
    expect(result.sql.filter((sql) => sql.includes('DROP INDEX'))).toEqual([
      `ALTER TABLE ${T} DROP INDEX \`n1\``,
    ]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^app\.c\.n2: the index n2 \(a, x\).*app\.c\.r needs that index/);
  });

  it('never drops an index that the referenced side of a key needs', () => {
    const current = catalog(
      [table('c', [index('n', ['a'])]), table('d')],
      [key('d_fk', 'd', ['a'], 'c', ['a'])],
    );
    const result = plan(current, [key('d_fk', 'd', ['a'], 'c', ['a']), key('n', 'c', ['b'])]);
    expect(result.sql.some((sql) => sql.includes('DROP INDEX'))).toBe(false);
    expect(result.problems[0]).toMatch(/app\.d\.d_fk needs that index/);
  });

  it('never drops an index that a key added by the same plan references', () => {
    const current = catalog([table('c', [index('n', ['a'])]), table('d')], []);
    const result = plan(current, [key('d_fk', 'd', ['a'], 'c', ['a']), key('n', 'c', ['b'])]);
    expect(result.sql.some((sql) => sql.includes('DROP INDEX'))).toBe(false);
    expect(result.problems).toHaveLength(1);
  });

  it.each([
    ['unique', index('n', ['a'], { unique: true })],
    ['prefix or FULLTEXT', index('n', ['a'], { usableForForeignKey: false })],
  ])('never drops a %s index, which InnoDB cannot have created', (_what, blocker) => {
    const current = catalog([table('c', [blocker])], []);
    const result = plan(current, [key('n', 'c', ['b'])]);
    expect(result.sql).toHaveLength(1);
    expect(result.problems[0]).toMatch(/it is not one fkdiff may drop/);
  });

  it('moves a name between tables: drop first, and the old table’s index is not in the way', () => {
    const current = catalog([table('c', [index('n', ['a'])]), table('d')], [key('n', 'c', ['a'])]);
    expect(plan(current, [key('n', 'd', ['a'])]).sql).toEqual([
      `ALTER TABLE ${T} DROP FOREIGN KEY \`n\``,
      'ALTER TABLE `app`.`d` ADD CONSTRAINT `n` FOREIGN KEY (`a`) REFERENCES `app`.`p` (`id`)',
    ]);
  });

  it('treats RESTRICT and NO ACTION as the same rule', () => {
    const current = catalog(
      [table('c', [index('r', ['a'])])],
      [{ ...key('r', 'c', ['a']), onDelete: 'restrict' }],
    );
    const desired = { ...key('r', 'c', ['a']), onUpdate: 'restrict' as const };
    expect(plan(current, [desired]).sql).toEqual([]);
  });
});
