/** The CLI run as its own process, as users run it: pipes, files, commander's errors. */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { spawnCli, tempFile, orgsAndUsers } from '../support/cli.js';
import { available } from '../support/targets.js';

function expectOneLine(stderr: string, code: string): void {
  expect(stderr).toMatch(new RegExp(`^fkdiff: [^\\n]* \\[${code}\\]\\n$`));
}

describe.skipIf(!available('postgres'))('the CLI as a process (PostgreSQL)', () => {
  const fixture = orgsAndUsers();

  it.each(['text', 'json'])(
    'a pipe closed early (%s): no EPIPE crash, the broken-pipe status',
    async (format) => {
      const result = await spawnCli(['plan', fixture.spec(), '--url', fixture.db().url, '--format', format], {
        closeStdout: true,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(141);
    },
  );

  it('an unwritable --out: one line with its code, and no plan printed as if saved', async () => {
    const result = await spawnCli([
      'plan',
      fixture.spec(),
      '--url',
      fixture.db().url,
      '--out',
      '/nonexistent/p.json',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr, 'OUTPUT_FAILED');
    expect(result.stderr).toContain('/nonexistent/p.json: cannot write (no such directory)');
  });

  it('a missing --plan file: one line with its code', async () => {
    const result = await spawnCli([
      'apply',
      '--plan',
      '/nonexistent/plan.json',
      '--url',
      fixture.db().url,
      '--yes',
    ]);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, 'PLAN_FILE_INVALID');
    expect(result.stderr).toContain('cannot read the plan (no such file)');
  });
});

describe('errors before any connection, as a process', () => {
  it.each([
    [['plan', '--format', 'yaml'], "argument 'yaml' is invalid"],
    [['apply', '--deny-hazards', 'nope'], 'unknown hazard nope'],
    [['plan', '--frmat', 'sql'], "unknown option '--frmat'"],
  ])('commander: %j is one line with [USAGE]', async (argv, text) => {
    const result = await spawnCli(argv);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, 'USAGE');
    expect(result.stderr).toContain(text);
  });

  it('a lock timeout no server accepts is refused before connecting', async () => {
    const result = await spawnCli([
      'plan',
      '--lock-timeout',
      '36000min',
      '--url',
      'postgres://nobody@127.0.0.1:1/x',
    ]);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, 'USAGE');
    expect(result.stderr).toContain('too long');
  });

  it('a binary file as spec is refused as such, without echoing it', async () => {
    const file = await tempFile('fkdiff.yaml', '');
    await writeFile(
      file,
      Buffer.from([0x76, 0x65, 0x72, 0x00, 0xff, 0xfe, ...Array<number>(7000).fill(0x41)]),
    );
    const result = await spawnCli(['validate', file]);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, 'SPEC_SYNTAX');
    expect(result.stderr).toContain('not a text file');
    expect(result.stderr.length).toBeLessThan(200);
  });

  it('a long quoted value is cut in the message', async () => {
    const long = 'x'.repeat(5000);
    const file = await tempFile(
      'fkdiff.yaml',
      `version: 1\ntables:\n  a:\n    foreignKeys:\n      - columns: [b]\n        references: "${long}"\n`,
    );
    const result = await spawnCli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(5000 characters)');
    expect(result.stderr.length).toBeLessThan(400);
  });
});
