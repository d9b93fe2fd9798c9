// Debian's Chromium, headless, driven by playwright-core, for the inspector
// tests. A missing browser is a failure with a clear message, never a skip.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Launches Chromium with a fresh profile (user data dir) under target/. The
 * flags keep it from reaching out (updates, sync, QUIC, first-run pages):
 * this network refuses those connections, and enough of them at once stall
 * the browser. Returns { context, close() }; close() also removes the
 * profile. `viewport` and `deviceScaleFactor` set the page size and its
 * pixel density. (Playwright takes the profile as launchPersistentContext's first
 * argument, not as a --user-data-dir flag.)
 */
export async function launchBrowser({ viewport = { width: 1440, height: 900 }, deviceScaleFactor = 1 } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the inspector tests need it (\`make setup\` installs Debian's chromium)`);
  }
  const profiles = join(ROOT, 'target/inspector');
  mkdirSync(profiles, { recursive: true });
  const profile = mkdtempSync(join(profiles, 'profile-'));
  const args = [
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  // As root, Chromium refuses to start without this.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args,
    headless: true,
    timeout: 30_000,
    viewport,
    deviceScaleFactor,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
