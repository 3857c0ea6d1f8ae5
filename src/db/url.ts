import { FkdiffError } from '../errors.js';
import type { DialectName } from '../model/catalog.js';

/** Where to connect, parsed from a `--url` / `DATABASE_URL` value. */
export type Target =
  | {
      readonly kind: 'server';
      readonly dialect: DialectName;
      readonly host: string;
      readonly port: number;
      readonly user: string;
      readonly password: string;
      readonly database: string;
      readonly params: Readonly<Record<string, string>>;
      /** The URL without its password: the only form of it that is ever printed. */
      readonly display: string;
    }
  | {
      readonly kind: 'pglite';
      readonly dialect: 'postgres';
      /** undefined: in memory. */
      readonly directory: string | undefined;
      readonly display: string;
    };

const SCHEMES: Readonly<Record<string, { dialect: DialectName; port: number }>> = {
  'postgres:': { dialect: 'postgres', port: 5432 },
  'postgresql:': { dialect: 'postgres', port: 5432 },
  'mysql:': { dialect: 'mysql', port: 3306 },
  'mariadb:': { dialect: 'mysql', port: 3306 },
};

/** Removes the password from anything that looks like a URL in `text`. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
}

export function parseTarget(url: string | undefined): Target {
  if (url === undefined || url.trim() === '') {
    throw new FkdiffError('URL_INVALID', 'no database URL: pass --url or set DATABASE_URL');
  }
  if (url === 'pglite:memory' || url === 'pglite://memory') {
    return { kind: 'pglite', dialect: 'postgres', directory: undefined, display: 'pglite:memory' };
  }
  if (url.startsWith('pglite:')) {
    const directory = url.slice('pglite:'.length).replace(/^\/\/(?=\/)/, '');
    if (directory === '') throw new FkdiffError('URL_INVALID', 'pglite: URL needs "memory" or a directory');
    return { kind: 'pglite', dialect: 'postgres', directory, display: `pglite:${directory}` };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new FkdiffError('URL_INVALID', `invalid database URL ${redactUrls(url)}`, { cause: error });
  }
  const scheme = SCHEMES[parsed.protocol];
  if (scheme === undefined) {
    throw new FkdiffError(
      'URL_INVALID',
      `unsupported URL scheme "${parsed.protocol}": use postgres://, postgresql://, mysql://, mariadb:// or pglite:`,
    );
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch (error) {
      throw new FkdiffError('URL_INVALID', `invalid ${what} encoding in ${redactUrls(url)}`, {
        cause: error,
      });
    }
  };
  const database = decode(parsed.pathname.replace(/^\//, ''), 'database name');
  if (scheme.dialect === 'mysql' && database === '') {
    throw new FkdiffError(
      'URL_INVALID',
      `${parsed.protocol}// URL must name a database, as in mysql://user@host/app`,
    );
  }
  const user = decode(parsed.username, 'user name') || (scheme.dialect === 'postgres' ? 'postgres' : 'root');
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = parsed.port === '' ? scheme.port : Number(parsed.port);
  const params = Object.fromEntries(parsed.searchParams.entries());
  const shown = new URL(url);
  shown.password = '';
  return {
    kind: 'server',
    dialect: scheme.dialect,
    host,
    port,
    user,
    password: decode(parsed.password, 'password'),
    database: database || (scheme.dialect === 'postgres' ? user : ''),
    params,
    display: shown.toString(),
  };
}
