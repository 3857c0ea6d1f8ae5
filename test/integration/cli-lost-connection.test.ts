/** A connection lost while fkdiff reads the catalog is reported as such: one line, its code. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgsAndUsers, spawnCli } from '../support/cli.js';
import { faultProxy, type FaultProxy } from '../support/proxy.js';
import { available, POSTGRES_URL } from '../support/targets.js';

describe.skipIf(!available('postgres'))('a connection lost during the catalog reads', () => {
  const fixture = orgsAndUsers();
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await faultProxy(POSTGRES_URL, {
      trigger: 'pg_catalog.pg_constraint',
      fault: 'drop-before',
      once: false,
    });
  });
  afterAll(() => proxy.close());

  it('plan reports CONNECTION_FAILED in one line, naming the catalog read, and changes nothing', async () => {
    const url = proxy.url(fixture.db().url);
    const result = await spawnCli(['plan', fixture.spec(), '--url', url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^fkdiff: reading the catalog of [^\n]* failed: [^\n]*\[CONNECTION_FAILED\]\n$/,
    );
    expect(result.stderr).not.toContain('unexpected error');
  });
});

describe.skipIf(!available('postgres'))('a connection lost in the middle of an apply transaction', () => {
  const fixture = orgsAndUsers();
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await faultProxy(POSTGRES_URL, { trigger: 'ADD CONSTRAINT', fault: 'drop-before', once: false });
  });
  afterAll(() => proxy.close());

  it('apply fails in fkdiff words only: no second line from Sequelize about the rollback', async () => {
    const url = proxy.url(fixture.db().url);
    const result = await spawnCli(['apply', fixture.spec(), '--url', url, '--yes']);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fkdiff: .*\[[A-Z_]+\]$/);
    expect(result.stderr).not.toContain('killing its connection');
  });
});
