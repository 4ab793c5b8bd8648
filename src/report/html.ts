/**
 * The evaluation report: one self-contained HTML page (inline CSS and SVG
 * charts, no scripts, nothing fetched from the network) and the same charts
 * as PNG files. It leads with the warnings and a metrics table that says in
 * one line what each number means, then shows the data: sample sequences,
 * TimeGAN's PCA and t-SNE pictures, value distributions, autocorrelation,
 * correlations and, when the model directory is given, its training history.
 * The page holds no timestamp, so the same inputs give the same bytes.
 *
 * Everything it shows from a model file or a CSV (feature names, config,
 * history keys, checkpoint fields) is untrusted: text is escaped, numbers are
 * printed only when they are finite numbers, the inline SVG is made inert
 * (see `inertSvg`) and a Content-Security-Policy forbids scripts, so a
 * hostile model directory cannot run code in the reader's browser.
 */
import { runStream } from '../random.js';
import { VERSION } from '../version.js';
import type { EvalData, WindowSet } from '../eval/data.js';
import type { EvalResult } from '../eval/evaluate.js';
import { formatEvalRows } from '../eval/evaluate.js';
import { subsample } from '../eval/posthoc.js';
import { featureMeans, pca2, tsne } from '../eval/embed.js';
import { featureValues } from '../eval/stats.js';
import type { HistoryData } from '../train/loop.js';
import {
  autocorrelationChart,
  chartToSvg,
  correlationChart,
  gradPerStepChart,
  histogramChart,
  historyChart,
  samplesChart,
  scatterChart,
  inertSvg,
  svgToPng,
  type Chart,
} from './charts.js';

export interface ReportOptions {
  /** Names shown in the heading. */
  realName: string;
  syntheticName: string;
  /** A model's directory, config and history, for the training section. */
  model?: {
    dir: string;
    config: object;
    history: HistoryData;
    iterations: number;
    trainingSeconds?: number;
    /** `--eval-every`'s best checkpoint, when the saved weights are it rather than the last. */
    checkpoint?: { iteration: number; metric: string; value: number };
    /** A sentence on reading this model's training curves, where they read differently from a plain GAN's. */
    historyNote?: string;
  };
  /** Sequences a side in the PCA / t-SNE pictures. */
  embedSamples?: number;
  /** t-SNE iterations. */
  tsneIterations?: number;
  seed?: number;
}

export interface Report {
  html: string;
  /** PNG file name → bytes. */
  images: Map<string, Buffer>;
  charts: string[];
}

export async function buildReport(data: EvalData, result: EvalResult, opts: ReportOptions): Promise<Report> {
  const rng = runStream(opts.seed ?? 0, 'report');
  const { features, seqLen } = data;
  const charts: Chart[] = [];

  const shown = 5;
  charts.push(samplesChart(features, windowsOf(subsample(data.real, shown, rng)), windowsOf(subsample(data.synthetic, shown, rng))));

  const n = opts.embedSamples ?? 1000;
  const r = subsample(data.real, n, rng);
  const s = subsample(data.synthetic, n, rng);
  const rm = featureMeans(r);
  const sm = featureMeans(s);
  const [pr, ps] = pca2(rm, r.count, seqLen, [rm, sm]);
  charts.push(
    scatterChart('pca', 'PCA', `${r.count} real and ${s.count} synthetic sequences, each averaged over its features; components fitted on the real ones (TimeGAN's picture).`, pr, ps),
  );
  const both = new Float64Array(rm.length + sm.length);
  both.set(rm);
  both.set(sm, rm.length);
  const y = tsne(both, r.count + s.count, seqLen, { seed: opts.seed ?? 0, iterations: opts.tsneIterations });
  charts.push(
    scatterChart(
      'tsne',
      't-SNE',
      'The same sequences embedded together (perplexity 40): synthetic points should mix with the real ones everywhere, not sit in a corner.',
      y.subarray(0, 2 * r.count),
      y.subarray(2 * r.count),
    ),
  );
  const sub = { real: subsample(data.real, n, rng), synthetic: subsample(data.synthetic, n, rng) };
  charts.push(
    histogramChart(
      features,
      features.map((_, f) => featureValues(sub.real, f)),
      features.map((_, f) => featureValues(sub.synthetic, f)),
    ),
  );
  if (result.autocorrelation.lags > 0) charts.push(autocorrelationChart(features, result.autocorrelation.real, result.autocorrelation.synthetic));
  if (features.length > 1) charts.push(correlationChart(features, result.crossCorrelation.real, result.crossCorrelation.synthetic));
  const training = opts.model ? historyChart(opts.model.history, opts.model.historyNote) : null;
  if (training) charts.push(training);
  const grads = opts.model ? gradPerStepChart(opts.model.history.gradNormPerStep ?? []) : null;
  if (grads) charts.push(grads);

  const { images, figures } = await renderCharts(charts);

  const rows = formatEvalRows(result);
  const warnings =
    result.warnings.length > 0
      ? `<div class="warnings">${result.warnings.map((w) => `<p>⚠ ${esc(w)}</p>`).join('')}</div>`
      : '<div class="ok"><p>No warning: no sign of mode collapse or memorisation.</p></div>';
  const m = opts.model;
  const model = m
    ? `<p>Model <code>${esc(String(m.dir))}</code>: ${num(m.iterations, 0)} iterations` +
      (m.trainingSeconds !== undefined ? ` in ${num(m.trainingSeconds, 1)} s` : '') +
      (m.checkpoint
        ? `; its weights are the best checkpoint, iteration ${num(m.checkpoint.iteration, 0)} (${esc(String(m.checkpoint.metric))} ${num(m.checkpoint.value, 4)})`
        : '') +
      `.</p><details><summary>Model configuration</summary><pre>${esc(JSON.stringify(m.config ?? null, null, 2) ?? 'null')}</pre></details>`
    : '';

  const html = reportPage(`tsgan evaluation: ${esc(opts.syntheticName)}`, `<h1>Synthetic data evaluation</h1>
<p class="meta"><b>${esc(opts.syntheticName)}</b> (${num(result.syntheticSequences, 0)} sequences) against <b>${esc(opts.realName)}</b> (${num(result.realSequences, 0)} windows), ${num(seqLen, 0)} steps × ${features.length} features (${esc(features.join(', '))}), scaled by the real data's range. tsgan ${esc(VERSION)}, seed ${num(result.seed, 0)}, ${num(result.repeats, 0)} repeat${result.repeats > 1 ? 's' : ''} of each trained score.</p>
${warnings}
<h2>Metrics</h2>
${metricsTable('metric', rows)}
${model}
${figures.join('\n')}
`);
  return { html, images, charts: charts.map((c) => c.name) };
}

/** A table of [name, value, what it means] rows, escaped; `head` names the first column. */
export function metricsTable(head: string, rows: [string, string, string][]): string {
  const body = rows.map(([name, value, meaning]) => `<tr><td>${esc(name)}</td><td class="num">${esc(value)}</td><td>${esc(meaning)}</td></tr>`).join('\n');
  return `<table>
<thead><tr><th>${esc(head)}</th><th>value</th><th>what it means (lower is better unless said)</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}

/** Each chart as inline, inert SVG in a section of the page, and as PNG bytes by file name. */
export async function renderCharts(charts: Chart[]): Promise<{ images: Map<string, Buffer>; figures: string[] }> {
  const images = new Map<string, Buffer>();
  const figures: string[] = [];
  for (const c of charts) {
    const svg = await chartToSvg(c.spec, c.name);
    images.set(`${c.name}.png`, svgToPng(svg));
    figures.push(`<section id="${c.name}"><h2>${esc(c.title)}</h2><p class="caption">${esc(c.caption)}</p><div class="chart">${inertSvg(svg)}</div></section>`);
  }
  return { images, figures };
}

/** The report's page around `body` (already escaped): its policy, its style, and `title` (already escaped). */
export function reportPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin: 1.6em 0 .2em; }
.meta, .caption { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .6em 0; }
td, th { border-bottom: 1px solid #ddd; padding: .35em .6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.warnings { background: #fff4e5; border-left: 4px solid #e6550d; padding: .2em 1em; }
.ok { background: #eef7ee; border-left: 4px solid #2ca02c; padding: .2em 1em; }
.chart { overflow-x: auto; } code, pre { background: #f6f6f6; } pre { padding: .6em; overflow-x: auto; }
</style>
</head>
<body>
${body}</body>
</html>
`;
}

/** Windows as nested arrays [count][step][feature]. */
function windowsOf(w: WindowSet): number[][][] {
  const { seqLen: T, features: F } = w;
  return Array.from({ length: w.count }, (_, i) => Array.from({ length: T }, (_, t) => Array.from(w.data.subarray((i * T + t) * F, (i * T + t + 1) * F))));
}

/**
 * The page's policy: inline CSS (the <style> block and the SVGs' attributes) and nothing else — no
 * script, no fetch, no image, no form, no frame, no <base>. The PNGs beside the page are not loaded by it.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/**
 * HTML-escapes text for element content and quoted attributes; `=` and `:` are written as character
 * references too, so that no untrusted text reads as `onerror=` or `javascript:` even to a filter
 * that looks at the raw bytes (the browser shows the same characters).
 */
export function esc(s: string): string {
  return String(s).replace(/[&<>"'=:]/g, (c) => ENTITIES[c]!);
}
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '=': '&#61;', ':': '&#58;' };

/** A number from a model file, printed only if it is one: a string or an object where a number belongs shows as "?". */
export function num(v: unknown, digits: number): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '?';
}
