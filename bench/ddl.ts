/**
 * DDL that creates a synthetic catalog on a server, so that introspecting it gives the same catalog
 * back. Identifiers are quoted and key clauses written by the engine itself.
 */
import { mysqlEngine } from '../src/engines/mysql/index.js';
import { postgresEngine } from '../src/engines/postgres/index.js';
import type { Catalog, Column, Index, Table } from '../src/model/catalog.js';

function columnSql(column: Column, quote: (name: string) => string): string {
  return `${quote(column.name)} ${column.type}${column.nullable ? '' : ' NOT NULL'}`;
}

/** Primary and unique keys; the plain indexes of a MySQL catalog are InnoDB's, made with the keys. */
function keySql(index: Index, quote: (name: string) => string): string | undefined {
  const columns = `(${index.columns.map(quote).join(', ')})`;
  if (index.primary) return `PRIMARY KEY ${columns}`;
  if (index.unique) return `CONSTRAINT ${quote(index.name)} UNIQUE ${columns}`;
  return undefined;
}

function tableBody(table: Table, quote: (name: string) => string, extra: readonly string[]): string {
  const keys = table.indexes.flatMap((index) => keySql(index, quote) ?? []);
  return [...table.columns.map((column) => columnSql(column, quote)), ...keys, ...extra].join(',\n  ');
}

/** PostgreSQL: schemas and tables first, then the keys (a key needs its referenced table to exist). */
export function postgresDdl(catalog: Catalog): { readonly tables: string[]; readonly keys: string[] } {
  const quote = (name: string) => postgresEngine.quoteIdentifier(name);
  const schemas = catalog.schemas.map((schema) => `CREATE SCHEMA ${quote(schema)}`);
  const tables = catalog.tables.map(
    (table) => `CREATE TABLE ${postgresEngine.quoteTable(table.ref)} (\n  ${tableBody(table, quote, [])}\n)`,
  );
  const keys = catalog.foreignKeys.map((fk) =>
    postgresEngine.stepSql({ kind: 'add', fk, notValid: !fk.validated }),
  );
  return { tables: [...schemas, ...tables], keys };
}

/**
 * MySQL: one CREATE TABLE per table with its keys inline; `foreign_key_checks = 0` (set by the
 * caller, per session) lets a key reference a table created later.
 */
export function mysqlDdl(catalog: Catalog): string[] {
  const quote = (name: string) => mysqlEngine.quoteIdentifier(name);
  const keysByTable = new Map<string, string[]>();
  for (const fk of catalog.foreignKeys) {
    const key = mysqlEngine.quoteTable(fk.table);
    const clause = `CONSTRAINT ${quote(fk.name)} ${mysqlEngine.definitionSql(fk)}`;
    const list = keysByTable.get(key);
    if (list === undefined) keysByTable.set(key, [clause]);
    else list.push(clause);
  }
  return catalog.tables.map((table) => {
    const name = mysqlEngine.quoteTable(table.ref);
    return `CREATE TABLE ${name} (\n  ${tableBody(table, quote, keysByTable.get(name) ?? [])}\n) ENGINE=InnoDB`;
  });
}

/** Statements in groups of `size`, each group one round trip. */
export function batches(statements: readonly string[], size: number): string[] {
  const groups: string[] = [];
  for (let start = 0; start < statements.length; start += size) {
    groups.push(`${statements.slice(start, start + size).join(';\n')};`);
  }
  return groups;
}
