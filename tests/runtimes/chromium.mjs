// Chromium (Debian's, driven by playwright-core): the smoke tests (with the image files from
// bytes and through a canvas) and the node:test files in a page, and the docs
// snippet page. Screenshots in test-artifacts/.
import { chromium } from 'playwright-core';
import { runInBrowser } from './browser/page.mjs';
import { requireBinary } from './util.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function run(ctx) {
  const executablePath = requireBinary('/usr/bin/chromium', 'apt-get install -y chromium');
  return runInBrowser(ctx, {
    label: 'chromium',
    suites: ['smoke', 'tests'],
    launch: (profile) => chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS }),
    waitFor: (page, fn) => page.waitForFunction(fn, null, { timeout: 300_000, polling: 250 }),
  });
}
