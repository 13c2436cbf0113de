// Firefox ESR (Debian's, driven by puppeteer-core over WebDriver BiDi; playwright-core needs
// its own patched Firefox): the smoke tests in a page and the docs snippet page; screenshots in
// test-artifacts/. The node:test files run in Chromium; suites: ['smoke', 'tests'] runs them
// here too (about a minute more).
import puppeteer from 'puppeteer-core';
import { runInBrowser } from './browser/page.mjs';
import { requireBinary } from './util.mjs';

export function run(ctx) {
  const executablePath = requireBinary('/usr/bin/firefox-esr', 'apt-get install -y firefox-esr');
  return runInBrowser(ctx, {
    label: 'firefox',
    suites: ['smoke'],
    launch: (userDataDir) => puppeteer.launch({ browser: 'firefox', executablePath, headless: true, userDataDir }),
    waitFor: (page, fn) => page.waitForFunction(fn, { timeout: 300_000, polling: 250 }),
  });
}
