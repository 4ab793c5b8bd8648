// What the strong classifier tells on Sines, taken apart: a wave's shape (its texture and precision)
// and the distribution of the waves' frequencies and phases. Experiment code
// (docs/experiments/2026-12-07-sines-shape-or-distribution.md); run `npx tsc` first.
//   node bench/experiments/sines-shape-or-distribution.mjs departures [--seeds 1,2] [--only TEXT (the cases whose name contains it)]
//     fresh draws of the Sines process, each departing from it in one way, against other fresh draws
//   node bench/experiments/sines-shape-or-distribution.mjs samples --real bench/reproduce-results/sines.csv [--seeds 1] [--keep DIR] FILE...
//     each samples file (tsgan sample's CSV) as it is, smoothed, and moved onto the sine family;
//     --redraw: also on the family with the phases, then the frequencies, drawn afresh from U(0, 0.1),
//     and with each feature's frequencies, then its (frequency, phase) pairs, dealt to other windows;
//     --fit-only: only the fitted waves' columns (seconds, no classifier)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
const D = new URL('../../dist/src/', import.meta.url).href;
const { initEngine } = await import(`${D}engine.js`);
const { discriminativeScore } = await import(`${D}eval/posthoc.js`);
const { loadEvalData } = await import(`${D}eval/data.js`);
const { samplesToCsv } = await import(`${D}io/samples.js`);
const { Rng } = await import(`${D}random.js`);
const { correlationMatrix, featureValues } = await import(`${D}eval/stats.js`);
await initEngine('wasm');

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { seeds: { type: 'string', default: '1' }, real: { type: 'string' }, keep: { type: 'string' }, redraw: { type: 'boolean', default: false }, 'fit-only': { type: 'boolean', default: false }, only: { type: 'string' } },
});
const seeds = a.seeds.split(',').map(Number);
const T = 24, F = 5, N = 10000;
const strong = (R, S, origin) => seeds.map((seed) => discriminativeScore(R, S, { variant: 'strong', iterations: 5000, seed, realOrigin: origin }).score);
const fmt = (xs) => xs.map((x) => x.toFixed(3)).join(', ');

/** Least squares of y on the columns of B ([rows][k]), rows `from`.. only: the [T][T] map y → fit at every row. */
function fitMatrix(B, from) {
  const k = B[0].length, M = Array.from({ length: k }, () => new Array(k + T).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) for (let t = from; t < T; t++) M[i][j] += B[t][i] * B[t][j];
    for (let t = from; t < T; t++) M[i][k + t] = B[t][i];
  }
  for (let c = 0; c < k; c++) { // Gauss–Jordan: M becomes [I | (BᵀB)⁻¹Bᵀ]
    const p = M[c][c];
    for (let j = 0; j < k + T; j++) M[c][j] /= p;
    for (let r = 0; r < k; r++) if (r !== c) { const m = M[r][c]; for (let j = 0; j < k + T; j++) M[r][j] -= m * M[c][j]; }
  }
  return B.map((row) => Array.from({ length: T }, (_, s) => row.reduce((acc, b, i) => acc + b * M[i][k + s], 0)));
}

/** A wave of the Sines process with frequency f and phase p, in the data's units. */
const sine = (f, p) => (t) => (Math.sin(f * t + p) + 1) / 2;

if (positionals[0] === 'departures') {
  const cubic = (eps) => (f, p, rng) => {
    const c = [0, 0, 0].map(() => rng.uniform() * 2 - 1);
    return (t) => { const u = (2 * t) / (T - 1) - 1; return sine(f, p)(t) + eps * (c[0] * u + c[1] * u * u + c[2] * u ** 3); };
  };
  // The best polynomial of a degree through each real wave: a departure of the same shape in every window.
  const poly = (deg) => {
    const P = fitMatrix(Array.from({ length: T }, (_, t) => Array.from({ length: deg + 1 }, (_, k) => ((2 * t) / (T - 1) - 1) ** k)), 0);
    return (f, p) => { const y = Array.from({ length: T }, (_, t) => sine(f, p)(t)); return (t) => P[t].reduce((acc, m, s) => acc + m * y[s], 0); };
  };
  const cubicFit = poly(3);
  const amplitude = (d) => (f, p, rng) => { const A = 1 + (rng.uniform() * 2 - 1) * d; return (t) => (A * Math.sin(f * t + p) + 1) / 2; };
  const cases = {
    'none (fresh draws)': (f, p) => sine(f, p),
    'white noise, sd .001': (f, p, rng) => (t) => sine(f, p)(t) + 0.001 * rng.normal(),
    'amplitude ×U(.99, 1.01)': amplitude(0.01),
    'amplitude ×U(.95, 1.05)': amplitude(0.05),
    'offset U(−.005, .005)': (f, p, rng) => { const o = (rng.uniform() * 2 - 1) * 0.005; return (t) => sine(f, p)(t) + o; },
    'random cubic, .003': cubic(0.003),
    'random cubic, .01': cubic(0.01),
    'best cubic through the wave': cubicFit,
    'best quartic through the wave': poly(4),
    // The cubic's error again, but scaled by U(−1, 1) per wave: outside the family's directions, without repeating.
    "best cubic's error × U(−1, 1)": (f, p, rng) => { const m = rng.uniform() * 2 - 1, c = cubicFit(f, p); return (t) => sine(f, p)(t) + m * (c(t) - sine(f, p)(t)); },
    "best cubic's error × ±1 (a random sign)": (f, p, rng) => { const m = rng.uniform() < 0.5 ? -1 : 1, c = cubicFit(f, p); return (t) => sine(f, p)(t) + m * (c(t) - sine(f, p)(t)); },
    'frequency ×1.2 (U(0, .12))': (f, p) => sine(1.2 * f, p),
  };
  const draw = (seed, wave) => {
    const rng = new Rng(seed), data = new Float32Array(N * T * F);
    for (let i = 0; i < N; i++) for (let k = 0; k < F; k++) {
      const w = wave(rng.uniform() * 0.1, rng.uniform() * 0.1, rng);
      for (let t = 0; t < T; t++) data[(i * T + t) * F + k] = w(t);
    }
    return { data, count: N, seqLen: T, features: F };
  };
  const real = draw(1, cases['none (fresh draws)']);
  // Scaled by the real side's range per feature, as tsgan eval scales.
  const lo = new Array(F).fill(Infinity), hi = new Array(F).fill(-Infinity);
  real.data.forEach((v, i) => { lo[i % F] = Math.min(lo[i % F], v); hi[i % F] = Math.max(hi[i % F], v); });
  const scale = (w) => ({ ...w, data: w.data.map((v, i) => (v - lo[i % F]) / (hi[i % F] - lo[i % F])) });
  console.log(`| fresh draws against other fresh draws, departing by | strong (seeds ${a.seeds}) |\n| --- | --- |`);
  for (const [name, wave] of Object.entries(cases)) if (!a.only || name.includes(a.only)) console.log(`| ${name} | ${fmt(strong(scale(real), scale(draw(2, wave))))} |`);
} else if (positionals[0] === 'samples') {
  if (!a.real || positionals.length < 2) throw new Error('samples: give --real and at least one samples file');
  const FREQS = Array.from({ length: 260 }, (_, i) => 0.0005 * (i + 1)); // the fit's grid of frequencies, 0.0005–0.13
  /**
   * Per (window, feature) of raw [n, T, F] values: the frequency and phase of the nearest wave of the
   * family, 0.5 + 0.5 sin(f t + p) (approximately), and the relative amplitude of the best fit of
   * 0.5 + A sin(f t + p) (1 on a real wave). At each f of the grid, p is that fit's phase; f is the one
   * whose family wave is then nearest: exact for real waves.
   */
  function fitWaves(raw, n) {
    const best = new Float64Array(n * F).fill(Infinity), fit = new Float64Array(n * F * 3);
    for (const f of FREQS) {
      const s = Array.from({ length: T }, (_, t) => Math.sin(f * t)), c = Array.from({ length: T }, (_, t) => Math.cos(f * t));
      let ss = 0, sc = 0, cc = 0;
      for (let t = 0; t < T; t++) { ss += s[t] * s[t]; sc += s[t] * c[t]; cc += c[t] * c[t]; }
      const det = ss * cc - sc * sc;
      for (let w = 0; w < n * F; w++) {
        const i = Math.floor(w / F), k = w % F;
        let ys = 0, yc = 0, yy = 0;
        for (let t = 0; t < T; t++) { const y = raw[(i * T + t) * F + k] - 0.5; ys += y * s[t]; yc += y * c[t]; yy += y * y; }
        const A = (cc * ys - sc * yc) / det, B = (ss * yc - sc * ys) / det; // A sin + B cos = amplitude · sin(f t + p)
        const p = Math.atan2(B, A), cp = Math.cos(p), sp = Math.sin(p);
        // Σ (y − 0.5 sin(f t + p))², with sin(f t + p) = cos p · sin f t + sin p · cos f t
        const err = yy - (cp * ys + sp * yc) + 0.25 * (cp * cp * ss + 2 * cp * sp * sc + sp * sp * cc);
        if (err < best[w]) { best[w] = err; fit.set([f, p, 2 * Math.hypot(A, B)], 3 * w); }
      }
    }
    return fit;
  }
  /** Shares of values in ten bins over [0, 0.1], and the total variation from uniform (mass outside counts). */
  const histogram = (fit, j) => {
    const h = new Array(10).fill(0);
    for (let w = 0; w < fit.length / 3; w++) { const b = Math.floor(fit[3 * w + j] / 0.01); if (b >= 0 && b < 10) h[b]++; }
    const share = h.map((x) => x / (fit.length / 3));
    let below = 0;
    for (let w = 0; w < fit.length / 3; w++) if (fit[3 * w + j] < 0) below++;
    below /= fit.length / 3;
    const above = 1 - below - share.reduce((x, y) => x + y, 0);
    return { share, below, above, tv: (share.reduce((acc, x) => acc + Math.abs(x - 0.1), 0) + below + above) / 2 };
  };
  /** Mean and largest |Spearman ρ| over pairs of features of one fitted parameter (j: 0 frequency, 1 phase): ties between the waves (real ≈ 1/√n). */
  const ties = (fit, n, j) => {
    const ranks = Array.from({ length: F }, (_, k) => {
      const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => fit[3 * (x * F + k) + j] - fit[3 * (y * F + k) + j]);
      const r = new Float64Array(n);
      order.forEach((i, at) => { r[i] = at; });
      return r;
    });
    const rho = [];
    for (let k = 0; k < F; k++) for (let l = k + 1; l < F; l++) {
      let sxy = 0;
      const m = (n - 1) / 2, v = (n * n - 1) / 12;
      for (let i = 0; i < n; i++) sxy += (ranks[k][i] - m) * (ranks[l][i] - m);
      rho.push(Math.abs(sxy / n / v));
    }
    return `${(rho.reduce((x, y) => x + y, 0) / rho.length).toFixed(3)} (${Math.max(...rho).toFixed(3)})`;
  };
  /** The first step's spread over windows (mean over features) and mean |Pearson r| between features' first values. */
  const firstStep = (raw, n) => {
    const first = { data: Float64Array.from({ length: n * F }, (_, j) => raw[Math.floor(j / F) * T * F + (j % F)]), count: n, seqLen: 1, features: F }; // [windows, 1, features]
    const sd = (k) => { const v = featureValues(first, k), m = v.reduce((x, y) => x + y, 0) / n; return Math.sqrt(v.reduce((acc, x) => acc + (x - m) ** 2, 0) / n); };
    const C = correlationMatrix(first), r = [];
    for (let k = 0; k < F; k++) for (let l = k + 1; l < F; l++) r.push(Math.abs(C[k][l]));
    const mean = (v) => v.reduce((x, y) => x + y, 0) / v.length;
    return [mean(Array.from({ length: F }, (_, k) => sd(k))).toFixed(4), mean(r).toFixed(3)];
  };
  // Degree 4 through steps 1.. (the samples' first step is the least precise) evaluated at every step: on a real wave RMS < 2e-4, at most 9e-4 (step 0).
  const SMOOTH = fitMatrix(Array.from({ length: T }, (_, t) => Array.from({ length: 5 }, (_, k) => ((2 * t) / (T - 1) - 1) ** k)), 1);
  const fitColumns = ['samples', 'frequency shares in tenths of [0, 0.1]', 'phase shares, the same', 'phases below 0 / above 0.1', 'TV of frequency / phase from uniform', "features' frequencies, mean (largest) \\|Spearman ρ\\| over pairs", 'phases, the same', "first step's sd", "features' first values, mean \\|r\\|"];
  const scoreColumns = ["smoothed waves' RMS from their family wave, median", 'strong, as sampled', 'smoothed (degree 4)', 'on the sine family (the nearest family wave)', ...(a.redraw ? ['the same, phases drawn afresh', 'the same, frequencies drawn afresh', 'the same, frequencies dealt to other windows', 'the same, (frequency, phase) pairs dealt to other windows'] : [])];
  const columns = [...fitColumns, ...(a['fit-only'] ? [] : scoreColumns)];
  console.log(`| ${columns.join(' | ')} |\n|${' --- |'.repeat(columns.length)}`);
  for (const file of [a.real, ...positionals.slice(1)]) {
    const isReal = file === a.real;
    // The real file stands in as its own "samples" for the fit's reference row only (scores left out).
    const ed = loadEvalData({ real: a.real, synthetic: isReal ? positionals[1] : file, idColumn: 'id' });
    const side = isReal ? ed.real : ed.synthetic;
    const raw = ed.scaler.inverse(side.data), n = side.count;
    const fit = fitWaves(raw, n);
    const hf = histogram(fit, 0), hp = histogram(fit, 1);
    const row = [file.split('/').slice(-3).join('/'), hf.share.map((x) => x.toFixed(2)).join(' '), hp.share.map((x) => x.toFixed(2)).join(' '), `${hp.below.toFixed(2)} / ${hp.above.toFixed(2)}`, `${hf.tv.toFixed(2)} / ${hp.tv.toFixed(2)}`, ties(fit, n, 0), ties(fit, n, 1), ...firstStep(raw, n)];
    if (!isReal && !a['fit-only']) {
      const smooth = new Float64Array(raw.length), onFamily = new Float64Array(raw.length);
      const newPhase = new Float64Array(raw.length), newFrequency = new Float64Array(raw.length), rng = new Rng(1);
      // Each feature's fitted frequencies dealt to other windows: the marginal kept, their ties to the phase and the other features cut.
      const shuffledFrequency = new Float64Array(raw.length), order = Array.from({ length: F }, () => rng.permutation(n));
      // Each feature's (frequency, phase) pairs dealt to other windows: a wave's own tie kept, the ties between features cut.
      const shuffledPair = new Float64Array(raw.length), pairRng = new Rng(2), pairOrder = Array.from({ length: F }, () => pairRng.permutation(n));
      const distance = new Float64Array(n * F);
      for (let i = 0; i < n; i++) for (let k = 0; k < F; k++) {
        const w = i * F + k, wave = sine(fit[3 * w], fit[3 * w + 1]);
        const withPhase = sine(fit[3 * w], rng.uniform() * 0.1), withFrequency = sine(rng.uniform() * 0.1, fit[3 * w + 1]);
        for (let t = 0; t < T; t++) {
          newPhase[(i * T + t) * F + k] = withPhase(t);
          newFrequency[(i * T + t) * F + k] = withFrequency(t);
          shuffledFrequency[(i * T + t) * F + k] = sine(fit[3 * (order[k][i] * F + k)], fit[3 * w + 1])(t);
          shuffledPair[(i * T + t) * F + k] = sine(fit[3 * (pairOrder[k][i] * F + k)], fit[3 * (pairOrder[k][i] * F + k) + 1])(t);
          const onWave = wave(t);
          onFamily[(i * T + t) * F + k] = onWave;
          smooth[(i * T + t) * F + k] = SMOOTH[t].reduce((acc, m, s) => acc + m * raw[(i * T + s) * F + k], 0);
          distance[w] += (smooth[(i * T + t) * F + k] - onWave) ** 2 / T;
        }
      }
      const as = (x) => ({ ...side, data: ed.scaler.transform(x) });
      if (a.keep) for (const [tag, x] of [['smooth', smooth], ['family', onFamily]]) writeFileSync(join(a.keep, `${file.split('/').slice(-3, -1).join('-')}-${tag}.csv`), samplesToCsv(x, n, T, ed.features));
      const sorted = Array.from(distance, Math.sqrt).sort((x, y) => x - y);
      row.push(sorted[sorted.length >> 1].toFixed(4), fmt(strong(ed.real, side, ed.realOrigin)), fmt(strong(ed.real, as(smooth), ed.realOrigin)), fmt(strong(ed.real, as(onFamily), ed.realOrigin)));
      if (a.redraw) row.push(...[newPhase, newFrequency, shuffledFrequency, shuffledPair].map((x) => fmt(strong(ed.real, as(x), ed.realOrigin))));
    } else if (!a['fit-only']) row.push(...new Array(a.redraw ? 8 : 4).fill(''));
    console.log(`| ${row.join(' | ')} |`);
  }
} else {
  throw new Error('the first argument is departures or samples');
}
