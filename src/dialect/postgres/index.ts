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
  orphanCountSql: (fks, limit) => orphanCountSql(fks, quoteIdentifier, quoteTable, limit),
  scriptFraming: (lockTimeoutMs) => ({
    prologue: [],
    transaction: {
      begin: ['BEGIN', `SET LOCAL lock_timeout = '${Math.trunc(lockTimeoutMs)}ms'`],
      end: ['COMMIT'],
    },
  }),
};
