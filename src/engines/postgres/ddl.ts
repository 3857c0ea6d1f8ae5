/** PostgreSQL's DDL: one statement per step, every identifier through `quoteIdentifier`. */
import type { ScriptFraming } from '../engine.js';
import type { ForeignKey, TableRef } from '../../model/catalog.js';
import { deleteSetColumns, isEnforced, isPeriod } from '../../model/catalog.js';
import type { StepAction } from '../../model/plan.js';
import { actionClause, definitionFromClauses, joinSql } from '../common-sql.js';

/** The one quoting function: double quotes, inner double quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteTable(ref: TableRef): string {
  return `${quoteIdentifier(ref.schema)}.${quoteIdentifier(ref.name)}`;
}

function columnList(columns: readonly string[], period = false): string {
  const quoted = columns.map(quoteIdentifier);
  const last = quoted.length - 1;
  return `(${quoted.map((column, i) => (period && i === last ? `PERIOD ${column}` : column)).join(', ')})`;
}

/** `ON DELETE SET NULL (tenant_id)` (PostgreSQL 15+) when the rule names some of the key's columns. */
function onDeleteClause(fk: ForeignKey): string {
  const clause = actionClause('DELETE', fk.onDelete);
  const columns = deleteSetColumns(fk);
  const setsColumns = fk.onDelete === 'set null' || fk.onDelete === 'set default';
  return setsColumns && columns.length > 0 ? `${clause} ${columnList(columns)}` : clause;
}

function deferrabilitySql(deferrable: boolean, initiallyDeferred: boolean): string {
  if (!deferrable) return 'NOT DEFERRABLE';
  return initiallyDeferred ? 'DEFERRABLE INITIALLY DEFERRED' : 'DEFERRABLE INITIALLY IMMEDIATE';
}

export function definitionSql(fk: ForeignKey): string {
  return definitionFromClauses({
    columns: `FOREIGN KEY ${columnList(fk.columns, isPeriod(fk))}`,
    referencedTable: `REFERENCES ${quoteTable(fk.referencedTable)}`,
    referencedColumns: columnList(fk.referencedColumns, isPeriod(fk)),
    // PERIOD is written in both column lists.
    period: '',
    match: fk.match === 'full' ? 'MATCH FULL' : '',
    onDelete: onDeleteClause(fk),
    // Part of the ON DELETE clause.
    onDeleteColumns: '',
    onUpdate: actionClause('UPDATE', fk.onUpdate),
    deferrable: fk.deferrable ? deferrabilitySql(true, fk.initiallyDeferred) : '',
    // Part of the DEFERRABLE clause.
    initiallyDeferred: '',
    enforced: isEnforced(fk) ? '' : 'NOT ENFORCED',
    // NOT VALID belongs to the ADD statement, not to the definition.
    validated: '',
  });
}

function alterTable(fk: ForeignKey, action: string): string {
  return `ALTER TABLE ${quoteTable(fk.table)} ${action}`;
}

export function stepSql(step: StepAction): string {
  const constraint = quoteIdentifier(step.fk.name);
  switch (step.kind) {
    case 'drop':
      return alterTable(step.fk, `DROP CONSTRAINT ${constraint}`);
    case 'rename':
      return alterTable(step.fk, `RENAME CONSTRAINT ${constraint} TO ${quoteIdentifier(step.newName)}`);
    case 'alter':
      return alterTable(
        step.fk,
        `ALTER CONSTRAINT ${constraint} ${
          step.enforced === undefined
            ? deferrabilitySql(step.deferrable, step.initiallyDeferred)
            : step.enforced
              ? 'ENFORCED'
              : 'NOT ENFORCED'
        }`,
      );
    case 'add':
      return alterTable(
        step.fk,
        // A NOT ENFORCED key is never checked: NOT VALID would add nothing.
        joinSql([
          `ADD CONSTRAINT ${constraint}`,
          definitionSql(step.fk),
          step.notValid && isEnforced(step.fk) ? 'NOT VALID' : '',
        ]),
      );
    case 'validate':
      return alterTable(step.fk, `VALIDATE CONSTRAINT ${constraint}`);
    case 'drop-index':
      throw new Error('PostgreSQL never creates implicit foreign key indexes');
  }
}

/** Each transaction group in BEGIN … COMMIT, with the lock timeout apply sets. */
export function scriptFraming(lockTimeoutMs: number): ScriptFraming {
  return {
    prologue: [],
    transaction: {
      begin: ['BEGIN', `SET LOCAL lock_timeout = '${Math.trunc(lockTimeoutMs)}ms'`],
      end: ['COMMIT'],
    },
  };
}
