import type { SpecDialect } from '../../src/spec/index.js';

/**
 * Stand-ins for the real dialects, with only what resolving a spec asks of one: PostgreSQL-like
 * (63-byte names unique per table, every PostgreSQL feature) and MySQL-like (64-character names unique
 * per schema, RESTRICT read as NO ACTION, no PostgreSQL-only features).
 */
export const postgresLike: SpecDialect = {
  name: 'postgres',
  capabilities: {
    deferrable: true,
    match: true,
    notValid: true,
    constraintNameScope: 'table',
    maxIdentifierLength: 63,
    identifierUnit: 'bytes',
  },
  identifierLength: (name) => Buffer.byteLength(name, 'utf8'),
  normalizeAction: (action) => action,
};

export const mysqlLike: SpecDialect = {
  name: 'mysql',
  capabilities: {
    deferrable: false,
    match: false,
    notValid: false,
    constraintNameScope: 'schema',
    maxIdentifierLength: 64,
    identifierUnit: 'characters',
  },
  identifierLength: (name) => Array.from(name).length,
  normalizeAction: (action) => (action === 'restrict' ? 'no action' : action),
};
