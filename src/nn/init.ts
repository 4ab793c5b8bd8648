/**
 * Seeded weight initialisers with Keras's definitions (glorot_uniform for
 * input kernels, orthogonal for recurrent kernels, zeros for biases), written
 * here because TF.js's orthogonal initialiser ignores its seed.
 */
import type { Rng } from '../random.js';

/** Glorot / Xavier uniform: U(−l, l), l = √(6 / (fanIn + fanOut)); row-major [fanIn, fanOut]. */
export function glorotUniform(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniformArray(fanIn * fanOut, -limit, limit);
}

/**
 * Orthogonal matrix [rows, cols] (Saxe et al. 2014), as Keras's Orthogonal:
 * QR of a Gaussian matrix, with the tall side as columns so that the result
 * has orthonormal rows (rows ≤ cols) or orthonormal columns (rows > cols).
 * Modified Gram–Schmidt gives Q with a positive diagonal of R, which is the
 * sign correction Keras applies.
 */
export function orthogonal(rng: Rng, rows: number, cols: number, gain = 1): Float32Array {
  const tall = Math.max(rows, cols); // length of each basis vector
  const k = Math.min(rows, cols); // number of orthonormal vectors
  const v: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const x = new Float64Array(tall);
    for (let i = 0; i < tall; i++) x[i] = rng.normal();
    for (const q of v) {
      let dot = 0;
      for (let i = 0; i < tall; i++) dot += q[i] * x[i];
      for (let i = 0; i < tall; i++) x[i] -= dot * q[i];
    }
    let norm = 0;
    for (let i = 0; i < tall; i++) norm += x[i] * x[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < tall; i++) x[i] /= norm;
    v.push(x);
  }
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < tall; i++) {
      // rows ≤ cols: vector j is row j; rows > cols: vector j is column j.
      if (rows <= cols) out[j * cols + i] = gain * v[j][i];
      else out[i * cols + j] = gain * v[j][i];
    }
  }
  return out;
}
