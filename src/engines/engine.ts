import type { Options as SequelizeOptions } from 'sequelize';
import type { Problem } from '../errors.js';
import type { Change } from '../model/change.js';
import type { Catalog, ForeignKey, ReferentialAction, TableRef } from '../model/catalog.js';
import type { DraftStep, StepAction } from '../model/plan.js';
import type { EngineName } from './names.js';

/** Runs SQL on one connection, inside or outside a transaction. Values only ever travel as binds. */
export interface Session {
  select<Row extends object>(sql: string, bind?: readonly unknown[]): Promise<Row[]>;
  execute(sql: string, bind?: readonly unknown[]): Promise<void>;
}

/** What a database engine can do; stages ask these instead of testing the engine's name. */
export interface EngineCapabilities {
  /**
   * The default schema is the URL's database (MySQL): a spec that leaves `schemas` out serves
   * every database of the same shape (`app_dev`, `app_prod`), so `pull` leaves it out.
   */
  readonly schemaFromUrl: boolean;
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
   * What the referenced columns need: a primary key or unique key on exactly those columns
   * (PostgreSQL, standard SQL), or any index that starts with them (InnoDB).
   */
  readonly referencedKey: 'unique' | 'leading-index';
  /**
   * The server version (`server_version_num`) from which each newer key attribute exists
   * (PostgreSQL: SET NULL (col) 15, NOT ENFORCED and PERIOD 18); undefined where none does.
   */
  readonly newerAttributesSince: Readonly<Record<NewerAttribute, number>> | undefined;
  /** The server version from which a partitioned table takes a NOT VALID key (PostgreSQL 18). */
  readonly notValidOnPartitionedSince: number | undefined;
}

/** Key attributes only newer servers have; pre-flight refuses them on older ones. */
export type NewerAttribute = 'onDeleteColumns' | 'enforced' | 'period';

/** Statements (without semicolons) that frame a plan printed as a SQL script, as apply runs it. */
export interface ScriptFraming {
  /** Once, before the first step. */
  readonly prologue: readonly string[];
  /** Around each transaction group; undefined where DDL commits on its own. */
  readonly transaction: { readonly begin: readonly string[]; readonly end: readonly string[] } | undefined;
}

/** Where and as whom to connect to a server, read from a URL. */
export interface ServerSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly params: Readonly<Record<string, string>>;
  /** Driver options the engine read from the URL and the environment (TLS, application name). */
  readonly driverOptions?: Readonly<Record<string, unknown>>;
}

/** A server's settings read from a URL, with the URL as it may be shown. */
export interface ReadUrl extends ServerSettings {
  /** The URL without its password, in the authority or as a parameter. */
  readonly display: string;
}

/** How the engine's URLs read: `postgres://…`, `mysql://…`. */
export interface UrlRules {
  /** URL schemes with their colon, as `URL.protocol` gives them. */
  readonly schemes: readonly string[];
  readonly defaultPort: number;
  /** The database when the URL names none, given the user; undefined when the URL must name one. */
  defaultDatabase(user: string): string | undefined;
  readonly defaultUser: string;
  /** A URL to show in messages, e.g. when the database is missing. */
  readonly example: string;
  /**
   * Reads a URL as the engine's own client does (PostgreSQL: as libpq and psql, with the PG*
   * variables of `env`); absent: the common reading. Throws URL_INVALID.
   */
  read?(url: string, env: Readonly<Record<string, string | undefined>>): ReadUrl;
  /** The password a password file holds for these settings (PostgreSQL: ~/.pgpass), if any. */
  storedPassword?(settings: ServerSettings): Promise<string | undefined>;
}

/** An engine that runs inside this process and serves the same wire protocol (PGlite). */
export interface EmbeddedTransport {
  /** The URL prefix, e.g. `pglite:`. */
  readonly scheme: string;
  /** Reads what follows the scheme: undefined location = in memory. Throws URL_INVALID. */
  parseLocation(rest: string): { readonly location: string | undefined; readonly display: string };
  /**
   * Starts the engine and a server for it on a free local port. Without `create`, a location that
   * holds no database is refused (CONNECTION_FAILED) rather than silently made empty.
   */
  open(
    location: string | undefined,
    options: { readonly create: boolean },
  ): Promise<{
    readonly settings: ServerSettings;
    readonly stop: () => Promise<void>;
  }>;
}

/** How a session of this engine behaves: its current schema, lock waits, the apply lock. */
export interface SessionRules {
  /** One row: `schema` (the default schema, or NULL), `database` and `version`. */
  readonly infoSql: string;
  /** Every schema (MySQL: database) of the connection users can govern, as rows of `name`. */
  readonly schemasSql: string;
  /** Bounds how long a statement waits for a table lock; bind `$1` = `lockTimeoutValue(ms)`. */
  readonly lockTimeoutSql: string;
  lockTimeoutValue(milliseconds: number): string | number;
  /** Whether a driver error says a lock wait timed out. */
  isLockTimeout(error: unknown): boolean;
  /**
   * Whether the server itself reported the error (a SQLSTATE), so that what happened is known;
   * false for a lost or stalled connection, after which only the catalog can say what was applied.
   */
  isServerError(error: unknown): boolean;
  /** The lock that keeps two applies to one database apart, from before planning to after verifying. */
  readonly applyLock: ApplyLockRules;
}

/**
 * A named lock held on one dedicated session for a whole apply (PostgreSQL: an advisory lock of the
 * session's transaction; MySQL: GET_LOCK). Deploy scripts can take or look for the same lock.
 */
export interface ApplyLockRules {
  /**
   * The lock of an apply to a database, or to one schema of it (a fleet's tenant: applies to other
   * schemas run beside it, an apply to the whole database waits for them all).
   */
  name(database: string, schema?: string): ApplyLock;
  /** Takes the lock on `session`, waiting up to `waitMs` (0: only if free now); false when another holds it. */
  acquire(session: Session, lock: ApplyLock, waitMs: number): Promise<boolean>;
  release(session: Session, lock: ApplyLock): Promise<void>;
  /** Who holds the lock, in words (`pid 42, app@10.0.0.7`); undefined when the server does not say. */
  holder(session: Session, name: string): Promise<string | undefined>;
}

/** An apply lock: its name, and the database-wide lock a one-schema apply holds shared beside it. */
export interface ApplyLock {
  readonly name: string;
  readonly shared?: string;
}

/** Where the engine takes part in planning beyond SQL text (InnoDB's implicit indexes). */
export interface PlanningHooks {
  /** The add steps, with whatever steps must run before them. */
  beforeAdds(adds: readonly DraftStep[], current: Catalog, dropped: ReadonlySet<ForeignKey>): DraftStep[];
  /** Pre-flight problems that only this engine has. */
  problems(changes: readonly Change[], current: Catalog): Problem[];
  /** Names a derived key name must avoid in `current` (see `NameBlocked` in src/diff/diff.ts). */
  derivedNameBlocked(
    current: Catalog,
  ): (table: TableRef, columns: readonly string[], name: string) => boolean;
}

/** How Sequelize (v6) names this engine, and the keys its `sync()` creates without a name. */
export interface SequelizeRules {
  /** The `sequelize.getDialect()` values this engine serves. */
  readonly dialects: readonly string[];
  /**
   * The name the server gives the key `sync()` declares inline on `column`; `ordinal` counts the
   * table's keys from 1 in attribute order.
   */
  syncConstraintName(table: string, column: string, ordinal: number): string;
}

/** Which rows `orphanRowsSql` selects. */
export type OrphanRows = { readonly kind: 'sample'; readonly limit: number } | { readonly kind: 'all' };

/**
 * A session straight on the engine's driver (`pg`, `mysql2`), without Sequelize: what the commands
 * that only read (plan, pull, validate, review) connect with. `apply` executes through Sequelize.
 * Errors are thrown as `{ original }`, the driver's error, as Sequelize wraps them, so that one
 * reading of them serves both.
 */
export interface DriverClient extends Session {
  /** Runs `work` in one transaction of this session: committed when it returns, else rolled back. */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** How the engine opens a driver session to a server. */
export interface DriverRules {
  open(settings: ServerSettings, connectTimeoutMs: number): Promise<DriverClient>;
}

/** Everything one database engine knows. All SQL text comes from an engine's folder. */
export interface Engine {
  readonly name: EngineName;
  /** The product as users name it (MariaDB, not mysql), from the server's version string. */
  productName(serverVersion: string): string;
  readonly capabilities: EngineCapabilities;
  readonly url: UrlRules;
  /** Sequelize's dialect and driver options for a server connection. */
  sequelizeOptions(settings: ServerSettings, connectTimeoutMs: number): SequelizeOptions;
  /** The driver session of the commands that only read. */
  readonly driver: DriverRules;
  readonly embedded: EmbeddedTransport | undefined;
  readonly sequelize: SequelizeRules;
  readonly session: SessionRules;
  /**
   * The foreign keys of the tables in `schemas`, with the tables, columns and keys of `schemas`
   * and `tableSchemas` (schemas that only hold referenced tables): one round trip per kind.
   */
  introspect(session: Session, schemas: readonly string[], tableSchemas: readonly string[]): Promise<Catalog>;
  /** Only the foreign keys of the tables in `schemas`, as `introspect` reads them (`pull`). */
  introspectKeys(session: Session, schemas: readonly string[]): Promise<ForeignKey[]>;
  /** The schema unqualified names resolve to when there is no connection (`validate` offline). */
  readonly offlineSchema: string | undefined;
  readonly planning: PlanningHooks | undefined;
  /** The one quoting function: every identifier in generated SQL passes through it. */
  quoteIdentifier(name: string): string;
  quoteTable(ref: TableRef): string;
  /** Length of an identifier in the unit the engine limits it by. */
  identifierLength(name: string): number;
  /**
   * Why the server would refuse or change this identifier (MySQL: a character beyond the Basic
   * Multilingual Plane, a trailing space; PostgreSQL: NUL), beyond its length; undefined when it is fine.
   */
  identifierProblem(name: string): string | undefined;
  /** Canonical form of a rule, so that rules the engine treats alike compare equal. */
  normalizeAction(action: ReferentialAction): ReferentialAction;
  /** The single SQL statement (without a trailing semicolon) that performs one step. */
  stepSql(action: StepAction): string;
  /** Definition clause as it appears after ADD CONSTRAINT name, for display. */
  definitionSql(fk: ForeignKey): string;
  scriptFraming(lockTimeoutMs: number): ScriptFraming;
  /**
   * Whether a column of type `owning` can reference one of type `referenced`; types the engine does
   * not know are given the benefit of the doubt (the server has the last word).
   */
  columnTypesMatch(owning: string, referenced: string): boolean;
  /** Counts rows that would fail each key; see `orphanCountSql` in common-sql.ts. */
  orphanCountSql(fks: readonly ForeignKey[], limit: number): string;
  /** Sample key values of the rows that fail a key, or every such row; see `orphanRowsSql`. */
  orphanRowsSql(fk: ForeignKey, rows: OrphanRows): string;
  /**
   * How many tables one transaction may lock without exhausting the server's lock table, read from
   * the server; undefined where locks are not bounded that way (or DDL is not transactional).
   */
  readonly lockCapacity?: (session: Session) => Promise<LockCapacity | undefined>;
}

/** The server's lock table, as far as one transaction of a plan may use it. */
export interface LockCapacity {
  /** Tables one transaction may lock (each step locks its table and the referenced one, with indexes). */
  readonly tablesPerTransaction: number;
  /** Where the figure comes from, for the plan: `max_locks_per_transaction = 64, max_connections = 100`. */
  readonly basis: string;
}

/** A key with its rules in the engine's canonical form. */
export function normalizedRules<T extends Pick<ForeignKey, 'onDelete' | 'onUpdate'>>(
  fk: T,
  engine: Pick<Engine, 'normalizeAction'>,
): T {
  return {
    ...fk,
    onDelete: engine.normalizeAction(fk.onDelete),
    onUpdate: engine.normalizeAction(fk.onUpdate),
  };
}
