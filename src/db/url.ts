import type { Engine, ServerSettings } from '../engines/engine.js';
import { embeddedEngineFor, engineForScheme, urlForms } from '../engines/registry.js';
import { FkdiffError } from '../errors.js';
import { redactSecrets } from './redact.js';

/** Where to connect, parsed from a database URL. */
export type Target =
  | (ServerSettings & {
      readonly kind: 'server';
      readonly engine: Engine;
      /** The URL without its password: the only form of it that is ever printed. */
      readonly display: string;
    })
  | {
      readonly kind: 'embedded';
      readonly engine: Engine;
      /** undefined: in memory. */
      readonly location: string | undefined;
      readonly display: string;
    };

function embeddedTarget(url: string, engine: Engine): Target | undefined {
  const { embedded } = engine;
  if (embedded === undefined) return undefined;
  const { location, display } = embedded.parseLocation(url.slice(embedded.scheme.length));
  return { kind: 'embedded', engine, location, display };
}

export function parseTarget(
  url: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Target {
  if (url === undefined || url.trim() === '') {
    throw new FkdiffError('URL_INVALID', 'no database URL', { settings: ['url'] });
  }
  const embedded = embeddedEngineFor(url);
  const inProcess = embedded === undefined ? undefined : embeddedTarget(url, embedded);
  if (inProcess !== undefined) return inProcess;
  const scheme = /^[a-z][a-z0-9+.-]*:/iu.exec(url)?.[0].toLowerCase();
  const reader = scheme === undefined ? undefined : engineForScheme(scheme);
  if (reader?.url.read !== undefined) return { kind: 'server', engine: reader, ...reader.url.read(url, env) };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new FkdiffError('URL_INVALID', `invalid database URL ${redactSecrets(url)}`, { cause: error });
  }
  const engine = engineForScheme(parsed.protocol);
  if (engine === undefined) {
    throw new FkdiffError('URL_INVALID', `unsupported URL scheme "${parsed.protocol}": use ${urlForms()}`);
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch (error) {
      throw new FkdiffError('URL_INVALID', `invalid ${what} encoding in ${redactSecrets(url)}`, {
        cause: error,
      });
    }
  };
  const rules = engine.url;
  const user = decode(parsed.username, 'user name') || rules.defaultUser;
  const database = decode(parsed.pathname.replace(/^\//, ''), 'database name') || rules.defaultDatabase(user);
  if (database === undefined) {
    throw new FkdiffError(
      'URL_INVALID',
      `${parsed.protocol}// URL must name a database, as in ${rules.example}`,
    );
  }
  const shown = new URL(url);
  shown.password = '';
  return {
    kind: 'server',
    engine,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: parsed.port === '' ? rules.defaultPort : Number(parsed.port),
    user,
    password: decode(parsed.password, 'password'),
    database,
    params: Object.fromEntries(parsed.searchParams.entries()),
    display: shown.toString(),
  };
}
