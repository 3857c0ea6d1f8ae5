import type { Catalog, DesiredForeignKey, ForeignKey, Table, TableRef } from '../../src/model/catalog.js';

export function ref(text: string): TableRef {
  const [schema, name] = text.includes('.') ? text.split('.') : ['public', text];
  return { schema: schema ?? 'public', name: name ?? text };
}

type FkInput = Partial<Omit<ForeignKey, 'table' | 'referencedTable'>> & {
  readonly table: string;
  readonly columns: readonly string[];
  readonly references: string;
  readonly referencedColumns?: readonly string[];
};

/** A foreign key with PostgreSQL's defaults, from a compact description. */
export function fk(input: FkInput): ForeignKey {
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
}

/** The same key as the spec would declare it; `name: undefined` leaves the name out. */
export function want(input: FkInput & { readonly unnamed?: boolean }): DesiredForeignKey {
  const { unnamed, ...rest } = input;
  const built = fk(rest);
  return { ...built, name: unnamed === true ? undefined : built.name, source: undefined };
}

export function table(name: string, columns: readonly string[], options: Partial<Table> = {}): Table {
  return {
    ref: ref(name),
    columns: columns.map((column) => ({ name: column, type: 'integer', nullable: true })),
    indexes: [
      {
        name: `${ref(name).name}_pkey`,
        columns: ['id'],
        unique: true,
        primary: true,
        usableForForeignKey: true,
      },
    ],
    partitioned: false,
    ...options,
  };
}

export function catalog(
  tables: readonly Table[],
  foreignKeys: readonly ForeignKey[],
  schemas = ['public'],
): Catalog {
  return { dialect: 'postgres', schemas, tables, foreignKeys };
}
