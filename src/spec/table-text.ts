/** The text of each table under `tables`, as written (comments kept), for the review's YAML diff. */
import { yamlLibrary } from './yaml-library.js';

/**
 * Each table's lines, from its key to the end of its value, dedented to the key's column; keyed by
 * the key's `line:column` (as `RawTable.source` gives it). Empty for a document without a `tables`
 * mapping; call it only on text `parseSpec` accepted.
 */
export function tableTexts(text: string): ReadonlyMap<string, string> {
  const yaml = yamlLibrary();
  const lineCounter = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter, uniqueKeys: false });
  const tables = document.get('tables', true);
  const texts = new Map<string, string>();
  if (!yaml.isMap(tables)) return texts;
  for (const pair of tables.items) {
    if (!yaml.isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null) continue;
    const start = pair.key.range[0];
    const value = pair.value as { readonly range?: readonly [number, number, number] | null } | null;
    const end = value?.range?.[1] ?? pair.key.range[1];
    const { line, col } = lineCounter.linePos(start);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const indent = start - lineStart;
    const lines = text
      .slice(lineStart, end)
      .trimEnd()
      .split('\n')
      .map((row) => (/^\s*$/.test(row.slice(0, indent)) ? row.slice(indent) : row.trimStart()));
    texts.set(`${line}:${col}`, `${lines.join('\n')}\n`);
  }
  return texts;
}
