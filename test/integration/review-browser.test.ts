import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launch, renderComment, CHROMIUM } from '../support/browser.js';
import { cli, tempFile } from '../support/cli.js';
import { largeSpec } from '../support/specs.js';
import { REQUIRE_DATABASES } from '../support/targets.js';

const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'review', name);

// Under CI (FKDIFF_REQUIRE_DATABASES=1) a missing browser fails the run instead of skipping.
if (!haveChromium()) {
  const message = `${CHROMIUM} is missing: the browser test of the review comment is skipped (apt-get install chromium)`;
  if (REQUIRE_DATABASES) throw new Error(`FKDIFF_REQUIRE_DATABASES=1 but ${message}`);
  process.stderr.write(`${message}\n`);
}

describe.skipIf(!haveChromium())(
  'the review comment in a browser (marked + Mermaid in headless Chromium)',
  () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch();
    });
    afterAll(async () => {
      await browser.close();
    });

    it('a realistic review renders: one diagram, no Mermaid error, every table and key drawn, the legend', async () => {
      const review = await cli([
        'review',
        fixture('shop-base.yaml'),
        fixture('shop-head.yaml'),
        '--format',
        'markdown',
      ]);
      expect(review.code).toBe(3);
      const rendered = await renderComment(browser, review.stdout);
      expect(rendered.diagrams).toHaveLength(1);
      const [diagram] = rendered.diagrams;
      expect(diagram?.error).toBeUndefined();
      const graph = (
        JSON.parse(
          (await cli(['review', fixture('shop-base.yaml'), fixture('shop-head.yaml'), '--format', 'json']))
            .stdout,
        ) as { graph: { tables: unknown[]; edges: unknown[] } }
      ).graph;
      // The tables plus the legend's 8 points; the keys plus the legend's 4 arrows.
      expect(diagram?.nodes).toBe(graph.tables.length + 8);
      expect(diagram?.edges).toBe(graph.edges.length + 4);
      expect(diagram?.labels).toEqual(
        expect.arrayContaining([
          'orders_coupon_id_fkey',
          'added (thick, green)',
          'users_profile_id_fkey (cycle)',
        ]),
      );
      expect(diagram?.width).toBeGreaterThan(200);
      expect(diagram?.height).toBeGreaterThan(100);
      // The Markdown rendered too: the table of changes and the SQL, not raw pipes and fences.
      expect(rendered.text).toContain('fkdiff review:');
      expect(rendered.text).toMatch(
        /public\.orders\s+orders_user_id_fkey\s+change on delete no action → cascade/,
      );
      expect(rendered.text).not.toContain('```');
    });

    it('a large review renders too: the capped diagram of 30 tables', async () => {
      const base = await tempFile('base.yaml', 'version: 1\ntables: {}\n');
      const head = await tempFile('head.yaml', largeSpec(60));
      const review = await cli(['review', base, head, '--format', 'markdown']);
      const [diagram, ...others] = (await renderComment(browser, review.stdout)).diagrams;
      expect(others).toEqual([]);
      expect(diagram?.error).toBeUndefined();
      expect(diagram?.nodes).toBe(30 + 8);
      expect(diagram?.edges).toBe(29 + 4);
    });

    it('names with quotes, brackets and arrows render as text, not as Mermaid syntax', async () => {
      const base = await tempFile('base.yaml', 'version: 1\ntables: {}\n');
      const head = await tempFile(
        'head.yaml',
        `version: 1\ntables:\n  '"a]"" -->b"':\n    foreignKeys:\n      - { name: 'k"]; click x', columns: [c], references: { table: 'p%%{init}', columns: [id] } }\n`,
      );
      const review = await cli(['review', base, head, '--format', 'markdown']);
      expect(review.code).toBe(0);
      const [diagram] = (await renderComment(browser, review.stdout)).diagrams;
      expect(diagram?.error).toBeUndefined();
      expect(diagram?.labels).toContain('"k""]; click x"');
      expect(diagram?.nodes).toBe(2 + 8);
    });

    it('the check can fail: a diagram Mermaid cannot parse is reported', async () => {
      const rendered = await renderComment(browser, '```mermaid\nflowchart LR\n  a -->|"x| b\n```\n');
      expect(rendered.diagrams[0]?.error).toMatch(/Parse error|Error/);
    });
  },
);
