/**
 * TimeGAN's three training phases as one `Trainable` (see models/timegan.ts):
 * iterations 1..Ne train the autoencoder, the next Ns the supervisor, the
 * rest are joint iterations (gSteps generator + embedder updates on fresh
 * batches, then one thresholded discriminator update). Each iteration returns
 * its phase's metrics and `phase` (1, 2, 3), so the history shows all three.
 * After `collapseRefit` joint iterations it checks G's spread once, as the
 * diversity monitor measures it, and refits G's head if it never spread out.
 */
import { tf } from '../engine.js';
import { Rng, runStream } from '../random.js';
import { streamsState, restoreStreams, type TrainerState } from './loop.js';
import { BatchSampler, drawItems, type Items } from '../data/batches.js';
import type { Windows } from '../data/windows.js';
import type { JointGeneratorLogs, Timegan } from '../models/timegan.js';
import { windowItems } from './gan-trainer.js';
import type { Metrics, Trainable } from './loop.js';
import { diversityProbe, DIVERSITY_SAMPLES, DIVERSITY_THRESHOLD, type DiversityProbe } from './diversity.js';

/** Windows (and noise sequences) on which `generatorInit` 'data' measures the two networks. */
const GENERATOR_INIT_WINDOWS = 512;

export class TimeganTrainer implements Trainable {
  private readonly sampler: BatchSampler;
  private readonly noiseRng: Rng;
  private it = 0;
  /** Share of the generator's training done as of the last step, in [0, 1]: anneals the instance noise; monitors read it. */
  progress = 0;
  readonly items: Items;
  /** The correlation term's pairs, read from the training windows; null when the term is off by its weight. */
  readonly correlationPairs: { pairs: number; of: number } | null;
  /** What the last step measured besides its metrics (the collapse check's `collapseCheck`). */
  measured: Metrics = {};
  /** A line for the user about the last step (a refit), else null. */
  stepNotice: string | null = null;
  /** The collapse check's windows and noise: the diversity monitor's, so that the check reads what the monitor would. */
  private readonly probe: DiversityProbe | null;

  /** `jointIterations`: the joint phase's length (the other two come from the config). */
  constructor(readonly model: Timegan, data: Windows, private readonly seed: number, readonly jointIterations: number) {
    this.items = windowItems(data);
    const { generatorInit, collapseRefit } = model.config;
    // A refit needs training after it: the check runs where at least as many joint iterations follow.
    const checks = collapseRefit > 0 && 2 * collapseRefit <= jointIterations;
    model.checkMemory(Math.min(model.config.batchSize, data.count), generatorInit === 'data' || checks ? Math.min(GENERATOR_INIT_WINDOWS, data.count) : 0);
    this.probe = checks ? diversityProbe(this.items, DIVERSITY_SAMPLES, seed) : null;
    const rng = runStream(seed, 'trainer');
    this.sampler = new BatchSampler(this.items, rng.fork());
    this.noiseRng = rng.fork();
    this.correlationPairs = model.config.correlationLoss > 0 ? model.setCorrelationData(data) : null;
  }

  /** Where the autoencoder, supervised and joint phases end (the joint phase runs ~10× slower per iteration). */
  get phaseEnds(): number[] {
    const { embeddingIterations: ne, supervisedIterations: ns } = this.model.config;
    return [ne, ne + ns, ne + ns + this.jointIterations];
  }

  /** Iterations of all three phases. */
  get totalIterations(): number {
    return this.phaseEnds[2];
  }

  private batch(): tf.Tensor3D {
    const { batchSize, pac } = this.model.config;
    const n = Math.min(batchSize, this.items.count);
    return this.sampler.next(n - (n % pac)) as tf.Tensor3D;
  }

  /**
   * `generatorInit` 'data': G's head fitted to the embedder's latents, on up
   * to GENERATOR_INIT_WINDOWS training windows and as many noise sequences
   * from a stream of their own, so that the batches and noise of training
   * are the same either way.
   */
  private initGenerator(): void {
    const rng = runStream(this.seed, 'generatorInit');
    const n = Math.min(GENERATOR_INIT_WINDOWS, this.items.count);
    const [seqLen, features] = this.items.itemShape;
    const x = tf.tensor3d(drawItems(this.items, n, rng), [n, seqLen!, features!]); // [windows, time, features]
    const z = this.model.noise(rng, n);
    this.model.initGeneratorFromData(x, z);
    tf.dispose([x, z]);
  }

  /**
   * The collapse check (`collapseRefit`): G's diversity after that many
   * joint iterations; below DIVERSITY_THRESHOLD, G's head is fitted again
   * and its average restarts. It reads the weights only, at one iteration,
   * so a resumed run checks (or not) exactly as a straight one.
   */
  private collapseCheck(probe: DiversityProbe): void {
    const ratio = probe.ratio(probe.sample(this.model));
    this.measured = { collapseCheck: ratio };
    if (!(ratio < DIVERSITY_THRESHOLD)) return; // a NaN reading is a diverged G, which the NaN guard stops: not refitted
    this.initGenerator();
    this.model.resetAverage();
    this.stepNotice = `tsgan: generator diversity ${ratio.toFixed(3)} at iteration ${this.it} (generated windows are ${(100 * ratio).toFixed(ratio < 0.1 ? 1 : 0)} % as spread out as real ones): the generator never spread out; its output layer was fitted to the embedder's latents and training goes on (--collapse-refit)`;
  }

  /** Where the run stands: the iteration and the batch and noise streams (the model's own state is the model's). */
  getState(): TrainerState {
    return streamsState(this.it, this.sampler, this.noiseRng);
  }

  setState(state: TrainerState): void {
    this.it = restoreStreams(state, this.sampler, this.noiseRng);
  }

  /** The generator is trained in the joint phase only. */
  get generatorTrained(): boolean {
    return this.it > this.model.config.embeddingIterations + this.model.config.supervisedIterations;
  }

  trainStep(): Metrics {
    const { embeddingIterations: ne, supervisedIterations: ns, gSteps, collapseRefit } = this.model.config;
    this.it++;
    this.measured = {};
    this.stepNotice = null;
    if (this.it <= ne) {
      const x = this.batch();
      const r = this.model.embeddingStep(x);
      x.dispose();
      return { phase: 1, ...r };
    }
    if (this.it <= ne + ns) {
      const x = this.batch();
      const r = this.model.supervisedStep(x);
      x.dispose();
      return { phase: 2, ...r };
    }
    this.progress = (this.it - ne - ns - 1) / Math.max(1, this.jointIterations);
    if (this.it === ne + ns + 1 && this.model.config.generatorInit === 'data') this.initGenerator();
    let g: JointGeneratorLogs = { gLossU: NaN, gLossS: NaN, gLossV: NaN, eLoss: NaN, gGradNorm: NaN };
    for (let k = 0; k < gSteps; k++) {
      const x = this.batch();
      const z = this.model.noise(this.noiseRng, x.shape[0]);
      g = this.model.jointGeneratorStep(x, z, this.noiseRng, this.progress);
      tf.dispose([x, z]);
    }
    const x = this.batch();
    const z = this.model.noise(this.noiseRng, x.shape[0]);
    const d = this.model.jointDiscriminatorStep(x, z, this.noiseRng, this.progress);
    // The data critic (when on) judges the same real and noise batches as D.
    const c = this.model.critic ? this.model.jointCriticStep(x, z) : {};
    tf.dispose([x, z]);
    // The average (`ema`) starts with the joint phase, where G is first trained.
    this.model.updateAverage();
    if (this.probe && this.it === ne + ns + collapseRefit) this.collapseCheck(this.probe);
    return { phase: 3, ...d, ...c, ...g, gLoss: g.gLossU };
  }
}
