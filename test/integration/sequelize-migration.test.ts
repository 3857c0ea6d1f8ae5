/**
 * `plan --format sequelize-migration`: the migration run up and down with sequelize-cli and with
 * umzug on each server. Up converges to the spec; down puts back exactly the keys it started from.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.js';
import { available, createDatabase, type TargetKind, type TestDatabase } from '../support/targets.js';

const run = promisify(execFile);
const SEQUELIZE_CLI = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'sequelize-cli');

const SETUP = `
CREATE TABLE orgs (id integer PRIMARY KEY);
CREATE TABLE teams (id integer PRIMARY KEY, org_id integer, parent_id integer);
CREATE TABLE users (id integer PRIMARY KEY, org_id integer, team_id integer);
ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE;
ALTER TABLE users ADD CONSTRAINT users_legacy_fk FOREIGN KEY (team_id) REFERENCES teams (id);
ALTER TABLE teams ADD CONSTRAINT teams_parent_fk FOREIGN KEY (parent_id) REFERENCES teams (id);
`;

// A replaced key (rules), a renamed one, a dropped one and a new one.
const SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - { name: users_org_fk, columns: [org_id], references: orgs(id), onDelete: set null }
      - { name: users_team_fk, columns: [team_id], references: teams(id) }
  teams:
    foreignKeys:
      - { name: teams_org_fk, columns: [org_id], references: orgs(id) }
`;

const KINDS: readonly Exclude<TargetKind, 'pglite'>[] = ['postgres', 'mysql'];

describe.each(KINDS)('a sequelize-cli migration on %s', (kind) => {
  let db: TestDatabase;
  let spec: string;
  let before: string;
  let migrations: string;

  const pulled = async () => (await cli(['pull', '--url', db.url])).stdout;
  const converged = async () => (await cli(['plan', spec, '--url', db.url, '--exit-code'])).code;

  beforeEach(async () => {
    db = await createDatabase(kind);
    await db.run(SETUP);
    spec = await tempFile('fkdiff.yaml', SPEC);
    before = await pulled();
    migrations = await mkdtemp(join(tmpdir(), 'fkdiff-migrations-'));
    const written = await cli([
      'plan',
      spec,
      '--url',
      db.url,
      '--format',
      'sequelize-migration',
      '--out',
      migrations,
    ]);
    expect(written.stderr).toBe('');
    expect(written.stdout).toMatch(/^Wrote a migration of \d+ steps to .*\/\d{14}-fkdiff\.cjs\.\n$/);
  });
  afterEach(async () => db.drop());

  it.skipIf(!available(kind))(
    'reads as one commented block per change and needs nothing from fkdiff',
    async () => {
      const [file] = await readdir(migrations);
      const text = await readFile(join(migrations, file ?? ''), 'utf8');
      expect(text).not.toContain('fkdiff/');
      expect(text).not.toMatch(/require\(/);
      expect(text).toContain('// drop foreign key teams_parent_fk on ');
      expect(text).toContain('// add foreign key teams_org_fk on ');
      expect(text).toContain('// undo: add foreign key teams_org_fk on ');
      if (kind === 'postgres') expect(text).toContain('queryInterface.sequelize.transaction(');
      else {
        expect(text).not.toContain('.transaction(');
        expect(text).toContain('failed (');
      }
    },
  );

  it.skipIf(!available(kind))('runs up and down with sequelize-cli', async () => {
    const migrate = (command: string) =>
      run(SEQUELIZE_CLI, [command, '--url', db.url, '--migrations-path', migrations], {
        cwd: migrations,
        env: { ...process.env, NODE_ENV: 'test' },
      });
    await migrate('db:migrate');
    expect(await converged()).toBe(0);
    await migrate('db:migrate:undo');
    expect(await pulled()).toBe(before);
    expect(await converged()).toBe(2);
  });

  it.skipIf(!available(kind))('runs up and down with umzug', async () => {
    const sequelize = new Sequelize(db.url, { logging: false });
    try {
      const umzug = new Umzug({
        migrations: { glob: join(migrations, '*.cjs') },
        context: sequelize.getQueryInterface(),
        storage: new SequelizeStorage({ sequelize }),
        logger: undefined,
      });
      await umzug.up();
      expect(await converged()).toBe(0);
      await umzug.down();
      expect(await pulled()).toBe(before);
    } finally {
      await sequelize.close();
    }
  });
});

describe.skipIf(!available('mysql'))('a migration step that fails on MySQL/MariaDB', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createDatabase('mysql');
    await db.run(SETUP);
  });
  afterEach(async () => db.drop());

  it('says which step failed and how many were committed', async () => {
    const spec = await tempFile('fkdiff.yaml', SPEC);
    const out = join(await mkdtemp(join(tmpdir(), 'fkdiff-migrations-')), 'change.cjs');
    await cli(['plan', spec, '--url', db.url, '--format', 'sequelize-migration', '--out', out]);
    // A row the new key rejects, inserted after the migration was made.
    await db.run('INSERT INTO teams (id, org_id) VALUES (1, 99)');
    const sequelize = new Sequelize(db.url, { logging: false });
    try {
      const migration = (await import(out)) as {
        default: { up: (queryInterface: unknown) => Promise<void> };
      };
      await expect(migration.default.up(sequelize.getQueryInterface())).rejects.toThrow(
        /^step \d of \d failed \(steps 1-\d applied and committed\): .*teams_org_fk/,
      );
    } finally {
      await sequelize.close();
    }
  });
});
