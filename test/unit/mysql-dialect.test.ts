import { describe, expect, it } from 'vitest';
import {
  applyLockName,
  columnsSql,
  foreignKeysSql,
  indexesSql,
} from '../../src/engines/mysql/catalog-sql.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { lockWaitSeconds } from '../../src/engines/mysql/session.js';
import { FkdiffError } from '../../src/errors.js';
import type { ForeignKey, ReferentialAction } from '../../src/model/catalog.js';
import type { StepAction } from '../../src/model/plan.js';

function key(overrides: Partial<ForeignKey> = {}): ForeignKey {
  return {
    name: 'orders_user_id_fkey',
    table: { schema: 'shop', name: 'orders' },
    columns: ['user_id'],
    referencedTable: { schema: 'shop', name: 'users' },
    referencedColumns: ['id'],
    onDelete: 'no action',
    onUpdate: 'no action',
    deferrable: false,
    initiallyDeferred: false,
    match: 'simple',
    validated: true,
    ...overrides,
  };
}

describe('mysql quoting', () => {
  it('quotes with backticks and doubles inner backticks', () => {
    expect(mysqlEngine.quoteIdentifier('orders')).toBe('`orders`');
    expect(mysqlEngine.quoteIdentifier('we`ird')).toBe('`we``ird`');
    expect(mysqlEngine.quoteIdentifier('``')).toBe('``````');
    expect(mysqlEngine.quoteIdentifier('na\u00efve "x".y')).toBe('`na\u00efve "x".y`');
  });

  it('qualifies every table with its database', () => {
    expect(mysqlEngine.quoteTable({ schema: 'my`db', name: 'Kunde\u00df' })).toBe('`my``db`.`Kunde\u00df`');
  });

  it('counts identifier length in characters, not bytes or UTF-16 units', () => {
    expect(mysqlEngine.identifierLength('\u00e9'.repeat(64))).toBe(64);
    expect(mysqlEngine.identifierLength('\u{1F600}')).toBe(1);
    expect(mysqlEngine.capabilities.maxIdentifierLength).toBe(64);
    expect(mysqlEngine.capabilities.identifierUnit).toBe('characters');
  });
});

describe('mysql capabilities', () => {
  it('describes InnoDB', () => {
    expect(mysqlEngine.capabilities).toEqual({
      schemaFromUrl: true,
      transactionalDdl: false,
      renameConstraint: false,
      deferrable: false,
      match: false,
      setNullNeedsNullableColumns: true,
      setDefault: false,
      notValid: false,
      constraintNameScope: 'schema',
      constraintNamesIgnoreCase: true,
      maxIdentifierLength: 64,
      identifierUnit: 'characters',
      referencedKey: 'leading-index',
    });
  });
});

describe('mysql action normalization', () => {
  it.each<[ReferentialAction, ReferentialAction]>([
    ['restrict', 'no action'],
    ['no action', 'no action'],
    ['cascade', 'cascade'],
    ['set null', 'set null'],
    ['set default', 'set default'],
  ])('%s -> %s', (action, expected) => {
    expect(mysqlEngine.normalizeAction(action)).toBe(expected);
  });
});

describe('mysql step SQL', () => {
  it('drops a foreign key', () => {
    expect(mysqlEngine.stepSql({ kind: 'drop', fk: key() })).toBe(
      'ALTER TABLE `shop`.`orders` DROP FOREIGN KEY `orders_user_id_fkey`',
    );
  });

  it('adds a foreign key, leaving out NO ACTION', () => {
    expect(mysqlEngine.stepSql({ kind: 'add', fk: key(), notValid: false })).toBe(
      'ALTER TABLE `shop`.`orders` ADD CONSTRAINT `orders_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `shop`.`users` (`id`)',
    );
  });

  it('adds a composite, cross-database key with its actions', () => {
    const fk = key({
      name: 'lines_order_fk',
      table: { schema: 'shop', name: 'lines' },
      columns: ['order_no', 'tenant'],
      referencedTable: { schema: 'billing', name: 'orders' },
      referencedColumns: ['no', 'tenant_id'],
      onDelete: 'cascade',
      onUpdate: 'set null',
    });
    expect(mysqlEngine.stepSql({ kind: 'add', fk, notValid: false })).toBe(
      'ALTER TABLE `shop`.`lines` ADD CONSTRAINT `lines_order_fk` FOREIGN KEY (`order_no`, `tenant`) ' +
        'REFERENCES `billing`.`orders` (`no`, `tenant_id`) ON DELETE CASCADE ON UPDATE SET NULL',
    );
  });

  it('quotes backticks and non-ASCII names in every position', () => {
    const fk = key({
      name: 'f`k_\u00fc',
      table: { schema: 'd`b', name: 't\u00e4`b' },
      columns: ['c`ol', '\u00f1'],
      referencedTable: { schema: 'd`b', name: 'r\u00e9f' },
      referencedColumns: ['i`d', '\u00df'],
    });
    expect(mysqlEngine.stepSql({ kind: 'add', fk, notValid: false })).toBe(
      'ALTER TABLE `d``b`.`t\u00e4``b` ADD CONSTRAINT `f``k_\u00fc` FOREIGN KEY (`c``ol`, `\u00f1`) REFERENCES `d``b`.`r\u00e9f` (`i``d`, `\u00df`)',
    );
    expect(mysqlEngine.stepSql({ kind: 'drop', fk })).toBe(
      'ALTER TABLE `d``b`.`t\u00e4``b` DROP FOREIGN KEY `f``k_\u00fc`',
    );
  });

  it('drops an index on the key’s table', () => {
    expect(mysqlEngine.stepSql({ kind: 'drop-index', fk: key(), indexName: 'old`idx' })).toBe(
      'ALTER TABLE `shop`.`orders` DROP INDEX `old``idx`',
    );
  });

  it('never renames, alters or validates a key', () => {
    const ops: StepAction[] = [
      { kind: 'rename', fk: key(), newName: 'other' },
      { kind: 'alter', fk: key(), deferrable: true, initiallyDeferred: false },
      { kind: 'validate', fk: key() },
    ];
    for (const op of ops) expect(() => mysqlEngine.stepSql(op)).toThrow(/MySQL has no/);
  });

  it('refuses SET DEFAULT, which InnoDB does not implement', () => {
    const fk = key({ onDelete: 'set default' });
    expect(() => mysqlEngine.stepSql({ kind: 'add', fk, notValid: false })).toThrow(FkdiffError);
    expect(() =>
      mysqlEngine.stepSql({ kind: 'add', fk: key({ onUpdate: 'set default' }), notValid: false }),
    ).toThrow('shop.orders.orders_user_id_fkey: InnoDB does not support SET DEFAULT');
  });

  it('shows the definition as it follows ADD CONSTRAINT', () => {
    expect(mysqlEngine.definitionSql(key({ onDelete: 'restrict' }))).toBe(
      'FOREIGN KEY (`user_id`) REFERENCES `shop`.`users` (`id`) ON DELETE RESTRICT',
    );
  });
});

describe('mysql script framing', () => {
  it('sets the lock wait timeout in whole seconds, without transactions', () => {
    expect(mysqlEngine.scriptFraming(5000)).toEqual({
      prologue: ['SET SESSION lock_wait_timeout = 5'],
      transaction: undefined,
    });
    expect(mysqlEngine.scriptFraming(1500).prologue).toEqual(['SET SESSION lock_wait_timeout = 2']);
  });

  it('keeps the timeout within the server’s range', () => {
    expect(lockWaitSeconds(0)).toBe(1);
    expect(lockWaitSeconds(-5)).toBe(1);
    expect(lockWaitSeconds(Number.NaN)).toBe(1);
    expect(lockWaitSeconds(Number.POSITIVE_INFINITY)).toBe(31_536_000);
  });
});

describe('mysql catalog SQL', () => {
  it.each([
    ['foreign keys', foreignKeysSql],
    ['columns', columnsSql],
    ['indexes', indexesSql],
  ])('%s: one branch per database, each bound to its own parameter', (_what, sql) => {
    const text = sql(3);
    expect(text.split('UNION ALL')).toHaveLength(3);
    for (const param of ['$1', '$2', '$3']) expect(text).toContain(`= ${param} AND CAST(`);
    expect(text).not.toContain('$4');
    expect(() => sql(0)).toThrow(RangeError);
  });
});

describe('mysql apply lock name', () => {
  it('is readable when it fits 64 bytes, a hash otherwise', () => {
    expect(applyLockName('shop')).toBe('fkdiff:shop');
    expect(applyLockName('a'.repeat(57))).toBe(`fkdiff:${'a'.repeat(57)}`);
    expect(applyLockName('a'.repeat(58))).toMatch(/^fkdiff:[0-9a-f]{40}$/);
    expect(applyLockName('\u00e9'.repeat(29))).toMatch(/^fkdiff:[0-9a-f]{40}$/);
    expect(applyLockName('x'.repeat(58))).not.toBe(applyLockName('y'.repeat(58)));
  });
});
