/** MySQL 8 and MariaDB 10.6+ (InnoDB), assembled from the files beside this one. */
import type { Engine } from '../engine.js';
import { orphanCountSql, orphanRowsSql } from '../common-sql.js';
import {
  definitionSql,
  identifierLength,
  normalizeAction,
  quoteIdentifier,
  quoteTable,
  scriptFraming,
  stepSql,
} from './ddl.js';
import { derivedNameBlocked, implicitIndexDrops, implicitIndexProblems } from './implicit-indexes.js';
import { introspectMysql, introspectMysqlKeys } from './introspect.js';
import { mysqlDriver } from './driver.js';
import { sequelizeOptions, sequelizeRules, sessionRules, urlRules } from './session.js';
import { columnTypesMatch } from './types.js';
import { LONE_SURROGATE } from '../names.js';

export const mysqlEngine: Engine = {
  name: 'mysql',
  productName: (version) => (/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'),
  capabilities: {
    schemaFromUrl: true,
    transactionalDdl: false,
    renameConstraint: false,
    deferrable: false,
    match: false,
    setNullNeedsNullableColumns: true,
    setDefault: false,
    notValid: false,
    constraintNameScope: 'schema',
    constraintNamesIgnoreCase: true,
    maxIdentifierLength: 64,
    identifierUnit: 'characters',
    // InnoDB (MariaDB 10.11, MySQL 8.0) accepts any index whose leading columns are the referenced
    // columns, unique or not. MySQL 8.4 refuses non-unique or partial keys by default
    // (restrict_fk_on_non_standard_key=ON): the server then reports it when the step runs.
    referencedKey: 'leading-index',
    notValidOnPartitionedSince: undefined,
    newerAttributesSince: undefined,
  },
  url: urlRules,
  sequelizeOptions,
  driver: mysqlDriver,
  embedded: undefined,
  sequelize: sequelizeRules,
  session: sessionRules,
  introspect: introspectMysql,
  introspectKeys: introspectMysqlKeys,
  // The default schema is the URL's database: there is none without a connection.
  offlineSchema: undefined,
  // InnoDB creates an index per key and leaves it behind when the key goes.
  planning: { beforeAdds: implicitIndexDrops, problems: implicitIndexProblems, derivedNameBlocked },
  quoteIdentifier,
  quoteTable,
  identifierLength,
  // MySQL stores identifiers in utf8mb3 and strips or refuses trailing spaces.
  identifierProblem: (name) => {
    if (LONE_SURROGATE.test(name)) return 'holds an unpaired surrogate: not valid Unicode';
    const wide = /[\u{10000}-\u{10FFFF}]/u.exec(name)?.[0];
    if (wide !== undefined) {
      return `holds U+${(wide.codePointAt(0) ?? 0).toString(16).toUpperCase()}, beyond the Basic Multilingual Plane, which MySQL identifiers cannot hold`;
    }
    return name.endsWith(' ') ? 'ends with a space, which MySQL identifiers cannot' : undefined;
  },
  normalizeAction,
  stepSql,
  definitionSql,
  scriptFraming,
  // InnoDB checks MATCH SIMPLE and compares with the columns' collations, as `=` does.
  columnTypesMatch,
  orphanCountSql: (fks, limit) => orphanCountSql(fks, quoteIdentifier, quoteTable, limit),
  orphanRowsSql: (fk, rows) => orphanRowsSql(fk, quoteIdentifier, quoteTable, rows),
};
