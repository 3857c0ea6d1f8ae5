/**
 * PostgreSQL URLs read as libpq and psql read them: pg-connection-string parses the URL with libpq's
 * sslmode semantics (`require` encrypts, `verify-ca` checks the chain, `verify-full` the host name
 * too; `sslrootcert`, `sslcert`, `sslkey` are files), `host=` may name a socket directory, and what the
 * URL leaves out comes from the PG* environment variables, then from ~/.pgpass for the password.
 */
import { parse } from 'pg-connection-string';
import pgpass from 'pgpass';
import { FkdiffError } from '../../errors.js';
import type { ReadUrl, ServerSettings } from '../engine.js';

type Env = Readonly<Record<string, string | undefined>>;

/** URL parameters and the variable libpq reads when the URL does not set them. */
const PARAMETER_VARIABLES = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  application_name: 'PGAPPNAME',
  options: 'PGOPTIONS',
} as const;

/** Parameters that hold a secret: never shown. */
const SECRET_PARAMETERS = ['password', 'sslpassword'];

/** The name fkdiff's sessions go by in pg_stat_activity when the URL gives none. */
export const APPLICATION_NAME = 'fkdiff';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

function invalid(message: string, cause?: unknown): FkdiffError {
  return new FkdiffError('URL_INVALID', message, cause === undefined ? {} : { cause });
}

function displayOf(url: URL): string {
  const shown = new URL(url.toString());
  shown.password = '';
  for (const name of SECRET_PARAMETERS) shown.searchParams.delete(name);
  return shown.toString();
}

export function readPostgresUrl(text: string, env: Env): ReadUrl {
  let url: URL;
  try {
    // libpq also takes `postgres://user@/db?host=/socket/dir`, an authority WHATWG URLs refuse.
    url = URL.canParse(text) ? new URL(text) : new URL(text.replace('@/', '@localhost/'));
  } catch (error) {
    throw invalid('invalid PostgreSQL URL', error);
  }
  const display = displayOf(url);
  for (const [part, what] of [
    [url.username, 'user name'],
    [url.password, 'password'],
    [url.pathname, 'database name'],
  ] as const) {
    try {
      decodeURIComponent(part);
    } catch (error) {
      throw invalid(`invalid ${what} encoding in ${display}`, error);
    }
  }
  for (const [parameter, variable] of Object.entries(PARAMETER_VARIABLES)) {
    const value = env[variable];
    if (!url.searchParams.has(parameter) && value !== undefined && value !== '') {
      url.searchParams.set(parameter, value);
    }
  }
  const mode = url.searchParams.get('sslmode');
  if (mode !== null && !SSL_MODES.includes(mode)) {
    throw invalid(`${display}: sslmode must be one of ${SSL_MODES.join(', ')}`);
  }
  let config: ReturnType<typeof parse>;
  try {
    config = parse(url.toString(), { useLibpqCompat: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(
      `${display}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? `cannot read a certificate file (${reason})` : reason}`,
      error,
    );
  }
  const user = config.user || env['PGUSER'] || 'postgres';
  const port = Number(config.port || env['PGPORT'] || 5432);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw invalid(`${display}: invalid port`);
  const applicationName = config.application_name ?? APPLICATION_NAME;
  return {
    host: config.host || env['PGHOST'] || 'localhost',
    port,
    user,
    password: config.password || env['PGPASSWORD'] || '',
    database: config.database || env['PGDATABASE'] || user,
    params: Object.fromEntries(url.searchParams.entries()),
    driverOptions: {
      application_name: applicationName,
      ...(config.options === undefined ? {} : { options: config.options }),
      // libpq's default, prefer, may fall back to no TLS; so does pg without an ssl option.
      ...(config.ssl === undefined || mode === 'prefer' || mode === 'allow' ? {} : { ssl: config.ssl }),
    },
    display,
  };
}

/** The password ~/.pgpass (or $PGPASSFILE) holds for these settings, as psql would find it. */
export function pgpassPassword(settings: ServerSettings): Promise<string | undefined> {
  return new Promise((resolve) => {
    pgpass(
      { host: settings.host, port: settings.port, database: settings.database, user: settings.user },
      resolve,
    );
  });
}
