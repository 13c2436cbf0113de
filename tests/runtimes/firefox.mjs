// Firefox ESR (Debian's, driven by puppeteer-core over WebDriver BiDi; playwright-core needs
// its own patched Firefox): the smoke tests and the node:test files in a page, and the docs
// snippet page. Screenshots in test-artifacts/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { buildPage, browserChecks } from './browser/page.mjs';
import { serve } from './server.mjs';
import { requireBinary } from './util.mjs';

export async function run(ctx) {
  const executablePath = requireBinary('/usr/bin/firefox-esr', 'apt-get install -y firefox-esr');
  await buildPage(ctx);
  const server = await serve(ctx.root);
  const userDataDir = mkdtempSync(join(tmpdir(), 'simdnet-firefox-'));
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true, userDataDir });
  try {
    const open = async (url, waitFor) => {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(url);
      try {
        const value = await (await page.waitForFunction(waitFor, { timeout: 300_000, polling: 250 })).jsonValue();
        return { value, screenshot: (path) => page.screenshot({ path, fullPage: true }) };
      } catch (err) {
        throw new Error(`${url}: ${err.message}\n${errors.join('\n')}`);
      }
    };
    return await browserChecks({ label: 'firefox', open, server, ctx, suites: ['smoke', 'tests'] });
  } finally {
    await browser.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
