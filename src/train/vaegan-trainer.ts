/**
 * One VAE–GAN iteration (src/models/vaegan.ts): GanTrainer's `dSteps`
 * discriminator updates, then one encoder–decoder update on another real
 * batch in place of the generator's.
 */
import type { tf } from '../engine.js';
import type { Vaegan } from '../models/vaegan.js';
import type { Windows } from '../data/windows.js';
import type { Metrics } from './loop.js';
import { GanTrainer } from './gan-trainer.js';

export class VaeganTrainer extends GanTrainer {
  constructor(override readonly model: Vaegan, data: Windows, seed: number, iterations = 0) {
    super(model, data, seed, iterations);
  }

  protected override generatorUpdate(_n: number, take: number): Metrics {
    const real = this.sampler.next(take) as tf.Tensor3D;
    try {
      return { ...this.model.vaeStep(real, this.noiseRng, this.progress) };
    } finally {
      real.dispose();
    }
  }
}
