/**
 * Statistics compared feature by feature, on scaled values pooled over all
 * windows and steps:
 *
 * - marginal distance: Wasserstein-1 (the area between the two empirical
 *   CDFs) and the Kolmogorov–Smirnov statistic (their largest gap);
 * - autocorrelation at lags 1..k (pooled mean and variance per feature), and
 *   its mean absolute error real vs synthetic — the temporal-dynamics check
 *   of TSGM and of the "ACF score" in the time-series GAN literature;
 * - cross-correlation: the Pearson correlation matrix of the features, and
 *   the mean absolute difference of its off-diagonal entries.
 */
import type { WindowSet } from './data.js';

export interface MarginalStats {
  /** Per feature, in feature order. */
  wasserstein: number[];
  ks: number[];
}

/** Values of feature f across every window and step. */
export function featureValues(w: WindowSet, f: number): Float64Array {
  const n = w.count * w.seqLen;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = w.data[i * w.features + f];
  return out;
}

/** Wasserstein-1 and KS between two samples. */
export function ecdfDistances(a: Float64Array, b: Float64Array): { wasserstein: number; ks: number } {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let w1 = 0;
  let ks = 0;
  let prev = Math.min(x[0], y[0]);
  while (i < x.length || j < y.length) {
    const v = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
    const gap = Math.abs(i / x.length - j / y.length);
    w1 += gap * (v - prev);
    prev = v;
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    ks = Math.max(ks, Math.abs(i / x.length - j / y.length));
  }
  return { wasserstein: w1, ks };
}

export function marginalStats(real: WindowSet, synthetic: WindowSet): MarginalStats {
  const out: MarginalStats = { wasserstein: [], ks: [] };
  for (let f = 0; f < real.features; f++) {
    const d = ecdfDistances(featureValues(real, f), featureValues(synthetic, f));
    out.wasserstein.push(d.wasserstein);
    out.ks.push(d.ks);
  }
  return out;
}

/** Autocorrelation [features][lag − 1] for lags 1..maxLag. */
export function autocorrelation(w: WindowSet, maxLag: number): number[][] {
  const { count, seqLen: T, features: F } = w;
  const out: number[][] = [];
  for (let f = 0; f < F; f++) {
    const v = featureValues(w, f);
    let mean = 0;
    for (const x of v) mean += x;
    mean /= v.length;
    let variance = 0;
    for (const x of v) variance += (x - mean) ** 2;
    variance /= v.length;
    const row: number[] = [];
    for (let lag = 1; lag <= maxLag; lag++) {
      let s = 0;
      let n = 0;
      for (let i = 0; i < count; i++) {
        for (let t = 0; t + lag < T; t++) {
          s += (v[i * T + t] - mean) * (v[i * T + t + lag] - mean);
          n++;
        }
      }
      row.push(variance > 0 && n > 0 ? s / n / variance : 0);
    }
    out.push(row);
  }
  return out;
}

/** Pearson correlation matrix of the features [F][F]. */
export function correlationMatrix(w: WindowSet): number[][] {
  const F = w.features;
  const cols = Array.from({ length: F }, (_, f) => featureValues(w, f));
  const means = cols.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
  const sds = cols.map((c, f) => Math.sqrt(c.reduce((a, b) => a + (b - means[f]) ** 2, 0) / c.length));
  return cols.map((a, i) =>
    cols.map((b, j) => {
      if (i === j) return 1;
      if (sds[i] === 0 || sds[j] === 0) return 0;
      let s = 0;
      for (let k = 0; k < a.length; k++) s += (a[k] - means[i]) * (b[k] - means[j]);
      return s / a.length / (sds[i] * sds[j]);
    }),
  );
}

export function meanAbsDiff(a: number[][], b: number[][], offDiagonalOnly = false): number {
  let s = 0;
  let n = 0;
  a.forEach((row, i) =>
    row.forEach((v, j) => {
      if (offDiagonalOnly && i >= j) return;
      s += Math.abs(v - b[i][j]);
      n++;
    }),
  );
  return n > 0 ? s / n : 0;
}

/** Step-to-step changes of every window: [count, T − 1, features]. */
export function changes(w: WindowSet): WindowSet {
  const { count, seqLen: T, features: F, data } = w;
  const out = new Float32Array(count * (T - 1) * F);
  for (let i = 0; i < count; i++) for (let t = 1; t < T; t++) for (let f = 0; f < F; f++) out[(i * (T - 1) + t - 1) * F + f] = data[(i * T + t) * F + f] - data[(i * T + t - 1) * F + f];
  return { data: out, count, seqLen: T - 1, features: F };
}

/**
 * The texture of a window set, per feature: the lag-1 autocorrelation of its
 * step-to-step changes (near 0 for a random walk such as a price, near 1 for
 * a smooth curve), and its wiggles, the sign changes of its second difference
 * per window (0 or 1 for a slow sine, many for a noisy one). What a strong
 * classifier sees first where the marginals match (issue 28's diagnosis).
 */
export function texture(w: WindowSet): { changeAutocorrelation: number[]; wiggles: number[] } {
  const { count, seqLen: T, features: F, data } = w;
  const changeAutocorrelation = T > 2 ? autocorrelation(changes(w), 1).map((r) => r[0]) : new Array<number>(F).fill(0);
  const wiggles = new Array<number>(F).fill(0);
  for (let f = 0; f < F; f++) {
    let n = 0;
    for (let i = 0; i < count; i++) {
      let last = 0;
      for (let t = 2; t < T; t++) {
        const v = (k: number) => data[(i * T + k) * F + f];
        const d2 = Math.sign(v(t) - 2 * v(t - 1) + v(t - 2));
        if (d2 !== 0 && last !== 0 && d2 !== last) n++;
        if (d2 !== 0) last = d2;
      }
    }
    wiggles[f] = count > 0 ? n / count : 0;
  }
  return { changeAutocorrelation, wiggles };
}
