import type { DialectName, ForeignKey, ReferentialAction, TableRef } from '../model/catalog.js';
import type { StepOp } from '../model/plan.js';

/** What a database engine can do; stages ask these instead of testing the dialect's name. */
export interface DialectCapabilities {
  /** DDL runs inside a transaction and rolls back with it. */
  readonly transactionalDdl: boolean;
  /** A constraint can be renamed in place. */
  readonly renameConstraint: boolean;
  /** DEFERRABLE / INITIALLY DEFERRED exist and can be changed with ALTER CONSTRAINT. */
  readonly deferrable: boolean;
  /** MATCH FULL is honoured. */
  readonly match: boolean;
  /** ON DELETE / ON UPDATE SET DEFAULT is enforced (InnoDB parses it, then stores RESTRICT). */
  readonly setDefault: boolean;
  /**
   * A key with SET NULL cannot be created on NOT NULL columns (InnoDB: errno 150). PostgreSQL creates
   * it, and the delete or update that would set the NULL fails later.
   */
  readonly setNullNeedsNullableColumns: boolean;
  /** A key can exist unvalidated (NOT VALID) and be validated later. */
  readonly notValid: boolean;
  /** Constraint names are unique per table (PostgreSQL) or per schema/database (MySQL). */
  readonly constraintNameScope: 'table' | 'schema';
  /** Two constraint names that differ only in case collide (InnoDB). */
  readonly constraintNamesIgnoreCase: boolean;
  /** Longest identifier, counted in `identifierUnit`. */
  readonly maxIdentifierLength: number;
  readonly identifierUnit: 'bytes' | 'characters';
  /**
   * Adding a foreign key creates an index on its columns when none can serve it, named after the
   * constraint, and dropping the key leaves that index behind (InnoDB).
   */
  readonly implicitForeignKeyIndex: boolean;
  /**
   * What the referenced columns need: a primary key or unique key on exactly those columns
   * (PostgreSQL, standard SQL), or any index that starts with them (InnoDB).
   */
  readonly referencedKey: 'unique' | 'leading-index';
}

/** Statements (without semicolons) that frame a plan printed as a SQL script, as apply runs it. */
export interface ScriptFraming {
  /** Once, before the first step. */
  readonly prologue: readonly string[];
  /** Around each transaction group; undefined where DDL commits on its own. */
  readonly transaction: { readonly begin: readonly string[]; readonly end: readonly string[] } | undefined;
}

/** Everything dialect-specific that the pure stages need. All SQL text comes from here. */
export interface Dialect {
  readonly name: DialectName;
  readonly capabilities: DialectCapabilities;
  /** The one quoting function: every identifier in generated SQL passes through it. */
  quoteIdentifier(name: string): string;
  quoteTable(ref: TableRef): string;
  /** Length of an identifier in the unit the engine limits it by. */
  identifierLength(name: string): number;
  /** Canonical form of a rule, so that rules the engine treats alike compare equal. */
  normalizeAction(action: ReferentialAction): ReferentialAction;
  /** The single SQL statement (without a trailing semicolon) that performs one step. */
  stepSql(op: StepOp): string;
  /** Definition clause as it appears after ADD CONSTRAINT name, for display. */
  definitionSql(fk: ForeignKey): string;
  scriptFraming(lockTimeoutMs: number): ScriptFraming;
  /**
   * Whether a column of type `owning` can reference one of type `referenced`; types the dialect does
   * not know are given the benefit of the doubt (the server has the last word).
   */
  columnTypesMatch(owning: string, referenced: string): boolean;
  /** Counts rows that would fail each key; see `orphanCountSql` in common.ts. */
  orphanCountSql(fks: readonly ForeignKey[], limit: number): string;
}
