import type { Connection } from '../db/connection.js';
import type { Catalog } from '../model/catalog.js';
import { introspectMysql } from './mysql.js';
import { introspectPostgres } from './postgres.js';

/**
 * The foreign keys of the tables in `schemas`, with the tables, columns and keys of `schemas` and
 * `tableSchemas` (schemas that only hold referenced tables).
 */
export function introspect(
  connection: Connection,
  schemas: readonly string[],
  tableSchemas: readonly string[] = [],
): Promise<Catalog> {
  switch (connection.dialect.name) {
    case 'postgres':
      return introspectPostgres(connection, schemas, tableSchemas);
    case 'mysql':
      return introspectMysql(connection, schemas, tableSchemas);
  }
}
