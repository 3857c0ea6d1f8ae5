/**
 * Faults made by a TCP proxy between fkdiff and a real server: what apply reports after a lost
 * connection is what the catalog, read again on a new connection, holds; a stalled server fails in
 * bounded time with a clear message.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, tempFile } from '../support/cli.js';
import { faultProxy, type FaultProxy } from '../support/proxy.js';
import { available, createDatabase, type TargetKind, type TestDatabase } from '../support/targets.js';

const KEYS = 10;

const SCHEMA_SQL = [
  'CREATE TABLE parents (id integer PRIMARY KEY)',
  `CREATE TABLE children (id integer PRIMARY KEY, ${Array.from({ length: KEYS }, (_, i) => `p${i} integer`).join(', ')})`,
];

const SPEC = `version: 1\ntables:\n  children:\n    foreignKeys:\n${Array.from(
  { length: KEYS },
  (_, i) => `      - columns: [p${i}]\n        references: parents(id)\n`,
).join('')}`;

function withDatabase(kind: TargetKind): () => { db: TestDatabase; spec: string } {
  let db: TestDatabase | undefined;
  let spec = '';
  beforeAll(async () => {
    db = await createDatabase(kind);
    for (const statement of SCHEMA_SQL) await db.run(statement);
    spec = await tempFile('fkdiff.yaml', SPEC);
  });
  afterAll(async () => db?.drop());
  return () => {
    if (db === undefined) throw new Error('made in beforeAll');
    return { db, spec };
  };
}

async function throughProxy<T>(
  url: string,
  options: Parameters<typeof faultProxy>[1],
  work: (proxied: string, proxy: FaultProxy) => Promise<T>,
): Promise<T> {
  const proxy = await faultProxy(url, options);
  try {
    return await work(proxy.url(url), proxy);
  } finally {
    await proxy.close();
  }
}

describe.skipIf(!available('postgres'))('PostgreSQL: the connection lost just after COMMIT was sent', () => {
  const fixture = withDatabase('postgres');

  it('reports that all the keys were committed, with its own code, and exit 1', async () => {
    const { db, spec } = fixture();
    const result = await throughProxy(
      db.url,
      { trigger: 'COMMIT', fault: 'drop-after' },
      async (url, proxy) => {
        const run = await spawnCli(['apply', spec, '--url', url, '--yes', '--no-check-data']);
        expect(proxy.faults()).toBe(1);
        return run;
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^fkdiff: the connection to .* was lost during step \d+ of 10 .*: all 10 steps were applied: the database matches the spec \[APPLY_INTERRUPTED\]\n$/u,
    );
    expect((await spawnCli(['plan', spec, '--url', db.url, '--exit-code'])).code).toBe(0);
  });
});

describe.skipIf(!available('postgres'))(
  'PostgreSQL: the connection lost before COMMIT reached the server',
  () => {
    const fixture = withDatabase('postgres');

    it('reports that nothing was applied, read back from the catalog', async () => {
      const { db, spec } = fixture();
      const result = await throughProxy(db.url, { trigger: 'COMMIT', fault: 'drop-before' }, (url) =>
        spawnCli(['apply', spec, '--url', url, '--yes', '--no-check-data']),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /no step was applied: the database is unchanged \[APPLY_INTERRUPTED\]\n$/u,
      );
      expect((await spawnCli(['plan', spec, '--url', db.url, '--exit-code'])).code).toBe(2);
    });
  },
);

describe.skipIf(!available('mysql'))('MariaDB: the connection lost right after a step was sent', () => {
  const fixture = withDatabase('mysql');

  it('reports the step as applied when the server ran it, and which steps were not', async () => {
    const { db, spec } = fixture();
    const result = await throughProxy(db.url, { trigger: 'ADD CONSTRAINT', fault: 'drop-after' }, (url) =>
      spawnCli(['apply', spec, '--url', url, '--yes', '--no-check-data']),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /lost during step 1 of 10 .*: step 1 was applied, steps 2–10 were not: run apply again to finish \[APPLY_INTERRUPTED\]\n$/u,
    );
    const rerun = await spawnCli(['apply', spec, '--url', db.url, '--yes']);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('[9/9]');
  });
});

describe.skipIf(!available('postgres'))('PostgreSQL: a server that stalls after login', () => {
  const fixture = withDatabase('postgres');

  it('plan fails with TIMEOUT in one line, naming the setting, instead of hanging', async () => {
    const { db, spec } = fixture();
    const result = await throughProxy(db.url, { trigger: 'pg_constraint', fault: 'stall' }, (url) =>
      spawnCli(['plan', spec, '--url', url, '--statement-timeout', '2s']),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^fkdiff: a read from .* got no answer within 2000 ms: .* \(raise --statement-timeout\) \[TIMEOUT\]\n$/u,
    );
  });
});

describe.skipIf(!available('postgres'))('PostgreSQL: a step that runs longer than --step-timeout', () => {
  const fixture = withDatabase('postgres');

  it('apply stops waiting with TIMEOUT naming the step and the setting, and the next apply finishes', async () => {
    const { db, spec } = fixture();
    // SHARE blocks ADD FOREIGN KEY (SHARE ROW EXCLUSIVE) on children but not the catalog reads.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE children IN SHARE MODE');
      const stuck = await spawnCli([
        'apply',
        spec,
        '--url',
        db.url,
        '--yes',
        '--no-check-data',
        '--lock-timeout',
        '60s',
        '--step-timeout',
        '1s',
      ]);
      expect(stuck.code).toBe(1);
      expect(stuck.stderr).toMatch(/got no answer within 1000 ms/u);
      expect(stuck.stderr).toContain('(raise --step-timeout)');
      expect(stuck.stderr).toMatch(/\[TIMEOUT\]\n$/u);
      expect(stuck.stderr).not.toContain('    at ');
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    const rerun = await spawnCli(['apply', spec, '--url', db.url, '--yes', '--no-check-data']);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const after = await spawnCli(['plan', spec, '--url', db.url, '--exit-code']);
    expect(after.code).toBe(0);
  });
});
