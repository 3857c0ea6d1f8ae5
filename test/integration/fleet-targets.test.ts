import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/spec/index.js';
import { parseTargetsFile } from '../../src/fleet/targets-file.js';
import { runFleet } from '../../src/fleet/run.js';
import { cli, tempFile } from '../support/cli.js';
import { serversInstalled, startServer, type Server } from '../support/pg-server.js';
import { available, createDatabase, type TestDatabase } from '../support/targets.js';

const SETUP = `
CREATE TABLE orgs (id integer PRIMARY KEY);
CREATE TABLE users (id integer PRIMARY KEY, org_id integer);
`;

const SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
`;

/** The private server's databases. */
const SECOND = ['second_1', 'second_2', 'second_3'];

async function makeSecondDatabases(server: Server): Promise<void> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    for (const name of SECOND) {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
    }
  } finally {
    await admin.end();
  }
  for (const name of SECOND) {
    const client = new pg.Client({ connectionString: server.url.replace(/\/postgres$/u, `/${name}`) });
    await client.connect();
    await client.query(SETUP).finally(() => client.end());
  }
}

describe.skipIf(!available('postgres') || !serversInstalled())(
  'a targets file spanning the PostgreSQL 15 server and a second server, stopped mid-run',
  () => {
    let main: TestDatabase;
    let server: Server;
    let spec: string;
    let targetsFile: string;
    const options = { major: 16, port: 5593, data: '/tmp/fkdiff-i13-fleet-pg16' };

    beforeAll(async () => {
      main = await createDatabase('postgres');
      await main.run(`${SETUP} CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b;
        CREATE TABLE tenant_a.orgs (id integer PRIMARY KEY); CREATE TABLE tenant_a.users (id integer, org_id integer);
        CREATE TABLE tenant_b.orgs (id integer PRIMARY KEY); CREATE TABLE tenant_b.users (id integer, org_id integer);`);
      server = startServer(options);
      await makeSecondDatabases(server);
      spec = await tempFile('fkdiff.yaml', SPEC);
      targetsFile = await tempFile(
        'targets.yaml',
        [
          `- name: main`,
          `  url: ${main.url}`,
          `- name: main-tenants`,
          `  url: ${main.url}`,
          `  schemas: "tenant_*"`,
          ...SECOND.map(
            (name) =>
              `- name: ${name}\n  url: postgres://postgres:\${SECOND_PASSWORD}@127.0.0.1:${options.port}/${name}`,
          ),
        ].join('\n'),
      );
    });
    afterAll(async () => {
      server.stop();
      await main.drop();
    });

    it('the server that stops fails its remaining targets; the rest converge, and a re-run finishes the work', async () => {
      const env = { SECOND_PASSWORD: 'not-shown' };
      const targets = parseTargetsFile(await readFile(targetsFile, 'utf8'), targetsFile, env);
      const raw = parseSpec(SPEC, spec);
      const report = await runFleet({
        command: 'apply',
        spec: raw,
        targets,
        noun: 'target',
        concurrency: 1,
        failFast: false,
        online: false,
        checkData: true,
        lockTimeoutMs: 5000,
        lockWaitMs: 30_000,
        denyHazards: [],
        onEvent: (event) => {
          // The second server goes away once its first database is done.
          if (
            event.kind === 'done' &&
            event.result.target === 'second_1' &&
            event.result.outcome.status === 'applied'
          ) {
            server.stop();
          }
        },
      });
      const outcomes = Object.fromEntries(report.results.map((result) => [result.target, result.outcome]));
      expect(Object.keys(outcomes)).toEqual([
        'main',
        'main-tenants/tenant_a',
        'main-tenants/tenant_b',
        ...SECOND,
      ]);
      expect(outcomes['main']?.status).toBe('applied');
      expect(outcomes['main-tenants/tenant_a']?.status).toBe('applied');
      expect(outcomes['second_1']?.status).toBe('applied');
      for (const name of ['second_2', 'second_3']) {
        expect(outcomes[name]).toMatchObject({ status: 'failed', code: 'CONNECTION_FAILED' });
      }
      expect(JSON.stringify(report)).not.toContain('not-shown');

      // The server is back (a fresh one: its databases made again); the same command finishes the rest.
      server = startServer(options);
      await makeSecondDatabases(server);
      const again = await cli(['apply', spec, '--targets', targetsFile, '--yes'], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('3 targets: no changes');
      expect(again.stdout).toContain('3 targets: applied: 1 added — second_1, second_2, second_3');
      expect(again.stdout + again.stderr).not.toContain('not-shown');
      const after = await cli(['plan', spec, '--targets', targetsFile, '--exit-code'], env);
      expect(after.code).toBe(0);
    });

    it('a targets file is checked with its lines: unknown keys, missing URLs, unset variables', async () => {
      const bad = await tempFile(
        'targets.yaml',
        [
          '- name: a',
          '  url: postgres://u:${NOT_SET}@h/db',
          '- name: b',
          '  uri: postgres://h/db',
          '- name: a',
          '  url: postgres://h/x',
        ].join('\n'),
      );
      const result = await cli(['plan', spec, '--targets', bad]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('[TARGETS_INVALID]');
      expect(result.stderr).toContain(`${bad}:4:3: unknown key "uri"`);
      expect(result.stderr).toContain(`${bad}:3:3: missing required key "url"`);
      const unset = await tempFile(
        'targets.yaml',
        ['- name: a', '  url: postgres://u:${NOT_SET}@h/db', '- name: a', '  url: postgres://h/x'].join('\n'),
      );
      const second = await cli(['plan', spec, '--targets', unset]);
      expect(second.stderr).toContain(`${unset}:2:8: environment variable NOT_SET is not set`);
      expect(second.stderr).toContain(`${unset}:3:3: target "a" is listed twice`);
    });
  },
);
