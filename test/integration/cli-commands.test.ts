import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.js';
import { createDatabase, type TestDatabase } from '../support/targets.js';

const SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - { columns: [org_id], references: orgs(id), onDelete: cascade }
`;

describe('the commands, on the embedded engine', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase('pglite');
    await db.run(`
      CREATE TABLE orgs (id integer PRIMARY KEY);
      CREATE TABLE users (id integer PRIMARY KEY, org_id integer REFERENCES orgs (id));`);
  });
  afterAll(async () => db.drop());

  it('--version and --help (with examples and exit codes)', async () => {
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const text of ['plan', 'apply', 'pull', 'validate', 'Examples:', 'Exit codes: 0 success']) {
      expect(help.stdout).toContain(text);
    }
  });

  it('an unknown command or option is an error (exit 1)', async () => {
    expect((await cli(['frobnicate'])).code).toBe(1);
    const unknown = await cli(['plan', '--colour']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown option '--colour'");
  });

  it('validate without a database checks the file alone', async () => {
    const good = await cli(['validate', await tempFile('fkdiff.yaml', SPEC)]);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(good.stdout).toContain('valid (1 foreign key)');
    const bad = await cli(['validate', await tempFile('fkdiff.yaml', SPEC.replace('cascade', 'cascades'))]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('fkdiff.yaml:5:');
  });

  it('validate with a database runs the pre-flight checks and changes nothing', async () => {
    const spec = await tempFile('fkdiff.yaml', SPEC.replace('orgs(id)', 'orgs(missing)'));
    const result = await cli(['validate', spec, '--url', db.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('referenced column public.orgs.missing does not exist');
    const fine = await cli(['validate', await tempFile('fkdiff.yaml', SPEC), '--url', db.url]);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toContain('2 steps pending');
  });

  it('pull -o writes a spec file with the schema comment for editors', async () => {
    const out = (await tempFile('placeholder', '')).replace('placeholder', 'pulled.yaml');
    const result = await cli(['pull', '--url', db.url, '-o', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Wrote 1 foreign key to ${out}.\n`);
    const text = await readFile(out, 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=/);
    expect(text).toContain('references: orgs(id)');
  });

  it('plan --format markdown for pull-request comments', async () => {
    const result = await cli([
      'plan',
      await tempFile('fkdiff.yaml', SPEC),
      '--url',
      db.url,
      '--format',
      'markdown',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('### fkdiff plan');
    expect(result.stdout).toContain('```sql');
  });

  it('apply refuses without a terminal, then applies exactly the plan saved with --out', async () => {
    const spec = await tempFile('fkdiff.yaml', SPEC);
    const refused = await cli(['apply', spec, '--url', db.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[APPLY_REFUSED]');

    const planFile = spec.replace('fkdiff.yaml', 'plan.json');
    expect((await cli(['plan', spec, '--url', db.url, '--out', planFile])).code).toBe(0);
    const applied = await cli(['apply', spec, '--url', db.url, '--yes', '--plan', planFile]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect((await cli(['plan', spec, '--url', db.url, '--exit-code'])).code).toBe(0);
    // The database moved on: the saved plan is stale now.
    const stale = await cli(['apply', spec, '--url', db.url, '--yes', '--plan', planFile]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('[PLAN_STALE]');
  });
});
