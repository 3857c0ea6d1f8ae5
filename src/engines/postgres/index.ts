/** PostgreSQL (servers 14+ and embedded PGlite), assembled from the files beside this one. */
import type { Engine } from '../engine.js';
import { orphanCountSql, orphanRowsSql } from '../common-sql.js';
import { definitionSql, quoteIdentifier, quoteTable, scriptFraming, stepSql } from './ddl.js';
import { introspectPostgres, introspectPostgresKeys } from './introspect.js';
import { pgliteTransport } from './pglite.js';
import { sequelizeOptions, sequelizeRules, sessionRules, urlRules } from './session.js';
import { columnTypesMatch } from './types.js';
import { LONE_SURROGATE } from '../names.js';
import { lockCapacity } from './locks.js';
import { postgresDriver } from './driver.js';

export const postgresEngine: Engine = {
  name: 'postgres',
  productName: () => 'PostgreSQL',
  capabilities: {
    schemaFromUrl: false,
    transactionalDdl: true,
    renameConstraint: true,
    deferrable: true,
    match: true,
    setNullNeedsNullableColumns: false,
    setDefault: true,
    notValid: true,
    constraintNameScope: 'table',
    constraintNamesIgnoreCase: false,
    maxIdentifierLength: 63,
    identifierUnit: 'bytes',
    referencedKey: 'unique',
    notValidOnPartitionedSince: 180000,
    newerAttributesSince: { onDeleteColumns: 150000, enforced: 180000, period: 180000 },
  },
  url: urlRules,
  sequelizeOptions,
  driver: postgresDriver,
  embedded: pgliteTransport,
  sequelize: sequelizeRules,
  session: sessionRules,
  introspect: introspectPostgres,
  introspectKeys: introspectPostgresKeys,
  offlineSchema: 'public',
  planning: undefined,
  quoteIdentifier,
  quoteTable,
  identifierLength: (name) => Buffer.byteLength(name, 'utf8'),
  identifierProblem: (name) => {
    if (name.includes('\u0000')) return 'holds a NUL character, which PostgreSQL identifiers cannot hold';
    return LONE_SURROGATE.test(name) ? 'holds an unpaired surrogate: not valid Unicode' : undefined;
  },
  normalizeAction: (action) => action,
  stepSql,
  definitionSql,
  scriptFraming,
  columnTypesMatch,
  orphanCountSql: (fks, limit) => orphanCountSql(fks, quoteIdentifier, quoteTable, limit),
  orphanRowsSql: (fk, rows) => orphanRowsSql(fk, quoteIdentifier, quoteTable, rows),
  lockCapacity,
};
