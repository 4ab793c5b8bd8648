/**
 * `tsgan eval` end to end on the stock data against a trained model's
 * samples: the printed table, the JSON keys, the HTML report and its PNG
 * charts (and, where Chromium is installed, the page as a browser shows it),
 * reproducibility, refusal to overwrite; and `tsgan train --eval-every`.
 */
import { modelEntry } from '../src/registry.js';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { engine, runCli, STOCK_CSV, tempDir } from './helpers.js';
import { checkReportPage, chromiumPath } from '../tools/report-screenshot.js';
import { Rgan, rganConfig } from '../src/models/rgan.js';
import { EvalCallback } from '../src/train/evaluator.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { fit } from '../src/train/loop.js';
import { sineData } from '../src/data/sines.js';
import { toJson } from '../src/io/json.js';
import { historyChart } from '../src/report/charts.js';

const CHARTS = ['samples', 'pca', 'tsne', 'histograms', 'autocorrelation', 'correlation', 'training', 'gradients'];
let dir: string;
let model: string;
let synth: string;

before(async () => {
  await engine();
  dir = tempDir();
  model = join(dir, 'model');
  synth = join(dir, 'synth.csv');
  const t = await runCli(['train', '--model', 'rgan', '--data', STOCK_CSV, '--out', model, '--iterations', '60', '--eval-every', '30', '--layers', '1', '--seed', '3']);
  assert.equal(t.code, 0, t.stderr);
  const s = await runCli(['sample', '--model', model, '--count', '300', '--out', synth, '--seed', '1']);
  assert.equal(s.code, 0, s.stderr);
});

const evalArgs = (json: string, report: string, extra: string[] = []) => [
  'eval', '--real', STOCK_CSV, '--synthetic', synth, '--repeats', '1', '--disc-iterations', '100', '--pred-iterations', '100',
  '--json', json, '--report', report, '--model', model, '--seed', '5', ...extra,
];

test('tsgan eval prints the metrics, writes the JSON and a self-contained HTML report with PNG charts', async () => {
  const json = join(dir, 'metrics.json');
  const report = join(dir, 'report.html');
  const r = await runCli(evalArgs(json, report));
  assert.equal(r.code, 0, r.stderr);
  for (const name of ['discriminative (strong)', 'memorisation', "discriminative (TimeGAN's)", 'predictive', 'predictive (real data)', 'mmd', 'coverage', 'spread', "changes' autocorrelation", 'wiggles']) {
    assert.match(r.stdout, new RegExp(`^${name.replace(/[()]/g, '\\$&')}\\s`, 'm'), `table row ${name}`);
  }
  // The honest score leads, memorisation beside it, the published one after them.
  const order = ['discriminative (strong)', 'memorisation', "discriminative (TimeGAN's)"].map((name) => r.stdout.indexOf(`\n${name} `));
  assert.ok(order[0] >= 0 && order[0] < order[1] && order[1] < order[2], `row order ${order}`);
  const m = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(m.discriminativeStrong.blockRows, [96]);
  for (const k of ['discriminativeStrong', 'discriminative', 'predictive']) {
    assert.equal(typeof m[k].mean, 'number', k);
    assert.equal(typeof m[k].std, 'number', k);
  }
  assert.equal(typeof m.predictive.baseline.mean, 'number');
  assert.ok(m.discriminative.mean >= 0 && m.discriminative.mean <= 0.5);
  assert.equal(typeof m.mmd.value, 'number');
  assert.ok(m.coverage.value >= 0 && m.coverage.value <= 1);
  assert.equal(typeof m.memorisation.share, 'number');
  assert.deepEqual(m.features, ['Open', 'High', 'Low', 'Close', 'Adj_Close', 'Volume']);
  assert.equal(m.realSequences, 3662);
  assert.equal(m.syntheticSequences, 300);

  const html = readFileSync(report, 'utf8');
  // The model was trained with --eval-every: the page says its weights are the best checkpoint, not the last.
  const { checkpoint } = JSON.parse(readFileSync(join(model, 'tsgan.json'), 'utf8'));
  assert.match(html, new RegExp(`60 iterations in [0-9.]+ s; its weights are the best checkpoint, iteration ${checkpoint.iteration} \\(mmd ${checkpoint.value.toFixed(4)}\\)`));
  for (const c of CHARTS) assert.match(html, new RegExp(`<section id="${c}">.*?<svg`, 's'), `chart ${c} in the page`);
  // The log axis of the gradient chart labels powers of ten only, each written one way (0.01, 1e-4).
  const section = (id: string) => html.match(new RegExp(`<section id="${id}">.*?</section>`, 's'))![0];
  const numbers = (id: string) => [...section(id).matchAll(/<text[^>]*>([-0-9.e+]+)<\/text>/g)].map((m) => m[1]);
  const gradLabels = numbers('gradients').filter((t) => Number(t) > 0 && Number(t) < 1); // the y axis's (x: steps 0, 2, …)
  assert.ok(gradLabels.length >= 2, gradLabels.join(' '));
  for (const t of gradLabels) assert.match(t, /^(0\.0{0,2}1|1e-\d+)$/, `gradient axis label ${t}`);
  // The training panels' labels keep their digits (no "3e+1" for 30).
  for (const t of numbers('training')) assert.doesNotMatch(t, /e\+/, `training axis label ${t}`);
  assert.doesNotMatch(html, /<script|<link|<img|src="|url\((?!#)|@import/i, 'the page loads nothing');
  assert.doesNotMatch(html.replace(/xmlns(:xlink)?="http[^"]*"/g, ''), /https?:\/\//, 'no address outside the page');
  const charts = join(dir, 'report-charts');
  assert.deepEqual(readdirSync(charts).sort(), CHARTS.map((c) => `${c}.png`).sort());
  for (const f of readdirSync(charts)) {
    const b = readFileSync(join(charts, f));
    assert.equal(b.subarray(1, 4).toString(), 'PNG', f);
    assert.ok(b.length > 5000, `${f}: ${b.length} bytes`);
  }

  // The same seed gives the same bytes; existing results are kept without --force.
  const before = statSync(json).mtimeMs;
  const again = await runCli(evalArgs(json, report));
  assert.equal(again.code, 2);
  assert.match(again.stderr, /metrics\.json: exists; choose another --json or pass --force/);
  assert.equal(statSync(json).mtimeMs, before);
  const forced = await runCli(evalArgs(json, report, ['--force']));
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(json, 'utf8'), toJson(m));
  assert.equal(readFileSync(report, 'utf8'), html);
});

test('the report as a browser shows it: every chart drawn, nothing requested from outside', { skip: chromiumPath() ? false : 'Chromium is not installed' }, async () => {
  const report = join(dir, 'browser.html');
  const r = await runCli(['eval', '--real', STOCK_CSV, '--synthetic', synth, '--quick', '--report', report, '--model', model]);
  assert.equal(r.code, 0, r.stderr);
  const shot = join(dir, 'shot.png');
  const page = await checkReportPage(report, shot);
  assert.deepEqual(page.sections, CHARTS);
  assert.equal(page.svgCharts, CHARTS.length);
  assert.deepEqual(page.external, []);
  assert.ok(existsSync(shot));
});

test('tsgan eval --quick: the untrained metrics only; bad input is one line and exit 2', async () => {
  const r = await runCli(['eval', '--real', STOCK_CSV, '--synthetic', synth, '--quick']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /^discriminative/m);
  assert.match(r.stdout, /^coverage\s/m);
  const bad = await runCli(['eval', '--real', STOCK_CSV, '--synthetic', synth, '--columns', 'Open,Nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown column "Nope" in --columns/);
  const report = await runCli(['eval', '--real', STOCK_CSV, '--synthetic', synth, '--report', join(dir, 'r.pdf')]);
  assert.equal(report.code, 2);
  assert.match(report.stderr, /--report must name an \.html file/);
  const missing = await runCli(['eval', '--synthetic', synth]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--real is required/);
});

test('tsgan train --eval-every records evaluations in the history and saves the best checkpoint', () => {
  const meta = JSON.parse(readFileSync(join(model, 'tsgan.json'), 'utf8'));
  const evals = meta.history.evaluations;
  assert.deepEqual(evals.map((e: { iteration: number }) => e.iteration), [30, 60]);
  for (const k of ['mmd', 'coverage', 'precision', 'recall', 'spread', 'memorisation', 'marginalW1']) assert.equal(typeof evals[0].metrics[k], 'number', k);
  const best = evals.reduce((a: { metrics: { mmd: number } }, b: { metrics: { mmd: number } }) => (b.metrics.mmd < a.metrics.mmd ? b : a));
  assert.equal(meta.checkpoint.iteration, best.iteration);
  assert.equal(meta.checkpoint.metric, 'mmd');
  assert.equal(meta.checkpoint.lastIteration, 60);
  assert.ok(meta.data.trainWindows < meta.data.windows);
});

test('the best checkpoint is restored: the model evaluates to the best recorded value', async () => {
  const w = sineData({ count: 200, seqLen: 12, features: 2, seed: 1 });
  const gan = new Rgan(rganConfig({ features: 2, seqLen: 12, layers: 1, hidden: 8, batchSize: 32 }), 1);
  const cb = new EvalCallback(gan, { every: 5, heldOut: w, samples: 100, seed: 2 });
  await fit(new GanTrainer(gan, w, 1), { iterations: 30, callbacks: [cb] });
  assert.ok(cb.best);
  const last = cb.evaluate().mmd;
  cb.restoreBest();
  const restored = cb.evaluate().mmd;
  assert.equal(restored, cb.best.value);
  if (cb.best.iteration !== 30) assert.notEqual(restored, last);
  cb.dispose();
  gan.dispose();
});

test('the training caption tells how to read TimeGAN\'s D, and only for TimeGAN', () => {
  const history = (metrics: Record<string, number[]>) => ({ iteration: [1, 2], metrics });
  const note = (model: string) => modelEntry(model).historyNote;
  const timegan = historyChart(history({ phase: [3, 3], dLoss: [1.9, 1.91], dAccReal: [0, 0.01] }), note('timegan'))!;
  assert.match(timegan.caption, /TimeGAN's D judges two generated batches for each real one.*dLoss near 1\.91/);
  const rgan = historyChart(history({ dLoss: [1.3, 1.2], dAccReal: [0.5, 0.6] }), note('rgan'))!;
  assert.doesNotMatch(rgan.caption, /TimeGAN/);
});
