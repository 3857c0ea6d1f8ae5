import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.js';
import { available, createDatabase, MYSQL_URL, type TestDatabase } from '../support/targets.js';

const TENANTS = 20;

const SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
`;

interface JsonReport {
  readonly counts: Record<string, number>;
  readonly results: readonly {
    readonly target: string;
    readonly status: string;
    readonly error?: { readonly code: string; readonly message: string };
  }[];
}

describe.skipIf(!available('mysql'))(`${TENANTS} tenant databases on MariaDB`, () => {
  let home: TestDatabase;
  let spec: string;
  let tenants: string[] = [];
  const admin = () => mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true });

  beforeAll(async () => {
    home = await createDatabase('mysql');
    tenants = Array.from({ length: TENANTS }, (_, i) => `${home.schema}_t${String(i).padStart(2, '0')}`);
    const connection = await admin();
    try {
      await connection.query(
        tenants
          .map(
            (name) =>
              `CREATE DATABASE \`${name}\`; CREATE TABLE \`${name}\`.orgs (id integer PRIMARY KEY) ENGINE=InnoDB; ` +
              `CREATE TABLE \`${name}\`.users (id integer PRIMARY KEY, org_id integer) ENGINE=InnoDB; ` +
              `INSERT INTO \`${name}\`.orgs VALUES (1); INSERT INTO \`${name}\`.users VALUES (1, 1);`,
          )
          .join('\n') + `INSERT INTO \`${tenants[3]}\`.users VALUES (2, 42);`,
      );
    } finally {
      await connection.end();
    }
    spec = await tempFile('fkdiff.yaml', SPEC);
  });
  afterAll(async () => {
    const connection = await admin();
    try {
      await connection.query(tenants.map((name) => `DROP DATABASE IF EXISTS \`${name}\`;`).join(' '));
    } finally {
      await connection.end();
    }
    await home.drop();
  });

  it('converges every database but one with orphan rows and one locked; a re-run after the fix converges them', async () => {
    const orphans = tenants[3] ?? '';
    const locked = tenants[11] ?? '';
    const fleet = (...flags: string[]) =>
      cli(['apply', spec, '--url', home.url, '--each-schema', `${home.schema}_t*`, '--yes', ...flags]);
    // --fail-fast: one at a time in name order, nothing starts after the orphan rows of t03.
    const fast = await cli([
      'plan',
      spec,
      '--url',
      home.url,
      '--each-schema',
      `${home.schema}_t*`,
      '--fail-fast',
      '--concurrency',
      '1',
      '--format',
      'json',
    ]);
    expect(fast.code).toBe(1);
    expect((JSON.parse(fast.stdout) as JsonReport).counts).toMatchObject({
      pending: 3,
      failed: 1,
      skipped: 16,
    });

    const locker = await admin();
    try {
      await locker.query(`LOCK TABLES \`${locked}\`.users WRITE`);
      const run = await fleet('--lock-timeout', '1s', '--format', 'json');
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(report.counts).toMatchObject({ applied: TENANTS - 2, failed: 2 });
      expect(
        report.results
          .filter((result) => result.status === 'failed')
          .map((result) => [result.target, result.error?.code]),
      ).toEqual([
        [orphans, 'PREFLIGHT_FAILED'],
        [locked, 'LOCK_TIMEOUT'],
      ]);
    } finally {
      await locker.query('UNLOCK TABLES').catch(() => undefined);
      await locker.end();
    }
    const fix = await admin();
    try {
      await fix.query(`DELETE FROM \`${orphans}\`.users WHERE org_id = 42`);
    } finally {
      await fix.end();
    }
    const again = await fleet();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${TENANTS - 2} tenants: no changes`);
    expect(again.stdout).toContain(`2 tenants: applied: 1 added — ${orphans}, ${locked}`);
    const after = await cli([
      'plan',
      spec,
      '--url',
      home.url,
      '--each-schema',
      `${home.schema}_t*`,
      '--exit-code',
    ]);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`${TENANTS} tenants: ${TENANTS} unchanged.`);
    const validated = await cli(['validate', spec, '--url', home.url, '--each-schema', `${home.schema}_t*`]);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain(`fkdiff validate: ${TENANTS} tenants: ${TENANTS} unchanged.`);
  });
});
