import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { createDatabase, type TestDatabase } from '../support/targets.js';

/** A fresh directory holding `files` (paths relative to it); returns its path. */
async function specTree(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'fkdiff-split-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

function spec(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

const USERS = spec(
  'version: 1',
  'schemas: [app]',
  'tables:',
  '  users:',
  '    foreignKeys:',
  '      - columns: [org_id]',
  '        references: orgs(id)',
);
const ORDERS = spec(
  'version: 1',
  'schemas: [app]',
  'tables:',
  '  orders:',
  '    foreignKeys:',
  '      - columns: [user_id]',
  '        references: users(id)',
);

describe('specs split across files (offline)', () => {
  it('a directory of spec files is one spec: validate counts the keys of every file', async () => {
    const root = await specTree({
      'fkdiff.d/users.yaml': USERS,
      'fkdiff.d/orders.yml': ORDERS,
      'fkdiff.d/README.md': '#',
    });
    const result = await cli(['validate', join(root, 'fkdiff.d')]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('valid (2 foreign keys)');
  });

  it('a table declared in two files is an error naming both files and lines', async () => {
    const root = await specTree({ 'd/a.yaml': USERS, 'd/b.yaml': USERS.replace('org_id', 'team_id') });
    const result = await cli(['validate', join(root, 'd')]);
    expect(result.code).toBe(1);
    const a = join(root, 'd', 'a.yaml');
    const b = join(root, 'd', 'b.yaml');
    expect(result.stderr).toBe(
      `fkdiff: ${join(root, 'd')}: invalid spec: 1 problem [SPEC_INVALID]\n` +
        `  ${b}:4:3: duplicate table app.users (also declared at ${a}:4:3)\n`,
    );
  });

  it('a problem inside one file names that file and its line', async () => {
    const root = await specTree({
      'd/a.yaml': USERS,
      'd/b.yaml': ORDERS.replace('references: users(id)', 'references: users(id, x)'),
    });
    const result = await cli(['validate', join(root, 'd')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${join(root, 'd', 'b.yaml')}:7:21: columns and the columns in references must have the same length (1 vs 2)`,
    );
  });

  it('include: globs relative to the file; a glob matching nothing and disagreeing schemas are errors', async () => {
    const root = await specTree({
      'fkdiff.yaml': spec('version: 1', 'schemas: [app]', 'include: [teams/*.yaml]'),
      'teams/users.yaml': USERS,
      'teams/orders.yaml': ORDERS,
    });
    const good = await cli(['validate', join(root, 'fkdiff.yaml')]);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(good.stdout).toContain('valid (2 foreign keys)');

    await writeFile(join(root, 'fkdiff.yaml'), spec('version: 1', 'include: [teams/*.yaml, missing/*.yaml]'));
    await writeFile(join(root, 'teams/orders.yaml'), ORDERS.replace('[app]', '[app, billing]'));
    const bad = await cli(['validate', join(root, 'fkdiff.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `${join(root, 'fkdiff.yaml')}:2:25: include pattern "missing/*.yaml" matches no file in ${root}`,
    );

    await writeFile(join(root, 'fkdiff.yaml'), spec('version: 1', 'include: [teams/*.yaml]'));
    const disagree = await cli(['validate', join(root, 'fkdiff.yaml')]);
    expect(disagree.stderr).toContain(
      `${join(root, 'teams/users.yaml')}:2:1: schemas differs from the schemas declared at ${join(root, 'teams/orders.yaml')}:2:1; the files of one spec must agree on it`,
    );
  });

  it('review BASE HEAD of two spec directories names the file of each table in its annotations', async () => {
    const root = await specTree({
      'base/users.yaml': USERS,
      'base/orders.yaml': ORDERS,
      'head/users.yaml': USERS,
      'head/orders.yaml': ORDERS.replace(
        'references: users(id)',
        'references: users(id)\n        onDelete: cascade',
      ),
    });
    const result = await cli(['review', join(root, 'base'), join(root, 'head'), '--format', 'github']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`::warning file=${join(root, 'head', 'orders.yaml')},line=6,col=9,`);
    expect(result.stdout).not.toContain('users.yaml');
  });
});

describe('pull --split on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase('postgres');
    await db.run(`
      CREATE SCHEMA billing;
      CREATE TABLE orgs (id integer PRIMARY KEY);
      CREATE TABLE users (id integer PRIMARY KEY, org_id integer REFERENCES orgs (id));
      CREATE TABLE "Odd name" (id integer PRIMARY KEY, user_id integer REFERENCES users (id));
      CREATE TABLE billing.invoices (id integer PRIMARY KEY, user_id integer REFERENCES public.users (id));`);
  });
  afterAll(async () => db.drop());

  it.each([
    ['schema', ['billing.yaml', 'public.yaml']],
    ['table', ['billing.invoices.yaml', 'public.Odd_name-', 'public.users.yaml']],
  ])('--split %s writes one file per %s, and plan of the directory is empty', async (by, names) => {
    const out = join(await mkdtemp(join(tmpdir(), 'fkdiff-pull-')), 'fkdiff.d');
    const args = [
      'pull',
      '--url',
      db.url,
      '--schema',
      'public',
      '--schema',
      'billing',
      '--split',
      by,
      '-o',
      out,
    ];
    const pulled = await cli(args);
    expect(pulled).toMatchObject({ code: 0, stderr: '' });
    expect(pulled.stdout).toBe(`Wrote 3 foreign keys to ${out} in ${names.length} files.\n`);
    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(names.length);
    for (const [index, name] of names.entries()) expect(files[index]).toContain(name);
    for (const file of files)
      expect(await readFile(join(out, file), 'utf8')).toContain('schemas: [public, billing]');

    const plan = await cli(['plan', out, '--url', db.url, '--exit-code']);
    expect(plan).toMatchObject({ code: 0, stderr: '' });

    const again = await cli(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds spec files');
    expect((await cli([...args, '--force'])).code).toBe(0);
  });

  it('--split needs -o DIR', async () => {
    const result = await cli(['pull', '--url', db.url, '--split', 'schema']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--split writes a directory of spec files: name it with -o DIR [USAGE]');
  });
});
