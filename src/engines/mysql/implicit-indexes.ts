import { groupBy } from '../../collections.js';
import { keyLabel, tableLabel } from '../../labels.js';
import type { Problem } from '../../errors.js';
import { asDropsAndAdds, changeSource, type Change } from '../../model/change.js';
import type { Catalog, ForeignKey, Index, SourceLocation, Table, TableRef } from '../../model/catalog.js';
import { servesColumns, tableKey } from '../../model/catalog.js';
import type { DraftStep } from '../../model/plan.js';

/*
 * How InnoDB (MariaDB 10.11, checked on the server) handles the index behind a foreign key on the
 * owning table, when `ADD CONSTRAINT n FOREIGN KEY (cols)` runs:
 * - it wants an index named `n` on `cols` (FOREIGN KEY index_name is ignored when the constraint is
 *   named), and skips it when an index already starts with `cols` and is either longer than `cols`
 *   or one the user created (a primary or unique key always is);
 * - an index it created itself on exactly `cols` does not count: it is dropped and `n` replaces
 *   it. A rename done as drop + add therefore renames the index too;
 * - when it creates `n` and any index named `n` (names compare case-insensitively) remains on the
 *   table, the statement fails: "Duplicate key name 'n'" (1061);
 * - `ALTER TABLE DROP FOREIGN KEY` leaves the index; an index that a key still needs, on either
 *   side, cannot be dropped: "Cannot drop index 'i': needed in a foreign key constraint" (1553).
 * information_schema does not tell which indexes InnoDB created, so a plain index named like a key
 * that is about to be added, on columns that cannot serve that key, is taken for a leftover and
 * dropped, unless the server is sure to reuse another index (then nothing is in the way) or a key
 * needs it. InnoDB only ever creates plain (non-unique, whole-column B-tree) indexes, so a unique
 * or FULLTEXT index in the way is the user's and is never dropped.
 */

/** An index InnoDB certainly uses for `columns` instead of creating one: unique, or longer than them. */
function certainlyReused(index: Index, columns: readonly string[]): boolean {
  return servesColumns(index, columns) && (index.unique || index.columns.length > columns.length);
}

/** MySQL compares index names case-insensitively, accents apart ("É" = "é" ≠ "e"). */
function sameIndexName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function fkKey(fk: ForeignKey): string {
  return `${tableKey(fk.table)}\u0000${fk.name}`;
}

/** An index, named after the key about to be added, that must go before the key can be added. */
export interface IndexDrop {
  readonly fk: ForeignKey;
  readonly index: Index;
}

/**
 * An index in the way of an added key that fkdiff does not drop: another key needs it (`neededBy`),
 * or InnoDB cannot have created it (`neededBy` undefined: a unique, prefix or FULLTEXT index).
 */
export interface IndexConflict extends IndexDrop {
  readonly neededBy: ForeignKey | undefined;
}

/** What InnoDB creates for a key: a plain index over whole columns. */
function couldBeImplicit(index: Index): boolean {
  return !index.primary && !index.unique && index.usableForForeignKey;
}

export interface ImplicitIndexPlan {
  readonly drops: readonly IndexDrop[];
  readonly conflicts: readonly IndexConflict[];
}

/** The keys that need an index of one table: those it owns, and those that reference it. */
interface TableKeys {
  readonly owned: readonly ForeignKey[];
  readonly referencing: readonly ForeignKey[];
}

/** The key (other than through `index`) that would lose its only index if `index` went. */
function keyNeeding(index: Index, live: readonly Index[], keys: TableKeys): ForeignKey | undefined {
  const others = live.filter((other) => other !== index);
  const onlyServedBy = (columns: readonly string[]): boolean =>
    servesColumns(index, columns) && !others.some((other) => servesColumns(other, columns));
  // The owning side of an added key gets an index from the server; the referenced side never does.
  return (
    keys.owned.find((fk) => onlyServedBy(fk.columns)) ??
    keys.referencing.find((fk) => onlyServedBy(fk.referencedColumns))
  );
}

/**
 * Which indexes block the keys about to be added (in the order given), and which blockers cannot
 * be dropped. `dropped` are the keys the plan drops before it adds any; the blocking indexes are
 * dropped after them and before every add, so that no add reuses an index that is about to go.
 */
function planImplicitIndexes(
  added: readonly ForeignKey[],
  current: Catalog,
  dropped: Iterable<ForeignKey>,
): ImplicitIndexPlan {
  const tables = new Map(current.tables.map((table) => [tableKey(table.ref), table]));
  const droppedKeys = new Set([...dropped].map(fkKey));
  const remaining = current.foreignKeys.filter((fk) => !droppedKeys.has(fkKey(fk)));
  // Grouped once, on the first blocker, in their order: looking through every key for each
  // blocker is quadratic, and most plans have no blocker at all.
  let grouped: { owned: Map<string, ForeignKey[]>; referencing: Map<string, ForeignKey[]> } | undefined;
  const keysOf = (table: Table): TableKeys => {
    grouped ??= {
      owned: groupBy(remaining, (fk) => tableKey(fk.table)),
      referencing: groupBy([...remaining, ...added], (fk) => tableKey(fk.referencedTable)),
    };
    const key = tableKey(table.ref);
    return { owned: grouped.owned.get(key) ?? [], referencing: grouped.referencing.get(key) ?? [] };
  };
  // An index that serves a new key is counted on only if no later add drops it: repeat with the
  // indexes the last pass dropped left out, until the drops no longer change.
  let doomed = new Set<Index>();
  for (;;) {
    const result = blockersPass(added, tables, keysOf, doomed);
    const next = new Set(result.drops.map((drop) => drop.index));
    if (next.size === doomed.size && [...next].every((index) => doomed.has(index))) return result;
    doomed = new Set([...doomed, ...next]);
  }
}

/** One pass over the adds; `doomed` indexes are dropped by the plan and serve no key. */
function blockersPass(
  added: readonly ForeignKey[],
  tables: ReadonlyMap<string, Table>,
  keysOf: (table: Table) => TableKeys,
  doomed: ReadonlySet<Index>,
): ImplicitIndexPlan {
  const removed = new Set<Index>();
  const drops: IndexDrop[] = [];
  const conflicts: IndexConflict[] = [];
  for (const fk of added) {
    const table = tables.get(tableKey(fk.table));
    if (table === undefined) continue;
    const live = table.indexes.filter((index) => !removed.has(index));
    const blocker = live.find((index) => !index.primary && sameIndexName(index.name, fk.name));
    if (blocker === undefined || servesColumns(blocker, fk.columns)) continue;
    if (live.some((index) => !doomed.has(index) && certainlyReused(index, fk.columns))) continue;
    const neededBy = keyNeeding(blocker, live, keysOf(table));
    if (neededBy === undefined && couldBeImplicit(blocker)) {
      drops.push({ fk, index: blocker });
      removed.add(blocker);
    } else {
      conflicts.push({ fk, index: blocker, neededBy });
    }
  }
  return { drops, conflicts };
}

/**
 * The add steps, preceded by a drop of each index that would make one of them fail. Indexes that a
 * remaining key needs are never dropped (`implicitIndexProblems` reports those adds).
 */
export function implicitIndexDrops(
  adds: readonly DraftStep[],
  current: Catalog,
  dropped: ReadonlySet<ForeignKey>,
): DraftStep[] {
  const added = adds.flatMap((draft) => (draft.action.kind === 'add' ? [draft] : []));
  const { drops } = planImplicitIndexes(
    added.map((draft) => draft.action.fk),
    current,
    dropped,
  );
  const changes = new Map(added.map((draft) => [draft.action.fk, draft.change]));
  const indexSteps = drops.flatMap(({ fk, index }): DraftStep[] => {
    const change = changes.get(fk);
    if (change === undefined) return [];
    return [
      {
        action: { kind: 'drop-index', fk, indexName: index.name },
        hazards: [
          {
            code: 'drops-index',
            message: `${tableLabel(fk.table)}: index ${index.name} (${index.columns.join(', ')}) is dropped to free its name for ${keyLabel(fk)}; queries that used it lose it`,
          },
        ],
        ownTransaction: false,
        change,
      },
    ];
  });
  return [...indexSteps, ...adds];
}

/**
 * Pre-flight problems for dialects whose engine creates an index per key: an added key whose name
 * is taken by an index that another key needs. The server would fail with "Duplicate key name".
 */
export function implicitIndexProblems(changes: readonly Change[], current: Catalog): Problem[] {
  const added: ForeignKey[] = [];
  const dropped: ForeignKey[] = [];
  const sources = new Map<string, SourceLocation | undefined>();
  for (const change of changes) {
    // InnoDB renames a key by dropping and adding it.
    const expanded = asDropsAndAdds(change, false);
    dropped.push(...expanded.dropped);
    for (const { fk } of expanded.added) {
      added.push(fk);
      sources.set(fkKey(fk), changeSource(change));
    }
  }
  return planImplicitIndexes(added, current, dropped).conflicts.map(({ fk, index, neededBy }) => ({
    message:
      `${keyLabel(fk)}: the index ${index.name} (${index.columns.join(', ')}) of ${fk.table.name} has this key's name, ` +
      'which mysql also gives the index it creates for the key, ' +
      (neededBy === undefined
        ? 'and it is not one fkdiff may drop'
        : `and ${keyLabel(neededBy)} needs that index`) +
      `: rename the index (ALTER TABLE … RENAME INDEX) or choose another name for the key`,
    source: sources.get(fkKey(fk)),
  }));
}

/**
 * A name fkdiff derives for a new key is also the name InnoDB gives the key's index: it must not be
 * the name of an index of the table that cannot serve the key (the add would fail with "Duplicate
 * key name", or fkdiff would drop the user's index to make room for a name it chose itself).
 */
export function derivedNameBlocked(
  current: Catalog,
): (table: TableRef, columns: readonly string[], name: string) => boolean {
  const tables = new Map(current.tables.map((table) => [tableKey(table.ref), table]));
  return (ref, columns, name) =>
    (tables.get(tableKey(ref))?.indexes ?? []).some(
      (index) => sameIndexName(index.name, name) && !(servesColumns(index, columns) && !index.unique),
    );
}
