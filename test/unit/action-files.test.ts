import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempFile } from '../support/cli.js';

const exec = promisify(execFile);
const lint = (...files: string[]) => exec('node', ['--import', 'tsx', 'scripts/actionlint.ts', ...files]);

describe('the GitHub Action files', () => {
  it('action.yml and the example workflows pass actionlint', async () => {
    const { stdout } = await lint(
      'action.yml',
      'examples/github/fkdiff-review.yml',
      'examples/github/fkdiff-fleet.yml',
    );
    expect(stdout).toBe('actionlint: 3 files, 0 problems\n');
  });

  it('the lint fails on an unknown input in an action step and on a broken workflow', async () => {
    const action = await tempFile('action.yml', '');
    await writeFile(
      action,
      (await readFile('action.yml', 'utf8')).replace('inputs.dialect }}', 'inputs.dialekt }}'),
    );
    const failure = await lint(action).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(
      /action\.yml:\d+:\d+: property "dialekt" is not defined/,
    );
  });
});
