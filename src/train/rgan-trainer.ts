/**
 * One RGAN training iteration: `dSteps` discriminator updates on fresh real
 * batches, then one generator update. Noise and batches come from their own
 * seeded streams, so that the same seed repeats the run exactly.
 */
import type { Rgan } from '../models/rgan.js';
import { BatchSampler } from '../data/batches.js';
import type { Windows } from '../data/windows.js';
import { Rng } from '../random.js';
import type { Metrics, Trainable } from './loop.js';
import { checkFusedMemory } from '../kernels/fused-stack.js';

export class RganTrainer implements Trainable {
  private readonly sampler: BatchSampler;
  private readonly noiseRng: Rng;

  constructor(readonly model: Rgan, windows: Windows, seed: number) {
    if (windows.seqLen !== model.config.seqLen || windows.features !== model.config.features) {
      throw new Error(
        `windows are [${windows.seqLen}, ${windows.features}], the model expects [${model.config.seqLen}, ${model.config.features}]`,
      );
    }
    const c = model.config;
    const shape = (inputSize: number) => ({ cell: c.cell, batch: Math.min(c.batchSize, windows.count), time: c.seqLen, inputSize, hidden: c.hidden });
    checkFusedMemory(
      [
        { shape: shape(c.features), layers: c.layers, passes: 2 }, // D on real and on generated data
        { shape: shape(c.noiseDim), layers: c.layers, passes: 2 }, // G, then D on its output
      ],
      `batch ${c.batchSize} × sequence ${c.seqLen} × hidden ${c.hidden} × ${c.layers} layers`,
    );
    // Separate streams from the weight-initialisation seed (the model's).
    const rng = new Rng(seed ^ 0x5eed);
    this.sampler = new BatchSampler(windows, rng.fork());
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
