import { describe, expect, it } from 'vitest';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import { keyGraph, neighbourhood, type EdgeStatus } from '../../src/graph/graph.js';
import type { ForeignKey } from '../../src/model/catalog.js';
import { renderDot } from '../../src/render/dot.js';
import { renderMermaid } from '../../src/render/mermaid.js';
import { affectedGraph } from '../../src/review/graph.js';
import { tableTexts } from '../../src/spec/table-text.js';
import { buildersFor } from '../support/builders.js';

const { fk } = buildersFor(postgresEngine, 'public');
const edge = (key: ForeignKey, status: EdgeStatus = 'unchanged') => ({ fk: key, status });
const link = (from: string, to: string) => fk({ table: from, columns: [`${to}_id`], references: to });

describe('the key graph', () => {
  it('marks the keys of a cycle (two tables, three tables, a key on its own table) and nothing else', () => {
    const graph = keyGraph(
      [
        link('users', 'profiles'),
        link('profiles', 'users'),
        link('a', 'b'),
        link('b', 'c'),
        link('c', 'a'),
        link('tree', 'tree'),
        link('orders', 'users'),
      ].map((key) => edge(key)),
    );
    const inCycle = graph.edges
      .filter((e) => e.inCycle)
      .map((e) => `${e.fk.table.name}->${e.fk.referencedTable.name}`);
    expect(inCycle.sort()).toEqual([
      'a->b',
      'b->c',
      'c->a',
      'profiles->users',
      'tree->tree',
      'users->profiles',
    ]);
  });

  it('a chain of 20,000 keys is walked without overflowing the stack', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => link(`t${i}`, `t${i + 1}`));
    const graph = keyGraph([...keys, link('t20000', 't0')].map((key) => edge(key)));
    expect(graph.edges.every((e) => e.inCycle)).toBe(true);
  });

  it('a neighbourhood goes both ways, depth keys deep, and counts what it leaves out', () => {
    const graph = keyGraph(
      [link('order_items', 'orders'), link('orders', 'users'), link('users', 'orgs')].map((key) => edge(key)),
    );
    const one = neighbourhood(graph, { schema: 'public', name: 'orders' }, 1);
    expect(one.tables.map((t) => t.name)).toEqual(['order_items', 'orders', 'users']);
    expect(one.omitted).toEqual({ tables: 1, edges: 1 });
    expect(neighbourhood(graph, { schema: 'public', name: 'orders' }, 0).edges).toEqual([]);
  });

  it('a review diagram holds the changed tables and their neighbours, capped, the cap counted', () => {
    const unchanged = Array.from({ length: 40 }, (_, i) => edge(link(`t${i}`, 'hub')));
    const graph = keyGraph([edge(link('hub', 'users'), 'added'), edge(link('far', 't0')), ...unchanged]);
    const shown = affectedGraph(graph, 30);
    expect(shown.tables).toHaveLength(30);
    expect(shown.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['hub', 'users']));
    // `far` is beyond the neighbours: not counted as left out; 12 of the 40 neighbours are.
    expect(shown.omitted).toEqual({ tables: 12, edges: 12 });
  });
});

describe('Mermaid and DOT', () => {
  const hostile = fk({
    table: 'we"ird\n-->x',
    columns: ['a'],
    references: 'b',
    name: 'k"]; click x "javascript:alert(1)"',
  });

  it('Mermaid: names cannot end a label, inject a statement or break a line', () => {
    const text = renderMermaid(keyGraph([edge(hostile, 'dropped')]), { legend: 'statuses' });
    const lines = text.trimEnd().split('\n');
    expect(lines[2]).toBe('  t1["public.#34;we#34;#34;ird#92;n--#62;x#34;"]');
    expect(lines[3]).toBe(
      '  t1 -.->|"#34;k#34;#34;#93;#59; click x #34;#34;javascript:alert(1)#34;#34;#34;"| t0',
    );
    expect(text).not.toContain('\n-->x');
    expect(lines).toContain('  linkStyle 0 stroke:#cf222e,stroke-width:2px');
    expect(text).toContain('subgraph legend["Legend"]');
  });

  it('DOT: quotes and backslashes escaped, cycles bold and purple', () => {
    const dot = renderDot(keyGraph([edge(hostile), edge(link('b', 'b'))]));
    expect(dot).toContain('"public.\\"we\\"\\"ird\\\\n-->x\\""');
    expect(dot).toContain('"public.b" -> "public.b" [label="b_b_id_fkey", color="#8250df", style=bold];');
  });
});

describe('tableTexts', () => {
  it('each table as written, comments kept, dedented, keyed by the line and column of its key', () => {
    const texts = tableTexts(`version: 1
tables:
  users:   # the people
    foreignKeys:
      - { columns: [org_id], references: orgs(id) }  # tenant
  "billing.invoices": { foreignKeys: [] }
exclude: [audit_*]
`);
    expect([...texts.entries()]).toEqual([
      [
        '3:3',
        'users:   # the people\n  foreignKeys:\n    - { columns: [org_id], references: orgs(id) }  # tenant\n',
      ],
      ['6:3', '"billing.invoices": { foreignKeys: [] }\n'],
    ]);
  });
});
