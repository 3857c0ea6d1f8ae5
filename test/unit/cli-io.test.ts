import { describe, expect, it } from 'vitest';
import { useColor } from '../../src/cli/io.js';
import { parseDuration } from '../../src/cli/duration.js';
import { redactSecrets } from '../../src/db/redact.js';
import { parseTarget } from '../../src/db/url.js';

describe('colour', () => {
  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, {}, false],
  ] as const)('terminal %s, env %j → %s', (isTTY, env, expected) => {
    expect(useColor({ write: () => true, isTTY }, env)).toBe(expected);
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['2min', 120_000],
    ['3', 3000],
  ])('%s → %i ms', (text, ms) => {
    expect(parseDuration(text, '--lock-timeout')).toBe(ms);
  });
  it.each(['', '5 s', '1h', '-1s', "5s'; DROP"])('refuses %j', (text) => {
    expect(() => parseDuration(text, '--lock-timeout')).toThrow(/--lock-timeout .* is not a duration/);
  });
  it('refuses 0, which PostgreSQL reads as "wait forever"', () => {
    expect(() => parseDuration('0', '--lock-timeout')).toThrow('--lock-timeout must be at least 1ms');
  });
});

describe('URLs', () => {
  it('never keeps the password in what it shows', () => {
    const target = parseTarget('postgres://app:p%40ss@db.example:6543/shop?sslmode=require');
    expect(target).toMatchObject({
      kind: 'server',
      engine: { name: 'postgres' },
      host: 'db.example',
      port: 6543,
      user: 'app',
    });
    expect(target.display).toBe('postgres://app@db.example:6543/shop?sslmode=require');
    expect(JSON.stringify(target.display)).not.toContain('p%40ss');
    expect(redactSecrets('failed for mysql://root:hunter2@h/db and more')).toBe(
      'failed for mysql://root:***@h/db and more',
    );
  });

  it('knows every scheme of the contract', () => {
    expect(parseTarget('postgresql://h/db').engine.name).toBe('postgres');
    expect(parseTarget('mariadb://h/db').engine.name).toBe('mysql');
    expect(parseTarget('pglite:memory')).toMatchObject({ kind: 'embedded', location: undefined });
    expect(parseTarget('pglite:./data')).toMatchObject({ kind: 'embedded', location: './data' });
  });

  it.each([
    [undefined, 'no database URL'],
    ['redis://h/0', 'unsupported URL scheme "redis:"'],
    ['mysql://h', 'must name a database'],
    ['not a url', 'invalid database URL'],
    ['postgres://u:pw%zz@h/db', 'invalid password encoding in postgres://u@h/db'],
  ])('%j is refused: %s', (url, message) => {
    expect(() => parseTarget(url)).toThrow(message);
  });
});
