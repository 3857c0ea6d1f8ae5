import { describe, expect, it } from 'vitest';
import { positionalBinds } from '../../src/engines/mysql/driver.js';

// The driver session sends fkdiff's `$n` binds as a prepared statement's `?`, as Sequelize did.
describe('MySQL positional binds', () => {
  it('turns each $n into ? with its value, in order, a number used twice bound twice', () => {
    expect(positionalBinds('SELECT $2 AS a, $1 AS b WHERE x = $2', ['one', 2])).toEqual({
      sql: 'SELECT ? AS a, ? AS b WHERE x = ?',
      values: [2, 'one', 2],
    });
  });

  it('leaves $n inside quoted text and identifiers alone, escapes included', () => {
    const sql = "SELECT '$1', 'it''s $1', 'a\\'$1', \"$1\", `t$1``$2` FROM t WHERE a = $1";
    expect(positionalBinds(sql, ['v'])).toEqual({
      sql: "SELECT '$1', 'it''s $1', 'a\\'$1', \"$1\", `t$1``$2` FROM t WHERE a = ?",
      values: ['v'],
    });
  });

  it('refuses a $n without a value, and a value it cannot bind', () => {
    expect(() => positionalBinds('SELECT $3', ['a'])).toThrow('$3 has no bound value');
    expect(() => positionalBinds('SELECT $1', [['a']])).toThrow('cannot be bound on MySQL');
  });
});
