import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.js';
import { largeSpec } from '../support/specs.js';
import { available, createDatabase, type TargetKind, type TestDatabase } from '../support/targets.js';

const exec = promisify(execFile);
const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'review', name);
const BASE = fixture('base.yaml');

const HEAD = fixture('head.yaml');

describe('fkdiff review BASE HEAD', () => {
  it('text: per table what changes, each field before → after, hazards without row counts, the SQL', async () => {
    const result = await cli(['review', BASE, HEAD, '--deny-hazards', 'blocks-reads']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    const out = result.stdout;
    expect(out).toContain('Keys: 1 to add, 1 to drop, 1 to change, in 2 tables.');
    expect(out).toContain(
      '+ add order_items_order_id_fkey (order_id) → public.orders (id) ON DELETE CASCADE',
    );
    expect(out).toContain('- drop orders_coupon_id_fkey (coupon_id) → public.coupons (id)');
    expect(out).toContain('~ change orders_user_id_fkey: on delete no action → cascade');
    expect(out).toContain('drops-fk: public.orders.orders_coupon_id_fkey');
    expect(out).toContain('run fkdiff plan against a database');
    expect(out).toContain('+      onDelete: cascade');
    expect(out).toMatch(/1\. ALTER TABLE "public"\."orders" DROP CONSTRAINT "orders_coupon_id_fkey";/);
  });

  it('markdown: the comment with its marker, the table, details blocks, a mermaid diagram with a legend', async () => {
    const { code, stdout } = await cli(['review', BASE, HEAD, '--format', 'markdown']);
    expect(code).toBe(3); // head's policy denies drops-fk
    expect(stdout.startsWith('<!-- fkdiff-review -->\n### fkdiff review:')).toBe(true);
    expect(stdout).toContain(
      '| `public.orders` | `orders_user_id_fkey` | change `on delete no action → cascade` |',
    );
    expect(stdout).toContain('- **drops-fk** (denied by policy):');
    expect(stdout).toContain('```mermaid\nflowchart LR');
    expect(stdout).toMatch(/t1 ==>\|"order_items_order_id_fkey"\| t2/);
    expect(stdout).toMatch(/t2 -\.->\|"orders_coupon_id_fkey"\| t0/);
    expect(stdout).toContain('subgraph legend["Legend"]');
    expect(stdout).toContain('profiles_user_id_fkey (cycle)');
    expect(stdout).toContain('<summary>SQL (postgres): 4 statements</summary>');
    expect(stdout).toContain('```diff\n@@ -3,4 +3,4 @@');
  });

  it('json: the documented fields', async () => {
    const { stdout } = await cli(['review', BASE, HEAD, '--format', 'json']);
    const review = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(review)).toEqual([
      'fkdiffReview',
      'dialect',
      'base',
      'head',
      'summary',
      'changes',
      'tables',
      'hazards',
      'denyHazards',
      'statements',
      'sql',
      'graph',
    ]);
    expect(review).toMatchObject({
      fkdiffReview: 1,
      dialect: 'postgres',
      base: { file: BASE, ref: null, exists: true },
      summary: { add: 1, drop: 1, rename: 0, change: 1, validate: 0 },
      denyHazards: ['drops-fk'],
    });
    expect(review.tables).toMatchObject([
      { table: { schema: 'public', name: 'order_items' }, changes: [{ change: 0, side: 'head' }] },
      {
        table: { schema: 'public', name: 'orders' },
        changes: [
          { change: 1, side: 'base', source: { file: BASE, line: 14, column: 9 } },
          { change: 2, side: 'head', source: { file: HEAD, line: 13, column: 9 } },
        ],
      },
    ]);
    expect(review.hazards).toContainEqual(expect.objectContaining({ code: 'drops-fk', denied: true }));
  });

  it('github: a warning at the spec line of each changed key, an error for each denied hazard', async () => {
    const { code, stdout } = await cli(['review', BASE, HEAD, '--format', 'github']);
    expect(code).toBe(3);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^::notice title=fkdiff review%3A .*::Keys: 1 to add/);
    expect(lines).toContain(
      `::warning file=${HEAD},line=13,col=9,title=fkdiff%3A foreign key changed::change public.orders.orders_user_id_fkey: on delete no action → cascade`,
    );
    expect(lines.filter((line) => line.startsWith('::warning '))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^::error file=${BASE},line=14,col=9,title=fkdiff%3A denied hazard drops-fk::drops-fk: `),
    );
  });

  it('--exit-code exits 2 when keys change, 0 when they do not; --dialect mysql gives MySQL SQL', async () => {
    const base = await tempFile(
      'base.yaml',
      'version: 1\ntables:\n  a:\n    foreignKeys:\n      - { columns: [b_id], references: b(id) }\n',
    );
    const head = await tempFile(
      'head.yaml',
      'version: 1\nschemas: [app]\ntables:\n  a:\n    foreignKeys:\n      - { columns: [b_id], references: b(id), onDelete: cascade }\n',
    );
    const same = await cli(['review', base, base, '--exit-code']);
    expect(same).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('No foreign key changes.') as unknown,
    });
    expect((await cli(['review', base, head, '--exit-code'])).code).toBe(2);
    const mysqlBase = await tempFile(
      'base.yaml',
      'version: 1\nschemas: [app]\ntables:\n  a:\n    foreignKeys:\n      - { columns: [b_id], references: b(id) }\n',
    );
    const mysql = await cli(['review', mysqlBase, head, '--dialect', 'mysql', '--format', 'json']);
    expect(mysql.code).toBe(0);
    expect((JSON.parse(mysql.stdout) as { statements: string[] }).statements).toEqual([
      'ALTER TABLE `app`.`a` DROP FOREIGN KEY `a_b_id_fkey`',
      'ALTER TABLE `app`.`a` ADD CONSTRAINT `a_b_id_fkey` FOREIGN KEY (`b_id`) REFERENCES `app`.`b` (`id`) ON DELETE CASCADE',
    ]);
  });

  it('--dialect mysql without schemas: tables unqualified, in the database the SQL is run on', async () => {
    const base = await tempFile(
      'base.yaml',
      'version: 1\ntables:\n  a:\n    foreignKeys:\n      - { columns: [b_id], references: b(id) }\n',
    );
    const head = await tempFile(
      'head.yaml',
      'version: 1\ntables:\n  a:\n    foreignKeys:\n      - { columns: [b_id], references: b(id), onDelete: cascade }\n',
    );
    const { stdout } = await cli(['review', base, head, '--dialect', 'mysql']);
    expect(stdout).toContain(
      '2. ALTER TABLE `a` ADD CONSTRAINT `a_b_id_fkey` FOREIGN KEY (`b_id`) REFERENCES `b` (`id`) ON DELETE CASCADE;',
    );
    expect(stdout).toContain('enables-cascade: a.a_b_id_fkey: deleting a row of b');
  });

  it('a large change stays readable: lists in details after their counts, the diagram capped and saying so', async () => {
    const base = await tempFile('base.yaml', 'version: 1\ntables: {}\n');
    const head = await tempFile('head.yaml', largeSpec(60));
    const { code, stdout } = await cli(['review', base, head, '--format', 'markdown', '--exit-code']);
    expect(code).toBe(2);
    expect(stdout).toContain('Keys: 60 to add, in 60 tables.');
    expect(stdout).toContain('<summary>All 60 changes</summary>');
    expect(stdout).toMatch(/^\*\*validates-data\*\* 60, \*\*blocks-writes\*\* 60$/m);
    expect(stdout).toContain('<summary>Diagram: 30 tables, 29 keys</summary>');
    expect(stdout).toContain(
      '_31 tables and 31 keys left out of the diagram, which shows at most 30 tables;',
    );
    expect(stdout).toContain('_YAML diffs of 40 more tables left out._');
  });

  it('a head that does not parse: file:line:col, as ::error annotations in github format, exit 1', async () => {
    const bad = await tempFile(
      'head.yaml',
      'version: 1\ntables:\n  a:\n    foreignKeys:\n      - { columns: [b_id], references: b(id), onDelete: cascades }\n',
    );
    const text = await cli(['review', BASE, bad]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`${bad}:5:`);
    const github = await cli(['review', BASE, bad, '--format', 'github']);
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(
      new RegExp(`^::error file=${bad},line=5,col=\\d+,title=fkdiff%3A spec error::`),
    );
    const syntax = await cli([
      'review',
      BASE,
      await tempFile('head.yaml', 'version: 1\ntables: [\n'),
      '--format',
      'github',
    ]);
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toMatch(/^::error file=.*head\.yaml,line=\d+,col=\d+/);
  });

  it('usage: two specs, or --base-ref and one', async () => {
    const one = await cli(['review', BASE]);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('review takes two specs (BASE HEAD), or --base-ref REF and one spec');
    expect((await cli(['review', BASE, HEAD, '--base-ref', 'main'])).stderr).toContain(
      'takes one spec, not two',
    );
  });
});

describe('fkdiff review --base-ref REF', () => {
  let repo: string;
  const git = (...args: string[]) =>
    exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'fkdiff-review-git-'));
    await git('init', '-q', '-b', 'main');
    await writeFile(join(repo, 'fkdiff.yaml'), await readFile(BASE, 'utf8'));
    await writeFile(join(repo, 'old.yaml'), await readFile(BASE, 'utf8'));
    await git('add', '.');
    await git('commit', '-qm', 'base');
    await git('checkout', '-qb', 'feature');
    await writeFile(join(repo, 'fkdiff.yaml'), await readFile(HEAD, 'utf8'));
    await writeFile(join(repo, 'new.yaml'), await readFile(HEAD, 'utf8'));
    await git('rm', '-q', 'old.yaml');
  });
  afterAll(async () => rm(repo, { recursive: true, force: true }));

  it('compares the working tree with the spec at the ref; annotations point at the working file only', async () => {
    const spec = join(repo, 'fkdiff.yaml');
    const { code, stdout } = await cli(['review', '--base-ref', 'main', spec, '--format', 'github']);
    expect(code).toBe(3);
    expect(stdout).toContain(`::warning file=${spec},line=13,col=9,`);
    // The dropped key is declared only at main: the warning points at its table in the working file.
    expect(stdout).toContain(
      `::warning file=${spec},line=11,col=3,title=fkdiff%3A foreign key changed::drop public.orders.orders_coupon_id_fkey`,
    );
    const json = JSON.parse(
      (await cli(['review', '--base-ref', 'main', spec, '--format', 'json'])).stdout,
    ) as {
      base: unknown;
    };
    expect(json.base).toEqual({ file: `main:${spec}`, ref: 'main', exists: true });
  });

  it('a spec added in the branch is all added; a deleted one all dropped', async () => {
    const added = await cli(['review', '--base-ref', 'main', join(repo, 'new.yaml'), '--format', 'json']);
    expect(JSON.parse(added.stdout)).toMatchObject({ base: { exists: false }, summary: { add: 4, drop: 0 } });
    const deleted = await cli(['review', '--base-ref', 'main', join(repo, 'old.yaml')]);
    expect(deleted.stdout).toContain('(spec deleted)');
    expect(deleted.stdout).toContain('Keys: 4 to drop, in 3 tables.');
  });

  it('a ref that does not exist, a spec in neither place, a folder outside git: one line, exit 1', async () => {
    const noRef = await cli(['review', '--base-ref', 'nope', join(repo, 'fkdiff.yaml')]);
    expect(noRef).toMatchObject({ code: 1, stdout: '' });
    expect(noRef.stderr).toBe(
      `fkdiff: nope:${join(repo, 'fkdiff.yaml')}: no commit nope in this repository [GIT_FAILED]\n`,
    );
    const nowhere = await cli(['review', '--base-ref', 'main', join(repo, 'missing.yaml')]);
    expect(nowhere.stderr).toBe(
      `fkdiff: ${join(repo, 'missing.yaml')}: no such file in the working tree, nor at main [SPEC_NOT_FOUND]\n`,
    );
    const outside = await tempFile('fkdiff.yaml', 'version: 1\ntables: {}\n');
    const notGit = await cli(['review', '--base-ref', 'main', outside]);
    expect(notGit.code).toBe(1);
    expect(notGit.stderr).toMatch(
      /^fkdiff: main:.*fkdiff\.yaml: cannot read the base from git: not a git repository.*\[GIT_FAILED\]\n$/,
    );
  });

  it('a base at the ref that does not parse is reported as REF:path:line:col', async () => {
    const broken = join(repo, 'broken.yaml');
    await writeFile(broken, 'version: 1\ntables:\n  a:\n    foreignKeys: 7\n');
    await git('add', 'broken.yaml');
    await git('commit', '-qm', 'broken');
    await writeFile(broken, 'version: 1\ntables: {}\n');
    const result = await cli(['review', '--base-ref', 'HEAD', broken, '--format', 'github']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`HEAD:${broken}:4:`);
    // Not a line of the working file: an annotation without a file.
    expect(result.stdout).toMatch(/^::error title=fkdiff%3A spec error::HEAD:.*broken\.yaml:4:\d+: /);
  });
});

const GRAPH_SPEC = `version: 1
tables:
  users:
    foreignKeys:
      - { columns: [profile_id], references: profiles(id) }
  profiles:
    foreignKeys:
      - { columns: [user_id], references: users(id) }
  orders:
    foreignKeys:
      - { columns: [user_id], references: users(id) }
  order_items:
    foreignKeys:
      - { columns: [order_id], references: orders(id) }
`;

describe('fkdiff graph of a spec', () => {
  it('mermaid: every table and key, the users ↔ profiles cycle marked', async () => {
    const spec = await tempFile('fkdiff.yaml', GRAPH_SPEC);
    const { code, stdout } = await cli(['graph', spec]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'flowchart LR\n  t0["public.order_items"]\n  t1["public.orders"]\n  t2["public.profiles"]\n  t3["public.users"]',
    );
    expect(stdout).toContain('t2 -->|"profiles_user_id_fkey (cycle)"| t3');
    expect(stdout).toContain('t3 -->|"users_profile_id_fkey (cycle)"| t2');
    expect(stdout).toContain('t1 -->|"orders_user_id_fkey"| t3');
    expect(stdout).toContain('class t2,t3 cycle');
  });

  it('dot, and --table --depth for a neighbourhood', async () => {
    const spec = await tempFile('fkdiff.yaml', GRAPH_SPEC);
    const dot = await cli(['graph', spec, '--format', 'dot', '--table', 'order_items', '--depth', '1']);
    expect(dot.stdout).toBe(
      [
        'digraph fkdiff {',
        '  rankdir=LR;',
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  "public.order_items";',
        '  "public.orders";',
        '  "public.order_items" -> "public.orders" [label="order_items_order_id_fkey"];',
        '}',
        '',
      ].join('\n'),
    );
    const two = await cli(['graph', spec, '--table', 'public.order_items', '--depth', '2']);
    expect(two.stdout).toContain('t2["public.users"]');
    expect(two.stdout).not.toContain('profiles');
    const missing = await cli(['graph', spec, '--table', 'nope']);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'fkdiff: table nope is not in the key graph [USAGE]\n',
    });
    expect((await cli(['graph', spec, '--table', 'orders', '--depth', '-1'])).code).toBe(1);
  });
});

describe.each(['postgres', 'mysql'] as const satisfies readonly TargetKind[])(
  'fkdiff graph --url on %s',
  (kind) => {
    let db: TestDatabase;
    beforeAll(async () => {
      if (!available(kind)) return;
      db = await createDatabase(kind);
      await db.run(`
      CREATE TABLE users (id integer PRIMARY KEY, profile_id integer);
      CREATE TABLE profiles (id integer PRIMARY KEY, user_id integer REFERENCES users (id));
      ALTER TABLE users ADD CONSTRAINT users_profile_fk FOREIGN KEY (profile_id) REFERENCES profiles (id);
      CREATE TABLE lonely (id integer PRIMARY KEY);`);
    });
    afterAll(async () => {
      if (available(kind)) await db.drop();
    });

    it.skipIf(!available(kind))('the live keys, every table, the cycle marked', async () => {
      const { code, stdout, stderr } = await cli(['graph', '--url', db.url]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('t0["' + `${db.schema}.lonely"]`);
      expect(stdout).toMatch(/t2 -->\|"users_profile_fk \(cycle\)"\| t1/);
      expect(stdout).toContain('class t1,t2 cycle');
    });
  },
);
