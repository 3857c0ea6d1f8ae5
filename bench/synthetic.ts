/**
 * Synthetic catalogs shaped like a large application schema, and a "changed" copy of their keys.
 * Deterministic: the same size and dialect always give the same catalog.
 *
 * Shape (per 1,000 keys): 500 tables in two schemas (90 % main, 10 % billing); about 2 keys per
 * table, unevenly spread; a fifth of the keys point at a few hub tables (1 % of the tables, as
 * users or accounts would be); 5 % composite keys (tenant_id, x_id) → (tenant_id, id); about 3 %
 * self-references (parent_id → id); some cross-schema keys; mostly NO ACTION, some CASCADE /
 * SET NULL / RESTRICT. PostgreSQL also gets a few deferrable, MATCH FULL and NOT VALID keys; MySQL
 * gets the index InnoDB creates for each key.
 */
import type { Engine } from '../src/engines/engine.js';
import type {
  Catalog,
  Column,
  DesiredForeignKey,
  ForeignKey,
  Index,
  ReferentialAction,
  Table,
  TableRef,
} from '../src/model/catalog.js';
import { compareForeignKeys, tableKey } from '../src/model/catalog.js';

/** mulberry32: a small seeded generator, so that every run benchmarks the same catalog. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NOUNS = [
  'orders',
  'invoices',
  'payments',
  'customers',
  'products',
  'events',
  'subscriptions',
  'charges',
  'plans',
  'coupons',
  'webhooks',
  'credits',
  'fees',
  'taxes',
  'wallets',
];

interface TableDraft {
  readonly ref: TableRef;
  readonly columns: string[];
  /** Referenced as (tenant_id, id) by a composite key: needs a unique key on those columns. */
  tenantKey: boolean;
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function action(random: () => number): ReferentialAction {
  const r = random();
  if (r < 0.85) return 'no action';
  if (r < 0.93) return 'cascade';
  if (r < 0.98) return 'set null';
  return 'restrict';
}

function compositeAction(random: () => number): ReferentialAction {
  return random() < 0.9 ? 'no action' : 'cascade';
}

function tableName(index: number): string {
  return `${NOUNS[index % NOUNS.length] ?? 'items'}_${String(index).padStart(5, '0')}`;
}

/** A column for a key to `target`, unique within the owning table. */
function addColumn(table: TableDraft, base: string): string {
  let name = base;
  for (let n = 2; table.columns.includes(name); n += 1) name = `${base}_${n}`;
  table.columns.push(name);
  return name;
}

export interface SyntheticCatalog {
  readonly catalog: Catalog;
  /** One table per 50 keys has no key on `spare_id` yet: where the changed spec adds keys. */
  readonly spareTables: readonly TableRef[];
}

/** The two schemas (MySQL: databases) of a synthetic catalog: the main one, and one for billing. */
export type SchemaNames = readonly [main: string, billing: string];

export function syntheticCatalog(
  foreignKeyCount: number,
  engine: Engine,
  schemas: SchemaNames = ['app', 'billing'],
): SyntheticCatalog {
  const random = seededRandom(foreignKeyCount * 31 + engine.name.length);
  const postgres = engine.name === 'postgres';
  const tableCount = Math.max(4, Math.round(foreignKeyCount / 2));
  const tables: TableDraft[] = Array.from({ length: tableCount }, (_, i) => ({
    ref: { schema: i % 10 === 9 ? schemas[1] : schemas[0], name: tableName(i) },
    columns: ['id', 'tenant_id', 'created_at', 'spare_id'],
    tenantKey: false,
  }));
  const hubs = tables.slice(0, Math.max(2, Math.floor(tableCount / 100)));
  const selfReferencing = new Set<string>();
  const foreignKeys: ForeignKey[] = [];
  for (let k = 0; k < foreignKeyCount; k += 1) {
    const owner = pick(tables, random);
    const kind = random();
    const target = kind < 0.03 ? owner : random() < 0.2 ? pick(hubs, random) : pick(tables, random);
    let columns: string[];
    let referencedColumns: string[];
    if (target === owner && !selfReferencing.has(tableKey(owner.ref))) {
      selfReferencing.add(tableKey(owner.ref));
      columns = [addColumn(owner, 'parent_id')];
      referencedColumns = ['id'];
    } else if (kind > 0.95) {
      target.tenantKey = true;
      columns = ['tenant_id', addColumn(owner, `${target.ref.name}_id`)];
      referencedColumns = ['tenant_id', 'id'];
    } else {
      columns = [addColumn(owner, `${target.ref.name}_id`)];
      referencedColumns = ['id'];
    }
    const deferrable = postgres && random() < 0.02;
    foreignKeys.push({
      name: `${owner.ref.name}_${columns.join('_')}_fkey`,
      table: owner.ref,
      columns,
      referencedTable: target.ref,
      referencedColumns,
      // SET NULL cannot apply to the NOT NULL tenant_id of a composite key (InnoDB refuses it).
      onDelete: columns.length > 1 ? compositeAction(random) : action(random),
      onUpdate: random() < 0.95 ? 'no action' : 'cascade',
      deferrable,
      initiallyDeferred: deferrable && random() < 0.5,
      match: postgres && columns.length > 1 && random() < 0.2 ? 'full' : 'simple',
      validated: !(postgres && random() < 0.01),
    });
  }
  const keysByTable = new Map<string, ForeignKey[]>();
  for (const fk of foreignKeys) {
    const key = tableKey(fk.table);
    const list = keysByTable.get(key);
    if (list === undefined) keysByTable.set(key, [fk]);
    else list.push(fk);
  }
  const finished = tables.map((draft) =>
    finishTable(draft, keysByTable.get(tableKey(draft.ref)) ?? [], engine),
  );
  return {
    catalog: {
      dialect: engine.name,
      schemas: [...schemas],
      tables: finished,
      foreignKeys: foreignKeys.sort(compareForeignKeys),
    },
    spareTables: tables.filter((_, i) => i % 25 === 0).map((draft) => draft.ref),
  };
}

function finishTable(draft: TableDraft, keys: readonly ForeignKey[], engine: Engine): Table {
  const postgres = engine.name === 'postgres';
  const columns: Column[] = draft.columns.map((name) => ({
    name,
    type: name === 'created_at' ? 'timestamp' : 'bigint',
    nullable: name !== 'id' && name !== 'tenant_id',
  }));
  const indexes: Index[] = [
    {
      name: postgres ? `${draft.ref.name}_pkey` : 'PRIMARY',
      columns: ['id'],
      unique: true,
      primary: true,
      usableForForeignKey: true,
    },
  ];
  if (draft.tenantKey) {
    indexes.push({
      name: `${draft.ref.name}_tenant_id_id_key`,
      columns: ['tenant_id', 'id'],
      unique: true,
      primary: false,
      usableForForeignKey: true,
    });
  }
  if (engine.name === 'mysql') {
    // InnoDB's index for each key, named after it, unless an index already starts with its columns.
    for (const fk of keys) {
      const served = indexes.some((index) => fk.columns.every((column, i) => index.columns[i] === column));
      if (!served) {
        indexes.push({
          name: fk.name,
          columns: fk.columns,
          unique: false,
          primary: false,
          usableForForeignKey: true,
        });
      }
    }
  }
  return { ref: draft.ref, columns, indexes, partitioned: false };
}

export function asDesired(fk: ForeignKey): DesiredForeignKey {
  return { ...fk, source: undefined };
}

/** What the changed spec does to the keys, by kind, for the report. */
export interface ChangeMix {
  readonly renamed: number;
  readonly actionChanged: number;
  readonly dropped: number;
  readonly added: number;
  readonly swapped: number;
  readonly deferralChanged: number;
}

/**
 * The desired keys of a spec that changes about 10 % of `catalog`'s keys: 3 % renamed, 2.5 % with
 * another ON DELETE, 2 % dropped, 2 % added (on the `spare_id` column of `spareTables`, as far as
 * there are any), about 1 % swapping names pairwise within a table; on PostgreSQL also 0.5 % with
 * other deferrability, and every NOT VALID key validated.
 */
export function changedForeignKeys(
  catalog: Catalog,
  engine: Engine,
  spareTables: readonly TableRef[],
): { readonly desired: ForeignKey[]; readonly mix: ChangeMix } {
  const random = seededRandom(catalog.foreignKeys.length + 7);
  const mix = { renamed: 0, actionChanged: 0, dropped: 0, added: 0, swapped: 0, deferralChanged: 0 };
  const desired: ForeignKey[] = [];
  /** The previous key, when it is the last one pushed and pushed unchanged: a swap partner. */
  let unchanged: ForeignKey | undefined;
  for (const fk of catalog.foreignKeys) {
    const r = random();
    const partner =
      unchanged !== undefined && tableKey(unchanged.table) === tableKey(fk.table) ? unchanged : undefined;
    unchanged = undefined;
    if (r < 0.03) {
      desired.push({ ...fk, name: `fk_${fk.table.name}_${fk.columns.join('_')}` });
      mix.renamed += 1;
    } else if (r < 0.055) {
      desired.push({ ...fk, onDelete: fk.onDelete === 'cascade' ? 'no action' : 'cascade' });
      mix.actionChanged += 1;
    } else if (r < 0.075) {
      mix.dropped += 1;
    } else if (r < 0.085 && partner !== undefined) {
      desired.pop();
      desired.push(
        { ...partner, validated: true, name: fk.name },
        { ...fk, validated: true, name: partner.name },
      );
      mix.swapped += 2;
    } else if (engine.capabilities.deferrable && r < 0.09) {
      desired.push({ ...fk, deferrable: !fk.deferrable, initiallyDeferred: false });
      mix.deferralChanged += 1;
    } else {
      desired.push({ ...fk, validated: true });
      unchanged = fk;
    }
  }
  const addCount = Math.round(catalog.foreignKeys.length * 0.02);
  const targets = catalog.tables;
  for (const table of spareTables.slice(0, addCount)) {
    const target = pick(targets, random).ref;
    desired.push({
      name: `${table.name}_spare_id_fkey`,
      table,
      columns: ['spare_id'],
      referencedTable: target,
      referencedColumns: ['id'],
      onDelete: 'set null',
      onUpdate: 'no action',
      deferrable: false,
      initiallyDeferred: false,
      match: 'simple',
      validated: true,
    });
    mix.added += 1;
  }
  return { desired: desired.sort(compareForeignKeys), mix };
}
