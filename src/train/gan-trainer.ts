/**
 * One GAN training iteration, for any model built on `Gan`: `dSteps`
 * discriminator updates on fresh real batches, then one generator update.
 * Noise and batches come from their own seeded streams, so that the same seed
 * repeats the run exactly.
 */
import type { Gan } from '../models/gan.js';
import { BatchSampler, type Items } from '../data/batches.js';
import type { Windows } from '../data/windows.js';
import { Rng } from '../random.js';
import type { Metrics, Trainable } from './loop.js';

/** Windows as items [seqLen, features]. */
export function windowItems(w: Windows): Items {
  return { data: w.data, count: w.count, itemShape: [w.seqLen, w.features] };
}

export class GanTrainer implements Trainable {
  private readonly sampler: BatchSampler;
  private readonly noiseRng: Rng;

  constructor(readonly model: Gan, data: Items | Windows, seed: number) {
    const items = 'itemShape' in data ? data : windowItems(data);
    if (items.itemShape.join('x') !== model.itemShape.join('x')) {
      throw new Error(`data items are [${items.itemShape}], the model expects [${model.itemShape}]`);
    }
    const batch = Math.min(model.config.batchSize, items.count);
    (model as Gan & { checkMemory?(batch: number): void }).checkMemory?.(batch);
    // Separate streams from the weight-initialisation seed (the model's).
    const rng = new Rng(seed ^ 0x5eed);
    this.sampler = new BatchSampler(items, rng.fork());
    this.noiseRng = rng.fork();
  }

  trainStep(): Metrics {
    const { batchSize, dSteps } = this.model.config;
    let d = { dLoss: NaN, dAccReal: NaN, dAccFake: NaN, dGradNorm: NaN };
    let n = batchSize;
    for (let k = 0; k < dSteps; k++) {
      const real = this.sampler.next(batchSize);
      n = real.shape[0];
      d = this.model.discriminatorStep(real, this.noiseRng);
      real.dispose();
    }
    const g = this.model.generatorStep(n, this.noiseRng);
    return { dLoss: d.dLoss, gLoss: g.gLoss, dAccReal: d.dAccReal, dAccFake: d.dAccFake, dGradNorm: d.dGradNorm, gGradNorm: g.gGradNorm };
  }
}
