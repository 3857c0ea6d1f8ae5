import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/db/connection.js';
import { columnsSql, foreignKeysSql, indexesSql } from '../../src/engines/mysql/catalog-sql.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { diff } from '../../src/diff/diff.js';
import { introspectMysql } from '../../src/engines/mysql/introspect.js';
import type { Catalog, DesiredForeignKey, ForeignKey } from '../../src/model/catalog.js';
import { planChanges } from '../../src/plan/plan.js';
import { available, createDatabase, MYSQL_URL, type TestDatabase } from '../support/targets.js';

const q = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

const WEIRD_TABLE = 'we`ird t\u00e4ble';
const WEIRD_KEY = 'f`k \u00fc';
const LONG_KEY = '\u00e9'.repeat(64);

/** MariaDB reports a rule left out as RESTRICT, MySQL as NO ACTION. */
const RESTRICT_OR_NO_ACTION = expect.stringMatching(/^(restrict|no action)$/) as string;

function asDesired(fk: ForeignKey): DesiredForeignKey {
  return { ...fk, source: undefined };
}

describe.skipIf(!available('mysql'))('mysql introspection', () => {
  let db: TestDatabase;
  let connection: Connection;
  let catalog: Catalog;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    db = await createDatabase('mysql');
    cleanup.push(() => db.drop());
    const S = q(db.schema);
    const O = q(db.otherSchema);
    await db.run(`
CREATE TABLE ${O}.accounts (id INT PRIMARY KEY, region CHAR(2) NOT NULL, UNIQUE KEY acc_region (region, id));
CREATE TABLE parents (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (b, a));
CREATE TABLE children (
  id INT PRIMARY KEY,
  pa INT, pb INT, parent_id INT, account_id INT, region CHAR(2),
  code VARCHAR(100), note TEXT,
  KEY code_prefix (code(10)),
  FULLTEXT KEY note_ft (note),
  CONSTRAINT child_parent FOREIGN KEY (pb, pa) REFERENCES parents (b, a) ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT child_self FOREIGN KEY (parent_id) REFERENCES children (id) ON DELETE SET NULL,
  CONSTRAINT child_account FOREIGN KEY (account_id) REFERENCES ${O}.accounts (id) ON DELETE NO ACTION ON UPDATE CASCADE,
  CONSTRAINT child_region FOREIGN KEY (region, account_id) REFERENCES ${O}.accounts (region, id)
);
CREATE TABLE ${q(WEIRD_TABLE)} (
  ${q('i`d')} INT PRIMARY KEY,
  ${q('\u00fc')} INT,
  CONSTRAINT ${q(WEIRD_KEY)} FOREIGN KEY (${q('\u00fc')}) REFERENCES ${q(WEIRD_TABLE)} (${q('i`d')}),
  CONSTRAINT ${q(LONG_KEY)} FOREIGN KEY (${q('\u00fc')}) REFERENCES ${S}.parents (b)
);
CREATE VIEW child_view AS SELECT id FROM children;
CREATE TABLE ${O}.elsewhere (id INT PRIMARY KEY, a INT, CONSTRAINT elsewhere_fk FOREIGN KEY (a) REFERENCES ${O}.accounts (id));
`);
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    try {
      const [rows] = await admin.query('SELECT @@lower_case_table_names AS lctn');
      // A database whose name differs from db.schema only in case must never leak in.
      if (Number((rows as { lctn: number }[])[0]?.lctn) === 0) {
        const twin = db.schema.toUpperCase();
        await admin.query(`CREATE DATABASE ${q(twin)}`);
        cleanup.push(async () => {
          const dropper = await mysql.createConnection({ uri: MYSQL_URL });
          await dropper.query(`DROP DATABASE IF EXISTS ${q(twin)}`).finally(() => dropper.end());
        });
        await admin.query(
          `CREATE TABLE ${q(twin)}.accounts (id INT PRIMARY KEY, a INT, CONSTRAINT twin_fk FOREIGN KEY (a) REFERENCES ${q(twin)}.accounts (id))`,
        );
      }
    } finally {
      await admin.end();
    }
    connection = await connect(db.url);
    cleanup.push(() => connection.close());
    catalog = await introspectMysql(connection, [db.schema], [db.otherSchema]);
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('connects to the URL’s database', () => {
    expect(connection.defaultSchema).toBe(db.schema);
    expect(connection.engine.name).toBe('mysql');
  });

  it('reads composite, self-referencing and cross-database keys in key column order', () => {
    const S = db.schema;
    const O = db.otherSchema;
    const base = { deferrable: false, initiallyDeferred: false, match: 'simple', validated: true } as const;
    const children = { schema: S, name: 'children' };
    expect(catalog.foreignKeys.filter((fk) => fk.table.name === 'children')).toEqual([
      {
        ...base,
        name: 'child_account',
        table: children,
        columns: ['account_id'],
        referencedTable: { schema: O, name: 'accounts' },
        referencedColumns: ['id'],
        onDelete: 'no action',
        onUpdate: 'cascade',
      },
      {
        ...base,
        name: 'child_parent',
        table: children,
        columns: ['pb', 'pa'],
        referencedTable: { schema: S, name: 'parents' },
        referencedColumns: ['b', 'a'],
        onDelete: 'cascade',
        onUpdate: 'restrict',
      },
      {
        ...base,
        name: 'child_region',
        table: children,
        columns: ['region', 'account_id'],
        referencedTable: { schema: O, name: 'accounts' },
        referencedColumns: ['region', 'id'],
        onDelete: RESTRICT_OR_NO_ACTION,
        onUpdate: RESTRICT_OR_NO_ACTION,
      },
      {
        ...base,
        name: 'child_self',
        table: children,
        columns: ['parent_id'],
        referencedTable: children,
        referencedColumns: ['id'],
        onDelete: 'set null',
        onUpdate: RESTRICT_OR_NO_ACTION,
      },
    ]);
  });

  it('reads backticks, non-ASCII and 64-character names as they are', () => {
    const weird = catalog.foreignKeys.filter((fk) => fk.table.name === WEIRD_TABLE);
    expect(weird.map((fk) => [fk.name, fk.columns, fk.referencedTable.name, fk.referencedColumns])).toEqual([
      [WEIRD_KEY, ['\u00fc'], WEIRD_TABLE, ['i`d']],
      [LONG_KEY, ['\u00fc'], 'parents', ['b']],
    ]);
  });

  it('reads only the keys of the governed databases, matched exactly', () => {
    expect(catalog.foreignKeys.every((fk) => fk.table.schema === db.schema)).toBe(true);
    expect(catalog.foreignKeys).toHaveLength(6);
    expect(catalog.schemas).toEqual([db.schema]);
  });

  it('reads the base tables of the governed and referenced databases, not views', () => {
    expect(catalog.tables.map((t) => `${t.ref.schema === db.schema ? 'S' : 'O'}.${t.ref.name}`)).toEqual([
      'S.children',
      'S.parents',
      `S.${WEIRD_TABLE}`,
      'O.accounts',
      'O.elsewhere',
    ]);
    const children = catalog.tables.find((t) => t.ref.name === 'children');
    expect(children?.columns.map((c) => c.name)).toEqual([
      'id',
      'pa',
      'pb',
      'parent_id',
      'account_id',
      'region',
      'code',
      'note',
    ]);
    expect(children?.columns[0]).toEqual({ name: 'id', type: 'int(11)', nullable: false });
    expect(children?.columns[1]?.nullable).toBe(true);
    expect(children?.partitioned).toBe(false);
  });

  it('reads indexes in column order, with what InnoDB can use for a key', () => {
    const indexes = (name: string) => catalog.tables.find((t) => t.ref.name === name)?.indexes;
    expect(indexes('parents')).toEqual([
      { name: 'PRIMARY', columns: ['b', 'a'], unique: true, primary: true, usableForForeignKey: true },
    ]);
    expect(indexes('accounts')).toEqual([
      { name: 'PRIMARY', columns: ['id'], unique: true, primary: true, usableForForeignKey: true },
      {
        name: 'acc_region',
        columns: ['region', 'id'],
        unique: true,
        primary: false,
        usableForForeignKey: true,
      },
    ]);
    const children = indexes('children') ?? [];
    expect(children.find((i) => i.name === 'code_prefix')).toMatchObject({ usableForForeignKey: false });
    expect(children.find((i) => i.name === 'note_ft')).toMatchObject({ usableForForeignKey: false });
    // The indexes InnoDB created for the keys, named after them.
    expect(children.find((i) => i.name === 'child_parent')).toEqual({
      name: 'child_parent',
      columns: ['pb', 'pa'],
      unique: false,
      primary: false,
      usableForForeignKey: true,
    });
  });

  it('compares RESTRICT and NO ACTION as equal: the spec of either plans nothing', () => {
    const swapped = catalog.foreignKeys.map((fk) => {
      const other = (action: ForeignKey['onDelete']) =>
        action === 'restrict' ? 'no action' : action === 'no action' ? 'restrict' : action;
      return asDesired({ ...fk, onDelete: other(fk.onDelete), onUpdate: other(fk.onUpdate) });
    });
    const changes = diff(catalog.foreignKeys, swapped, mysqlEngine);
    expect(changes).toEqual([]);
    expect(planChanges(changes, catalog, mysqlEngine, { online: false }).steps).toEqual([]);
  });

  it('sees a real difference in rules', () => {
    const desired = catalog.foreignKeys.map((fk) =>
      asDesired(fk.name === 'child_self' ? { ...fk, onDelete: 'cascade' } : fk),
    );
    expect(diff(catalog.foreignKeys, desired, mysqlEngine).map((c) => c.kind)).toEqual(['replace']);
  });

  it.each([
    ['foreign keys', foreignKeysSql],
    ['columns', columnsSql],
    ['indexes', indexesSql],
  ])('reads the %s of the requested databases only, not of every database', async (_what, sql) => {
    const binds = [db.schema, db.otherSchema];
    // Both databases have keys, columns and indexes. Other databases must be left out: the server's
    // own (columns, indexes) and, where names are case-sensitive, the twin differing in case.
    const rows = await connection.select<{ schema: string }>(sql(2), binds);
    expect(new Set(rows.map((row) => row.schema))).toEqual(new Set(binds));
    // MariaDB builds information_schema per query: an equality on the schema lets it open the
    // requested database only, which its EXPLAIN reports. MySQL 8 reads its data dictionary and
    // has no such note.
    if (connection.serverVersion.includes('MariaDB')) {
      const plan = await connection.select<{ Extra: string | null }>(`EXPLAIN ${sql(2)}`, binds);
      expect(plan.length).toBeGreaterThan(0);
      for (const row of plan) expect(row.Extra).toContain('Scanned 1 database');
    }
  });

  it('reads nothing for no databases', async () => {
    expect(await introspectMysql(connection, [], [])).toEqual({
      dialect: 'mysql',
      schemas: [],
      tables: [],
      foreignKeys: [],
    });
  });
});
