/**
 * TimeGAN's visualisation (`metrics/visualization_metrics.py`): each window
 * is averaged over its features into one seqLen-long vector; PCA is fitted on
 * the real vectors and applied to both; t-SNE (van der Maaten & Hinton 2008)
 * embeds real and synthetic together (perplexity 40, as the reference).
 * Overlapping clouds mean similar sequences; a synthetic cloud in one corner
 * means mode collapse.
 *
 * t-SNE here is the exact O(n²) algorithm with the usual schedule (early
 * exaggeration 12 for the first quarter, momentum 0.5 → 0.8, learning rate
 * 200, per-parameter gains), started from a seeded N(0, 10⁻⁴) draw, so the
 * same seed gives the same picture.
 */
import { Rng } from '../random.js';
import type { WindowSet } from './data.js';

/** [count, seqLen]: each window averaged over its features. */
export function featureMeans(w: WindowSet): Float64Array {
  const { count, seqLen: T, features: F } = w;
  const out = new Float64Array(count * T);
  for (let i = 0; i < count * T; i++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += w.data[i * F + f];
    out[i] = s / F;
  }
  return out;
}

/** Two principal components fitted on `fit` ([n, dim]), applied to each of `apply`: [m, 2] each. */
export function pca2(fit: Float64Array, n: number, dim: number, apply: Float64Array[]): Float64Array[] {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += fit[i * dim + d] / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const va = fit[i * dim + a] - mean[a];
      for (let b = a; b < dim; b++) cov[a * dim + b] += (va * (fit[i * dim + b] - mean[b])) / n;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a];
  // Power iteration with deflation: two components are all the picture needs.
  const comps: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: dim }, (_, d) => 1 + d / dim);
    for (let it = 0; it < 500; it++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) w[a] += cov[a * dim + b] * v[b];
      for (const u of comps) {
        const p = dot(w, u);
        for (let d = 0; d < dim; d++) w[d] -= p * u[d];
      }
      const norm = Math.sqrt(dot(w, w));
      if (norm === 0) break;
      for (let d = 0; d < dim; d++) w[d] /= norm;
      const change = Math.abs(1 - Math.abs(dot(w, v)));
      v = w;
      if (change < 1e-12) break;
    }
    // A fixed sign: the largest entry positive.
    let big = 0;
    for (let d = 1; d < dim; d++) if (Math.abs(v[d]) > Math.abs(v[big])) big = d;
    if (v[big] < 0) for (let d = 0; d < dim; d++) v[d] = -v[d];
    comps.push(v);
  }
  return apply.map((x) => {
    const m = x.length / dim;
    const out = new Float64Array(m * 2);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < 2; c++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += (x[i * dim + d] - mean[d]) * comps[c][d];
        out[i * 2 + c] = s;
      }
    }
    return out;
  });
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface TsneOptions {
  perplexity?: number;
  iterations?: number;
  seed?: number;
}

/** 2-D t-SNE of x [n, dim] → [n, 2]. */
export function tsne(x: Float64Array, n: number, dim: number, opts: TsneOptions = {}): Float64Array {
  const perplexity = Math.min(opts.perplexity ?? 40, (n - 1) / 3);
  const iterations = opts.iterations ?? 500;
  const rng = new Rng(opts.seed ?? 0);
  // Squared distances.
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (x[i * dim + d] - x[j * dim + d]) ** 2;
      d2[i * n + j] = d2[j * n + i] = s;
    }
  }
  // Conditional probabilities with a per-point bandwidth found by bisection on the entropy.
  const P = new Float64Array(n * n);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    for (let tries = 0; tries < 64; tries++) {
      let sum = 0;
      let hsum = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const p = Math.exp(-d2[i * n + j] * beta);
        P[i * n + j] = p;
        sum += p;
        hsum += d2[i * n + j] * p;
      }
      if (sum === 0) {
        hi = beta;
        beta = (lo + hi) / 2;
        continue;
      }
      const entropy = Math.log(sum) + (beta * hsum) / sum;
      for (let j = 0; j < n; j++) P[i * n + j] /= sum;
      if (Math.abs(entropy - target) < 1e-5) break;
      if (entropy > target) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (lo + hi) / 2;
      } else {
        hi = beta;
        beta = (lo + hi) / 2;
      }
    }
    P[i * n + i] = 0;
  }
  // Symmetrise.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const p = Math.max((P[i * n + j] + P[j * n + i]) / (2 * n), 1e-12);
      P[i * n + j] = P[j * n + i] = p;
    }
  }
  const Y = new Float64Array(n * 2);
  for (let i = 0; i < n * 2; i++) Y[i] = rng.normal() * 1e-2;
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const num = new Float64Array(n * n);
  const grad = new Float64Array(n * 2);
  const exaggerateUntil = Math.floor(iterations / 4);
  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < exaggerateUntil ? 12 : 1;
    const momentum = it < exaggerateUntil ? 0.5 : 0.8;
    let Z = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = Y[2 * i] - Y[2 * j];
        const dy = Y[2 * i + 1] - Y[2 * j + 1];
        const q = 1 / (1 + dx * dx + dy * dy);
        num[i * n + j] = num[j * n + i] = q;
        Z += 2 * q;
      }
    }
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let gx = 0;
      let gy = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const q = num[i * n + j];
        const m = (exaggeration * P[i * n + j] - q / Z) * q;
        gx += m * (Y[2 * i] - Y[2 * j]);
        gy += m * (Y[2 * i + 1] - Y[2 * j + 1]);
      }
      grad[2 * i] = 4 * gx;
      grad[2 * i + 1] = 4 * gy;
    }
    for (let k = 0; k < n * 2; k++) {
      gains[k] = Math.sign(grad[k]) !== Math.sign(update[k]) ? gains[k] + 0.2 : Math.max(gains[k] * 0.8, 0.01);
      update[k] = momentum * update[k] - 200 * gains[k] * grad[k];
      Y[k] += update[k];
    }
    // Keep the embedding centred.
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      mx += Y[2 * i] / n;
      my += Y[2 * i + 1] / n;
    }
    for (let i = 0; i < n; i++) {
      Y[2 * i] -= mx;
      Y[2 * i + 1] -= my;
    }
  }
  return Y;
}
