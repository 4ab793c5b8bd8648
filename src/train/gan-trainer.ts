/**
 * One GAN training iteration, for any model built on `Gan`: `dSteps`
 * discriminator updates on fresh real batches, then one generator update.
 * Noise and batches come from their own seeded streams, so that the same seed
 * repeats the run exactly.
 */
import type { Gan } from '../models/gan.js';
import { BatchSampler, type Items } from '../data/batches.js';
import type { Windows } from '../data/windows.js';
import { Rng, runStream } from '../random.js';
import { streamsState, restoreStreams, type TrainerState } from './loop.js';
import type { Metrics, Trainable } from './loop.js';

/** Windows as items [seqLen, features]. */
export function windowItems(w: Windows): Items {
  return { data: w.data, count: w.count, itemShape: [w.seqLen, w.features] };
}

/** A GAN whose D judges data (not a latent space, as TimeGAN's does): the one kind this trainer's D and G steps are right for. */
export type DataSpaceGan = Gan & { readonly latentDiscriminator?: false };

export class GanTrainer implements Trainable {
  protected readonly sampler: BatchSampler;
  protected readonly noiseRng: Rng;

  private it = 0;
  /** Share of the generator's training done as of the last step, in [0, 1]: anneals the instance noise; monitors read it. */
  progress = 0;
  /** The items trained on. */
  readonly items: Items;

  /** `iterations`: the planned length of the run, for schedules (instance-noise annealing). */
  constructor(readonly model: DataSpaceGan, data: Items | Windows, seed: number, private readonly iterations = 0) {
    const items = 'itemShape' in data ? data : windowItems(data);
    this.items = items;
    if (items.itemShape.join('x') !== model.itemShape.join('x')) {
      throw new Error(`data items are [${items.itemShape}], the model expects [${model.itemShape}]`);
    }
    const batch = Math.min(model.config.batchSize, items.count);
    (model as Gan & { checkMemory?(batch: number): void }).checkMemory?.(batch);
    // Separate streams from the weight-initialisation seed (the model's).
    const rng = runStream(seed, 'trainer');
    this.sampler = new BatchSampler(items, rng.fork());
    this.noiseRng = rng.fork();
  }

  /** Where the run stands: the iteration and the batch and noise streams (the model's own state is the model's). */
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
    let n = batchSize;
    for (let k = 0; k < dSteps; k++) {
      const real = this.sampler.next(take);
      n = real.shape[0];
      d = this.model.discriminatorStep(real, this.noiseRng, this.progress);
      real.dispose();
    }
    const g = this.generatorUpdate(n, take);
    this.model.updateAverage();
    // gLoss beside dLoss, then the rest: the order of the saved history's columns.
    return { dLoss: d.dLoss, gLoss: g.gLoss, dAccReal: d.dAccReal, dAccFake: d.dAccFake, dGradNorm: d.dGradNorm, ...g };
  }

  /** The iteration's generator update on `n` items (`take` per real batch); a model with another objective overrides it. */
  protected generatorUpdate(n: number, take: number): Metrics {
    const realG = this.model.config.featureMatching ? this.sampler.next(take) : undefined;
    const g = this.model.generatorStep(n, this.noiseRng, realG, this.progress);
    realG?.dispose();
    return { gLoss: g.gLoss, gGradNorm: g.gGradNorm };
  }
}
