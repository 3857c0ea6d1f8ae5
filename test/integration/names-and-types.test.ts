import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.js';
import { available, createDatabase, type TargetKind, type TestDatabase } from '../support/targets.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function database(kind: TargetKind, setup: string): Promise<TestDatabase> {
  const db = await createDatabase(kind);
  databases.push(db);
  await db.run(setup);
  return db;
}

async function plan(db: TestDatabase, spec: string) {
  return cli(['plan', await tempFile('fkdiff.yaml', spec), '--url', db.url]);
}

describe.skipIf(!available('postgres'))('names and types on PostgreSQL', () => {
  it('refuses a key between columns whose types cannot be compared', async () => {
    const db = await database(
      'postgres',
      'CREATE TABLE p (code text PRIMARY KEY); CREATE TABLE c (id int, code int);',
    );
    const result = await plan(
      db,
      'version: 1\ntables:\n  c:\n    foreignKeys:\n      - { columns: [code], references: p(code) }\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'fkdiff.yaml:5:9: public.c.c_code_fkey: column code (integer) cannot reference public.p.code (text): the types do not match',
    );
  });

  it('accepts integer → bigint, which PostgreSQL compares', async () => {
    const db = await database(
      'postgres',
      'CREATE TABLE p (id bigint PRIMARY KEY); CREATE TABLE c (id int, p_id int);',
    );
    const spec = await tempFile(
      'fkdiff.yaml',
      'version: 1\ntables:\n  c:\n    foreignKeys:\n      - { columns: [p_id], references: p(id) }\n',
    );
    expect((await cli(['apply', spec, '--url', db.url, '--yes'])).code).toBe(0);
  });

  it('a derived name skips a CHECK constraint holding it (one namespace per table)', async () => {
    const db = await database(
      'postgres',
      'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int CONSTRAINT c_p_id_fkey CHECK (p_id > 0));',
    );
    const spec = await tempFile(
      'fkdiff.yaml',
      'version: 1\ntables:\n  c:\n    foreignKeys:\n      - { columns: [p_id], references: p(id) }\n',
    );
    const applied = await cli(['apply', spec, '--url', db.url, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('ADD CONSTRAINT "c_p_id_fkey1"');
    expect((await cli(['plan', spec, '--url', db.url, '--exit-code'])).code).toBe(0);
  });

  it('a declared name held by another constraint is a pre-flight problem', async () => {
    const db = await database(
      'postgres',
      'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int CONSTRAINT positive CHECK (p_id > 0));',
    );
    const result = await plan(
      db,
      'version: 1\ntables:\n  c:\n    foreignKeys:\n      - { name: positive, columns: [p_id], references: p(id) }\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'public.c.positive: the name is already taken by another constraint of public.c',
    );
  });
});

describe.skipIf(!available('mysql'))('names and types on MariaDB', () => {
  it('refuses int → bigint, which InnoDB rejects (errno 150) after the drop has committed', async () => {
    const db = await database(
      'mysql',
      'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE p2 (id bigint PRIMARY KEY); CREATE TABLE c (a int, CONSTRAINT c_a_fkey FOREIGN KEY (a) REFERENCES p (id));',
    );
    const result = await plan(
      db,
      'version: 1\ntables:\n  c:\n    foreignKeys:\n      - { columns: [a], references: p2(id), onDelete: cascade }\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('column a (int(11)) cannot reference');
  });

  it('constraint names differing only in case collide: a spec error', async () => {
    const db = await database(
      'mysql',
      'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (a int); CREATE TABLE d (a int);',
    );
    const result = await plan(
      db,
      'version: 1\ntables:\n  c:\n    foreignKeys:\n      - { name: Fk, columns: [a], references: p(id) }\n  d:\n    foreignKeys:\n      - { name: fk, columns: [a], references: p(id) }\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('duplicate constraint name "fk"');
  });

  it('a derived name avoids an existing name that differs only in case', async () => {
    const db = await database(
      'mysql',
      'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE e (a int); CREATE TABLE d (a int, CONSTRAINT E_A_FKEY FOREIGN KEY (a) REFERENCES p (id));',
    );
    const spec = await tempFile(
      'fkdiff.yaml',
      'version: 1\ntables:\n  d:\n    foreignKeys:\n      - { name: E_A_FKEY, columns: [a], references: p(id) }\n  e:\n    foreignKeys:\n      - { columns: [a], references: p(id) }\n',
    );
    const applied = await cli(['apply', spec, '--url', db.url, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('ADD CONSTRAINT `e_a_fkey1`');
    expect((await cli(['plan', spec, '--url', db.url, '--exit-code'])).code).toBe(0);
  });

  it('a declared name held by a key on an excluded table is a pre-flight problem', async () => {
    const db = await database(
      'mysql',
      'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (a int); CREATE TABLE audit_log (a int, CONSTRAINT c_a_fkey FOREIGN KEY (a) REFERENCES p (id));',
    );
    const result = await plan(
      db,
      'version: 1\nexclude: [audit_*]\ntables:\n  c:\n    foreignKeys:\n      - { name: c_a_fkey, columns: [a], references: p(id) }\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the name is already taken by the foreign key of excluded table');
  });
});
