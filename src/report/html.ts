/**
 * The evaluation report: one self-contained HTML page (inline CSS and SVG
 * charts, no scripts, nothing fetched from the network) and the same charts
 * as PNG files. It leads with the warnings and a metrics table that says in
 * one line what each number means, then shows the data: sample sequences,
 * TimeGAN's PCA and t-SNE pictures, value distributions, autocorrelation,
 * correlations and, when the model directory is given, its training history.
 * The page holds no timestamp, so the same inputs give the same bytes.
 */
import { Rng } from '../random.js';
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
  };
  /** Sequences a side in the PCA / t-SNE pictures. Default 1,000 (TimeGAN). */
  embedSamples?: number;
  /** t-SNE iterations. Default 400. */
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
  const rng = new Rng((opts.seed ?? 0) ^ 0x4e9);
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
  const training = opts.model ? historyChart(opts.model.history) : null;
  if (training) charts.push(training);
  const grads = opts.model ? gradPerStepChart(opts.model.history.gradNormPerStep ?? []) : null;
  if (grads) charts.push(grads);

  const images = new Map<string, Buffer>();
  const figures: string[] = [];
  for (const c of charts) {
    const svg = await chartToSvg(c.spec, c.name);
    images.set(`${c.name}.png`, svgToPng(svg));
    figures.push(`<section id="${c.name}"><h2>${esc(c.title)}</h2><p class="caption">${esc(c.caption)}</p><div class="chart">${svg}</div></section>`);
  }

  const rows = formatEvalRows(result)
    .map(([name, value, meaning]) => `<tr><td>${esc(name)}</td><td class="num">${esc(value)}</td><td>${esc(meaning)}</td></tr>`)
    .join('\n');
  const warnings =
    result.warnings.length > 0
      ? `<div class="warnings">${result.warnings.map((w) => `<p>⚠ ${esc(w)}</p>`).join('')}</div>`
      : '<div class="ok"><p>No warning: no sign of mode collapse or memorisation.</p></div>';
  const model = opts.model
    ? `<p>Model <code>${esc(opts.model.dir)}</code>: ${opts.model.iterations} iterations` +
      (opts.model.trainingSeconds !== undefined ? ` in ${opts.model.trainingSeconds.toFixed(1)} s` : '') +
      (opts.model.checkpoint
        ? `; its weights are the best checkpoint, iteration ${opts.model.checkpoint.iteration} (${esc(opts.model.checkpoint.metric)} ${opts.model.checkpoint.value.toFixed(4)})`
        : '') +
      `.</p><details><summary>Model configuration</summary><pre>${esc(JSON.stringify(opts.model.config, null, 2))}</pre></details>`
    : '';

  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tsgan evaluation: ${esc(opts.syntheticName)}</title>
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
<h1>Synthetic data evaluation</h1>
<p class="meta"><b>${esc(opts.syntheticName)}</b> (${result.syntheticSequences} sequences) against <b>${esc(opts.realName)}</b> (${result.realSequences} windows), ${seqLen} steps × ${features.length} features (${esc(features.join(', '))}), scaled by the real data's range. tsgan ${VERSION}, seed ${result.seed}, ${result.repeats} repeat${result.repeats > 1 ? 's' : ''} of each trained score.</p>
${warnings}
<h2>Metrics</h2>
<table>
<thead><tr><th>metric</th><th>value</th><th>what it means (lower is better unless said)</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${model}
${figures.join('\n')}
</body>
</html>
`;
  return { html, images, charts: charts.map((c) => c.name) };
}

/** Windows as nested arrays [count][step][feature]. */
function windowsOf(w: WindowSet): number[][][] {
  const { seqLen: T, features: F } = w;
  return Array.from({ length: w.count }, (_, i) => Array.from({ length: T }, (_, t) => Array.from(w.data.subarray((i * T + t) * F, (i * T + t + 1) * F))));
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
