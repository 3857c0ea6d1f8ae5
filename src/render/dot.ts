/** A key graph in Graphviz DOT: one node per table, one edge per key, owning → referenced. */
import type { KeyGraph } from '../graph/graph.js';
import { tableKey } from '../model/catalog.js';
import { displayName, displayTable, escapeUnsafe } from './display.js';

/** A DOT quoted string: backslashes and quotes escaped, nothing that breaks a line. */
function quoted(value: string): string {
  return `"${escapeUnsafe(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** The graph as a DOT digraph; keys on a cycle and their tables are drawn in purple, the keys bold. */
export function renderDot(graph: KeyGraph): string {
  const cyclic = new Set(graph.edges.filter((edge) => edge.inCycle).map((edge) => tableKey(edge.fk.table)));
  const lines = [
    'digraph fkdiff {',
    '  rankdir=LR;',
    '  node [shape=box, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    ...graph.tables.map((table) => {
      const name = quoted(displayTable(table));
      return cyclic.has(tableKey(table)) ? `  ${name} [color="#8250df", penwidth=2];` : `  ${name};`;
    }),
    ...graph.edges.map((edge) => {
      const attributes = [`label=${quoted(displayName(edge.fk.name))}`];
      if (edge.inCycle) attributes.push('color="#8250df"', 'style=bold');
      return `  ${quoted(displayTable(edge.fk.table))} -> ${quoted(displayTable(edge.fk.referencedTable))} [${attributes.join(', ')}];`;
    }),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
