/** Catalogs and keys from compact descriptions, for any engine: `buildersFor(engine, schema)`. */
import type { Engine } from '../../src/engines/engine.js';
import type { EngineName } from '../../src/engines/registry.js';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import type {
  Catalog,
  DesiredForeignKey,
  ForeignKey,
  Index,
  Table,
  TableRef,
} from '../../src/model/catalog.js';

type FkInput = Partial<Omit<ForeignKey, 'table' | 'referencedTable'>> & {
  readonly table: string;
  readonly columns: readonly string[];
  readonly references: string;
  readonly referencedColumns?: readonly string[];
};

/** How each engine names a primary key and spells an integer column, as its catalog reports them. */
const CATALOG_STYLE: Readonly<
  Record<EngineName, { readonly primaryKey: (table: string) => string; readonly integer: string }>
> = {
  postgres: { primaryKey: (table) => `${table}_pkey`, integer: 'integer' },
  mysql: { primaryKey: () => 'PRIMARY', integer: 'int' },
};

export interface Builders {
  readonly engine: Engine;
  /** `table` or `schema.table`; unqualified names are in the builders' schema. */
  readonly ref: (text: string) => TableRef;
  /** A foreign key with the engine's defaults, named by PostgreSQL's convention unless named. */
  readonly fk: (input: FkInput) => ForeignKey;
  /** The same key as the spec would declare it; `unnamed: true` leaves the name out. */
  readonly want: (input: FkInput & { readonly unnamed?: boolean }) => DesiredForeignKey;
  /** A plain index (not unique, usable by a key). */
  readonly index: (name: string, columns: readonly string[], options?: Partial<Index>) => Index;
  /** A table of integer columns with a primary key on `id`. */
  readonly table: (name: string, columns: readonly string[], options?: Partial<Table>) => Table;
  readonly catalog: (
    tables: readonly Table[],
    foreignKeys: readonly ForeignKey[],
    schemas?: readonly string[],
  ) => Catalog;
}

export function buildersFor(engine: Engine, schema: string): Builders {
  const style = CATALOG_STYLE[engine.name];
  const ref = (text: string): TableRef => {
    const [first, second] = text.split('.');
    return second === undefined ? { schema, name: first ?? text } : { schema: first ?? schema, name: second };
  };
  const fk = (input: FkInput): ForeignKey => {
    const { table, references, ...rest } = input;
    return {
      name: `${ref(table).name}_${input.columns.join('_')}_fkey`,
      onDelete: 'no action',
      onUpdate: 'no action',
      deferrable: false,
      initiallyDeferred: false,
      match: 'simple',
      validated: true,
      referencedColumns: ['id'],
      ...rest,
      table: ref(table),
      referencedTable: ref(references),
    };
  };
  const index = (name: string, columns: readonly string[], options: Partial<Index> = {}): Index => ({
    name,
    columns,
    unique: false,
    primary: false,
    usableForForeignKey: true,
    ...options,
  });
  return {
    engine,
    ref,
    fk,
    want: ({ unnamed, ...input }) => {
      const built = fk(input);
      return { ...built, name: unnamed === true ? undefined : built.name, source: undefined };
    },
    index,
    table: (name, columns, options = {}) => ({
      ref: ref(name),
      columns: columns.map((column) => ({ name: column, type: style.integer, nullable: true })),
      indexes: [index(style.primaryKey(ref(name).name), ['id'], { unique: true, primary: true })],
      partitioned: false,
      ...options,
    }),
    catalog: (tables, foreignKeys, schemas = [schema]) => ({
      dialect: engine.name,
      schemas,
      tables,
      foreignKeys,
    }),
  };
}

/** PostgreSQL in `public`, what most unit tests use. */
export const { ref, fk, want, table, catalog } = buildersFor(postgresEngine, 'public');

/** A table in `schema`, for tests that name schemas one by one. */
export function tableAt(schema: string, name: string): TableRef {
  return { schema, name };
}

/** A key with every field spelled out but the defaults, for tests that build plans by hand. */
export function keyOn(
  owner: TableRef,
  name: string,
  columns: readonly string[],
  referencedTable: TableRef,
  referencedColumns: readonly string[],
  extra: Partial<ForeignKey> = {},
): ForeignKey {
  return {
    name,
    table: owner,
    columns,
    referencedTable,
    referencedColumns,
    onDelete: 'no action',
    onUpdate: 'no action',
    deferrable: false,
    initiallyDeferred: false,
    match: 'simple',
    validated: true,
    ...extra,
  };
}
