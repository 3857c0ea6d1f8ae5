/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Renders Markdown the way a pull request shows a comment: a Markdown renderer (marked) and Mermaid,
 * both loaded from node_modules into Debian's headless Chromium, with every network request refused.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** A file of an installed package, read straight from node_modules (the packages' exports hide them). */
const packageFile = (path: string): string =>
  fileURLToPath(new URL(`../../node_modules/${path}`, import.meta.url));

export interface RenderedDiagram {
  readonly error: string | undefined;
  readonly nodes: number;
  readonly edges: number;
  readonly labels: readonly string[];
  readonly width: number;
  readonly height: number;
}

export interface RenderedComment {
  readonly diagrams: readonly RenderedDiagram[];
  readonly text: string;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; background: #fff; }
#comment { width: 900px; padding: 16px 24px; border: 1px solid #d0d7de; border-radius: 6px; margin: 16px; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: 4px 10px; }
code { background: #eff1f3; border-radius: 4px; padding: 1px 4px; font-size: 12px; }
pre { background: #f6f8fa; padding: 12px; overflow: auto; font-size: 12px; } pre code { background: none; padding: 0; }
pre.mermaid { background: #fff; text-align: center; }
summary { cursor: pointer; font-weight: 600; margin: 6px 0; }
</style></head><body><div id="comment"></div></body></html>`;

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/** Renders `markdown` in a page of `browser`; with `screenshot`, saves a PNG of the comment there. */
export async function renderComment(
  browser: Browser,
  markdown: string,
  screenshot?: string,
): Promise<RenderedComment> {
  const page = await browser.newPage({ viewport: { width: 960, height: 800 }, deviceScaleFactor: 1 });
  try {
    await page.route('**/*', (route) => route.abort());
    await page.setContent(PAGE);
    await page.addScriptTag({ path: packageFile('marked/lib/marked.umd.js') });
    await page.addScriptTag({ path: packageFile('mermaid/dist/mermaid.min.js') });
    const diagrams = await page.evaluate(renderInPage, markdown);
    if (screenshot !== undefined) await page.locator('#comment').screenshot({ path: screenshot });
    const text = await page.locator('#comment').innerText();
    return { diagrams, text };
  } finally {
    await page.close();
  }
}

/** Runs in the page: Markdown → HTML, each mermaid block → SVG, and what came of each diagram. */
async function renderInPage(markdown: string): Promise<RenderedDiagram[]> {
  interface Globals {
    marked: { parse: (text: string) => string };
    mermaid: {
      initialize: (config: object) => void;
      render: (id: string, text: string) => Promise<{ svg: string }>;
    };
  }
  const { marked, mermaid } = window as unknown as Globals;
  const root = document.getElementById('comment');
  if (root === null) throw new Error('no #comment');
  root.innerHTML = marked.parse(markdown);
  for (const details of root.querySelectorAll('details')) details.open = true;
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
  const blocks = [...root.querySelectorAll('pre > code.language-mermaid')];
  const results: RenderedDiagram[] = [];
  for (const [index, block] of blocks.entries()) {
    const holder = document.createElement('div');
    holder.className = 'mermaid';
    block.parentElement?.replaceWith(holder);
    try {
      const { svg } = await mermaid.render(`diagram${index}`, block.textContent);
      holder.innerHTML = svg;
      const box = holder.querySelector('svg')?.getBoundingClientRect();
      results.push({
        error: undefined,
        nodes: holder.querySelectorAll('g.node').length,
        edges: holder.querySelectorAll('path.flowchart-link').length,
        labels: [...holder.querySelectorAll('.edgeLabel')]
          .map((label) => label.textContent.trim())
          .filter((t) => t !== ''),
        width: box?.width ?? 0,
        height: box?.height ?? 0,
      });
    } catch (error) {
      results.push({ error: String(error), nodes: 0, edges: 0, labels: [], width: 0, height: 0 });
    }
  }
  return results;
}
