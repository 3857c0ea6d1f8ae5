/** The part of the key graph a review shows: the tables a change touches and their neighbours. */
import { keepTables, type KeyGraph } from '../graph/graph.js';
import { tableKey } from '../model/catalog.js';

/** Beyond this many tables a diagram stops being readable in a comment. */
export const REVIEW_GRAPH_LIMIT = 30;

/**
 * Tables at either end of a changed key, then the tables one key away from them, up to `limit`
 * tables in all (changed tables first); what the cap leaves out is counted in `omitted`.
 */
export function affectedGraph(graph: KeyGraph, limit: number): KeyGraph {
  const changed = graph.edges.filter((edge) => edge.status !== 'unchanged');
  const affected = new Set(changed.flatMap(({ fk }) => [tableKey(fk.table), tableKey(fk.referencedTable)]));
  const neighbours = new Set<string>();
  for (const { fk } of graph.edges) {
    const [from, to] = [tableKey(fk.table), tableKey(fk.referencedTable)];
    if (affected.has(from) && !affected.has(to)) neighbours.add(to);
    if (affected.has(to) && !affected.has(from)) neighbours.add(from);
  }
  const ordered = [
    ...graph.tables.map(tableKey).filter((key) => affected.has(key)),
    ...graph.tables.map(tableKey).filter((key) => neighbours.has(key)),
  ];
  // Tables further away are not part of the picture; only what the size cap drops is counted.
  const around = { ...keepTables(graph, new Set(ordered)), omitted: { tables: 0, edges: 0 } };
  return keepTables(around, new Set(ordered.slice(0, limit)));
}
