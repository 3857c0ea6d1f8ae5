import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/db/connection.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { diff } from '../../src/diff/diff.js';
import { introspectMysql } from '../../src/engines/mysql/introspect.js';
import type { Catalog } from '../../src/model/catalog.js';
import { planChanges } from '../../src/plan/plan.js';
import { available, createDatabase, type TestDatabase } from '../support/targets.js';
import { haveRealSchemas, realSchema } from '../support/real-schemas.js';

/** UNIT3D's Laravel schema dump (MySQL 8 mysqldump output): 127 tables, 156 foreign keys. */
const UNIT3D = realSchema('unit3d-mysql.sql');

describe.skipIf(!available('mysql') || !haveRealSchemas('unit3d-mysql.sql'))(
  'mysql: a real schema (UNIT3D)',
  () => {
    let db: TestDatabase;
    let connection: Connection;
    let catalog: Catalog;
    const cleanup: (() => Promise<unknown>)[] = [];

    beforeAll(async () => {
      db = await createDatabase('mysql');
      cleanup.push(() => db.drop());
      await db.run(await readFile(UNIT3D, 'utf8'));
      connection = await connect(db.url);
      cleanup.push(() => connection.close());
      catalog = await introspectMysql(connection, [db.schema], []);
    });

    afterAll(async () => {
      for (const step of cleanup.reverse()) await step();
    });

    it('reads every table and foreign key', () => {
      expect(catalog.tables).toHaveLength(127);
      expect(catalog.foreignKeys).toHaveLength(156);
      expect(catalog.foreignKeys.filter((fk) => fk.table.name === fk.referencedTable.name)).toHaveLength(2);
    });

    it('reads the rules as the server reports them', () => {
      const count = (event: 'onDelete' | 'onUpdate', action: string) =>
        catalog.foreignKeys.filter((fk) => fk[event] === action).length;
      expect([
        count('onDelete', 'cascade'),
        count('onDelete', 'restrict'),
        count('onDelete', 'set null'),
      ]).toEqual([58, 87, 11]);
      expect([count('onUpdate', 'cascade'), count('onUpdate', 'restrict')]).toEqual([140, 16]);
    });

    it('finds an index behind both sides of every key', () => {
      const tables = new Map(catalog.tables.map((t) => [`${t.ref.schema}.${t.ref.name}`, t]));
      const leads = (name: string, columns: readonly string[]) =>
        tables
          .get(`${db.schema}.${name}`)
          ?.indexes.some(
            (i) => i.usableForForeignKey && columns.every((column, n) => i.columns[n] === column),
          ) ?? false;
      for (const fk of catalog.foreignKeys) {
        expect(leads(fk.table.name, fk.columns), fk.name).toBe(true);
        expect(leads(fk.referencedTable.name, fk.referencedColumns), fk.name).toBe(true);
      }
    });

    it('plans nothing when the spec is the database itself', () => {
      const desired = catalog.foreignKeys.map((fk) => ({ ...fk, source: undefined }));
      const changes = diff(catalog.foreignKeys, desired, mysqlEngine);
      expect(changes).toEqual([]);
      expect(planChanges(changes, catalog, mysqlEngine, { online: false }).steps).toEqual([]);
    });

    it('plans nothing for unnamed keys of the same definitions either', () => {
      const desired = catalog.foreignKeys.map((fk) => ({ ...fk, name: undefined, source: undefined }));
      expect(diff(catalog.foreignKeys, desired, mysqlEngine)).toEqual([]);
    });
  },
);
