import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLockName } from '../../src/engines/mysql/catalog-sql.js';
import { cli, tempFile } from '../support/cli.js';
import { available, createDatabase, type TestDatabase } from '../support/targets.js';

const SETUP = `
CREATE TABLE orgs (id integer PRIMARY KEY);
CREATE TABLE teams (id integer PRIMARY KEY);
CREATE TABLE users (id integer PRIMARY KEY, org_id integer, team_id integer, boss_id integer);
INSERT INTO orgs VALUES (1);
INSERT INTO users VALUES (1, 1, 42, NULL);
ALTER TABLE users ADD CONSTRAINT old_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);
`;

const SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - { name: users_org_fk, columns: [org_id], references: orgs(id), onDelete: cascade }
      - { name: users_team_fk, columns: [team_id], references: teams(id) }
      - { name: users_boss_fk, columns: [boss_id], references: users(id) }
`;

describe.skipIf(!available('mysql'))(
  'apply on MySQL/MariaDB: no transactions, so stop, report, converge',
  () => {
    let db: TestDatabase;
    const keyNames = async () =>
      (
        await db.query<{ name: string }>(
          `SELECT CONSTRAINT_NAME AS name FROM information_schema.REFERENTIAL_CONSTRAINTS
          WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY CONSTRAINT_NAME`,
        )
      ).map((row) => row.name);

    beforeAll(async () => {
      db = await createDatabase('mysql');
      await db.run(SETUP);
    });
    afterAll(async () => db.drop());

    it('the data check finds the orphan row before any statement runs', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      const result = await cli(['apply', spec, '--url', db.url, '--yes']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `users.users_team_fk: 1 row of ${db.schema}.users (team_id) matches no row of`,
      );
      expect(await keyNames()).toEqual(['old_org_fk']);
    });

    it('a failure part-way says which steps ran; fixing the data and re-running converges', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      const planned = JSON.parse(
        (await cli(['plan', spec, '--url', db.url, '--format', 'json', '--no-check-data'])).stdout,
      ) as {
        steps: { op: string; constraint: string }[];
      };
      expect(planned.steps.map((s) => `${s.op} ${s.constraint}`)).toEqual([
        'drop old_org_fk',
        'add users_boss_fk',
        'add users_org_fk',
        'add users_team_fk',
      ]);

      const failed = await cli(['apply', spec, '--url', db.url, '--yes', '--no-check-data']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(
        /^fkdiff: step 4 of 4 failed: ALTER TABLE `[^`]+`\.`users` ADD CONSTRAINT `users_team_fk`/,
      );
      expect(failed.stderr).toContain('steps 1–3 were applied; step 4 was not');
      expect(failed.stdout).toContain('[3/4]');
      expect(await keyNames()).toEqual(['users_boss_fk', 'users_org_fk']);

      await db.query('DELETE FROM users WHERE team_id = 42');
      const rerun = await cli(['apply', spec, '--url', db.url, '--yes']);
      expect(rerun.stderr).toBe('');
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toContain('[1/1]');
      expect(await keyNames()).toEqual(['users_boss_fk', 'users_org_fk', 'users_team_fk']);
      expect((await cli(['plan', spec, '--url', db.url, '--exit-code'])).code).toBe(0);
    });

    it('two applies never interleave: the second waits for the named lock, then gives up', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC.replace('onDelete: cascade', 'onDelete: set null'));
      const holder = await mysql.createConnection({ uri: db.url });
      try {
        await holder.query('SELECT GET_LOCK(?, 0)', [applyLockName(db.schema)]);
        const blocked = await cli(['apply', spec, '--url', db.url, '--yes', '--lock-wait', '1s']);
        expect(blocked.code).toBe(1);
        expect(blocked.stderr).toContain('another fkdiff apply holds the lock');
        expect(blocked.stderr).toContain('[LOCK_TIMEOUT]');
      } finally {
        await holder.end();
      }
      const applied = await cli(['apply', spec, '--url', db.url, '--yes']);
      expect(applied.code).toBe(0);
    });
  },
);
