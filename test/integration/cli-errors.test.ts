import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.js';
import { available, createDatabase, MYSQL_URL, type TestDatabase } from '../support/targets.js';

const SETUP = `
CREATE TABLE orgs (id integer PRIMARY KEY, code text);
CREATE TABLE users (id integer PRIMARY KEY, org_id integer);
ALTER TABLE users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id);
`;

const SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
        onDelete: cascade
`;

function expectOneCleanError(result: { code: number; stdout: string; stderr: string }, code = 1): void {
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(/^fkdiff: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(!available('postgres'))(
  'bad input gets a clear error and nothing changes (PostgreSQL)',
  () => {
    let db: TestDatabase;
    const url = () => ['--url', db.url];
    const keys = () =>
      db.query<{ conname: string; confdeltype: string }>(
        "SELECT conname, confdeltype FROM pg_constraint WHERE contype = 'f' ORDER BY conname",
      );

    beforeAll(async () => {
      db = await createDatabase('postgres');
      await db.run(SETUP);
    });
    afterAll(async () => db.drop());

    it('malformed YAML: file:line:col', async () => {
      const spec = await tempFile('fkdiff.yaml', 'version: 1\ntables:\n  users: [unclosed\n');
      const result = await cli(['plan', spec, ...url()]);
      expectOneCleanError(result);
      expect(result.stderr).toContain(`${spec}:`);
      expect(result.stderr).toMatch(/fkdiff\.yaml:\d+:\d+/);
    });

    it('unknown key: a hint for the near miss, at its position', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC.replace('onDelete', 'ondelete'));
      const result = await cli(['plan', spec, ...url()]);
      expectOneCleanError(result);
      expect(result.stderr).toContain('fkdiff.yaml:7:9');
      expect(result.stderr).toContain('onDelete');
    });

    it('unknown tables and columns, and a target without a unique key: all reported, nothing run', async () => {
      const spec = await tempFile(
        'fkdiff.yaml',
        `version: 1
tables:
  users:
    foreignKeys:
      - { columns: [team_id], references: teams(id) }
      - { columns: [org_id], references: orgs(code) }
`,
      );
      const result = await cli(['apply', spec, ...url(), '--yes']);
      expectOneCleanError(result);
      expect(result.stderr).toContain('PREFLIGHT_FAILED');
      expect(result.stderr).toContain('fkdiff.yaml:5:9');
      expect(result.stderr).toContain('referenced table public.teams does not exist');
      expect(result.stderr).toContain('column public.users.team_id does not exist');
      expect(result.stderr).toContain(
        'no primary key or unique constraint covers exactly the referenced columns public.orgs (code)',
      );
      expect(await keys()).toEqual([{ conname: 'users_org_id_fkey', confdeltype: 'a' }]);
    });

    it('a missing spec file', async () => {
      const result = await cli(['plan', '/nonexistent/fkdiff.yaml', ...url()]);
      expectOneCleanError(result);
      expect(result.stderr).toContain('/nonexistent/fkdiff.yaml: cannot read the spec (no such file)');
    });

    it('an unreachable host, without the password', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      const result = await cli(['plan', spec, '--url', 'postgres://app:s3cretPassw0rd@127.0.0.1:1/app']);
      expectOneCleanError(result);
      expect(result.stderr).toContain('cannot connect to postgres://app@127.0.0.1:1/app');
      expect(result.stdout + result.stderr).not.toContain('s3cretPassw0rd');
    });

    it('DATABASE_URL is the default URL', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      const result = await cli(['plan', spec, '--exit-code'], { DATABASE_URL: db.url });
      expect(result.code).toBe(2);
    });

    it('--exit-code: 2 while changes are pending; plan changes nothing', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      const result = await cli(['plan', spec, ...url(), '--exit-code']);
      expect(result.code).toBe(2);
      expect(result.stdout).toContain('users_org_id_fkey');
      expect(result.stdout).not.toContain('\u001b[');
      expect(await keys()).toEqual([{ conname: 'users_org_id_fkey', confdeltype: 'a' }]);
    });

    it('apply without a terminal and without --yes refuses', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      const result = await cli(['apply', spec, ...url()]);
      expectOneCleanError(result);
      expect(result.stderr).toContain('--yes');
      expect(await keys()).toEqual([{ conname: 'users_org_id_fkey', confdeltype: 'a' }]);
    });

    it('denied hazards exit 3, from the flag and from the spec policy', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      expectOneCleanError(
        await cli(['apply', spec, ...url(), '--yes', '--deny-hazards', 'enables-cascade']),
        3,
      );
      const withPolicy = await tempFile('fkdiff.yaml', `${SPEC}policy:\n  denyHazards: [blocks-writes]\n`);
      expectOneCleanError(await cli(['apply', withPolicy, ...url(), '--yes']), 3);
      expect(await keys()).toEqual([{ conname: 'users_org_id_fkey', confdeltype: 'a' }]);
    });

    it('an unknown hazard code is a usage error', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      const result = await cli(['apply', spec, ...url(), '--yes', '--deny-hazards', 'blocks-everything']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('unknown hazard blocks-everything');
    });

    it('apply --plan refuses a plan made before the database changed, and changes nothing', async () => {
      const moved = await createDatabase('postgres');
      try {
        await moved.run(SETUP);
        const spec = await tempFile('fkdiff.yaml', SPEC);
        const planFile = spec.replace('fkdiff.yaml', 'plan.json');
        expect((await cli(['plan', spec, '--url', moved.url, '--out', planFile])).code).toBe(0);
        // Someone adds a key between plan and apply: the saved plan no longer leads to the spec.
        await moved.run(
          'ALTER TABLE users ADD CONSTRAINT users_org_id_restrict FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT',
        );
        const before = [
          { conname: 'users_org_id_fkey', confdeltype: 'a' },
          { conname: 'users_org_id_restrict', confdeltype: 'r' },
        ];
        const movedKeys = () =>
          moved.query<{ conname: string; confdeltype: string }>(
            "SELECT conname, confdeltype FROM pg_constraint WHERE contype = 'f' ORDER BY conname",
          );
        expect(await movedKeys()).toEqual(before);

        const result = await cli(['apply', spec, '--url', moved.url, '--yes', '--plan', planFile]);
        expectOneCleanError(result);
        expect(result.stderr).toContain('[PLAN_STALE]');
        expect(await movedKeys()).toEqual(before);
      } finally {
        await moved.drop();
      }
    });

    it('a failing step rolls the whole transaction back and names the statement and the server message', async () => {
      const other = await createDatabase('postgres');
      try {
        await other.run(`${SETUP}
        CREATE TABLE teams (id integer PRIMARY KEY);
        ALTER TABLE users ADD COLUMN team_id integer;
        INSERT INTO users VALUES (1, NULL, 42);`);
        const spec = await tempFile(
          'fkdiff.yaml',
          `version: 1
tables:
  users:
    foreignKeys:
      - { name: renamed_org_fk, columns: [org_id], references: orgs(id) }
      - { columns: [team_id], references: teams(id) }
`,
        );
        const checked = await cli(['apply', spec, '--url', other.url, '--yes']);
        expectOneCleanError(checked);
        expect(checked.stderr).toContain('existing rows would make the plan fail');
        expect(checked.stderr).toContain(
          'fkdiff.yaml:6:9: public.users.users_team_id_fkey: 1 row of public.users (team_id) matches no row of public.teams',
        );

        const result = await cli(['apply', spec, '--url', other.url, '--yes', '--no-check-data']);
        expectOneCleanError(result);
        expect(result.stderr).toContain(
          'step 2 of 2 failed: ALTER TABLE "public"."users" ADD CONSTRAINT "users_team_id_fkey"',
        );
        expect(result.stderr).toContain('violates foreign key constraint');
        expect(result.stderr).toContain('rolled back');
        const names = await other.query("SELECT conname FROM pg_constraint WHERE contype = 'f'");
        expect(names).toEqual([{ conname: 'users_org_id_fkey' }]);
      } finally {
        await other.drop();
      }
    });

    it('a lock held elsewhere: the lock timeout ends the wait, nothing changes', async () => {
      const spec = await tempFile('fkdiff.yaml', SPEC);
      const holder = new pg.Client({ connectionString: db.url });
      await holder.connect();
      try {
        await holder.query('BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
        const result = await cli(['apply', spec, ...url(), '--yes', '--lock-timeout', '300ms']);
        expectOneCleanError(result);
        expect(result.stderr).toContain('LOCK_TIMEOUT');
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      expect(await keys()).toEqual([{ conname: 'users_org_id_fkey', confdeltype: 'a' }]);
    });
  },
);

describe.skipIf(!available('mysql'))('connection errors on MySQL/MariaDB', () => {
  it('a wrong password: one line, no password', async () => {
    const spec = await tempFile('fkdiff.yaml', SPEC);
    const target = new URL(MYSQL_URL);
    target.username = 'fkdiff_nobody';
    target.password = 'Wr0ngPassw0rd';
    target.pathname = '/mysql';
    const result = await cli(['plan', spec, '--url', target.toString()]);
    expectOneCleanError(result);
    expect(result.stderr).toContain('Access denied');
    expect(result.stdout + result.stderr).not.toContain('Wr0ngPassw0rd');
  });
});
