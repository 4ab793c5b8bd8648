/**
 * Distance-based metrics on flattened windows (seqLen · features values each):
 *
 * - Maximum mean discrepancy (Gretton et al. 2012), unbiased MMD², Gaussian
 *   kernel k(x, y) = exp(−‖x − y‖² / 2σ²) with σ the median pairwise
 *   distance of the pooled sample (the median heuristic). ≈ 0 when both come
 *   from one distribution; it can dip just below 0.
 * - Precision and recall (Kynkäänniemi et al. 2019) and density and coverage
 *   (Naeem et al. 2020) with k-nearest-neighbour balls (k = 5): precision is
 *   the share of synthetic windows inside some real window's ball, recall the
 *   share of real windows inside some synthetic window's ball, coverage the
 *   share of real windows whose ball holds a synthetic one. A collapsed
 *   generator keeps precision and loses recall and coverage.
 * - Spread: the synthetic windows' standard deviation over the real one
 *   (√ of the mean per-value variance); 1 is right, near 0 is collapse.
 * - Memorisation: the share of synthetic windows closer to a real window
 *   than real windows are to each other (below the 5th percentile of real
 *   nearest-neighbour distances), a privacy warning in the spirit of
 *   "distance to closest record" checks.
 *
 * Real windows overlap (stride 1): a window's nearest real neighbour would
 * otherwise be itself shifted by a step. Real-to-real neighbours are
 * therefore only windows that share no row with it.
 */
import { shareRows, type WindowSet } from './data.js';

export const KNN_K = 5;
/** Percentile of real-to-real nearest-neighbour distances below which a synthetic window counts as memorised. */
export const MEMORISATION_PERCENTILE = 0.05;
/** A memorised share above this raises the warning (4 × what a fresh sample of the real process gives). */
export const MEMORISATION_WARN = 0.2;

export interface DistanceMetrics {
  mmd: number;
  /** σ of the kernel. */
  mmdBandwidth: number;
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  spread: number;
  memorisation: { share: number; threshold: number; exactCopies: number; warning: boolean };
}

/**
 * Squared distance between row i of a [*, dim] and row j of b [*, dim];
 * stops adding once it reaches `bound` (a nearest-neighbour search's best so far).
 */
export function sqDistance(a: Float32Array, i: number, b: Float32Array, j: number, dim: number, bound = Infinity): number {
  const ai = i * dim;
  const bj = j * dim;
  let s = 0;
  for (let d = 0; d < dim && s < bound; d++) {
    const v = a[ai + d]! - b[bj + d]!;
    s += v * v;
  }
  return s;
}

/** Squared distances [na, nb] between rows of a [na, dim] and b [nb, dim]. */
export function sqDistances(a: Float32Array, na: number, b: Float32Array, nb: number, dim: number): Float64Array {
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) out[i * nb + j] = sqDistance(a, i, b, j, dim);
  return out;
}

/** The k-th smallest value of row i of an [n, m] matrix over columns where `allowed(j)`; Infinity if fewer. */
function kthSmallest(m: Float64Array, cols: number, i: number, k: number, allowed: (j: number) => boolean): number {
  const best = new Array<number>(k).fill(Infinity); // ascending
  for (let j = 0; j < cols; j++) {
    const v = m[i * cols + j];
    if (v >= best[k - 1] || !allowed(j)) continue;
    let p = k - 1;
    while (p > 0 && best[p - 1] > v) {
      best[p] = best[p - 1];
      p--;
    }
    best[p] = v;
  }
  return best[k - 1];
}

export function quantile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/**
 * All distance metrics of `synthetic` against `real`. `realOrigin` holds
 * [series, first row] per real window (see EvalData); without it real
 * windows are taken as disjoint.
 */
export function distanceMetrics(real: WindowSet, synthetic: WindowSet, realOrigin?: Int32Array): DistanceMetrics {
  const N = real.count;
  const M = synthetic.count;
  const dim = real.seqLen * real.features;
  const T = real.seqLen;
  const rr = sqDistances(real.data, N, real.data, N, dim);
  const ss = sqDistances(synthetic.data, M, synthetic.data, M, dim);
  const sr = sqDistances(synthetic.data, M, real.data, N, dim); // [M, N]
  const disjoint = (i: number, j: number): boolean => i !== j && !(realOrigin && shareRows(realOrigin, i, j, T));

  // MMD² with the median heuristic over the pooled off-diagonal distances.
  const pooled: number[] = [];
  const stride = Math.max(1, Math.floor((N * N + M * M + M * N) / 400_000)); // a thinned sample is plenty for a median
  for (let k = 0; k < rr.length; k += stride) if (Math.floor(k / N) !== k % N) pooled.push(rr[k]);
  for (let k = 0; k < ss.length; k += stride) if (Math.floor(k / M) !== k % M) pooled.push(ss[k]);
  for (let k = 0; k < sr.length; k += stride) pooled.push(sr[k]);
  const med = quantile(pooled, 0.5);
  const sigma2 = med > 0 ? med : 1;
  const kernelMean = (m: Float64Array, diag: boolean, rows: number, cols: number) => {
    let s = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (!diag || i !== j) s += Math.exp(-m[i * cols + j] / (2 * sigma2));
    return s / (diag ? rows * (rows - 1) : rows * cols);
  };
  const mmd = kernelMean(rr, true, N, N) + kernelMean(ss, true, M, M) - 2 * kernelMean(sr, false, M, N);

  // k-NN radii (squared): real among disjoint real windows, synthetic among the others.
  const k = KNN_K;
  const rRad = Float64Array.from({ length: N }, (_, i) => kthSmallest(rr, N, i, Math.min(k, N - 1), (j) => disjoint(i, j)));
  const sRad = Float64Array.from({ length: M }, (_, i) => kthSmallest(ss, M, i, Math.min(k, M - 1), (j) => j !== i));
  let inReal = 0;
  let densitySum = 0;
  const covered = new Uint8Array(N);
  const synthNn = new Float64Array(M).fill(Infinity);
  for (let i = 0; i < M; i++) {
    let any = false;
    for (let j = 0; j < N; j++) {
      const d = sr[i * N + j];
      if (d < synthNn[i]) synthNn[i] = d;
      if (d <= rRad[j]) {
        any = true;
        densitySum++;
      }
    }
    if (any) inReal++;
  }
  for (let j = 0; j < N; j++) {
    let nn = Infinity;
    for (let i = 0; i < M; i++) nn = Math.min(nn, sr[i * N + j]);
    if (nn <= rRad[j]) covered[j] = 1;
  }
  let recalled = 0;
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < M; i++) {
      if (sr[i * N + j] <= sRad[i]) {
        recalled++;
        break;
      }
    }
  }

  // Memorisation: synthetic-to-real nearest distances against real-to-disjoint-real ones.
  const realNn = Float64Array.from({ length: N }, (_, i) => kthSmallest(rr, N, i, 1, (j) => disjoint(i, j)));
  const threshold = Math.sqrt(quantile(realNn.filter(Number.isFinite), MEMORISATION_PERCENTILE));
  let memorised = 0;
  let copies = 0;
  for (let i = 0; i < M; i++) {
    const d = Math.sqrt(synthNn[i]);
    if (d < threshold) memorised++;
    if (d <= 1e-6 * Math.sqrt(dim)) copies++;
  }
  const share = memorised / M;

  return {
    mmd,
    mmdBandwidth: Math.sqrt(sigma2),
    precision: inReal / M,
    recall: recalled / N,
    density: densitySum / (k * M),
    coverage: covered.reduce((a, b) => a + b, 0) / N,
    spread: stdAll(synthetic) / Math.max(stdAll(real), 1e-12),
    memorisation: { share, threshold, exactCopies: copies / M, warning: share > MEMORISATION_WARN },
  };
}

/** √ of the mean variance of each value position across windows. */
function stdAll(w: WindowSet): number {
  const dim = w.seqLen * w.features;
  let total = 0;
  for (let d = 0; d < dim; d++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < w.count; i++) {
      const v = w.data[i * dim + d];
      s += v;
      s2 += v * v;
    }
    const mean = s / w.count;
    total += Math.max(0, s2 / w.count - mean * mean);
  }
  return Math.sqrt(total / dim);
}
