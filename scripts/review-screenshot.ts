/**
 * The README's picture of a review comment: `npm run screenshot` reviews the shop example
 * (test/fixtures/review/shop-*.yaml), renders the Markdown with marked and Mermaid in headless
 * Chromium, exactly as the browser test does, and writes docs/review-comment.png.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { launch, renderComment } from '../test/support/browser.js';

const exec = promisify(execFile);
const OUT = 'docs/review-comment.png';

const { stdout } = await exec('node', [
  '--import',
  'tsx',
  'src/cli/bin.ts',
  'review',
  'test/fixtures/review/shop-base.yaml',
  'test/fixtures/review/shop-head.yaml',
  '--format',
  'markdown',
]).catch((error: unknown) => error as { stdout: string });
const browser = await launch();
try {
  const rendered = await renderComment(browser, stdout, OUT);
  const failed = rendered.diagrams.filter((diagram) => diagram.error !== undefined);
  if (failed.length > 0) throw new Error(`Mermaid failed: ${failed.map((d) => d.error).join('; ')}`);
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
}
