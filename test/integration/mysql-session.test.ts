import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/db/connection.js';
import {
  ACQUIRE_LOCK_SQL,
  applyLockName,
  RELEASE_LOCK_SQL,
  SET_LOCK_WAIT_TIMEOUT_SQL,
} from '../../src/engines/mysql/catalog-sql.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { available, createDatabase, type TestDatabase } from '../support/targets.js';

interface Acquired {
  acquired: number | string | null;
}
interface Released {
  released: number | string | null;
}

describe.skipIf(!available('mysql'))('mysql session SQL for apply', () => {
  let db: TestDatabase;
  let first: Connection;
  let second: Connection;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    db = await createDatabase('mysql');
    cleanup.push(() => db.drop());
    await db.run('CREATE TABLE p (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p_id INT);');
    first = await connect(db.url);
    cleanup.push(() => first.close());
    second = await connect(db.url);
    cleanup.push(() => second.close());
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('reads the database and the server version when it connects', () => {
    expect(first.defaultSchema).toBe(db.schema);
    expect(first.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('takes a named lock that a second session cannot take until it is released', async () => {
    const name = applyLockName(db.schema);
    expect(await first.select<Acquired>(ACQUIRE_LOCK_SQL, [name, 1])).toEqual([{ acquired: 1 }]);
    expect(await second.select<Acquired>(ACQUIRE_LOCK_SQL, [name, 0])).toEqual([{ acquired: 0 }]);
    expect(await second.select<Released>(RELEASE_LOCK_SQL, [name])).toEqual([{ released: 0 }]);
    expect(await first.select<Released>(RELEASE_LOCK_SQL, [name])).toEqual([{ released: 1 }]);
    expect(await first.select<Released>(RELEASE_LOCK_SQL, [name])).toEqual([{ released: null }]);
    expect(await second.select<Acquired>(ACQUIRE_LOCK_SQL, [name, 0])).toEqual([{ acquired: 1 }]);
    await second.select(RELEASE_LOCK_SQL, [name]);
  });

  it('keeps lock names within the servers’ limits, hashing long ones', async () => {
    expect(applyLockName('shop')).toBe('fkdiff:shop');
    const long = applyLockName('\u00e9'.repeat(64));
    expect(long).toMatch(/^fkdiff:[0-9a-f]{40}$/);
    expect(await first.select<Acquired>(ACQUIRE_LOCK_SQL, [long, 0])).toEqual([{ acquired: 1 }]);
    await first.select(RELEASE_LOCK_SQL, [long]);
  });

  it('sets lock_wait_timeout from a bound integer', async () => {
    await first.execute(SET_LOCK_WAIT_TIMEOUT_SQL, [7]);
    expect(await first.select<{ value: number }>('SELECT @@SESSION.lock_wait_timeout AS value')).toEqual([
      { value: 7 },
    ]);
  });

  it('runs the script prologue that plan --format sql prints', async () => {
    for (const sql of mysqlEngine.scriptFraming(2500).prologue) await first.execute(sql);
    expect(await first.select<{ value: number }>('SELECT @@SESSION.lock_wait_timeout AS value')).toEqual([
      { value: 3 },
    ]);
  });

  it('counts the rows that would make an add fail, as InnoDB checks them', async () => {
    await db.run(`
CREATE TABLE tenants (code VARCHAR(10) NOT NULL, region INT NOT NULL, PRIMARY KEY (code, region));
CREATE TABLE sites (id INT PRIMARY KEY, tenant VARCHAR(10), region INT);
INSERT INTO tenants VALUES ('acme', 1);
INSERT INTO sites VALUES (1, 'ACME', 1), (2, 'acme', 2), (3, NULL, 9), (4, 'nobody', NULL), (5, 'ghost', 1), (6, 'ghost', 3);
`);
    const fk = {
      name: 'sites_tenant_fk',
      table: { schema: db.schema, name: 'sites' },
      columns: ['tenant', 'region'],
      referencedTable: { schema: db.schema, name: 'tenants' },
      referencedColumns: ['code', 'region'],
      onDelete: 'no action',
      onUpdate: 'no action',
      deferrable: false,
      initiallyDeferred: false,
      match: 'simple',
      validated: true,
    } as const;
    // 'ACME' matches 'acme' under the case-insensitive collation; rows with a NULL are not checked.
    const counted = await first.select<{ position: number; orphans: number }>(
      mysqlEngine.orphanCountSql([fk, fk], 1),
    );
    expect(counted.map((row) => [row.position, row.orphans])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    await expect(
      first.execute(mysqlEngine.stepSql({ kind: 'add', fk, notValid: false })),
    ).rejects.toMatchObject({
      original: { errno: 1452 },
    });
    await db.run("DELETE FROM sites WHERE tenant <> 'acme' OR region <> 1;");
    expect(await first.select(mysqlEngine.orphanCountSql([fk], 1000))).toEqual([{ position: 0, orphans: 0 }]);
    await first.execute(mysqlEngine.stepSql({ kind: 'add', fk, notValid: false }));
  });

  it('makes a DDL step give up when another session holds the table: error 1205', async () => {
    const holder = await mysql.createConnection({ uri: db.url });
    try {
      await holder.query('START TRANSACTION');
      await holder.query('SELECT * FROM c');
      await first.execute(SET_LOCK_WAIT_TIMEOUT_SQL, [1]);
      const step = mysqlEngine.stepSql({
        kind: 'add',
        notValid: false,
        fk: {
          name: 'c_p_id_fkey',
          table: { schema: db.schema, name: 'c' },
          columns: ['p_id'],
          referencedTable: { schema: db.schema, name: 'p' },
          referencedColumns: ['id'],
          onDelete: 'no action',
          onUpdate: 'no action',
          deferrable: false,
          initiallyDeferred: false,
          match: 'simple',
          validated: true,
        },
      });
      await expect(first.execute(step)).rejects.toMatchObject({
        original: { errno: 1205, sqlMessage: 'Lock wait timeout exceeded; try restarting transaction' },
      });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });
});
