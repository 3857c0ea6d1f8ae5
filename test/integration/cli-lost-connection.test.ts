/** A connection lost while fkdiff reads the catalog is reported as such: one line, its code. */
import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgsAndUsers, spawnCli } from '../support/cli.js';
import { available, POSTGRES_URL } from '../support/targets.js';

/**
 * A TCP proxy to the PostgreSQL server that drops both sides of a connection as soon as the client
 * sends a query naming `trigger` (the catalog query of foreign keys).
 */
function droppingProxy(target: URL, trigger: string): Promise<{ server: Server; port: number }> {
  const server = createServer((client: Socket) => {
    const upstream = connectTcp(Number(target.port || 5432), target.hostname);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (chunk.includes(trigger)) drop();
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

describe.skipIf(!available('postgres'))('a connection lost during the catalog reads', () => {
  const fixture = orgsAndUsers();
  let proxy: { server: Server; port: number };
  beforeAll(async () => {
    proxy = await droppingProxy(new URL(POSTGRES_URL), 'pg_catalog.pg_constraint');
  });
  afterAll(() => {
    proxy.server.close();
  });

  it('plan reports CONNECTION_FAILED in one line, naming the catalog read, and changes nothing', async () => {
    const url = new URL(fixture.db().url);
    url.host = `127.0.0.1:${proxy.port}`;
    const result = await spawnCli(['plan', fixture.spec(), '--url', url.toString()]);
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
  let proxy: { server: Server; port: number };
  beforeAll(async () => {
    proxy = await droppingProxy(new URL(POSTGRES_URL), 'ADD CONSTRAINT');
  });
  afterAll(() => {
    proxy.server.close();
  });

  it('apply fails in fkdiff words only: no second line from Sequelize about the rollback', async () => {
    const url = new URL(fixture.db().url);
    url.host = `127.0.0.1:${proxy.port}`;
    const result = await spawnCli(['apply', fixture.spec(), '--url', url.toString(), '--yes']);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fkdiff: .*\[[A-Z_]+\]$/);
    expect(result.stderr).not.toContain('killing its connection');
  });
});
