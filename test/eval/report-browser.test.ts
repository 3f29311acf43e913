import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/eval/report/index.ts';
import { scriptAnswer, syntheticItems, syntheticSummary } from './report-fixture.ts';

const chromiumPath = '/usr/bin/chromium';
const available = existsSync(chromiumPath);
const screenshotPath = '/tmp/bench-report.png';

// CI installs chromium, so there a missing browser is a failure; elsewhere the test may skip.
describe.skipIf(!available && !process.env.CI)('HTML report in headless Chromium', () => {
  it('opens offline from file://, shows the charts, expands a row, filters, runs no injected script', { timeout: 60_000 }, async () => {
    if (!available) throw new Error(`${chromiumPath} is missing: CI must install Debian's chromium for the report test`);
    const dir = await mkdtemp(join(tmpdir(), 'dramatis-report-'));
    const file = join(dir, 'report.html');
    await writeFile(file, await renderHtmlReport(syntheticSummary(), syntheticItems()));
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const networkAttempts: string[] = [];
      const problems: string[] = [];
      const dialogs: string[] = [];
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        networkAttempts.push(url);
        return route.abort();
      });
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });

      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      const charts = page.locator('figure.chart > svg');
      expect(await charts.count()).toBe(7);
      for (const chart of await charts.all()) {
        await chart.scrollIntoViewIfNeeded();
        expect(await chart.isVisible()).toBe(true);
        const box = await chart.boundingBox();
        expect(box?.width).toBeGreaterThan(100);
        expect(box?.height).toBeGreaterThan(100);
      }
      // Marks are drawn: the radar has one closed line per model plus its rings.
      expect(await page.locator('#judged svg path').count()).toBeGreaterThan(10);

      // The hostile answer's row opens on click and shows the markup as text.
      const hostile = page.locator('details.item', { has: page.locator('.id', { hasText: 'tomato-0003' }) }).filter({ has: page.locator('.model', { hasText: /^openai:gpt-4o-mini$/ }) });
      expect(await hostile.evaluate((element) => (element as unknown as { open: boolean }).open)).toBe(false);
      await hostile.locator('summary').click();
      expect(await hostile.evaluate((element) => (element as unknown as { open: boolean }).open)).toBe(true);
      await expect.poll(() => hostile.locator('pre.answer').isVisible()).toBe(true);
      expect(await hostile.locator('pre.answer').textContent()).toBe(scriptAnswer);
      expect(await hostile.locator('.turn').count()).toBe(2);
      expect(await hostile.locator('pre.json').textContent()).toContain('"critique"');

      const rows = page.locator('details.item');
      const visibleRows = () => rows.evaluateAll((elements) => elements.filter((element) => !(element as unknown as { hidden: boolean }).hidden).length);
      expect(await visibleRows()).toBe(24);
      await page.selectOption('[data-filter="outcome"]', 'failed');
      expect(await visibleRows()).toBe(1);
      expect(await page.locator('details.item:not([hidden]) .id').textContent()).toBe('tomato-0005');
      expect(await page.locator('[data-count]').textContent()).toBe('1 of 24 shown');
      await page.selectOption('[data-filter="outcome"]', '');
      await page.selectOption('[data-filter="model"]', 'ollama:llama3.1:8b');
      expect(await visibleRows()).toBe(8);
      await page.selectOption('[data-filter="category"]', 'mental_state=desire');
      // ollama rows of items 2 and 7 (id % 5 = 2).
      expect(await visibleRows()).toBe(2);
      await page.selectOption('[data-filter="outcome"]', 'correct');
      expect(await visibleRows()).toBe(0);
      expect(await page.locator('[data-empty]').isVisible()).toBe(true);
      for (const filter of ['model', 'category', 'outcome']) await page.selectOption(`[data-filter="${filter}"]`, '');
      await page.fill('[data-filter="search"]', '0008');
      expect(await visibleRows()).toBe(3);
      await page.fill('[data-filter="search"]', '');

      await page.screenshot({ path: screenshotPath, fullPage: true });
      expect(networkAttempts).toEqual([]);
      expect(problems).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
