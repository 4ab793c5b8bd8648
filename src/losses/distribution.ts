/**
 * Terms that compare a batch of real windows with a batch of synthetic ones
 * in data space, for TimeGAN's generator (src/models/timegan.ts): the
 * reference code's moment loss (Yoon et al. 2019, timegan.py: |σ̂ − σ| +
 * |μ̂ − μ|); the 1-D Wasserstein distance per step and feature, and along
 * fixed slices through pairs of features (sliced Wasserstein, Deshpande et
 * al. 2018: sorted values matched rank by rank); and the difference of the
 * batches' correlation matrices over a window's values. All take [batch,
 * time, features] tensors and return a scalar to descend.
 */
import { tf, readFloats } from '../engine.js';
import { TsganError } from '../errors.js';
import { fusedKernelsActive } from '../kernels/fused-stack.js';
import { quantileResidual as kernelQuantileResidual } from '../kernels/wasm-kernels.js';
import type { Windows } from '../data/windows.js';

/** The reference's moment loss: |σ̂ − σ| + |μ̂ − μ|, moments over the batch per step and feature, averaged. */
export function momentLoss(x: tf.Tensor3D, xHat: tf.Tensor3D): tf.Scalar {
  const mx = tf.moments(x, 0);
  const mh = tf.moments(xHat, 0);
  return tf.add(
    tf.mean(tf.abs(tf.sub(tf.sqrt(tf.add(mh.variance, 1e-6)), tf.sqrt(tf.add(mx.variance, 1e-6))))),
    tf.mean(tf.abs(tf.sub(mh.mean, mx.mean))),
  ) as tf.Scalar;
}

/** Correlation matrix [T·F, T·F] over the batch of a [B, T, F] batch (a constant value has no correlation: 0). */
function windowCorrelation(x: tf.Tensor3D): tf.Tensor2D {
  const [B, T, F] = x.shape;
  const flat = tf.reshape(x, [B, T * F]); // [batch, time·features]
  const { mean, variance } = tf.moments(flat, 0);
  const z = tf.div(tf.sub(flat, mean), tf.sqrt(tf.add(variance, 1e-6)));
  return tf.div(tf.matMul(z, z, true, false), B) as tf.Tensor2D;
}

/**
 * Mean over the pairs of a window's T·F values that `mask` marks (null: all)
 * of the squared difference between their correlation over the real batch
 * and over the synthetic one. Squared, not absolute: two independent batches
 * of 128 already differ by about ±0.1 per pair, and the square's gradient of
 * that noise averages out.
 */
export function correlationLoss(x: tf.Tensor3D, xHat: tf.Tensor3D, mask: tf.Tensor2D | null = null): tf.Scalar {
  const sq = tf.square(tf.sub(windowCorrelation(xHat), windowCorrelation(x))); // [T·F, T·F]
  if (!mask) return tf.mean(sq) as tf.Scalar;
  return tf.div(tf.sum(tf.mul(sq, mask)), tf.sum(mask)) as tf.Scalar;
}

/** [T·F, T·F]: 1 where the two flattened values (index t·F + f) belong to different features. */
export function crossFeatureMask(T: number, F: number): tf.Tensor2D {
  return tf.tidy(() => {
    const n = T * F;
    const feature = tf.mod(tf.range(0, n, 1, 'int32'), F);
    return tf.cast(tf.notEqual(tf.reshape(feature, [n, 1]), tf.reshape(feature, [1, n])), 'float32') as tf.Tensor2D;
  });
}

/** Windows the 'weak' pairs are read from, at most: enough for ±.01 on a correlation. */
const WEAK_PAIR_WINDOWS = 10000;

/**
 * [T·F, T·F]: 1 where two of a window's values have |correlation| < `threshold`
 * over the windows of `data` (evenly spread ones where there are more than
 * 10,000); a value that never changes is in no pair (it has no correlation).
 */
export function weakPairMask(data: Windows, threshold: number): tf.Tensor2D {
  const n = data.seqLen * data.features;
  const step = Math.ceil(data.count / WEAK_PAIR_WINDOWS);
  const rows = Math.ceil(data.count / step);
  const picked = new Float32Array(rows * n);
  for (let i = 0; i < rows; i++) picked.set(data.data.subarray(i * step * n, (i * step + 1) * n), i * n);
  return tf.tidy(() => {
    const windows = tf.tensor3d(picked, [rows, data.seqLen, data.features]);
    const rho = windowCorrelation(windows); // [T·F, T·F]
    const varying = tf.greater(tf.moments(tf.reshape(windows, [rows, n]), 0).variance, 1e-10); // [T·F]
    const both = tf.logicalAnd(tf.reshape(varying, [n, 1]), tf.reshape(varying, [1, n]));
    return tf.cast(tf.logicalAnd(both, tf.less(tf.abs(rho), threshold)), 'float32') as tf.Tensor2D;
  });
}

/**
 * Mean over steps and features of the 1-D Wasserstein-1 distance between the
 * batch's real and synthetic values: each synthetic value is pulled towards
 * the real value of the same rank. The targets are constants (the ranking has
 * no gradient), so the loss is mean |x̂ − target|, computed here in one pass
 * with its gradient dy·sign(x̂ − target)/N: the same numbers TF.js's sub, abs
 * and mean give (sign −1 at 0, as tf.abs's gradient), without their six
 * passes over the batch.
 */
export function quantileLoss(x: tf.Tensor3D, xHat: tf.Tensor3D): tf.Scalar {
  const [B, T, F] = xHat.shape;
  if (x.shape[0] !== B) throw new TsganError(`quantileLoss needs equal batches, got ${x.shape[0]} real and ${B} synthetic`);
  if (B > INDEX_SLOTS) throw new TsganError(`quantileLoss handles batches of up to ${INDEX_SLOTS} windows, got ${B}`);
  const n = B * T * F;
  // The sort and the pass over its targets run in the kernels' WebAssembly where they run (the same numbers, faster).
  const residualOf = fusedKernelsActive() ? kernelQuantileResidual : quantileResidual;
  const { sign, sum } = residualOf(readFloats(x), readFloats(xHat), B, T * F);
  // xHat is the op's input only so that TF.js routes its gradient; its values are read above.
  const loss = tf.customGrad((..._inputs: unknown[]) => ({
    value: tf.scalar(sum / n),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.mul(tf.div(dy as tf.Tensor, n), tf.tensor(sign, [B, T, F])),
  }));
  return loss(xHat) as tf.Scalar;
}

/**
 * The quantile loss of the step-to-step changes x_{t+1} − x_t ([batch,
 * time − 1, features]): how far each series moves from one step to the
 * next, whose distribution sets how rough or smooth the series are;
 * `balanced`: in units of the real changes' spread at each step (spreadBalanced).
 */
export function incrementLoss(x: tf.Tensor3D, xHat: tf.Tensor3D, balanced = false): tf.Scalar {
  const changes: [tf.Tensor3D, tf.Tensor3D] = [stepChanges(x), stepChanges(xHat)];
  return quantileLoss(...(balanced ? spreadBalanced(...changes) : changes));
}

/**
 * Real and synthetic values in units of the real batch's spread at each
 * step and feature, rescaled so that the mean unit is the data's: the
 * distribution terms then weigh a step where the data hardly varies (each
 * of Sines' waves starts within 0.05 of the middle) as much as one where
 * it varies widely, instead of by its spread. A spread below 1/100 of the
 * mean (a constant column, or a batch of one window) counts as 1/100 of it.
 */
export function spreadBalanced(x: tf.Tensor3D, xHat: tf.Tensor3D): [tf.Tensor3D, tf.Tensor3D] {
  return tf.tidy(() => {
    const sd = tf.sqrt(tf.moments(x, 0).variance); // [time, features], from the real batch only: no gradient through it
    // 1/100 at least, also where the whole batch has no spread (one window, constant data): never a division by 0.
    const unit = tf.maximum(tf.div(sd, tf.maximum(tf.mean(sd), 1e-12)), 0.01);
    return [tf.div(x, unit), tf.div(xHat, unit)] as [tf.Tensor3D, tf.Tensor3D];
  });
}

/** Step-to-step changes x_{t+1} − x_t: [batch, time, features] → [batch, time − 1, features]. */
export function stepChanges(a: tf.Tensor3D): tf.Tensor3D {
  const [B, T, F] = a.shape;
  return tf.sub(tf.slice(a, [0, 1, 0], [B, T - 1, F]), tf.slice(a, [0, 0, 0], [B, T - 1, F])) as tf.Tensor3D;
}

/** [F, F²]: the F feature axes, then (e_i + e_j)/√2 and (e_i − e_j)/√2 for every pair i < j. */
export function pairProjections(F: number): tf.Tensor2D {
  const K = F * F;
  const m = new Float32Array(F * K); // [features, slices]
  for (let i = 0; i < F; i++) m[i * K + i] = 1;
  let c = F;
  for (let i = 0; i < F; i++) {
    for (let j = i + 1; j < F; j++, c += 2) {
      m[i * K + c] = m[j * K + c] = Math.SQRT1_2;
      m[i * K + c + 1] = Math.SQRT1_2;
      m[j * K + c + 1] = -Math.SQRT1_2;
    }
  }
  return tf.tensor2d(m, [F, K]);
}

/**
 * The quantile loss along the directions of `projections` [F, K] (see
 * pairProjections): a sliced Wasserstein distance per step (Deshpande et
 * al. 2018) whose fixed slices see each feature and each pair of features.
 */
export function slicedLoss(x: tf.Tensor3D, xHat: tf.Tensor3D, projections: tf.Tensor2D): tf.Scalar {
  const project = (a: tf.Tensor3D) => {
    const [B, T, F] = a.shape;
    const flat = tf.reshape(a, [B * T, F]); // [batch·time, features]
    return tf.reshape(tf.matMul(flat, projections), [B, T, projections.shape[1]]) as tf.Tensor3D; // [batch, time, slices]
  };
  return quantileLoss(project(x), project(xHat));
}

/** For [B, C] row-major `real` and `fake`: per column c, the real value whose rank equals each fake value's rank (ties by row). */
export function quantileTargets(real: Float32Array, fake: Float32Array, B: number, C: number): Float32Array {
  const target = new Float32Array(B * C);
  const r = new Float32Array(B);
  const keys = new Float64Array(B);
  for (let c = 0; c < C; c++) {
    for (let b = 0; b < B; b++) {
      r[b] = real[b * C + c];
      // Value, then index (ties broken by index: the same batch gives the same
      // targets), in one number, so a native numeric sort orders the batch.
      keys[b] = orderedBits(fake[b * C + c]) * INDEX_SLOTS + b;
    }
    r.sort();
    keys.sort();
    for (let k = 0; k < B; k++) target[(keys[k] % INDEX_SLOTS) * C + c] = r[k];
  }
  return target;
}

/** quantileTargets, then sign(fake − target) per value (−1 at 0, as tf.abs's gradient) and Σ|fake − target| in index order. */
export function quantileResidual(real: Float32Array, fake: Float32Array, B: number, C: number): { sign: Float32Array; sum: number } {
  const target = quantileTargets(real, fake, B, C);
  const sign = new Float32Array(B * C);
  let sum = 0;
  for (let i = 0; i < B * C; i++) {
    const d = Math.fround(fake[i] - target[i]);
    sum += Math.abs(d);
    sign[i] = d > 0 ? 1 : d <= 0 ? -1 : NaN;
  }
  return { sign, sum };
}

/** Room for the index below a 32-bit key in a float64's 53-bit integer range. */
const INDEX_SLOTS = 2 ** 21;
const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/** A float32's bits as an unsigned integer in the order of the values (−0 as +0). */
function orderedBits(v: number): number {
  asFloat[0] = v === 0 ? 0 : v;
  const u = bits[0];
  return u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
}

