import type { Dialect } from '../dialect.js';
import type { ForeignKey, ReferentialAction, TableRef } from '../../model/catalog.js';
import type { StepOp } from '../../model/plan.js';
import { actionClauses, joinSql, orphanCountSql } from '../common.js';

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteTable(ref: TableRef): string {
  return `${quoteIdentifier(ref.schema)}.${quoteIdentifier(ref.name)}`;
}

function columnList(columns: readonly string[]): string {
  return `(${columns.map(quoteIdentifier).join(', ')})`;
}

function deferrabilitySql(deferrable: boolean, initiallyDeferred: boolean): string {
  if (!deferrable) return 'NOT DEFERRABLE';
  return initiallyDeferred ? 'DEFERRABLE INITIALLY DEFERRED' : 'DEFERRABLE INITIALLY IMMEDIATE';
}

function definitionSql(fk: ForeignKey): string {
  return joinSql([
    `FOREIGN KEY ${columnList(fk.columns)}`,
    `REFERENCES ${quoteTable(fk.referencedTable)} ${columnList(fk.referencedColumns)}`,
    fk.match === 'full' ? 'MATCH FULL' : '',
    actionClauses(fk),
    fk.deferrable ? deferrabilitySql(true, fk.initiallyDeferred) : '',
  ]);
}

function alterTable(fk: ForeignKey, action: string): string {
  return `ALTER TABLE ${quoteTable(fk.table)} ${action}`;
}

/** Type families whose members PostgreSQL can compare with `=` (so a key between them works). */
const TYPE_FAMILIES: readonly (readonly [RegExp, string])[] = [
  [/^(smallint|integer|bigint|numeric|real|double precision)\b/, 'number'],
  [/^(text|character varying|character|name)\b/, 'text'],
  [/^(date|timestamp|time)\b/, 'datetime'],
  [/^uuid$/, 'uuid'],
  [/^boolean$/, 'boolean'],
  [/^bytea$/, 'bytea'],
];

function typeFamily(type: string): string | undefined {
  if (type.endsWith(']')) return undefined;
  return TYPE_FAMILIES.find(([pattern]) => pattern.test(type))?.[1];
}

function columnTypesMatch(owning: string, referenced: string): boolean {
  const [a, b] = [typeFamily(owning), typeFamily(referenced)];
  return a === undefined || b === undefined || a === b;
}

function stepSql(step: StepOp): string {
  const constraint = quoteIdentifier(step.fk.name);
  switch (step.op) {
    case 'drop':
      return alterTable(step.fk, `DROP CONSTRAINT ${constraint}`);
    case 'rename':
      return alterTable(step.fk, `RENAME CONSTRAINT ${constraint} TO ${quoteIdentifier(step.newName)}`);
    case 'alter':
      return alterTable(
        step.fk,
        `ALTER CONSTRAINT ${constraint} ${deferrabilitySql(step.deferrable, step.initiallyDeferred)}`,
      );
    case 'add':
      return alterTable(
        step.fk,
        joinSql([`ADD CONSTRAINT ${constraint}`, definitionSql(step.fk), step.notValid ? 'NOT VALID' : '']),
      );
    case 'validate':
      return alterTable(step.fk, `VALIDATE CONSTRAINT ${constraint}`);
    case 'drop-index':
      throw new Error('PostgreSQL never creates implicit foreign key indexes');
  }
}

export const postgresDialect: Dialect = {
  name: 'postgres',
  capabilities: {
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
    implicitForeignKeyIndex: false,
    referencedKey: 'unique',
  },
  quoteIdentifier,
  quoteTable,
  identifierLength: (name) => Buffer.byteLength(name, 'utf8'),
  normalizeAction: (action: ReferentialAction) => action,
  stepSql,
  definitionSql,
  columnTypesMatch,
  orphanCountSql: (fks, limit) => orphanCountSql(fks, quoteIdentifier, quoteTable, limit),
  scriptFraming: (lockTimeoutMs) => ({
    prologue: [],
    transaction: {
      begin: ['BEGIN', `SET LOCAL lock_timeout = '${Math.trunc(lockTimeoutMs)}ms'`],
      end: ['COMMIT'],
    },
  }),
};
