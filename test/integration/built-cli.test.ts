/**
 * The CLI as it ships: the bundle `npm run build` writes to dist/cli/bin.js (npm install and npm ci
 * build it), with the drivers, Sequelize and PGlite it loads on demand. The other suites run the
 * sources through tsx; this one proves the bundle does the same job end to end on every engine.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGS_AND_USERS_SQL, spawnCli, tempFile, USERS_ORG_SPEC } from '../support/cli.js';
import { available, createDatabase, type TargetKind, type TestDatabase } from '../support/targets.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILT = resolve(ROOT, 'dist/cli/bin.js');

/** The built CLI as its own process, as users run it. */
const built = (argv: readonly string[]) =>
  spawnCli(argv, { command: [process.execPath, BUILT], env: { NO_COLOR: '1' } });

describe('the built CLI', () => {
  it('is built (npm install and npm ci run the build)', () => {
    expect(existsSync(BUILT), `${BUILT} is missing: run npm run build`).toBe(true);
  });

  it('prints its version and its help', async () => {
    const version = await built(['--version']);
    const manifest = JSON.parse(await readFile(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
    expect((await built(['--help'])).stdout).toContain('Exit codes: 0 success');
  });

  it('reports an error with its code and each problem at its place, without a stack trace', async () => {
    const spec = await tempFile('fkdiff.yaml', 'version: 2\n');
    const result = await built(['plan', spec]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `fkdiff: ${spec}: invalid spec: 1 problem [SPEC_INVALID]\n  ${spec}:1:10: version must be 1 (got 2)\n`,
    });
  });
});

const KINDS: readonly TargetKind[] = ['pglite', 'postgres', 'mysql'];

describe.each(KINDS)('the built CLI on %s: plan, apply, pull, then nothing to do', (kind) => {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    if (!available(kind)) return;
    db = await createDatabase(kind);
    await db.run(ORGS_AND_USERS_SQL);
  });
  afterAll(async () => db?.drop());

  it.skipIf(!available(kind))('converges', async () => {
    if (db === undefined) throw new Error('the database is made in beforeAll');
    const spec = await tempFile('fkdiff.yaml', USERS_ORG_SPEC);
    const pending = await built(['plan', spec, '--url', db.url, '--exit-code']);
    expect(pending.code).toBe(2);
    // Nothing but the plan: no driver warning either (the catalog is read on two sessions at once).
    expect(pending.stderr).toBe('');
    expect(pending.stdout).toContain('users');
    const applied = await built(['apply', spec, '--url', db.url, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied).toMatchObject({ code: 0 });
    expect(applied.stdout).toContain('the database now matches');
    expect(await built(['plan', spec, '--url', db.url, '--exit-code'])).toMatchObject({ code: 0 });
    const pulled = await built(['pull', '--url', db.url]);
    expect(pulled).toMatchObject({ code: 0, stderr: '' });
    expect(pulled.stdout).toMatch(
      /users:\n {4}foreignKeys:\n {6}- name: \S+\n {8}columns: \[org_id\]\n {8}references: orgs\(id\)\n/u,
    );
    const again = await tempFile('pulled.yaml', pulled.stdout);
    expect(await built(['plan', again, '--url', db.url, '--exit-code'])).toMatchObject({ code: 0 });
  });
});
