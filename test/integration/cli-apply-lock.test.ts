/**
 * One apply at a time, on both engines: concurrent CLI processes take the apply lock in turn, and a
 * waiter plans against what the other left. The lock lives on a session the pool keeps for the
 * whole apply, so a confirmation prompt left open longer than the pool's idle time keeps it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, tempFile } from '../support/cli.js';
import { createDatabase, available, type TargetKind, type TestDatabase } from '../support/targets.js';
import { cliCommand, inTerminal } from '../support/terminal.js';

const COLUMNS = ['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b2', 'b3', 'b4', 'b5'];

const SCHEMA_SQL = [
  'CREATE TABLE parents (id integer PRIMARY KEY)',
  `CREATE TABLE children (id integer PRIMARY KEY, ${COLUMNS.map((column) => `${column} integer`).join(', ')})`,
];

/** A spec of five keys on the columns starting with `prefix`; it drops every other key. */
function specOf(prefix: string): string {
  const keys = COLUMNS.filter((column) => column.startsWith(prefix)).map(
    (column) => `      - columns: [${column}]\n        references: parents(id)\n`,
  );
  return `version: 1\ntables:\n  children:\n    foreignKeys:\n${keys.join('')}`;
}

/** The cases to run on an engine: each where the fault was seen, to keep the suite short. */
type LockCase = 'two specs' | 'four applies' | 'prompt';

function lockSuite(kind: TargetKind, cases: readonly LockCase[]): void {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase(kind);
    for (const statement of SCHEMA_SQL) await db.run(statement);
  });
  afterAll(async () => db.drop());

  const plannedEmpty = async (spec: string): Promise<boolean> =>
    (await spawnCli(['plan', spec, '--url', db.url, '--exit-code'])).code === 0;

  if (cases.includes('two specs'))
    it('two applies of different specs at once: each runs whole, the database ends as the later one', async () => {
      const [a, b] = [await tempFile('a.yaml', specOf('a')), await tempFile('b.yaml', specOf('b'))];
      const runs = await Promise.all(
        [a, b].map((spec) => spawnCli(['apply', spec, '--url', db.url, '--yes', '--lock-wait', '60s'])),
      );
      for (const run of runs) {
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
      }
      // Without the lock both planned from the empty table and left ten keys, matching neither.
      expect([await plannedEmpty(a), await plannedEmpty(b)].filter(Boolean)).toHaveLength(1);
    });

  if (cases.includes('four applies'))
    it('four applies of one spec at once: one applies, the others wait and find nothing to do', async () => {
      const spec = await tempFile(
        'fkdiff.yaml',
        specOf('a').replaceAll(
          'references: parents(id)',
          'references: parents(id)\n        onDelete: cascade',
        ),
      );
      const runs = await Promise.all(
        [1, 2, 3, 4].map(() => spawnCli(['apply', spec, '--url', db.url, '--yes', '--lock-wait', '60s'])),
      );
      for (const run of runs) {
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
      }
      expect(runs.filter((run) => run.stdout.includes('Applied'))).toHaveLength(1);
      expect(await plannedEmpty(spec)).toBe(true);
    });

  if (cases.includes('prompt'))
    it('a waiter that runs out of --lock-wait names the other apply and changes nothing, while a prompt stays open past the pool’s idle time', async () => {
      const spec = await tempFile('fkdiff.yaml', specOf('b'));
      const screen = inTerminal(
        cliCommand(['apply', spec, '--url', db.url]),
        { NO_COLOR: '1' },
        {
          prompt: 'Apply ',
          answer: 'y\r',
          // Longer than the pool keeps an idle connection (10 s): the lock must outlive it.
          before: async () => {
            await sleep(11_000);
            const blocked = await spawnCli(['apply', spec, '--url', db.url, '--yes', '--lock-wait', '1s']);
            expect(blocked.code).toBe(1);
            expect(blocked.stderr).toMatch(
              /^fkdiff: another fkdiff apply holds the lock "fkdiff:[^"]+" on .*\(.+\).*\[LOCK_TIMEOUT\]\n$/u,
            );
          },
        },
      );
      const { code } = await screen;
      expect(code).toBe(0);
      expect(await plannedEmpty(spec)).toBe(true);
    }, 60_000);
}

describe.skipIf(!available('postgres'))('the apply lock on PostgreSQL', () => {
  lockSuite('postgres', ['two specs', 'four applies']);
});
describe.skipIf(!available('mysql'))('the apply lock on MariaDB', () => {
  lockSuite('mysql', ['prompt']);
});
