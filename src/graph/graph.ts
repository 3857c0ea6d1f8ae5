/**
 * The key graph: tables as nodes, foreign keys as edges from the owning to the referenced table.
 * Pure: built from keys, cut to a neighbourhood, with the keys that close a cycle marked.
 */
import { FkdiffError } from '../errors.js';
import {
  compareForeignKeys,
  compareTables,
  tableKey,
  type ForeignKey,
  type TableRef,
} from '../model/catalog.js';

/** How an edge compares with the base in a review; a plain graph has only `unchanged` edges. */
export const EDGE_STATUSES = ['added', 'dropped', 'changed', 'unchanged'] as const;
export type EdgeStatus = (typeof EDGE_STATUSES)[number];

export interface GraphEdge {
  readonly fk: ForeignKey;
  readonly status: EdgeStatus;
  /** Both tables lie on one cycle of keys (users ↔ profiles, or a key on its own table). */
  readonly inCycle: boolean;
}

export interface KeyGraph {
  /** Sorted by schema, then name. */
  readonly tables: readonly TableRef[];
  /** Sorted by owning table, then constraint name. */
  readonly edges: readonly GraphEdge[];
  /** What a cut (neighbourhood, size cap) left out. */
  readonly omitted: { readonly tables: number; readonly edges: number };
}

function sortedTables(refs: Iterable<TableRef>): TableRef[] {
  const unique = new Map<string, TableRef>();
  for (const ref of refs) unique.set(tableKey(ref), ref);
  return [...unique.values()].sort(compareTables);
}

/** The graph of `edges` (each key with its status), the tables they touch and `extraTables`. */
export function keyGraph(
  edges: readonly { readonly fk: ForeignKey; readonly status: EdgeStatus }[],
  extraTables: readonly TableRef[] = [],
): KeyGraph {
  const cyclic = cyclicTables(edges.map((edge) => edge.fk));
  const marked = edges
    .map((edge) => ({
      ...edge,
      inCycle:
        cyclic.get(tableKey(edge.fk.table)) !== undefined &&
        cyclic.get(tableKey(edge.fk.table)) === cyclic.get(tableKey(edge.fk.referencedTable)),
    }))
    .sort((a, b) => compareForeignKeys(a.fk, b.fk));
  const tables = sortedTables([
    ...extraTables,
    ...marked.flatMap((edge) => [edge.fk.table, edge.fk.referencedTable]),
  ]);
  return { tables, edges: marked, omitted: { tables: 0, edges: 0 } };
}

/**
 * Tables on a cycle, each mapped to its strongly connected component (Tarjan's algorithm, iterative
 * so that a long chain of keys cannot overflow the stack). A table alone is on a cycle only when one
 * of its keys references itself.
 */
function cyclicTables(fks: readonly ForeignKey[]): Map<string, number> {
  const next = new Map<string, string[]>();
  for (const fk of fks) {
    const from = tableKey(fk.table);
    next.set(from, [...(next.get(from) ?? []), tableKey(fk.referencedTable)]);
  }
  const selfLoops = new Set(
    fks.filter((fk) => tableKey(fk.table) === tableKey(fk.referencedTable)).map((fk) => tableKey(fk.table)),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  const nodes = [...new Set(fks.flatMap((fk) => [tableKey(fk.table), tableKey(fk.referencedTable)]))].sort();
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; child: number }[] = [{ node: root, child: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame === undefined) break;
      const children = next.get(frame.node) ?? [];
      const child = children[frame.child++];
      if (child !== undefined) {
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(child) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) {
        low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const members: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        members.push(member);
      } while (member !== frame.node);
      if (members.length > 1 || selfLoops.has(frame.node)) {
        for (const table of members) component.set(table, components);
      }
      components += 1;
    }
  }
  return component;
}

/** The tables within `depth` keys of `center` (either direction), and the keys among them. */
export function neighbourhood(graph: KeyGraph, center: TableRef, depth: number): KeyGraph {
  const adjacent = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    adjacent.set(a, (adjacent.get(a) ?? new Set()).add(b));
  };
  for (const { fk } of graph.edges) {
    link(tableKey(fk.table), tableKey(fk.referencedTable));
    link(tableKey(fk.referencedTable), tableKey(fk.table));
  }
  const reached = new Set([tableKey(center)]);
  let frontier = [tableKey(center)];
  for (let step = 0; step < depth && frontier.length > 0; step++) {
    frontier = frontier.flatMap((table) => [...(adjacent.get(table) ?? [])].filter((t) => !reached.has(t)));
    for (const table of frontier) reached.add(table);
  }
  return keepTables(graph, reached);
}

/** The part of `graph` among the tables in `keep` (by `tableKey`), counting what it leaves out. */
export function keepTables(graph: KeyGraph, keep: ReadonlySet<string>): KeyGraph {
  const tables = graph.tables.filter((table) => keep.has(tableKey(table)));
  const edges = graph.edges.filter(
    ({ fk }) => keep.has(tableKey(fk.table)) && keep.has(tableKey(fk.referencedTable)),
  );
  return {
    tables,
    edges,
    omitted: {
      tables: graph.omitted.tables + graph.tables.length - tables.length,
      edges: graph.omitted.edges + graph.edges.length - edges.length,
    },
  };
}

/** The graph's table that `name` (`table` or `schema.table`) names; USAGE when none or several do. */
export function findTable(
  graph: KeyGraph,
  name: { readonly schema: string | undefined; readonly name: string },
): TableRef {
  const matches = graph.tables.filter(
    (table) => table.name === name.name && (name.schema === undefined || table.schema === name.schema),
  );
  const [only, ...others] = matches;
  const written = name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
  if (only === undefined) throw new FkdiffError('USAGE', `table ${written} is not in the key graph`);
  if (others.length > 0) {
    const schemas = matches.map((table) => table.schema).join(', ');
    throw new FkdiffError(
      'USAGE',
      `table ${written} is in several schemas (${schemas}): name it as schema.table`,
    );
  }
  return only;
}
