/**
 * A generator's diversity: the mean pairwise distance between its samples
 * from fixed noise over that between a fixed set of real items. Near 1 is
 * healthy; near 0 the generator has collapsed onto a few outputs (mode
 * collapse, Goodfellow 2016 §5.1.1), which the losses do not show. The
 * diversity monitor records it; TimeGAN's collapse check acts on it.
 */
import { Rng, runStream } from '../random.js';
import type { Gan } from '../models/gan.js';
import type { Items } from '../data/batches.js';
import { drawItems } from '../data/batches.js';

/** Real items, and noise sequences, a side. */
export const DIVERSITY_SAMPLES = 128;

/** Below this the monitor calls a generator collapsed (and TimeGAN's collapse check refits it). */
export const DIVERSITY_THRESHOLD = 0.25;

/** Mean Euclidean distance over all pairs of `count` rows of `size` values. */
export function meanPairwiseDistance(x: Float32Array, count: number, size: number): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let d = 0;
      for (let k = 0; k < size; k++) {
        const v = x[i * size + k] - x[j * size + k];
        d += v * v;
      }
      sum += Math.sqrt(d);
      pairs++;
    }
  }
  return pairs > 0 ? sum / pairs : 0;
}

/** A fixed measurement: `n` real items and `n` noise sequences drawn once from the run's `seed`. */
export interface DiversityProbe {
  /** The real items, [n, ...itemShape] flattened. */
  readonly real: Float32Array;
  readonly n: number;
  /** Values per item. */
  readonly size: number;
  /** `n` samples of `model` from the fixed noise. */
  sample(model: Gan): Float32Array;
  /** The samples' mean pairwise distance over the real items' (1 when the real ones do not vary). */
  ratio(fake: Float32Array): number;
}

export function diversityProbe(real: Items, samples: number, seed: number): DiversityProbe {
  const n = Math.min(samples, real.count);
  const size = real.itemShape.reduce((a, b) => a * b, 1);
  const rng = runStream(seed, 'diversity');
  const realSet = drawItems(real, n, rng);
  const realDist = meanPairwiseDistance(realSet, n, size);
  const noiseSeed = rng.nextUint32();
  return {
    real: realSet,
    n,
    size,
    sample: (model) => model.sample(n, new Rng(noiseSeed)),
    ratio: (fake) => (realDist > 0 ? meanPairwiseDistance(fake, n, size) / realDist : 1),
  };
}
