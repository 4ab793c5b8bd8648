/**
 * The evaluation's calibration: each metric on cases whose answer is known
 * (real against a disjoint half of itself, uniform noise, time steps
 * shuffled, one window repeated), TimeGAN's predictive score on the real
 * stock data, and the metrics' building blocks on hand-checked values.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, STOCK_CSV, tempDir } from './helpers.js';
import { tf } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { loadEvalData, pickOrigins, pickWindows, type EvalData, type WindowSet } from '../src/eval/data.js';
import { heldOutParts, discriminativeScore, predictiveScore, predictiveTask, disjointWindows } from '../src/eval/posthoc.js';
import { blockParts } from '../src/eval/blocks.js';
import { distanceMetrics } from '../src/eval/distance.js';
import { replayedStretches, REPLAY_STEPS } from '../src/eval/replay.js';
import { ecdfDistances, autocorrelation, correlationMatrix, meanAbsDiff, texture } from '../src/eval/stats.js';
import { pca2, tsne } from '../src/eval/embed.js';
import { evaluateWindows, toldRuns } from '../src/eval/evaluate.js';
import { samplesToCsv } from '../src/io/samples.js';
import { sineData, sinesToCsv } from '../src/data/sines.js';
import { SequenceRegressor, regressorConfig } from '../src/models/sequence-regressor.js';

let data: EvalData;
let halfA: WindowSet;
let halfB: WindowSet;
let originA: Int32Array;

before(async () => {
  await engine();
  // The stock data against itself, written as tsgan sample would write it (first 150 windows, no overlap).
  const dir = tempDir();
  const d0 = loadEvalData({ real: STOCK_CSV, synthetic: writeSynthetic(dir, 'self.csv', 150) });
  data = d0;
  // Two disjoint random halves of the real windows.
  const perm = new Rng(3).permutation(data.real.count);
  const half = data.real.count >> 1;
  halfA = pickWindows(data.real, perm.subarray(0, half));
  halfB = pickWindows(data.real, perm.subarray(half));
  originA = pickOrigins(data.realOrigin, perm.subarray(0, half));
});

/** A long-format CSV of `count` sequences taken from the stock data's rows 24 apart, in its units. */
function writeSynthetic(dir: string, name: string, count: number, seqLen = 24): string {
  const lines = readStock();
  const F = 6;
  const values = new Float64Array(count * seqLen * F);
  for (let i = 0; i < count; i++) for (let t = 0; t < seqLen; t++) for (let f = 0; f < F; f++) values[(i * seqLen + t) * F + f] = lines[i * seqLen + t][f];
  const file = join(dir, name);
  writeFileSync(file, samplesToCsv(values, count, seqLen, ['Open', 'High', 'Low', 'Close', 'Adj_Close', 'Volume']));
  return file;
}

let stockRows: number[][] | null = null;
function readStock(): number[][] {
  stockRows ??= readFileSync(STOCK_CSV, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  return stockRows;
}

test('calibration: real against a disjoint half of itself scores as indistinguishable', () => {
  const disc = discriminativeScore(halfA, halfB, { seed: 0 });
  assert.ok(disc.score <= 0.05, `discriminative ${disc.score}`);
  const d = distanceMetrics(halfA, halfB, originA);
  assert.ok(Math.abs(d.mmd) <= 0.01, `mmd ${d.mmd}`);
  assert.ok(d.coverage >= 0.9, `coverage ${d.coverage}`);
  assert.ok(d.spread > 0.9 && d.spread < 1.1, `spread ${d.spread}`);
});

test('calibration: uniform noise in the data range is told apart and covers nothing', () => {
  const noise: WindowSet = { ...halfB, data: new Rng(5).uniformArray(halfB.data.length) };
  const disc = discriminativeScore(halfA, noise, { seed: 0 });
  assert.ok(disc.score >= 0.45, `discriminative ${disc.score}`);
  const d = distanceMetrics(halfA, noise, originA);
  assert.ok(d.coverage <= 0.05, `coverage ${d.coverage}`);
  assert.ok(d.mmd > 0.1, `mmd ${d.mmd}`);
});

test('calibration: the strong score says 0 for real windows, and catches shuffled or smoothed steps that the reference score misses', () => {
  const T = halfB.seqLen;
  const F = halfB.features;
  const shuffled: WindowSet = { ...halfB, data: halfB.data.slice() };
  const rng = new Rng(9);
  for (let i = 0; i < halfB.count; i++) {
    const p = rng.permutation(T);
    for (let t = 0; t < T; t++) shuffled.data.set(halfB.data.subarray((i * T + p[t]) * F, (i * T + p[t] + 1) * F), (i * T + t) * F);
  }
  // Each step the mean of itself and its neighbours: the texture of real prices, smoothed away.
  const smoothed: WindowSet = { ...halfB, data: halfB.data.slice() };
  for (let i = 0; i < halfB.count; i++) {
    for (let t = 1; t + 1 < T; t++) for (let f = 0; f < F; f++) smoothed.data[(i * T + t) * F + f] = (halfB.data[(i * T + t - 1) * F + f] + halfB.data[(i * T + t) * F + f] + halfB.data[(i * T + t + 1) * F + f]) / 3;
  }
  // Real test windows from held-out blocks of time, as tsgan eval scores them.
  const strong = (s: WindowSet) => discriminativeScore(halfA, s, { seed: 0, variant: 'strong', realOrigin: originA });
  const same = strong(halfB);
  assert.ok(same.score <= 0.05, `strong, real vs real: ${same.score}`);
  assert.equal(same.blockRows, 4 * T);
  // Test windows cut every row share rows: far fewer count as independent, and real against real is not "told".
  const told = (d: { score: number; testWindows: number; testIndependent?: number }) => toldRuns({ runs: [d.score], testWindows: [d.testWindows], testIndependent: [d.testIndependent!] });
  assert.ok(same.testIndependent! > 0 && same.testIndependent! * 5 < same.testWindows, `${same.testIndependent} independent of ${same.testWindows}`);
  assert.equal(told(same), 0);
  for (const [name, s] of [['shuffled', shuffled], ['smoothed', smoothed]] as const) {
    const caught = strong(s);
    assert.ok(caught.score >= 0.4, `strong, ${name}: ${caught.score}`);
    assert.equal(told(caught), 1, name);
  }
  const weakSmoothed = discriminativeScore(halfA, smoothed, { seed: 0 });
  assert.ok(weakSmoothed.score <= 0.1, `reference score on smoothed windows: ${weakSmoothed.score} (the reason for the strong one)`);
  // Real vs real never improves on ln 2 for long: early stopping still waits out the reference's 2,000 steps.
  assert.ok(same.iterations >= 2000, `strong classifier stopped after ${same.iterations} steps`);
  // Same values, same marginals: of the untrained metrics only the autocorrelation sees it.
  const acfA = autocorrelation(halfA, 5);
  const errSame = meanAbsDiff(acfA, autocorrelation(halfB, 5));
  const errShuf = meanAbsDiff(acfA, autocorrelation(shuffled, 5));
  assert.ok(errShuf > 10 * errSame, `autocorrelation error: shuffled ${errShuf}, real ${errSame}`);
});

test('calibration: the ideal generator (fresh draws of the Sines process) scores near 0 on the strong score, and the same draws with noise of sd 0.001 near 0.5', () => {
  const a = sineData({ count: 3000, seqLen: 24, features: 5, seed: 0 });
  const b = sineData({ count: 3000, seqLen: 24, features: 5, seed: 1000 });
  const r = discriminativeScore(a, b, { seed: 0, variant: 'strong' });
  assert.ok(r.score <= 0.05, `strong, fresh Sines draws: ${r.score}`);
  assert.equal(r.testWindows, 600);
  // Its resolution: white noise of sd 0.001 (a tenth of a per cent of the range) on the same draws is told.
  const z = new Rng(7).normalArray(b.data.length);
  const noisy = { ...b, data: b.data.map((v, i) => v + 0.001 * z[i]) };
  const n = discriminativeScore(a, noisy, { seed: 0, variant: 'strong' });
  assert.ok(n.score >= 0.4, `strong, fresh Sines draws with noise of sd 0.001: ${n.score}`);
  // "Told" is a difference beyond chance: the ideal generator's run is not, the noisy draws' run is.
  // Every Sines window is its own series, so every test window counts.
  assert.equal(r.testIndependent, r.testWindows);
  const told = (d: { score: number; testWindows: number }) => toldRuns({ runs: [d.score], testWindows: [d.testWindows] });
  assert.equal(told(r), 0, `fresh Sines draws told (score ${r.score})`);
  assert.equal(told(n), 1);
  assert.equal(told({ score: 0.04, testWindows: 600 }), 0); // 3 standard errors of a coin over 1,200 windows: 0.0433
  assert.equal(told({ score: 0.045, testWindows: 600 }), 1);
});

test('a series too short for held-out blocks is split window by window, and its overlapping test windows do not all count as independent', () => {
  // One series of 60 rows, windows of 8 steps at stride 1: blocks of 32 rows leave a part empty.
  const T = 8, F = 1, count = 53;
  const w: WindowSet = { data: new Float32Array(count * T * F).map((_, i) => Math.sin(i)), count, seqLen: T, features: F };
  const origin = Int32Array.from({ length: 2 * count }, (_, k) => (k & 1 ? k >> 1 : 0));
  const p = heldOutParts(w, w, { seed: 0, variant: 'strong', realOrigin: origin }, new Rng(0));
  assert.equal(p.blockRows, 0);
  assert.ok(p.testIndependent >= 1 && p.testIndependent < p.R.test.count, `${p.testIndependent} independent of ${p.R.test.count}`);
  assert.ok(p.testIndependent <= Math.ceil(60 / T), `${p.testIndependent} windows of ${T} rows in 60 rows`);
});

test('disjointWindows counts the windows that share no row, per series', () => {
  // Series 0: windows starting at rows 0..47 (stride 1); series 1: rows 0 and 30; T = 24.
  const origin: number[] = [];
  for (let r = 0; r < 48; r++) origin.push(0, r);
  origin.push(1, 0, 1, 30);
  const all = Int32Array.from({ length: 50 }, (_, i) => i);
  assert.equal(disjointWindows(Int32Array.from(origin), all, 24), 2 + 2);
  // Order does not matter; a subset counts only its own windows (rows 5 and 28 overlap, 5 and 29 do not).
  assert.equal(disjointWindows(Int32Array.from(origin), Int32Array.from([29, 5, 49]), 24), 3);
  assert.equal(disjointWindows(Int32Array.from(origin), Int32Array.from([28, 5]), 24), 1);
});

test('held-out blocks: no real test window lies within one window of a training or validation window', () => {
  const T = data.seqLen;
  const b = blockParts(data.realOrigin, T, [3, 1, 1], new Rng(4));
  assert.equal(b.blockRows, 4 * T);
  const kept = b.counts.reduce((x, y) => x + y, 0);
  // One series of 3,685 rows: about three quarters of its windows survive the gaps, about 60/20/20.
  assert.ok(kept > 0.6 * data.real.count && kept < data.real.count, `kept ${kept} of ${data.real.count}`);
  for (const [p, share] of [[0, 0.6], [1, 0.2], [2, 0.2]] as const) assert.ok(Math.abs(b.counts[p] / kept - share) < 0.1, `part ${p}: ${b.counts[p]} of ${kept}`);
  const starts = [0, 1, 2].map((p) => Array.from(b.part.keys()).filter((w) => b.part[w] === p).map((w) => data.realOrigin[2 * w + 1]));
  for (const s of starts[2]) {
    for (const other of [...starts[0], ...starts[1]]) assert.ok(Math.abs(s - other) >= 2 * T, `test window at ${s}, training or validation window at ${other}`);
  }
  // Series of one window each (Sines) are dealt one by one, in the shares asked for.
  const own = Int32Array.from({ length: 2000 }, (_, k) => (k & 1 ? 0 : k >> 1));
  const c = blockParts(own, T, [3, 1, 1], new Rng(4));
  assert.deepEqual(c.counts, [600, 200, 200]);
  // Several series of other lengths, ids not in order, windows in any order: the same deal, and every two
  // windows of different parts (training and validation too) a window apart.
  const windows: [number, number][] = [];
  for (const [series, rows] of [[7, 101], [2, 500], [40, 30], [5, 7 * T + 5]]) for (let start = 0; start + T <= rows; start++) windows.push([series, start]);
  const flat = (ws: [number, number][]) => Int32Array.from(ws.flat());
  const mixed = new Rng(8).permutation(windows.length);
  const d = blockParts(flat(windows), T, [3, 1, 1], new Rng(4));
  const e = blockParts(flat(Array.from(mixed, (i) => windows[i])), T, [3, 1, 1], new Rng(4));
  mixed.forEach((i, k) => assert.equal(e.part[k], d.part[i], `window ${windows[i]}`));
  for (let i = 0; i < windows.length; i++) {
    for (let j = 0; j < windows.length; j++) {
      if (d.part[i] < 0 || d.part[j] < 0 || d.part[i] === d.part[j] || windows[i][0] !== windows[j][0]) continue;
      assert.ok(Math.abs(windows[i][1] - windows[j][1]) >= 2 * T, `series ${windows[i][0]}: parts ${d.part[i]} at ${windows[i][1]}, ${d.part[j]} at ${windows[j][1]}`);
    }
  }
  assert.throws(() => blockParts(own, T, [3, 1, 1], new Rng(4), T), /blockRows must be an integer of at least 2 × seqLen/);
});

test('paired windows (a model\'s reconstructions of the real ones) go to their real window\'s part, so no copy of a test window is trained on', () => {
  const T = data.seqLen;
  const copy = { ...data.real, data: data.real.data.slice() };
  const { R, S } = heldOutParts(data.real, copy, { realOrigin: data.realOrigin, paired: true }, new Rng(3));
  for (const k of ['train', 'val', 'test'] as const) {
    assert.ok(R[k].count > 0);
    assert.deepEqual(S[k].data, R[k].data, `${k}: the reconstructions are those of the real windows in the part`);
  }
  assert.equal(R.test.data.length, R.test.count * T * data.real.features);
  assert.throws(() => heldOutParts(data.real, { ...copy, count: copy.count - 1 }, { realOrigin: data.realOrigin, paired: true }, new Rng(3)), /paired windows/);
});

test('the strong score says how its real windows were split, and refuses sets too small for its three parts', () => {
  const a = sineData({ count: 40, seqLen: 8, features: 2, seed: 0 });
  const b = sineData({ count: 40, seqLen: 8, features: 2, seed: 1 });
  const withOrigins = Int32Array.from({ length: 80 }, (_, k) => (k & 1 ? 0 : k >> 1));
  const blocked = discriminativeScore(a, b, { seed: 0, variant: 'strong', iterations: 100, realOrigin: withOrigins });
  assert.equal(blocked.blockRows, 32);
  assert.equal(blocked.testWindows, 8);
  assert.ok(Math.abs(blocked.accuracy - (blocked.accuracyReal + blocked.accuracySynthetic) / 2) < 1e-12);
  // Without origins the real windows are split one by one, and the result says so.
  assert.equal(discriminativeScore(a, b, { seed: 0, variant: 'strong', iterations: 100 }).blockRows, 0);
  const two = { ...b, data: b.data.subarray(0, 2 * 8 * 2), count: 2 };
  assert.throws(() => discriminativeScore(a, two, { seed: 0, variant: 'strong', iterations: 100 }), /too few windows for the strong discriminative score: 40 real and 2 synthetic/);
});

test('calibration: a collapsed synthetic set (one real window repeated) has no coverage and raises the memorisation warning', () => {
  const size = halfB.seqLen * halfB.features;
  const one = new Float32Array(halfB.count * size);
  for (let i = 0; i < halfB.count; i++) one.set(halfA.data.subarray(7 * size, 8 * size), i * size);
  const collapsed: WindowSet = { ...halfB, data: one };
  const r = evaluateWindows(halfA, collapsed, data.features, { quick: true, realOrigin: originA, maxSamples: halfA.count });
  assert.ok(r.coverage.value <= 0.02, `coverage ${r.coverage.value}`);
  assert.ok(r.coverage.spread < 0.01, `spread ${r.coverage.spread}`);
  assert.equal(r.memorisation.warning, true);
  assert.equal(r.memorisation.exactCopies, 1);
  assert.ok(r.warnings.some((w) => w.startsWith('mode collapse')), r.warnings.join('; '));
  assert.ok(r.warnings.some((w) => w.startsWith('memorisation')), r.warnings.join('; '));
});

test('calibration: a crowded synthetic set (real windows, eight near-copies of each) keeps coverage and precision, loses recall, and is flagged', () => {
  const size = halfB.seqLen * halfB.features;
  const rng = new Rng(5);
  const crowdedData = new Float32Array(halfB.count * size);
  for (let i = 0; i < halfB.count; i++) {
    const src = (i % Math.round(halfB.count / 8)) * size;
    for (let k = 0; k < size; k++) crowdedData[i * size + k] = halfB.data[src + k]! + 0.002 * rng.normal();
  }
  // All windows (not the default 1,000 a side): a subsample would thin the copies below k + 1.
  const crowded = evaluateWindows(halfA, { ...halfB, data: crowdedData }, data.features, { quick: true, realOrigin: originA, maxSamples: halfA.count });
  assert.ok(crowded.coverage.value > 0.3, `coverage ${crowded.coverage.value}: above the collapse warning's 0.2`);
  assert.ok(crowded.coverage.precision > 0.9, `precision ${crowded.coverage.precision}`);
  assert.ok(crowded.coverage.recall < 0.05, `recall ${crowded.coverage.recall}`);
  assert.ok(crowded.warnings.some((w) => w.startsWith('crowded: recall')), crowded.warnings.join('; '));
  assert.ok(!crowded.warnings.some((w) => w.startsWith('mode collapse')), crowded.warnings.join('; '));
  const healthy = evaluateWindows(halfA, halfB, data.features, { quick: true, realOrigin: originA, maxSamples: halfA.count });
  assert.ok(healthy.coverage.recall > 0.5, `real against real: recall ${healthy.coverage.recall}`);
  // (Its memorisation warning is the halves' overlapping stride-1 windows; not what this test is about.)
  assert.ok(!healthy.warnings.some((w) => w.startsWith('crowded') || w.startsWith('mode collapse')), healthy.warnings.join('; '));
});

test("calibration: TimeGAN's predictive score on the real stock data is close to the published 'original data' figure", () => {
  const mae = predictiveScore(data.real, data.real, { seed: 0 });
  assert.ok(mae > 0.03 && mae < 0.045, `predictive score on real data ${mae} (published ≈ 0.04)`);
});

test('predictive task: other features at t predict the last feature at t + 1', () => {
  const w: WindowSet = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), count: 1, seqLen: 3, features: 3 };
  const { x, y, inputs } = predictiveTask(w);
  assert.equal(inputs, 2);
  assert.deepEqual(Array.from(x), [1, 2, 4, 5]);
  assert.deepEqual(Array.from(y), [6, 9]);
});

test('W1 and KS match hand-computed values', () => {
  const a = Float64Array.from([0, 0, 1, 1]);
  const b = Float64Array.from([1, 1, 1, 1]);
  const d = ecdfDistances(a, b);
  assert.ok(Math.abs(d.wasserstein - 0.5) < 1e-12);
  assert.ok(Math.abs(d.ks - 0.5) < 1e-12);
  const e = ecdfDistances(Float64Array.from([0, 1, 2]), Float64Array.from([3, 4, 5]));
  assert.ok(Math.abs(e.wasserstein - 3) < 1e-12, `shift by 3: ${e.wasserstein}`);
  assert.equal(e.ks, 1);
});

test('correlation matrix and autocorrelation of known sequences', () => {
  // Feature 1 = −feature 0; feature 0 alternates, so its lag-1 autocorrelation is −1.
  const T = 10;
  const data = new Float32Array(T * 2);
  for (let t = 0; t < T; t++) {
    data[t * 2] = t % 2;
    data[t * 2 + 1] = 1 - (t % 2);
  }
  const w: WindowSet = { data, count: 1, seqLen: T, features: 2 };
  const c = correlationMatrix(w);
  assert.ok(Math.abs(c[0][1] + 1) < 1e-9);
  const acf = autocorrelation(w, 2);
  assert.ok(Math.abs(acf[0][0] + 1) < 1e-9, `lag 1: ${acf[0][0]}`);
  assert.ok(Math.abs(acf[0][1] - 1) < 1e-9, `lag 2: ${acf[0][1]}`);
});

test('texture: a random walk has uncorrelated changes, a slow sine none of its wiggles, noise on it many', () => {
  const T = 24;
  const n = 500;
  const rng = new Rng(2);
  const walk = new Float32Array(n * T);
  const sine = new Float32Array(n * T);
  const noisy = new Float32Array(n * T);
  for (let i = 0; i < n; i++) {
    const phase = rng.uniform() * 6;
    for (let t = 0; t < T; t++) {
      walk[i * T + t] = (t > 0 ? walk[i * T + t - 1] : 0) + rng.normal();
      sine[i * T + t] = Math.sin(0.1 * t + phase);
      noisy[i * T + t] = sine[i * T + t] + 0.01 * rng.normal();
    }
  }
  const w = (data: Float32Array): WindowSet => ({ data, count: n, seqLen: T, features: 1 });
  assert.ok(Math.abs(texture(w(walk)).changeAutocorrelation[0]) < 0.05, `walk: ${texture(w(walk)).changeAutocorrelation[0]}`);
  assert.ok(texture(w(sine)).changeAutocorrelation[0] > 0.9, `sine: ${texture(w(sine)).changeAutocorrelation[0]}`);
  // A sine of period 63 steps turns its curvature at most once in 24 steps.
  assert.ok(texture(w(sine)).wiggles[0] <= 1, `sine wiggles ${texture(w(sine)).wiggles[0]}`);
  assert.ok(texture(w(noisy)).wiggles[0] > 10, `noisy sine wiggles ${texture(w(noisy)).wiggles[0]}`);
});

test('PCA finds the direction of a line; t-SNE separates two clusters', () => {
  const n = 60;
  const x = new Float64Array(n * 3);
  const rng = new Rng(1);
  for (let i = 0; i < n; i++) {
    const s = rng.normal();
    x[i * 3] = s;
    x[i * 3 + 1] = 2 * s;
    x[i * 3 + 2] = 0.01 * rng.normal();
  }
  const [p] = pca2(x, n, 3, [x]);
  // The first component carries the line: |PC1| = |s − mean s|·√5.
  let ms = 0;
  for (let i = 0; i < n; i++) ms += x[i * 3] / n;
  for (let i = 0; i < n; i++) assert.ok(Math.abs(Math.abs(p[2 * i]) - Math.abs(x[i * 3] - ms) * Math.sqrt(5)) < 0.05, `${p[2 * i]} vs ${x[i * 3] - ms}`);
  const y = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) y[i * 3 + d] = (i < n / 2 ? 0 : 10) + rng.normal();
  const e = tsne(y, n, 3, { perplexity: 10, iterations: 300, seed: 2 });
  const mean = (from: number, to: number, c: number) => {
    let s = 0;
    for (let i = from; i < to; i++) s += e[2 * i + c];
    return s / (to - from);
  };
  const c0 = [mean(0, n / 2, 0), mean(0, n / 2, 1)];
  const c1 = [mean(n / 2, n, 0), mean(n / 2, n, 1)];
  let right = 0;
  for (let i = 0; i < n; i++) {
    const d0 = (e[2 * i] - c0[0]) ** 2 + (e[2 * i + 1] - c0[1]) ** 2;
    const d1 = (e[2 * i] - c1[0]) ** 2 + (e[2 * i + 1] - c1[1]) ** 2;
    if ((d0 < d1) === i < n / 2) right++;
  }
  assert.equal(right, n);
  // Seeded: the same picture twice.
  assert.deepEqual(tsne(y, n, 3, { perplexity: 10, iterations: 50, seed: 2 }), tsne(y, n, 3, { perplexity: 10, iterations: 50, seed: 2 }));
});

test('the sequence regressor learns: per-step MAE regression and a last-step binary classifier; a step leaks no tensors', () => {
  const rng = new Rng(4);
  const B = 64;
  const T = 8;
  // Target per step: the running mean of the input so far (needs memory).
  const x = rng.uniformArray(B * T);
  const y = new Float32Array(B * T);
  for (let i = 0; i < B; i++) {
    let s = 0;
    for (let t = 0; t < T; t++) {
      s += x[i * T + t];
      y[i * T + t] = s / (t + 1);
    }
  }
  const reg = new SequenceRegressor(regressorConfig({ features: 1, target: 'every', hidden: 16, lr: 1e-2 }), 1);
  const xt = tf.tensor3d(x, [B, T, 1]);
  const yt = tf.tensor3d(y, [B, T, 1]);
  const first = reg.trainStep(xt, yt).loss;
  let last = first;
  for (let i = 0; i < 300; i++) last = reg.trainStep(xt, yt).loss;
  assert.ok(last < first / 4, `MAE ${first} → ${last}`);
  const before = tf.memory().numTensors;
  reg.trainStep(xt, yt);
  assert.equal(tf.memory().numTensors, before);
  reg.dispose();

  // Binary: is the sequence rising or falling?
  const xs = new Float32Array(B * T);
  const labels = new Float32Array(B);
  for (let i = 0; i < B; i++) {
    labels[i] = i % 2;
    const start = rng.uniform();
    for (let t = 0; t < T; t++) xs[i * T + t] = start + (labels[i] ? 1 : -1) * 0.05 * t;
  }
  const clf = new SequenceRegressor(regressorConfig({ features: 1, target: 'last', loss: 'bce', hidden: 8, lr: 1e-2 }), 2);
  const xb = tf.tensor3d(xs, [B, T, 1]);
  const yb = tf.tensor2d(labels, [B, 1]);
  for (let i = 0; i < 200; i++) clf.trainStep(xb, yb);
  const p = clf.predict(xs, B, T);
  let correct = 0;
  for (let i = 0; i < B; i++) if (p[i] > 0.5 === labels[i] > 0.5) correct++;
  assert.ok(correct >= B - 2, `${correct}/${B}`);
  clf.dispose();
  tf.dispose([xt, yt, xb, yb]);
});

test('evaluation input errors: feature names, length, step order, too few sequences', () => {
  const dir = tempDir();
  const ok = writeSynthetic(dir, 'ok.csv', 20);
  const text = readFileSync(ok, 'utf8');
  const write = (name: string, body: string) => {
    const f = join(dir, name);
    writeFileSync(f, body);
    return f;
  };
  const renamed = write('renamed.csv', text.replace('Volume', 'Vol'));
  assert.throws(() => loadEvalData({ real: STOCK_CSV, synthetic: renamed }), /renamed\.csv: feature names do not match .*missing "Volume"/);
  assert.throws(() => loadEvalData({ real: STOCK_CSV, synthetic: ok, seqLen: 12 }), /length mismatch: --seq-len is 12 but the sequences in .*ok\.csv have 24 steps/);
  const lines = text.split('\n');
  lines[3] = lines[3].replace(/^0,2,/, '0,5,');
  const badStep = write('step.csv', lines.join('\n'));
  assert.throws(() => loadEvalData({ real: STOCK_CSV, synthetic: badStep }), /step\.csv:4:2: sequence 0 has step "5" where step 2 was expected/);
  const few = writeSynthetic(dir, 'few.csv', 5);
  assert.throws(() => loadEvalData({ real: STOCK_CSV, synthetic: few }), /few\.csv: too few sequences: 5/);
  const header = write('header.csv', text.replace(/^sequence,step/, 'id,t'));
  assert.throws(() => loadEvalData({ real: STOCK_CSV, synthetic: header }), /header\.csv:1:1: expected the header of tsgan sample/);
});

test('fresh sines written as tsgan sample writes them stand in for synthetic data (npm run reproduce\'s ideal generator), value for value', () => {
  const dir = tempDir();
  const real = join(dir, 'sines.csv');
  const fresh = join(dir, 'fresh.csv');
  const s = sineData({ count: 60, seqLen: 8, features: 2, seed: 0 });
  const f = sineData({ count: 60, seqLen: 8, features: 2, seed: 1000 });
  writeFileSync(real, sinesToCsv(s));
  writeFileSync(fresh, sinesToCsv(f, { asSample: true }));
  assert.match(readFileSync(fresh, 'utf8'), /^sequence,step,sine_1,sine_2\n0,0,/);
  const d = loadEvalData({ real, synthetic: fresh, idColumn: 'id', scale: 'none' });
  assert.equal(d.synthetic.count, 60);
  assert.equal(d.real.count, 60);
  // The CSV keeps 7 significant digits.
  assert.ok(d.synthetic.data.every((v, i) => Math.abs(v - f.data[i]) < 1e-6));
});

test('calibration: replayed stretches catch real runs replayed at new levels, which whole-window memorisation misses, and pass fresh draws', () => {
  // A random walk of 3 features as the real series, cut into every window of 24 steps (stride 1).
  const T = 24;
  const F = 3;
  const rows = 1500;
  const rng = new Rng(11);
  const walk = new Float32Array(rows * F);
  for (let t = 1; t < rows; t++) for (let f = 0; f < F; f++) walk[t * F + f] = walk[(t - 1) * F + f]! + 0.01 * rng.normal();
  const count = rows - T + 1;
  const real: WindowSet = { data: new Float32Array(count * T * F), count, seqLen: T, features: F };
  const origin = new Int32Array(2 * count);
  for (let i = 0; i < count; i++) {
    real.data.set(walk.subarray(i * F, (i + T) * F), i * T * F);
    origin[2 * i + 1] = i;
  }
  // Synthetic windows of 600, each built step by step from a move per step.
  const build = (move: (w: number, t: number, f: number) => number): WindowSet => {
    const n = 600;
    const data = new Float32Array(n * T * F);
    for (let w = 0; w < n; w++) {
      for (let f = 0; f < F; f++) data[w * T * F + f] = 2 * rng.uniform() - 1; // a level of its own
      for (let t = 1; t < T; t++) for (let f = 0; f < F; f++) data[(w * T + t) * F + f] = data[(w * T + t - 1) * F + f]! + move(w, t, f);
    }
    return { data, count: n, seqLen: T, features: F };
  };
  const realMove = (p: number, f: number) => walk[(p + 1) * F + f]! - walk[p * F + f]!;
  const fresh = build(() => 0.01 * rng.normal());
  // Real runs of five moves, each from a random real day, one after another.
  const starts = Int32Array.from({ length: 600 * 6 }, () => Math.floor(rng.uniform() * (rows - 6)));
  const runs = build((w, t, f) => realMove(starts[w * 6 + Math.floor((t - 1) / 5)]! + ((t - 1) % 5), f));
  const copies = build((w, t, f) => realMove(starts[w * 6]! + t - 1, f)); // whole real windows at new levels
  const replay = (s: WindowSet) => replayedStretches(real, s, { seed: 2, realOrigin: origin });

  const f = replay(fresh);
  assert.equal(f.steps, REPLAY_STEPS);
  // The pool is every distinct stretch of about three quarters of the windows.
  assert.ok(f.pool > 0.6 * (rows - REPLAY_STEPS + 1) && f.pool < 0.8 * rows, `pool ${f.pool}`);
  assert.equal(f.synthetic, 500);
  assert.ok(f.heldOut > 150, `held out ${f.heldOut}: about a quarter of the windows, less the gaps between parts`);
  assert.ok(f.share < 0.01 && f.realShare < 0.01 && !f.warning, `fresh draws: ${f.share}, real ${f.realShare}`);
  // A stretch has four moves: two of every five offsets put one inside a run of five, and most of the runs come from the pool.
  const r = replay(runs);
  assert.ok(r.share > 0.2 && r.share < 0.5 && r.warning, `replayed runs: ${r.share}`);
  assert.ok(replay(copies).share > 0.6, 'whole windows at new levels');
  // The whole-window check does not see the runs; the evaluation warns of them.
  const e = evaluateWindows(real, runs, ['a', 'b', 'c'], { quick: true, realOrigin: origin });
  assert.equal(e.memorisation.warning, false, `memorised ${e.memorisation.share}`);
  assert.ok(e.replay.share > 0.2, `replay ${e.replay.share}`);
  assert.ok(e.warnings.some((w) => w.startsWith('replayed stretches: ')), e.warnings.join('; '));
});

test('calibration: on stretches of few free parameters new real stretches often pass for replays, so the warning is relative to held-out real ones', () => {
  // One sine wave per series (two parameters): many short series, as Sines.
  const real = sineData({ count: 3000, seqLen: 24, features: 1, seed: 1 });
  const fresh = sineData({ count: 600, seqLen: 24, features: 1, seed: 2 });
  const f = replayedStretches(real, fresh, { seed: 3 });
  assert.ok(f.realShare > 0.02, `held-out real stretches pass for replays: ${f.realShare}`);
  assert.ok(Math.abs(f.share - f.realShare) < 0.05 && !f.warning, `fresh draws ${f.share} against real ${f.realShare}`);
  // Copies of real series at new levels: those of the pool's series are caught.
  const copies = { ...fresh, data: Float32Array.from(fresh.data, (_, k) => real.data[k]! + 0.25 * (Math.floor(k / 24) % 3)) };
  const c = replayedStretches(real, copies, { seed: 3 });
  assert.ok(c.share > 0.6 && c.warning, `copies ${c.share} against real ${c.realShare}`);
  // With no two real stretches that share no row there is nothing to judge by: one window, one stretch of its whole length.
  const one = { ...real, data: real.data.slice(0, 24), count: 1 };
  const none = replayedStretches(one, fresh, { seed: 3, steps: 24 });
  assert.ok(Number.isNaN(none.share) && !none.warning, `${none.share}`);
});
