/**
 * One VAE–GAN iteration (src/models/vaegan.ts): `dSteps` discriminator
 * updates on fresh real batches, as GanTrainer's, then one encoder–decoder
 * update on another real batch. Batches and noise come from their own seeded
 * streams, so that the same seed repeats the run exactly.
 */
import type { tf } from '../engine.js';
import type { Vaegan } from '../models/vaegan.js';
import { BatchSampler, type Items } from '../data/batches.js';
import type { Windows } from '../data/windows.js';
import { Rng, runStream } from '../random.js';
import { streamsState, restoreStreams, type Metrics, type Trainable, type TrainerState } from './loop.js';
import { windowItems } from './gan-trainer.js';

export class VaeganTrainer implements Trainable {
  private readonly sampler: BatchSampler;
  private readonly noiseRng: Rng;
  private it = 0;
  /** Share of training done as of the last step, in [0, 1]: anneals the instance noise. */
  progress = 0;
  readonly items: Items;

  constructor(readonly model: Vaegan, data: Windows, seed: number, private readonly iterations = 0) {
    this.items = windowItems(data);
    if (this.items.itemShape.join('x') !== model.itemShape.join('x')) {
      throw new Error(`data items are [${this.items.itemShape}], the model expects [${model.itemShape}]`);
    }
    model.checkMemory(Math.min(model.config.batchSize, this.items.count));
    const rng = runStream(seed, 'trainer');
    this.sampler = new BatchSampler(this.items, rng.fork());
    this.noiseRng = rng.fork();
  }

  getState(): TrainerState {
    return streamsState(this.it, this.sampler, this.noiseRng);
  }

  setState(state: TrainerState): void {
    this.it = restoreStreams(state, this.sampler, this.noiseRng);
  }

  trainStep(): Metrics {
    const { batchSize, dSteps, pac } = this.model.config;
    this.progress = this.iterations > 0 ? this.it / this.iterations : 0;
    this.it++;
    // PacGAN needs whole packs: the batch is cut to a multiple of pac.
    const size = Math.min(batchSize, this.items.count);
    const take = size - (size % pac);
    let d = { dLoss: NaN, dAccReal: NaN, dAccFake: NaN, dGradNorm: NaN };
    for (let k = 0; k < dSteps; k++) {
      const real = this.sampler.next(take);
      d = this.model.discriminatorStep(real, this.noiseRng, this.progress);
      real.dispose();
    }
    const real = this.sampler.next(take);
    const v = this.model.vaeStep(real as tf.Tensor3D, this.noiseRng, this.progress);
    real.dispose();
    this.model.updateAverage();
    return { ...d, ...v };
  }
}
