/** MySQL's and MariaDB's DDL: one statement per step, every identifier through `quoteIdentifier`. */
import type { ScriptFraming } from '../engine.js';
import { keyLabel } from '../../labels.js';
import type { ForeignKey, ReferentialAction, TableRef } from '../../model/catalog.js';
import type { StepAction } from '../../model/plan.js';
import { FkdiffError } from '../../errors.js';
import { actionClause, definitionFromClauses } from '../common-sql.js';
import { lockWaitSeconds } from './session.js';

/** The one quoting function: backticks, inner backticks doubled. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** Always qualified with the database, so that cross-database keys and the statements never depend on USE. */
/** Qualified, except in the empty schema: the connection's database, for a spec reviewed without one. */
export function quoteTable(ref: TableRef): string {
  return ref.schema === ''
    ? quoteIdentifier(ref.name)
    : `${quoteIdentifier(ref.schema)}.${quoteIdentifier(ref.name)}`;
}

function columnList(columns: readonly string[]): string {
  return `(${columns.map(quoteIdentifier).join(', ')})`;
}

/** MySQL and MariaDB limit identifiers by characters (code points), not bytes. */
export function identifierLength(name: string): number {
  return Array.from(name).length;
}

/** InnoDB checks RESTRICT and NO ACTION alike, immediately; for a rule left out MariaDB reports RESTRICT, MySQL NO ACTION. */
export function normalizeAction(action: ReferentialAction): ReferentialAction {
  return action === 'restrict' ? 'no action' : action;
}

export function definitionSql(fk: ForeignKey): string {
  return definitionFromClauses({
    columns: `FOREIGN KEY ${columnList(fk.columns)}`,
    referencedTable: `REFERENCES ${quoteTable(fk.referencedTable)}`,
    referencedColumns: columnList(fk.referencedColumns),
    onDelete: actionClause('DELETE', fk.onDelete),
    onUpdate: actionClause('UPDATE', fk.onUpdate),
    // InnoDB has no MATCH FULL, deferral or unvalidated keys: the spec refuses them on this engine.
    match: '',
    deferrable: '',
    initiallyDeferred: '',
    validated: '',
    // PostgreSQL's newer attributes: the spec refuses them on this engine too.
    onDeleteColumns: '',
    period: '',
    enforced: '',
  });
}

/**
 * InnoDB has no SET DEFAULT: MySQL rejects the clause, MariaDB accepts it and stores RESTRICT, so
 * the key would never match the spec. A last guard; the pre-flight check should report it first.
 */
function assertSupportedActions(fk: ForeignKey): void {
  if (fk.onDelete === 'set default' || fk.onUpdate === 'set default') {
    throw new FkdiffError(
      'PREFLIGHT_FAILED',
      `${keyLabel(fk)}: InnoDB does not support SET DEFAULT (MySQL rejects it, MariaDB silently stores RESTRICT)`,
    );
  }
}

function alterTable(fk: ForeignKey, action: string): string {
  return `ALTER TABLE ${quoteTable(fk.table)} ${action}`;
}

export function stepSql(step: StepAction): string {
  switch (step.kind) {
    case 'drop':
      return alterTable(step.fk, `DROP FOREIGN KEY ${quoteIdentifier(step.fk.name)}`);
    case 'add':
      assertSupportedActions(step.fk);
      return alterTable(step.fk, `ADD CONSTRAINT ${quoteIdentifier(step.fk.name)} ${definitionSql(step.fk)}`);
    case 'drop-index':
      return alterTable(step.fk, `DROP INDEX ${quoteIdentifier(step.indexName)}`);
    case 'rename':
    case 'alter':
    case 'validate':
      // The planner turns renames into drop + add and never asks for the PostgreSQL-only steps here.
      throw new Error(`MySQL has no "${step.kind}" step for foreign keys (${keyLabel(step.fk)})`);
  }
}

/** Every DDL statement commits on its own: no transaction framing, only the session's lock timeout. */
export function scriptFraming(lockTimeoutMs: number): ScriptFraming {
  return {
    prologue: [`SET SESSION lock_wait_timeout = ${lockWaitSeconds(lockTimeoutMs)}`],
    transaction: undefined,
  };
}
