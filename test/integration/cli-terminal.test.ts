/** The CLI in a pseudo-terminal (util-linux `script`), as a person at a terminal runs it. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orgsAndUsers } from '../support/cli.js';
import { cliCommand, inTerminal, shellQuote } from '../support/terminal.js';
import { available } from '../support/targets.js';

const ESC = '\u001b';
const command = cliCommand;

describe.skipIf(!available('postgres'))('at a terminal (PostgreSQL)', () => {
  const fixture = orgsAndUsers();

  it('colour on a terminal, none with NO_COLOR', async () => {
    const coloured = await inTerminal(command(['plan', fixture.spec(), '--url', fixture.db().url]), {});
    expect(coloured.code).toBe(0);
    expect(coloured.screen).toContain(`${ESC}[32m`);
    const plain = await inTerminal(command(['plan', fixture.spec(), '--url', fixture.db().url]), {
      NO_COLOR: '1',
    });
    expect(plain.code).toBe(0);
    expect(plain.screen).toContain('+ add users_org_id_fkey');
    expect(plain.screen).not.toContain(ESC);
  });

  it('apply | tee: asks on the terminal although stdout is a pipe, and applies on yes', async () => {
    const log = join(dirname(fixture.spec()), 'apply.log');
    const result = await inTerminal(
      `${command(['apply', fixture.spec(), '--url', fixture.db().url])} | tee ${shellQuote(log)}`,
      { NO_COLOR: '1' },
      { prompt: 'Apply 1 step to', answer: 'y\r' },
    );
    expect(result.screen).toContain('Apply 1 step to');
    expect(result.code).toBe(0);
    const logged = await readFile(log, 'utf8');
    expect(logged).toContain('+ add users_org_id_fkey');
    expect(logged).toContain('Applied 1 step');
    // The question went to the terminal, not into the log.
    expect(logged).not.toContain('Apply 1 step to');
    const keys = await fixture
      .db()
      .query<{ conname: string }>("SELECT conname FROM pg_constraint WHERE contype = 'f'");
    expect(keys.map((key) => key.conname)).toEqual(['users_org_id_fkey']);
  });
});
