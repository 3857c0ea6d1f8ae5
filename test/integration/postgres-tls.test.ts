/**
 * TLS as psql has it, against a real PostgreSQL started here with ssl=on and a self-signed
 * certificate made with openssl: verify-full refuses a certificate it cannot trust, require
 * encrypts without checking, verify-full with the certificate as sslrootcert connects; the server is
 * also reached through its socket directory (`host=`) and through the PG* variables alone; a role
 * with a password logs in with the password from ~/.pgpass (or PGPASSFILE), as psql's would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, spawnCli } from '../support/cli.js';

const exec = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';
/** initdb and postgres refuse root: they run as this unprivileged user. */
const OS_USER = 'postgres';
const canRun = existsSync(join(BIN, 'postgres')) && process.getuid?.() === 0;

const asUser = (command: string, args: readonly string[]): string[] => [
  '-u',
  OS_USER,
  '--',
  command,
  ...args,
];

async function ready(port: number, socketDir: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      await exec(join(BIN, 'pg_isready'), ['-h', socketDir, '-p', String(port), '-q']);
      return;
    } catch {
      await new Promise((resume) => setTimeout(resume, 100));
    }
  }
  throw new Error('the TLS test server did not start');
}

describe.skipIf(!canRun)('PostgreSQL over TLS (a server of its own, ssl=on)', () => {
  let dir = '';
  let server: ChildProcess | undefined;
  const port = 20_000 + (process.pid % 20_000);
  const cert = (): string => join(dir, 'server.crt');
  const url = (query: string): string => `postgres://postgres@127.0.0.1:${port}/postgres?${query}`;

  beforeAll(async () => {
    dir = await mkdtemp('/tmp/fkdiff-tls-');
    await chmod(dir, 0o755);
    const data = join(dir, 'data');
    await exec('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'server.key'),
      '-out',
      cert(),
    ]);
    await chmod(join(dir, 'server.key'), 0o600);
    const { stdout } = await exec('id', ['-u', OS_USER]);
    const uid = Number(stdout.trim());
    for (const file of ['', 'server.key', 'server.crt']) await chown(join(dir, file), uid, uid);
    await exec(
      'runuser',
      asUser(join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']),
    );
    await writeFile(join(dir, 'spec.yaml'), 'version: 1\ntables: {}\n');
    server = spawn(
      'runuser',
      asUser(join(BIN, 'postgres'), [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'ssl=on',
        '-c',
        `ssl_cert_file=${cert()}`,
        '-c',
        `ssl_key_file=${join(dir, 'server.key')}`,
        '-c',
        'fsync=off',
      ]),
      { stdio: 'ignore' },
    );
    await ready(port, dir);
  }, 60_000);

  afterAll(async () => {
    const stopped = new Promise((resume) => server?.once('exit', resume));
    await exec('runuser', asUser(join(BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']));
    await stopped;
    await rm(dir, { recursive: true, force: true });
  });

  it('sslmode=verify-full refuses a certificate no trusted authority signed', async () => {
    const result = await cli(['pull', '--url', url('sslmode=verify-full')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^fkdiff: cannot connect to .*self-signed certificate.*\[CONNECTION_FAILED\]\n$/u,
    );
  });

  it('sslmode=require encrypts without checking the certificate', async () => {
    const result = await cli(['pull', '--url', url('sslmode=require&application_name=tls-test')]);
    expect(result.stderr).not.toContain('cannot connect');
    expect(result.code).toBe(0);
  });

  it('sslmode=verify-full with the certificate as sslrootcert connects', async () => {
    const result = await cli(['pull', '--url', url(`sslmode=verify-full&sslrootcert=${cert()}`)]);
    expect(result.stderr).not.toContain('cannot connect');
    expect(result.code).toBe(0);
  });

  it('sslmode=verify-ca without sslrootcert is refused before connecting, as libpq does', async () => {
    const result = await cli(['pull', '--url', url('sslmode=verify-ca')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[URL_INVALID]');
  });

  it('host= names the socket directory; the PG* variables stand in for the URL', async () => {
    const socket = await cli(['pull', '--url', `postgres://postgres@/postgres?host=${dir}&port=${port}`]);
    expect(socket.stderr).not.toContain('cannot connect');
    expect(socket.code).toBe(0);
    const fromEnv = await spawnCli(['pull', '--url', 'postgres:///postgres'], {
      env: { PGHOST: '127.0.0.1', PGPORT: String(port), PGSSLMODE: 'verify-full', PGSSLROOTCERT: cert() },
    });
    expect(fromEnv.stderr).not.toContain('cannot connect');
    expect(fromEnv.code).toBe(0);
  });

  it('a password-protected role logs in with the password from ~/.pgpass, and the password is never printed', async () => {
    const secret = 'pgpass-s3cret';
    const admin = new pg.Client({ connectionString: url('sslmode=disable') });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE fkdiff_pw LOGIN PASSWORD '${secret}'`);
      const hba = join(dir, 'data', 'pg_hba.conf');
      const rules = await readFile(hba, 'utf8');
      await writeFile(hba, `host all fkdiff_pw 127.0.0.1/32 scram-sha-256\n${rules}`);
      await admin.query('SELECT pg_reload_conf()');
    } finally {
      await admin.end();
    }
    const home = await mkdtemp('/tmp/fkdiff-home-');
    try {
      const target = `postgres://fkdiff_pw@127.0.0.1:${port}/postgres?sslmode=require`;
      const without = await spawnCli(['pull', '--url', target], {
        env: { HOME: home, PGPASSFILE: undefined },
      });
      expect(without.code).toBe(1);
      expect(without.stderr).toContain('[CONNECTION_FAILED]');

      await writeFile(join(home, '.pgpass'), `127.0.0.1:${port}:postgres:fkdiff_pw:${secret}\n`, {
        mode: 0o600,
      });
      const withFile = await spawnCli(['pull', '--url', target], {
        env: { HOME: home, PGPASSFILE: undefined },
      });
      expect(withFile.stderr).not.toContain('[CONNECTION_FAILED]');
      expect(withFile.code).toBe(0);

      const wrong = await spawnCli(
        ['pull', '--url', target.replace('fkdiff_pw@', `fkdiff_pw:wrong-${secret}@`)],
        {
          env: { HOME: home },
        },
      );
      expect(wrong.code).toBe(1);
      expect(`${wrong.stdout}${wrong.stderr}`).not.toContain(secret);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
