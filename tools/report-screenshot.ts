/**
 * Opens an evaluation report in headless Chromium the way a user would,
 * with the network cut off, checks that every chart rendered and that the
 * page asked for nothing outside itself, and saves a full-page screenshot.
 *
 *   node dist/tools/report-screenshot.js REPORT.html SHOT.png
 *
 * Needs Chromium (Debian: apt-get install chromium; or CHROMIUM=/path) and
 * the dev dependency playwright-core. A development tool, not part of the package.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withChromium } from './chromium.js';

export { chromiumPath } from './chromium.js';

export interface PageCheck {
  sections: string[];
  svgCharts: number;
  /** Requests to anything but the report file itself. */
  external: string[];
  width: number;
  height: number;
}

export async function checkReportPage(report: string, screenshot?: string): Promise<PageCheck> {
  return withChromium(async (browser) => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const url = pathToFileURL(resolve(report)).href;
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      external.push(u);
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    const sections = await page.$$eval('section', (els) => els.filter((e) => e.querySelector('svg')).map((e) => e.id));
    const svgCharts = await page.$$eval('section svg', (els) => els.filter((e) => e.getBoundingClientRect().width > 50 && e.getBoundingClientRect().height > 50).length);
    const size = await page.evaluate(() => ({ width: document.body.scrollWidth, height: document.body.scrollHeight }));
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { sections, svgCharts, external, ...size };
  });
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('report-screenshot.js')) {
  const [report, shot] = process.argv.slice(2);
  if (!report) {
    process.stderr.write('usage: node dist/tools/report-screenshot.js REPORT.html [SHOT.png]\n');
    process.exit(2);
  }
  const c = await checkReportPage(report, shot);
  process.stdout.write(`${c.svgCharts} charts in sections ${c.sections.join(', ')}; page ${c.width}×${c.height}; external requests: ${c.external.length}\n`);
  if (c.external.length > 0) process.stdout.write(c.external.join('\n') + '\n');
  process.exit(c.external.length > 0 ? 1 : 0);
}
