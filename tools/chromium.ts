/**
 * Headless Chromium for the development checks that look at tsgan's output
 * the way a user's browser would (a report, a saved model in a web page).
 * Needs Debian's chromium (apt-get install chromium; or CHROMIUM=/path) and
 * the dev dependency playwright-core; tests that use it skip without it.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Runs `use` with a fresh headless browser, closed afterwards whatever happens. */
export async function withChromium<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('no Chromium found (apt-get install chromium, or set CHROMIUM)');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}
