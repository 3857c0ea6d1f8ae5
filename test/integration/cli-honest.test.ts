/** What a daily user meets on the servers: true hazards, the policy in view, orphans, saved plans. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, tempFile, USERS_ORG_SPEC } from '../support/cli.js';
import { available, createDatabase, type TargetKind, type TestDatabase } from '../support/targets.js';

const ONE_KEY_SPEC = USERS_ORG_SPEC;

/** What sync({ alter: true }) leaves behind: the same key twice under two names. */
const DUPLICATE_KEYS = `
CREATE TABLE orgs (id integer PRIMARY KEY);
CREATE TABLE users (id integer PRIMARY KEY, org_id integer);
ALTER TABLE users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id);
ALTER TABLE users ADD CONSTRAINT users_org_id_fkey1 FOREIGN KEY (org_id) REFERENCES orgs (id);
`;

const SERVERS: readonly TargetKind[] = ['postgres', 'mysql'];

describe.each(SERVERS)('%s: removing one of two identical keys', (kind) => {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    if (!available(kind)) return;
    db = await createDatabase(kind);
    await db.run(DUPLICATE_KEYS);
  });
  afterAll(async () => db?.drop());
  const url = (): string => db?.url ?? '';

  it.skipIf(!available(kind))('is no drops-fk hazard, so denyHazards: [drops-fk] lets it apply', async () => {
    const spec = await tempFile(
      'fkdiff.yaml',
      `${ONE_KEY_SPEC.replace('org_id]', 'org_id]\n        name: users_org_id_fkey')}policy:\n  denyHazards: [drops-fk]\n`,
    );
    const plan = await spawnCli(['plan', spec, '--url', url(), '--exit-code']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('- drop users_org_id_fkey1');
    expect(plan.stdout).toContain('Policy: denies drops-fk.');
    expect(plan.stdout).not.toContain('drops-fk:');
    const applied = await spawnCli(['apply', spec, '--url', url(), '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
  });
});

describe.skipIf(!available('postgres'))(
  'PostgreSQL: the policy in every format, orphans, saved plans',
  () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createDatabase('postgres');
      await db.run(`
      CREATE TABLE orgs (id integer PRIMARY KEY);
      CREATE TABLE users (id integer PRIMARY KEY, org_id integer);
      CREATE TABLE teams (id integer PRIMARY KEY, org_id integer);
      ALTER TABLE teams ADD CONSTRAINT teams_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id);
      INSERT INTO orgs VALUES (1);
      INSERT INTO users VALUES (1, 1), (2, 7), (3, 9), (4, 9), (5, 11), (6, 12), (7, 13), (8, 14);
    `);
    });
    afterAll(async () => db.drop());

    it('plan --deny-hazards marks the denied hazard in text, sql, markdown and json, and exits 3 with --exit-code', async () => {
      const spec = await tempFile('fkdiff.yaml', 'version: 1\ntables: {}\n');
      const flags = ['--url', db.url, '--deny-hazards', 'drops-fk', '--exit-code', '--no-check-data'];
      const text = await spawnCli(['plan', spec, ...flags]);
      expect(text.code).toBe(3);
      expect(text.stdout).toContain('Policy: denies drops-fk.');
      expect(text.stdout).toMatch(
        /- drop teams_org_id_fkey[^\n]*\n {4}! drops-fk \(denied by policy\): public\.teams\.teams_org_id_fkey/,
      );
      const sql = await spawnCli(['plan', spec, ...flags, '--format', 'sql']);
      expect(sql.code).toBe(3);
      expect(sql.stdout).toContain('-- Policy: denies drops-fk.');
      expect(sql.stdout).toContain('-- denied by policy: drops-fk');
      const markdown = await spawnCli(['plan', spec, ...flags, '--format', 'markdown']);
      expect(markdown.stdout).toContain('**drops-fk** (denied by policy)');
      const json = JSON.parse((await spawnCli(['plan', spec, ...flags, '--format', 'json'])).stdout) as {
        policy: { denyHazards: string[] };
        hazards: { code: string; denied: boolean }[];
      };
      expect(json.policy.denyHazards).toEqual(['drops-fk']);
      expect(json.hazards).toEqual([expect.objectContaining({ code: 'drops-fk', denied: true })]);
    });

    it('orphan rows: the whole plan, then each key with its count, five sample values and a query, exit 1', async () => {
      const spec = await tempFile(
        'fkdiff.yaml',
        `${ONE_KEY_SPEC}  teams:\n    foreignKeys:\n      - columns: [org_id]\n        references: orgs(id)\n`,
      );
      const result = await spawnCli(['plan', spec, '--url', db.url]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('+ add users_org_id_fkey');
      expect(result.stdout).toContain('SQL:');
      expect(result.stderr).toContain('existing rows would make the plan fail: 1 problem [PREFLIGHT_FAILED]');
      expect(result.stderr).toContain(
        `${spec}:5:9: public.users.users_org_id_fkey: 7 rows of public.users (org_id) match no row of public.orgs`,
      );
      expect(result.stderr).toContain('    values: 7, 9, 11, 12, 13, …\n');
      const query = /every such row: (SELECT [^\n]*);\n/.exec(result.stderr)?.[1];
      expect(query).toBeDefined();
      const rows = await db.query<{ id: number }>(query ?? '');
      expect(rows.map((row) => row.id)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    });

    it("validate's data problems name no flag validate lacks", async () => {
      const spec = await tempFile('fkdiff.yaml', ONE_KEY_SPEC);
      const result = await spawnCli(['validate', spec, '--url', db.url]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('7 rows of public.users (org_id) match no row of public.orgs');
      expect(result.stderr).not.toContain('--no-check-data');
    });

    it('one orphan row: "1 row … matches"', async () => {
      await db.run(
        'CREATE TABLE pets (id integer PRIMARY KEY, org_id integer); INSERT INTO pets VALUES (1, 5);',
      );
      const spec = await tempFile(
        'fkdiff.yaml',
        `version: 1\ntables:\n  teams:\n    foreignKeys:\n      - columns: [org_id]\n        references: orgs(id)\n  pets:\n    foreignKeys:\n      - columns: [org_id]\n        references: orgs(id)\n`,
      );
      const result = await spawnCli(['plan', spec, '--url', db.url]);
      expect(result.stderr).toContain('1 row of public.pets (org_id) matches no row of public.orgs');
      expect(result.stderr).toContain('    values: 5\n');
      await db.run('DROP TABLE pets');
    });

    it('a saved plan applies without the spec, and is verified against the spec it carries', async () => {
      await db.run('CREATE TABLE a (id integer PRIMARY KEY); CREATE TABLE b (id integer, a_id integer);');
      const spec = await tempFile(
        'fkdiff.yaml',
        'version: 1\ntables:\n  teams:\n    foreignKeys:\n      - columns: [org_id]\n        references: orgs(id)\n  b:\n    foreignKeys:\n      - columns: [a_id]\n        references: a(id)\n',
      );
      const planFile = join(dirname(spec), 'plan.json');
      const planned = await spawnCli(['plan', spec, '--url', db.url, '--out', planFile]);
      expect(planned.code).toBe(0);
      const saved = JSON.parse(await readFile(planFile, 'utf8')) as { spec: { foreignKeys: unknown[] } };
      expect(saved.spec.foreignKeys).toHaveLength(2);
      // Run from elsewhere: no fkdiff.yaml to fall back on.
      const applied = await spawnCli(['apply', '--plan', planFile, '--url', db.url, '--yes'], { cwd: '/' });
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain(`the database now matches ${spec}`);
      const keys = await db.query<{ conname: string }>(
        "SELECT conname FROM pg_constraint WHERE contype = 'f' ORDER BY conname",
      );
      expect(keys.map((key) => key.conname)).toEqual(['b_a_id_fkey', 'teams_org_id_fkey']);
    });

    it('apply --help says a saved plan needs no spec', async () => {
      const help = await spawnCli(['apply', '--help']);
      expect(help.stdout.replace(/\s+/g, ' ')).toContain(
        '--plan <file> apply exactly this plan (from plan --out); it carries its spec, so none is needed',
      );
    });
  },
);

describe.skipIf(!available('mysql'))('MariaDB: named as such, online refused', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase('mysql');
    await db.run(`
      CREATE TABLE orgs (id integer PRIMARY KEY);
      CREATE TABLE users (id integer PRIMARY KEY, org_id integer, team_id integer);
      CREATE TABLE teams (id integer PRIMARY KEY);
    `);
  });
  afterAll(async () => db.drop());

  it('--online is refused with the reason', async () => {
    const spec = await tempFile('fkdiff.yaml', ONE_KEY_SPEC);
    const result = await spawnCli(['plan', spec, '--url', db.url, '--online']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^fkdiff: online mode is not available on MariaDB: .*NOT VALID.* \[USAGE\]\n$/,
    );
  });

  it('the non-transactional hazard names MariaDB, not mysql', async () => {
    const spec = await tempFile(
      'fkdiff.yaml',
      `${ONE_KEY_SPEC}      - columns: [team_id]\n        references: teams(id)\n`,
    );
    const result = await spawnCli(['plan', spec, '--url', db.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('MariaDB commits each of the 2 statements on its own');
  });
});

describe.skipIf(!available('mysql'))('MariaDB: storage engines, pulled specs for any database', () => {
  let dev: TestDatabase;
  let prod: TestDatabase;
  const SCHEMA = `
    CREATE TABLE orgs (id integer PRIMARY KEY) ENGINE=InnoDB;
    CREATE TABLE users (id integer PRIMARY KEY, org_id integer, INDEX (org_id)) ENGINE=InnoDB;
    ALTER TABLE users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id);
  `;
  beforeAll(async () => {
    dev = await createDatabase('mysql');
    prod = await createDatabase('mysql');
    await dev.run(`${SCHEMA} CREATE TABLE logs (id integer PRIMARY KEY, org_id integer) ENGINE=MyISAM;`);
    await prod.run(SCHEMA.replace(/ALTER TABLE[^;]*;/, ''));
  });
  afterAll(async () => Promise.all([dev.drop(), prod.drop()]));

  it('a key on a MyISAM table is refused in pre-flight, naming the engine', async () => {
    const spec = await tempFile(
      'fkdiff.yaml',
      `${ONE_KEY_SPEC}  logs:\n    foreignKeys:\n      - columns: [org_id]\n        references: orgs(id)\n`,
    );
    const result = await spawnCli(['plan', spec, '--url', dev.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[PREFLIGHT_FAILED]');
    expect(result.stderr).toContain(
      `${spec}:9:9: ${dev.schema}.logs.logs_org_id_fkey: table ${dev.schema}.logs uses the MyISAM storage engine, which ignores foreign keys`,
    );
  });

  it('pull writes no database name, so the spec pulled from one database applies to another', async () => {
    const file = join(dirname(await tempFile('x', '')), 'fkdiff.yaml');
    const pulled = await spawnCli(['pull', '--url', dev.url, '-o', file]);
    expect(pulled.code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/^schemas:/m);
    expect(text).not.toContain(dev.schema);
    const applied = await spawnCli(['apply', file, '--url', prod.url, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const again = await spawnCli(['plan', file, '--url', prod.url, '--exit-code']);
    expect(again.code).toBe(0);
  });

  it('pull refuses to overwrite a file without --force', async () => {
    const file = await tempFile('fkdiff.yaml', '# hand-edited\nversion: 1\n');
    const refused = await spawnCli(['pull', '--url', dev.url, '-o', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `fkdiff: ${file} already exists: pass --force to overwrite it [OUTPUT_FAILED]\n`,
    );
    expect(await readFile(file, 'utf8')).toBe('# hand-edited\nversion: 1\n');
    const forced = await spawnCli(['pull', '--url', dev.url, '-o', file, '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('users_org_id_fkey');
  });

  it('warnings on stderr: a schema with no tables, an exclude matching nothing, a spec dropping every key', async () => {
    const pulled = await spawnCli(['pull', '--url', dev.url, '--schema', 'nope_not_here']);
    expect(pulled.stderr).toBe(
      'fkdiff: warning: schema nope_not_here holds no tables: check that it exists and is spelled as stored\n',
    );
    const spec = await tempFile('fkdiff.yaml', 'version: 1\ntables: {}\nexclude: [audit_*]\n');
    const plan = await spawnCli(['plan', spec, '--url', dev.url]);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toBe(
      [
        `fkdiff: warning: ${spec}: exclude pattern "audit_*" matches no table`,
        `fkdiff: warning: ${spec} declares no foreign keys: the plan drops every one of the 1 key in ${dev.schema}`,
        '',
      ].join('\n'),
    );
  });
});

describe('PGlite: a mistyped directory is not a new database', () => {
  it('plan refuses a directory without a database; apply --create makes one', async () => {
    const directory = join(dirname(await tempFile('x', '')), 'nodb');
    const spec = await tempFile('fkdiff.yaml', 'version: 1\ntables: {}\n');
    const plan = await spawnCli(['plan', spec, '--url', `pglite:${directory}`]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toBe(
      `fkdiff: pglite:${directory}: no database in this directory (run apply --create to make a new one) [CONNECTION_FAILED]\n`,
    );
    const created = await spawnCli(['apply', spec, '--url', `pglite:${directory}`, '--create', '--yes']);
    expect(created.code).toBe(0);
    const again = await spawnCli(['plan', spec, '--url', `pglite:${directory}`]);
    expect(again.code).toBe(0);
  });
});
