import type { Dialect, ScriptFraming } from '../dialect.js';
import { keyLabel as label } from '../../model/catalog.js';
import type { ForeignKey, ReferentialAction, TableRef } from '../../model/catalog.js';
import type { StepOp } from '../../model/plan.js';
import { FkdiffError } from '../../errors.js';
import { actionClauses, joinSql, orphanCountSql } from '../common.js';

/** The one quoting function: backticks, inner backticks doubled. */
function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** Always qualified with the database, so that cross-database keys and the statements never depend on USE. */
function quoteTable(ref: TableRef): string {
  return `${quoteIdentifier(ref.schema)}.${quoteIdentifier(ref.name)}`;
}

function columnList(columns: readonly string[]): string {
  return `(${columns.map(quoteIdentifier).join(', ')})`;
}

/** MySQL and MariaDB limit identifiers by characters (code points), not bytes. */
function identifierLength(name: string): number {
  return Array.from(name).length;
}

/** InnoDB checks RESTRICT and NO ACTION alike, immediately; for a rule left out MariaDB reports RESTRICT, MySQL NO ACTION. */
function normalizeAction(action: ReferentialAction): ReferentialAction {
  return action === 'restrict' ? 'no action' : action;
}

function definitionSql(fk: ForeignKey): string {
  return joinSql([
    `FOREIGN KEY ${columnList(fk.columns)}`,
    `REFERENCES ${quoteTable(fk.referencedTable)} ${columnList(fk.referencedColumns)}`,
    actionClauses(fk),
  ]);
}

/**
 * InnoDB has no SET DEFAULT: MySQL rejects the clause, MariaDB accepts it and stores RESTRICT, so
 * the key would never match the spec. A last guard; the pre-flight check should report it first.
 */
function assertSupportedActions(fk: ForeignKey): void {
  if (fk.onDelete === 'set default' || fk.onUpdate === 'set default') {
    throw new FkdiffError(
      'PREFLIGHT_FAILED',
      `${label(fk)}: InnoDB does not support SET DEFAULT (MySQL rejects it, MariaDB silently stores RESTRICT)`,
    );
  }
}

function alterTable(fk: ForeignKey, action: string): string {
  return `ALTER TABLE ${quoteTable(fk.table)} ${action}`;
}

function stepSql(step: StepOp): string {
  switch (step.op) {
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
      throw new Error(`MySQL has no "${step.op}" step for foreign keys (${label(step.fk)})`);
  }
}

/** The server's bounds for lock_wait_timeout, in seconds (one year at most). */
const LOCK_WAIT_TIMEOUT_RANGE = { min: 1, max: 31_536_000 } as const;

/** apply's lock timeout as lock_wait_timeout takes it: whole seconds, rounded up, within its range. */
export function lockWaitSeconds(milliseconds: number): number {
  if (Number.isNaN(milliseconds)) return LOCK_WAIT_TIMEOUT_RANGE.min;
  const seconds = Math.ceil(milliseconds / 1000);
  return Math.min(LOCK_WAIT_TIMEOUT_RANGE.max, Math.max(LOCK_WAIT_TIMEOUT_RANGE.min, seconds));
}

/** Every DDL statement commits on its own: no transaction framing, only the session's lock timeout. */
function scriptFraming(lockTimeoutMs: number): ScriptFraming {
  return {
    prologue: [`SET SESSION lock_wait_timeout = ${lockWaitSeconds(lockTimeoutMs)}`],
    transaction: undefined,
  };
}

/**
 * InnoDB wants "similar" types: integers and decimals of the same type, size and sign (the display
 * width does not count); strings of any length, and binary strings likewise. What this does not
 * know (temporal types, collations) is left to the server.
 */
function typeClass(columnType: string): string | undefined {
  const type = columnType.toLowerCase().trim();
  const unsigned = /\bunsigned\b/.test(type) ? ' unsigned' : '';
  const integer = /^(tinyint|smallint|mediumint|int|integer|bigint)\b/.exec(type)?.[1];
  if (integer !== undefined) return `${integer === 'integer' ? 'int' : integer}${unsigned}`;
  const decimal = /^(decimal|numeric)\s*(\([^)]*\))?/.exec(type);
  if (decimal !== null) return `decimal${(decimal[2] ?? '(10,0)').replace(/\s/g, '')}${unsigned}`;
  if (/^(float|double)\b/.test(type)) return `${type.split(/[\s(]/)[0] ?? type}${unsigned}`;
  if (/^(char|varchar)\b/.test(type)) return 'string';
  if (/^(binary|varbinary)\b/.test(type)) return 'binary';
  return undefined;
}

function columnTypesMatch(owning: string, referenced: string): boolean {
  const [a, b] = [typeClass(owning), typeClass(referenced)];
  return a === undefined || b === undefined || a === b;
}

export const mysqlDialect: Dialect = {
  name: 'mysql',
  capabilities: {
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
    implicitForeignKeyIndex: true,
    // InnoDB (MariaDB 10.11, MySQL 8.0) accepts any index whose leading columns are the referenced
    // columns, unique or not. MySQL 8.4 refuses non-unique or partial keys by default
    // (restrict_fk_on_non_standard_key=ON): the server then reports it when the step runs.
    referencedKey: 'leading-index',
  },
  quoteIdentifier,
  quoteTable,
  identifierLength,
  normalizeAction,
  stepSql,
  definitionSql,
  scriptFraming,
  // InnoDB checks MATCH SIMPLE and compares with the columns' collations, as `=` does.
  columnTypesMatch,
  orphanCountSql: (fks, limit) => orphanCountSql(fks, quoteIdentifier, quoteTable, limit),
};
