/**
 * The report from a stranger's files: a model directory whose tsgan.json puts
 * markup, event handlers and `javascript:` addresses where text and numbers
 * belong, and a CSV whose column names do the same. The page must carry its
 * Content-Security-Policy and no script, handler or address may survive, in
 * the HTML or in the inline SVG charts; numbers that are not numbers are not
 * printed. buildReport is called directly, so the report is safe on its own,
 * whatever the model loader lets through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromiumPath, withChromium } from '../tools/chromium.js';
import { join } from 'node:path';
import { tempDir } from './helpers.js';
import { loadEvalData } from '../src/eval/data.js';
import { evaluateData } from '../src/eval/evaluate.js';
import { buildReport, CSP } from '../src/report/html.js';
import { svgToPng } from '../src/report/charts.js';
import { csvField, parseCsv } from '../src/data/csv.js';
import { inferSchema } from '../src/data/schema.js';
import { compareTables } from '../src/eval/table.js';
import { buildTableReport } from '../src/report/table-html.js';
import type { HistoryData } from '../src/train/loop.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const JS = 'javascript:alert(document.cookie)';
const SVG_ONLOAD = "'><svg onload=alert(1)>";
/** A quote in a name, where Vega leaves it raw (text nodes): it must not shift what reads as an attribute. */
const QUOTED = 'q x="1" onmouseover="alert(11)';
const HEADER = [SCRIPT, IMG, JS, SVG_ONLOAD, QUOTED];

const FORBIDDEN: [string, RegExp][] = [
  ['a script element', /<script/i],
  ['an event-handler attribute', /\son\w+\s*=/i],
  ['a javascript: address', /javascript:/i],
  ['an image element', /<img/i],
  ['a nested svg from the data', /<svg\s+onload/i],
];

function hostileCsvs(dir: string): { real: string; synthetic: string } {
  const real = join(dir, 'real.csv');
  const synthetic = join(dir, 'synthetic.csv');
  const F = HEADER.length;
  const realRows = Array.from({ length: 40 }, (_, i) => Array.from({ length: F }, (_, f) => (Math.sin(i * 0.7 + f) * 10 + f).toFixed(3)).join(','));
  writeFileSync(real, [HEADER.map(csvField).join(','), ...realRows].join('\n') + '\n');
  const synthRows: string[] = [];
  for (let s = 0; s < 12; s++) for (let t = 0; t < 5; t++) synthRows.push([s, t, ...Array.from({ length: F }, (_, f) => (Math.cos(s + t * 0.5 + f) * 9 + f).toFixed(3))].join(','));
  writeFileSync(synthetic, [['sequence', 'step', ...HEADER].map(csvField).join(','), ...synthRows].join('\n') + '\n');
  return { real, synthetic };
}

/** A tsgan.json's fields as a hostile one would hold them: strings where numbers belong, markup in names. */
function hostileModel() {
  const history = {
    iteration: [1, 2, 3, 4],
    metrics: { [SCRIPT]: [1, 0.9, 0.8, 0.7], [IMG]: [0.5, 0.4, 0.3, 0.2], dLoss: [1, '<img src=x onerror=alert(2)>', 3, 4] },
    evaluations: [
      { iteration: 2, metrics: { [JS]: 0.3, mmd: '<script>alert(3)</script>' } },
      { iteration: '<img src=x onerror=alert(4)>', metrics: { mmd: 0.2 } },
    ],
    sparse: { [SVG_ONLOAD]: { iteration: [2, 4], values: [0.1, 'javascript:alert(5)'] } },
    gradNormPerStep: [
      { iteration: 2, norms: [0.1, 0.01, 0.001] },
      { iteration: '"><script>alert(6)</script>', norms: [1, 2, 3] },
    ],
  } as unknown as HistoryData;
  return {
    dir: `model-${IMG}`,
    config: { model: SCRIPT, cell: JS, notes: `<a href="javascript:alert(7)">x</a> ${IMG}`, [IMG]: 1 },
    history,
    iterations: '<script>alert(8)</script>' as unknown as number,
    trainingSeconds: 'javascript:alert(9)' as unknown as number,
    checkpoint: { iteration: '<img src=x onerror=alert(10)>' as unknown as number, metric: `${SCRIPT}${IMG}`, value: { toFixed: 'x' } as unknown as number },
  };
}

async function hostileReport(dir: string) {
  const files = hostileCsvs(dir);
  const data = loadEvalData(files);
  assert.deepEqual(data.features, HEADER);
  const result = evaluateData(data, { quick: true, seed: 1 });
  return buildReport(data, result, {
    realName: `${files.real}${SCRIPT}`,
    syntheticName: `${files.synthetic}${IMG}`,
    model: hostileModel(),
    embedSamples: 40,
    tsneIterations: 50,
    seed: 1,
  });
}

test('a report from a hostile model directory and CSV header runs nothing and loads nothing', async () => {
  const report = await hostileReport(tempDir());
  const { html } = report;
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`), 'the CSP meta is in the page');
  assert.match(CSP, /default-src 'none'/);
  assert.doesNotMatch(CSP, /script-src|unsafe-eval/);
  // The policy comes before anything taken from the files.
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<title>'));
  for (const [what, re] of FORBIDDEN) assert.doesNotMatch(html, re, `${what} in the page`);
  const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
  assert.ok(svgs.length >= 5, `${svgs.length} inline charts`);
  for (const svg of svgs) for (const [what, re] of FORBIDDEN) assert.doesNotMatch(svg, re, `${what} in a chart`);
  // The hostile names are still shown, as text: escaped, not dropped.
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;'));
  // Numbers that are not numbers print as "?", never as the model file's text.
  assert.match(html, /: \? iterations in \? s; its weights are the best checkpoint, iteration \? \(.*? \?\)/);
  assert.doesNotMatch(html, /alert\((2|3|4|5|6|8|9|10)\)/, 'a string where a number belongs is not printed');
  // The training chart still draws the points that are numbers.
  assert.ok(report.charts.includes('training'));
  assert.ok(report.charts.includes('gradients'));
  for (const [name, png] of report.images) assert.equal(png.subarray(1, 4).toString(), 'PNG', name);
  // The inert inline SVG draws exactly what Vega drew (resvg, a second SVG parser, gives the same pixels): the names still read as written.
  assert.equal(svgs.length, report.charts.length);
  report.charts.forEach((name, i) => assert.ok(svgToPng(svgs[i]).equals(report.images.get(`${name}.png`)!), `${name}: the page's SVG renders as its PNG`));
});

test('a table report from a hostile table runs nothing: column names and categories with markup are text in the page and its charts', async () => {
  const dir = tempDir();
  // A panel whose id, attribute, category and numeric columns carry markup in their names, and whose categories are markup.
  const [id, attr, cat, x] = [`site${IMG}`, `kind${SCRIPT}`, `state${QUOTED}`, `level${JS}`];
  const lines = [[id, 'day', attr, cat, x].map(csvField).join(',')];
  for (let e = 0; e < 24; e++) for (let t = 0; t < 6; t++) lines.push([`s${e}`, t, csvField(e % 2 ? SCRIPT : SVG_ONLOAD), csvField(t % 3 === 0 ? 'p\x07q' : t % 2 ? IMG : JS), (e + t * 0.5).toFixed(2)].join(','));
  const file = join(dir, 'panel.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const table = parseCsv(lines.join('\n') + '\n', file);
  const schema = inferSchema(table, { idColumn: id });
  assert.equal(schema.columns.find((c) => c.name === attr)!.role, 'attribute');
  const result = compareTables(table, table, schema);
  const report = await buildTableReport(table, table, schema, result, { realName: `${file}${SCRIPT}`, syntheticName: `${file}${IMG}`, model: `m${JS}`, seed: 1 });
  const { html } = report;
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`));
  for (const [what, re] of FORBIDDEN) assert.doesNotMatch(html, re, `${what} in the page`);
  assert.deepEqual(report.charts, ['lengths', 'categories', 'histograms', 'entities']);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('the hostile report in a browser: no dialog, no script, no handler, no request; the names read as written and the styles apply', { skip: chromiumPath() ? false : 'Chromium is not installed' }, async () => {
  const dir = tempDir();
  const report = await hostileReport(dir);
  const file = join(dir, 'report.html');
  writeFileSync(file, report.html);
  const url = pathToFileURL(file).href;
  const seen = await withChromium(async (browser) => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const dialogs: string[] = [];
    const messages: string[] = [];
    const requests: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => messages.push(m.text()));
    page.on('request', (r) => requests.push(r.url()));
    // No time limit: a loaded machine makes a page slow, never wrong (Playwright's default gives up after 30 s).
    await page.goto(url, { waitUntil: 'load', timeout: 0 });
    const dom = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script, img, iframe, object, embed').length,
      handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)),
      charts: [...document.querySelectorAll('section svg')].filter((e) => e.getBoundingClientRect().width > 50).length,
      maxWidth: getComputedStyle(document.body).maxWidth,
      labels: [...document.querySelectorAll('section#histograms svg text')].map((t) => t.textContent ?? ''),
      meta: document.querySelector('.meta')?.textContent ?? '',
    }));
    return { ...dom, dialogs, messages, requests };
  });
  assert.deepEqual(seen.dialogs, []);
  assert.equal(seen.scripts, 0);
  assert.deepEqual(seen.handlers, []);
  assert.deepEqual(seen.requests, [url]);
  // The inline stylesheet is allowed by the policy (body max-width 1100px comes from it), and nothing was refused.
  assert.equal(seen.maxWidth, '1100px');
  assert.deepEqual(seen.messages.filter((m) => /Content Security Policy|Refused/i.test(m)), []);
  assert.equal(seen.charts, report.charts.length);
  for (const h of HEADER) assert.ok(seen.labels.includes(h), `chart label ${h}`);
  assert.ok(seen.meta.includes(HEADER.join(', ')), seen.meta);
});
