import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, CLI_COMMAND, tempFile } from '../support/cli.js';
import { available, createDatabase, POSTGRES_URL, type TestDatabase } from '../support/targets.js';

const TENANTS = 200;
const ORPHANS = 'tenant_013';
const LOCKED = 'tenant_101';

/** One script: a shared schema, and 200 identical tenant schemas with no keys yet. */
const SETUP = `
CREATE TABLE public.plans (id integer PRIMARY KEY);
INSERT INTO public.plans VALUES (1);
DO $$
BEGIN
  FOR i IN 0..${TENANTS - 1} LOOP
    EXECUTE format('CREATE SCHEMA %I', 'tenant_' || lpad(i::text, 3, '0'));
    EXECUTE format('CREATE TABLE %I.orgs (id integer PRIMARY KEY)', 'tenant_' || lpad(i::text, 3, '0'));
    EXECUTE format('CREATE TABLE %I.users (id integer PRIMARY KEY, org_id integer, plan_id integer)',
                   'tenant_' || lpad(i::text, 3, '0'));
    EXECUTE format('INSERT INTO %I.orgs VALUES (1); INSERT INTO %I.users VALUES (1, 1, 1)',
                   'tenant_' || lpad(i::text, 3, '0'), 'tenant_' || lpad(i::text, 3, '0'));
  END LOOP;
END $$;
INSERT INTO ${ORPHANS}.users VALUES (2, 42, 1);
`;

/** Written for one tenant: unqualified tables, and a reference to the shared schema. */
const SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
      - columns: [plan_id]
        references: public.plans(id)
`;

interface JsonReport {
  readonly counts: Record<string, number>;
  readonly results: readonly {
    readonly target: string;
    readonly status: string;
    readonly elapsedMs: number;
    readonly error?: { readonly code: string; readonly message: string };
  }[];
}

const parse = (text: string): JsonReport => JSON.parse(text) as JsonReport;
const withoutTimes = (report: JsonReport) => report.results.map(({ elapsedMs: _elapsed, ...rest }) => rest);

describe.skipIf(!available('postgres'))(`${TENANTS} tenant schemas in one PostgreSQL database`, () => {
  let db: TestDatabase;
  let spec: string;
  const fleet = (command: string, ...flags: string[]) =>
    cli([command, spec, '--url', db.url, '--each-schema', 'tenant_*', ...flags]);

  beforeAll(async () => {
    db = await createDatabase('postgres');
    await db.run(SETUP);
    spec = await tempFile('fkdiff.yaml', SPEC);
  });
  afterAll(async () => db.drop());

  it('--shard 1..N covers every tenant exactly once, and fleet-report of the shards equals one run', async () => {
    const whole = await fleet('plan', '--no-check-data', '--format', 'json');
    expect(whole.code).toBe(0);
    const files: string[] = [];
    const seen: string[] = [];
    for (const k of [1, 2, 3]) {
      const shard = await fleet('plan', '--no-check-data', '--format', 'json', '--shard', `${k}/3`);
      expect(shard.code).toBe(0);
      const targets = parse(shard.stdout).results.map((result) => result.target);
      // Balanced: 200 over 3 shards is 67, 67, 66.
      expect(targets.length).toBeGreaterThanOrEqual(66);
      expect(targets.length).toBeLessThanOrEqual(67);
      seen.push(...targets);
      files.push(await tempFile(`shard-${k}.json`, shard.stdout));
    }
    expect(seen.sort()).toEqual(parse(whole.stdout).results.map((result) => result.target));
    expect(new Set(seen).size).toBe(TENANTS);

    const merged = await cli(['fleet-report', ...files, '--format', 'json']);
    expect(merged.code).toBe(0);
    expect(withoutTimes(parse(merged.stdout))).toEqual(withoutTimes(parse(whole.stdout)));
    const text = await cli(['fleet-report', ...files]);
    const wholeText = await fleet('plan', '--no-check-data');
    expect(text.stdout).toBe(wholeText.stdout);
    expect(text.stdout).toContain(`${TENANTS} tenants: 2 to add`);

    // A shard missing from the merge is an error, not a smaller fleet.
    const partial = await cli(['fleet-report', files[0] ?? '', files[1] ?? '']);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain('shard 3/3 missing');
    expect(partial.stderr).toContain('[FLEET_REPORT_INVALID]');
  });

  it('apply converges every tenant but one with orphan rows and one locked; a re-run after the fix converges them', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    const watcher = new pg.Client({ connectionString: POSTGRES_URL });
    await watcher.connect();
    const database = new URL(db.url).pathname.slice(1);
    let most = 0;
    const state = { watching: true };
    try {
      await locker.query(`BEGIN; LOCK TABLE ${LOCKED}.users IN ACCESS EXCLUSIVE MODE`);
      const lockerPid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      // Count fkdiff's sessions on the database while the fleet runs.
      const watch = (async () => {
        while (state.watching) {
          const { rows } = await watcher.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> $2',
            [database, lockerPid],
          );
          most = Math.max(most, Number(rows[0]?.n ?? 0));
          await new Promise((done) => setTimeout(done, 20));
        }
      })();
      const run = await fleet(
        'apply',
        '--yes',
        '--concurrency',
        '3',
        '--lock-timeout',
        '300ms',
        '--format',
        'json',
      );
      state.watching = false;
      await watch;
      expect(run.code).toBe(1);
      const report = parse(run.stdout);
      expect(report.counts).toMatchObject({ applied: TENANTS - 2, failed: 2 });
      const failed = report.results.filter((result) => result.status === 'failed');
      expect(failed.map((result) => [result.target, result.error?.code])).toEqual([
        [ORPHANS, 'PREFLIGHT_FAILED'],
        [LOCKED, 'LOCK_TIMEOUT'],
      ]);
      expect(failed[0]?.error?.message).toContain('matches no row of tenant_013.orgs');
      // Three tenants at a time, each on its own connection and, while it applies, the session holding
      // its tenant's apply lock; plus one for the catalog read.
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(3 * 2 + 1);
    } finally {
      state.watching = false;
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
      await watcher.end();
    }

    await db.run(`DELETE FROM ${ORPHANS}.users WHERE org_id = 42`);
    const again = await fleet('apply', '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${TENANTS - 2} tenants: no changes`);
    expect(again.stdout).toContain(`2 tenants: applied: 2 added — ${ORPHANS}, ${LOCKED}`);

    // Converged: the next plan of every tenant is empty.
    const after = await fleet('plan', '--exit-code');
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(
      `fkdiff plan: ${TENANTS} tenants: ${TENANTS} unchanged.\n  ${TENANTS} tenants: no changes\n`,
    );
    const keys = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname LIKE 'tenant\\_%'",
    );
    expect(Number(keys[0]?.n)).toBe(TENANTS * 2);
  });

  it('refuses a spec that names its own schemas; a denied hazard in one tenant applies nothing anywhere (exit 3)', async () => {
    const governed = await tempFile('fkdiff.yaml', 'version: 1\nschemas: [tenant_000]\n');
    const refused = await cli(['plan', governed, '--url', db.url, '--each-schema', 'tenant_*']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('remove "schemas"');

    // Every tenant gets ON DELETE CASCADE; tenant_005 alone also has a key the spec drops.
    await db.run(
      'ALTER TABLE tenant_005.users ADD CONSTRAINT extra_fk FOREIGN KEY (id) REFERENCES tenant_005.orgs (id)',
    );
    const cascading = await tempFile(
      'fkdiff.yaml',
      SPEC.replace('references: orgs(id)', 'references: orgs(id)\n        onDelete: cascade'),
    );
    const denied = await cli([
      'apply',
      cascading,
      '--url',
      db.url,
      '--each-schema',
      'tenant_00*',
      '--yes',
      '--deny-hazards',
      'drops-fk',
      '--format',
      'json',
    ]);
    expect(denied.code).toBe(3);
    const report = parse(denied.stdout);
    expect(report.counts).toMatchObject({ failed: 1, skipped: 9 });
    expect(report.results.find((result) => result.status === 'failed')).toMatchObject({
      target: 'tenant_005',
      error: { code: 'HAZARD_DENIED' },
    });
    const cascades = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_constraint WHERE contype = 'f' AND confdeltype = 'c'",
    );
    expect(Number(cascades[0]?.n)).toBe(0);
  });

  it('Ctrl-C starts no new tenant, lets the running one finish, prints the summary; a re-run finishes the rest', async () => {
    // tenant_100 … tenant_199 lose a key; Ctrl-C comes while they get it back one at a time.
    await db.run(`DO $$ BEGIN FOR i IN 100..199 LOOP
      EXECUTE format('ALTER TABLE %I.users DROP CONSTRAINT IF EXISTS users_org_id_fkey', 'tenant_' || i);
    END LOOP; END $$;`);
    const added = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.conname = 'users_org_id_fkey' AND n.nspname LIKE 'tenant\\_1__'",
          )
        )[0]?.n,
      );
    const [node, ...nodeArgs] = CLI_COMMAND;
    const args = [
      'apply',
      spec,
      '--url',
      db.url,
      '--each-schema',
      'tenant_1??',
      '--yes',
      '--concurrency',
      '1',
      '--format',
      'json',
    ];
    const child = spawn(node, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('close', done));
    // Interrupt once a few tenants have their key.
    while ((await added()) < 3) await new Promise((done) => setTimeout(done, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr).toContain('interrupted');
    const report = parse(stdout);
    expect(report.counts['failed']).toBe(0);
    expect(report.counts['skipped']).toBeGreaterThan(0);
    // Every tenant applied is whole; nothing half-done, and the skipped ones are untouched.
    expect(await added()).toBe(report.counts['applied']);
    const again = await cli([
      'apply',
      spec,
      '--url',
      db.url,
      '--each-schema',
      'tenant_1??',
      '--yes',
      '--format',
      'json',
    ]);
    expect(again.code).toBe(0);
    expect(parse(again.stdout).counts).toMatchObject({ applied: report.counts['skipped'], failed: 0 });
    expect(await added()).toBe(100);
  });
});
