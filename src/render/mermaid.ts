/** A key graph as a Mermaid flowchart: one node per table, one arrow per key, owning → referenced. */
import { assertNever } from '../collections.js';
import type { EdgeStatus, GraphEdge, KeyGraph } from '../graph/graph.js';
import { countOf } from '../labels.js';
import { tableKey } from '../model/catalog.js';
import { displayName, displayTable, escapeUnsafe } from './display.js';

/** How each status is drawn: the arrow, its colour, its line style. Colour alone never tells them apart. */
const EDGE_STYLE: Readonly<
  Record<EdgeStatus, { readonly arrow: string; readonly style: string; readonly legend: string }>
> = {
  added: { arrow: '==>', style: 'stroke:#1a7f37,stroke-width:3px', legend: 'added (thick, green)' },
  dropped: { arrow: '-.->', style: 'stroke:#cf222e,stroke-width:2px', legend: 'dropped (dotted, red)' },
  changed: {
    arrow: '-->',
    style: 'stroke:#9a6700,stroke-width:2px,stroke-dasharray:8 4',
    legend: 'changed (dashed, amber)',
  },
  unchanged: { arrow: '-->', style: 'stroke:#8c959f,stroke-width:1px', legend: 'unchanged (thin, grey)' },
};
const CYCLE_STYLE = 'stroke:#8250df,stroke-width:2px';

export interface MermaidOptions {
  /** Draw the legend (reviews); a plain graph gets one only when it has a cycle. */
  readonly legend: 'statuses' | 'cycles';
}

/**
 * Text inside a quoted Mermaid label: anything but plain letters, digits and a few safe punctuation
 * marks is written as an entity code, so no name can end the label, start markup or break a line.
 */
function label(value: string): string {
  return escapeUnsafe(value).replace(/[^\p{L}\p{N} _.,:()/-]/gu, (char) => `#${char.codePointAt(0) ?? 0};`);
}

function edgeLine(edge: GraphEdge, ids: ReadonlyMap<string, string>): string {
  const from = ids.get(tableKey(edge.fk.table)) ?? '';
  const to = ids.get(tableKey(edge.fk.referencedTable)) ?? '';
  const name = edge.inCycle ? `${displayName(edge.fk.name)} (cycle)` : displayName(edge.fk.name);
  return `  ${from} ${EDGE_STYLE[edge.status].arrow}|"${label(name)}"| ${to}`;
}

function edgeStyle(edge: GraphEdge): string {
  return edge.status === 'unchanged' && edge.inCycle ? CYCLE_STYLE : EDGE_STYLE[edge.status].style;
}

function legendLines(kind: MermaidOptions['legend'], firstLink: number): readonly string[] {
  const entries: readonly { readonly arrow: string; readonly style: string; readonly text: string }[] =
    (() => {
      switch (kind) {
        case 'statuses':
          return (['added', 'dropped', 'changed', 'unchanged'] as const).map((status) => ({
            arrow: EDGE_STYLE[status].arrow,
            style: EDGE_STYLE[status].style,
            text: EDGE_STYLE[status].legend,
          }));
        case 'cycles':
          return [{ arrow: '-->', style: CYCLE_STYLE, text: 'on a cycle of keys (purple)' }];
        default:
          return assertNever(kind);
      }
    })();
  return [
    '  subgraph legend["Legend"]',
    '    direction LR',
    ...entries.map(
      (entry, i) => `    legend${i}a[" "] ${entry.arrow}|"${label(entry.text)}"| legend${i}b[" "]`,
    ),
    '  end',
    ...entries.map((entry, i) => `  linkStyle ${firstLink + i} ${entry.style}`),
  ];
}

/** The graph as Mermaid text (without a code fence); tables on a cycle are outlined in purple. */
export function renderMermaid(graph: KeyGraph, options: MermaidOptions): string {
  const ids = new Map(graph.tables.map((table, i) => [tableKey(table), `t${i}`]));
  const cyclic = graph.tables.filter((table) =>
    graph.edges.some((edge) => edge.inCycle && tableKey(edge.fk.table) === tableKey(table)),
  );
  const lines = [
    'flowchart LR',
    ...graph.tables.map((table, i) => `  t${i}["${label(displayTable(table))}"]`),
    ...graph.edges.map((edge) => edgeLine(edge, ids)),
    ...graph.edges.map((edge, i) => `  linkStyle ${i} ${edgeStyle(edge)}`),
  ];
  if (cyclic.length > 0) {
    lines.push(
      '  classDef cycle stroke:#8250df,stroke-width:3px',
      `  class ${cyclic.map((table) => ids.get(tableKey(table)) ?? '').join(',')} cycle`,
    );
  }
  if (options.legend === 'statuses' || cyclic.length > 0) {
    lines.push(...legendLines(options.legend, graph.edges.length));
  }
  return `${lines.join('\n')}\n`;
}

/** `12 tables and 30 keys left out`, or nothing when the graph is whole. */
export function omittedLine(graph: KeyGraph, limit: number): string | undefined {
  const { tables, edges } = graph.omitted;
  if (tables === 0 && edges === 0) return undefined;
  return `${countOf(tables, 'table')} and ${countOf(edges, 'key')} left out of the diagram, which shows at most ${limit} tables`;
}
