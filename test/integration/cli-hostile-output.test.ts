/** Names from the catalog or the spec reach stderr escaped, by the same function as stdout. */
import { describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.js';
import { available, createDatabase } from '../support/targets.js';

// No NUL: the spec parser refuses it with its line (test/unit/spec-limits.test.ts) before pre-flight.
const HOSTILE = '\u001b[31mred\u001b]0;title\u0007\nfkdiff: all good [OK]\u007f';

describe.skipIf(!available('postgres'))('terminal injection through names in errors', () => {
  it('a hostile table name in a pre-flight error is one escaped line on stderr', async () => {
    const quoted = JSON.stringify(HOSTILE);
    const spec = await tempFile(
      'fkdiff.yaml',
      `version: 1\ntables:\n  users:\n    foreignKeys:\n      - columns: [org_id]\n        references: { table: ${quoted}, columns: [id] }\n`,
    );
    const db = await createDatabase('postgres');
    const result = await cli(['plan', spec, '--url', db.url]).finally(() => db.drop());
    expect(result.code).toBe(1);
    expect(result.stderr.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('fkdiff:'))).toHaveLength(1);
    expect(result.stderr).toContain('\\u001b');
  });
});
