// Chromium (Debian's, driven by playwright-core): the node:test files in a page, and the docs
// snippet page. Screenshots in test-artifacts/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildPage, browserChecks } from './browser/page.mjs';
import { serve } from './server.mjs';
import { requireBinary } from './util.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function run(ctx) {
  const executablePath = requireBinary('/usr/bin/chromium', 'apt-get install -y chromium');
  await buildPage(ctx);
  const server = await serve(ctx.root);
  const profile = mkdtempSync(join(tmpdir(), 'simdnet-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS });
  try {
    const open = async (url, waitFor) => {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(url);
      try {
        const value = await (await page.waitForFunction(waitFor, null, { timeout: 300_000, polling: 250 })).jsonValue();
        return { value, screenshot: (path) => page.screenshot({ path, fullPage: true }) };
      } catch (err) {
        throw new Error(`${url}: ${err.message}\n${errors.join('\n')}`);
      }
    };
    return await browserChecks({ label: 'chromium', open, server, ctx, suites: ['tests'] });
  } finally {
    await browser.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
