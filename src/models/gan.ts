/**
 * What every GAN in tsgan shares: a generator G(z) and a discriminator D(x)
 * trained in alternation on the minimax objective (Goodfellow et al. 2014),
 * each with its own Adam optimiser, as one-step functions that return plain
 * metric records (the keras-io GAN examples' habit), and seeded sampling.
 * A model supplies its networks (`generate`, `discriminate`, `noise`) and
 * their variables; the recurrent GAN and the dense GAN build on this.
 */
import { tf } from '../engine.js';
import type { StackApplyOptions } from '../nn/recurrent.js';
import type { Rng } from '../random.js';
import { makeLoss, LOSS_NAMES, type GanLoss, type LossName } from '../losses/gan.js';
import { TsganError } from '../errors.js';
import { Adam, type AdamState } from './adam.js';
import { WeightAverage } from './weight-average.js';
import type { OptionDecl } from '../config/options.js';

/**
 * The training options every GAN config carries, with the stability toolkit.
 * Their defaults and documentation are declared once, in GAN_TRAINING_OPTIONS.
 */
export interface GanTrainingConfig {
  /** Sequences (items) per batch. */
  batchSize: number;
  lrG: number;
  lrD: number;
  beta1: number;
  beta2: number;
  /** Discriminator (critic) steps per generator step; 5 with 'wgan-gp' unless given (Gulrajani et al.). */
  dSteps: number;
  /** Objective: 'bce' (non-saturating), 'lsgan', 'hinge' or 'wgan-gp'. */
  loss: LossName;
  /** λ of the WGAN-GP gradient penalty. */
  gpWeight: number;
  /** One-sided label smoothing: D's real target is 1 − this ('bce', 'lsgan'). */
  labelSmoothing: number;
  /**
   * Instance noise (Sønderby et al. 2017; Arjovsky & Bottou 2017): N(0, σ²) added
   * to everything D sees, σ annealed linearly from this value to 0 over the run.
   */
  instanceNoise: number;
  /** Clip each network's gradient to this global L2 norm (0: off). */
  clipNorm: number;
  /**
   * Feature matching (Salimans et al. 2016): G matches the batch mean of D's last
   * hidden layer on real data instead of fooling D's output.
   */
  featureMatching: boolean;
  /** PacGAN (Lin et al. 2018): D judges packs of this many samples at once. */
  pac: number;
  /**
   * Exponential moving average of the generator's weights (Yazıcı et al. 2019):
   * its decay per generator update (e.g. 0.999), 0 for off. With it on, the
   * model samples, is evaluated and is saved with the averaged weights;
   * training steps use the live ones.
   */
  ema: number;
}

/** The training options every GAN shares (the stability toolkit among them); each model may override a default. */
export const GAN_TRAINING_OPTIONS: readonly OptionDecl[] = [
  { name: 'batchSize', flag: 'batch-size', kind: { type: 'int', min: 1 }, target: 'model', default: 128, section: 'Training', doc: 'sequences (items) per batch' },
  { name: 'lrG', flag: 'lr-g', kind: { type: 'number', min: 0, exclusive: true }, target: 'model', default: 1e-3, section: 'Training', doc: 'generator learning rate (Adam); set it apart from --lr-d for two time-scale updates (TTUR)' },
  { name: 'lrD', flag: 'lr-d', kind: { type: 'number', min: 0, exclusive: true }, target: 'model', default: 1e-3, section: 'Training', doc: 'discriminator learning rate (Adam)' },
  // 0.5, the GAN habit since DCGAN (Radford et al. 2016): with Keras's 0.9 the recurrent generator collapsed on Sines.
  { name: 'beta1', flag: 'beta1', kind: { type: 'number', min: 0, below: 1 }, target: 'model', default: 0.5, section: 'Training', doc: 'Adam β1 of both optimisers' },
  { name: 'beta2', kind: { type: 'number', min: 0, below: 1 }, target: 'model', default: 0.999, section: 'Training', doc: 'Adam β2 of both optimisers' },
  { name: 'dSteps', flag: 'd-steps', kind: { type: 'int', min: 1 }, target: 'model', default: 1, section: 'Training', doc: 'discriminator steps per generator step (5 with --loss wgan-gp unless given)' },
  { name: 'loss', flag: 'loss', kind: { type: 'choice', choices: LOSS_NAMES }, target: 'model', default: 'bce', section: 'Stability toolkit', doc: 'objective: non-saturating BCE, least squares, hinge, or Wasserstein with gradient penalty (5 critic steps)' },
  { name: 'gpWeight', flag: 'gp-weight', kind: { type: 'number', min: 0 }, target: 'model', default: 10, section: 'Stability toolkit', doc: 'WGAN-GP penalty weight λ' },
  { name: 'labelSmoothing', flag: 'label-smoothing', kind: { type: 'number', min: 0 }, target: 'model', default: 0, section: 'Stability toolkit', doc: "one-sided: D's real target is 1 − X (bce, lsgan)" },
  { name: 'instanceNoise', flag: 'instance-noise', kind: { type: 'number', min: 0 }, target: 'model', default: 0, section: 'Stability toolkit', doc: "N(0, X²) noise on everything D sees, annealed linearly to 0 (Sønderby et al. 2017)" },
  { name: 'clipNorm', flag: 'clip-norm', kind: { type: 'number', min: 0 }, target: 'model', default: 0, defaultText: 'off', section: 'Stability toolkit', doc: "clip each network's gradient to this global L2 norm" },
  { name: 'featureMatching', flag: 'feature-matching', kind: { type: 'boolean' }, target: 'model', default: false, section: 'Stability toolkit', doc: "G matches the batch mean of D's last hidden layer on real data instead of fooling D (Salimans et al. 2016)" },
  { name: 'pac', flag: 'pac', kind: { type: 'int', min: 1 }, target: 'model', default: 1, section: 'Stability toolkit', doc: 'PacGAN: D judges packs of N samples at once, which exposes a generator with too little variety (Lin et al. 2018)' },
  { name: 'ema', flag: 'ema', kind: { type: 'number', min: 0, below: 1 }, target: 'model', default: 0, section: 'Stability toolkit', metavar: 'D', doc: "sample, evaluate and save a moving average of the generator's weights, decay D per update, e.g. 0.999 (Yazıcı et al. 2019); 0: the last weights" },
];

/** Checks the shared training options, naming the offending value. */
export function checkTrainingConfig(c: GanTrainingConfig): void {
  for (const k of ['batchSize', 'dSteps', 'pac'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TsganError(`${k} must be a positive integer, got ${c[k]}`);
  }
  for (const k of ['lrG', 'lrD'] as const) {
    if (!(c[k] > 0) || !Number.isFinite(c[k])) throw new TsganError(`${k} must be a positive number, got ${c[k]}`);
  }
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new TsganError(`${k} must be in [0, 1), got ${c[k]}`);
  }
  if (!LOSS_NAMES.includes(c.loss)) throw new TsganError(`unknown loss "${c.loss}"; use one of ${LOSS_NAMES.join(', ')}`);
  for (const k of ['gpWeight', 'instanceNoise', 'clipNorm'] as const) {
    if (!(c[k] >= 0) || !Number.isFinite(c[k])) throw new TsganError(`${k} must be a number ≥ 0, got ${c[k]}`);
  }
  if (!(c.ema >= 0 && c.ema < 1)) throw new TsganError(`ema must be 0 (off) or a decay in (0, 1), got ${c.ema}`);
  makeLoss(c.loss, { labelSmoothing: c.labelSmoothing }); // checks the smoothing
  if (c.batchSize % c.pac !== 0) throw new TsganError(`batchSize ${c.batchSize} must be a multiple of pac ${c.pac}`);
}

/** A model's defaults overlaid with the caller's options; an objective's own critic steps (WGAN-GP's 5) apply unless dSteps is given. */
export function withTrainingDefaults<T extends object>(defaults: T, partial: Partial<GanTrainingConfig>): T {
  const c = { ...defaults, ...stripUndefined(partial) } as T & Partial<GanTrainingConfig>;
  const steps = c.loss !== undefined && (LOSS_NAMES as readonly string[]).includes(c.loss) ? makeLoss(c.loss).criticSteps : undefined;
  if (steps !== undefined && partial.dSteps === undefined) c.dSteps = steps;
  return c;
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Metrics of one training iteration. */
export interface GanStepMetrics {
  /** Discriminator loss (last D step of the iteration). */
  dLoss: number;
  /** Generator loss. */
  gLoss: number;
  /** Share of real outputs the discriminator calls real (logit > 0). */
  dAccReal: number;
  /** Share of generated outputs the discriminator calls fake (logit < 0). */
  dAccFake: number;
  /** Global L2 norm of the discriminator's gradient. */
  dGradNorm: number;
  /** Global L2 norm of the generator's gradient. */
  gGradNorm: number;
  [key: string]: number;
}

/** A GAN's training state, for checkpoints: every variable, every optimiser and the generator's average. */
export interface GanTrainingState {
  /** Each network's variables, in the order of `networkVariables`. */
  networks: Record<string, Float32Array[]>;
  /** Optimisers by name (null: not used yet). */
  optimizers: Record<string, AdamState | null>;
  average: { values: Float32Array[]; updates: number } | null;
}

/** What a D pass is for, so that a network can skip work the calling step does not need. */
export interface DiscriminatePass {
  /** D's weights are not trained by this step (G's update through a frozen D): no weight gradients. */
  frozen?: boolean;
  /** D's input needs no gradient (data, or the output of a network not being trained). */
  constantInput?: boolean;
  /** The pass is differentiated twice (WGAN-GP's penalty): only ops that allow it. */
  twice?: boolean;
}

/** A recurrent network's options for a D pass (the fused kernels have no second derivative: `twice` takes TF.js's ops). */
export function stackPass(p: DiscriminatePass): StackApplyOptions {
  return { frozen: p.frozen, constantInput: p.constantInput, reference: p.twice };
}

export abstract class Gan {
  abstract readonly config: GanTrainingConfig;
  /** Values per generated item (seqLen·features, or the vector width). */
  abstract readonly itemShape: number[];
  abstract get generatorVariables(): tf.Variable[];
  abstract get discriminatorVariables(): tf.Variable[];
  /** Noise for `count` items. */
  abstract noise(rng: Rng, count: number): tf.Tensor;
  /** G(z) in the model's scaled data space. */
  abstract generate(z: tf.Tensor): tf.Tensor;
  /**
   * D(x) on packed input (see `pack`): logits. `pass` says what the step
   * needs of it (see DiscriminatePass); a network may ignore it.
   */
  abstract discriminate(x: tf.Tensor, pass?: DiscriminatePass): tf.Tensor;

  /** D over several batches in one pass (fewer, larger kernel calls); the outputs split back per batch. */
  protected discriminateMany(parts: tf.Tensor[], opts: DiscriminatePass = {}): tf.Tensor[] {
    if (parts.length === 1) return [this.discriminate(parts[0], opts)];
    const y = this.discriminate(tf.concat(parts, 0), opts);
    return tf.split(y, parts.map((p) => p.shape[0]), 0);
  }
  /**
   * Autoencoding models (timegan, vaegan): real windows [batch, time, features]
   * through their encoder and the decoder their samples come out of, in the
   * scaled data space. What the decoder loses here, samples lose too.
   */
  reconstruct?(x: tf.Tensor3D): tf.Tensor3D;
  /**
   * What to try against mode collapse, for the diversity monitor's warnings:
   * `spread` when the samples are too alike, `coverage` when they crowd onto a
   * few shapes (feature matching can cause that, so it is not offered there).
   * Options the run already uses are left out; a model may know better remedies.
   */
  collapseRemedies(kind: 'spread' | 'coverage'): string[] {
    const c = this.config;
    return [
      ...(this.takes('pac') && c.pac < 2 && c.batchSize % 2 === 0 ? ['--pac 2'] : []),
      ...(kind === 'spread' && this.takes('featureMatching') && !c.featureMatching ? ['--feature-matching'] : []),
      ...(this.takes('wgan-gp') && c.loss !== 'wgan-gp' ? ['--loss wgan-gp'] : []),
      'a lower --lr-g',
    ];
  }
  /** Whether this model takes a remedy's option at all (a model that refuses or fixes one overrides this). */
  protected takes(_option: 'pac' | 'featureMatching' | 'wgan-gp'): boolean {
    return true;
  }
  /** D's last hidden layer on packed input, for feature matching. */
  discriminatorFeatures(_x: tf.Tensor): tf.Tensor {
    throw new TsganError('feature matching is available for the recurrent GANs (rgan, timegan, vaegan)');
  }
  /** Releases the networks' variables (the optimisers are released by `dispose`). */
  protected abstract disposeNetworks(): void;

  private optG: Adam | null = null;
  private optD: Adam | null = null;
  private lossFn: GanLoss | null = null;
  private average: WeightAverage | null = null;

  /** Folds the generator's current weights into its average (`ema` > 0); trainers call it after each generator update. */
  updateAverage(): void {
    if (this.config.ema > 0) (this.average ??= new WeightAverage(this.generatorVariables, this.config.ema)).update();
  }

  /** Drops the generator's average: the next `updateAverage` starts a new one at the weights then (after a refit, the old one averages weights given up). */
  resetAverage(): void {
    this.average = null;
  }

  /** Runs `fn` with the generator's averaged weights in place, if there is an average. */
  withAverage<T>(fn: () => T): T {
    return this.average ? this.average.swapIn(fn) : fn();
  }

  /** Makes the averaged weights the generator's for good (after training, before saving). */
  commitAverage(): void {
    this.average?.commit();
    this.average = null;
  }

  protected get loss(): GanLoss {
    this.lossFn ??= makeLoss(this.config.loss, { labelSmoothing: this.config.labelSmoothing });
    return this.lossFn;
  }

  /** Every optimiser by name, creating them when `create`; a model with other objectives overrides this. */
  protected namedOptimizers(create: boolean): Record<string, Adam | null> {
    if (create) this.optimizers();
    return { g: this.optG, d: this.optD };
  }

  /** Every variable once, in a fixed order: the index optimiser states refer to. */
  private allVariables(): tf.Variable[] {
    return [...new Set(Object.values(this.networkVariables()).flat())];
  }

  /** The whole training state (copies), for a checkpoint. */
  trainingState(): GanTrainingState {
    const vars = this.allVariables();
    return {
      networks: Object.fromEntries(Object.entries(this.networkVariables()).map(([k, vs]) => [k, vs.map((v) => v.dataSync().slice() as Float32Array)])),
      optimizers: Object.fromEntries(Object.entries(this.namedOptimizers(false)).map(([k, o]) => [k, o ? o.getState(vars) : null])),
      average: this.average ? this.average.getState() : null,
    };
  }

  /** Puts a checkpoint's training state back, so that training goes on as if never stopped. */
  restoreTrainingState(state: GanTrainingState): void {
    const nets = this.networkVariables();
    for (const [k, vars] of Object.entries(nets)) {
      const vs = state.networks[k];
      if (!vs || vs.length !== vars.length || vs.some((v, i) => v.length !== vars[i].size)) throw new TsganError(`the checkpoint's ${k} network does not fit this model's`);
    }
    this.setNetworkWeights(Object.fromEntries(Object.entries(nets).map(([k, vars]) => [k, state.networks[k].map((v, i) => tf.tensor(v, vars[i].shape))])), true);
    const vars = this.allVariables();
    const opts = this.namedOptimizers(true);
    for (const [k, s] of Object.entries(state.optimizers)) {
      if (!(k in opts)) throw new TsganError(`the checkpoint has an optimiser "${k}" this model does not`);
      if (s) opts[k]!.setState(s, vars);
    }
    if (state.average) {
      this.average = new WeightAverage(this.generatorVariables, this.config.ema);
      this.average.setState(state.average);
    }
  }

  protected optimizers(): { optG: Adam; optD: Adam } {
    const { lrG, lrD, beta1, beta2, clipNorm } = this.config;
    this.optG ??= new Adam({ learningRate: lrG, beta1, beta2, clipNorm });
    this.optD ??= new Adam({ learningRate: lrD, beta1, beta2, clipNorm });
    return { optG: this.optG, optD: this.optD };
  }

  /**
   * PacGAN packing: [B, T, F] → [B/pac, T, pac·F] (or [B, F] → [B/pac, pac·F]):
   * consecutive samples side by side, so that D sees `pac` of them at once.
   */
  pack(x: tf.Tensor): tf.Tensor {
    const p = this.config.pac;
    if (p === 1) return x;
    return tf.tidy(() => {
      const [B, ...rest] = x.shape;
      if (B % p !== 0) throw new Error(`batch ${B} is not a multiple of pac ${p}`);
      if (rest.length === 1) return tf.reshape(x, [B / p, p * rest[0]]);
      const [T, F] = rest;
      return tf.reshape(tf.transpose(tf.reshape(x, [B / p, p, T, F]), [0, 2, 1, 3]), [B / p, T, p * F]);
    });
  }

  /** The instance-noise σ when `progress` (in [0, 1]) of training is done: annealed linearly to 0. */
  noiseSigma(progress: number): number {
    return this.config.instanceNoise * Math.max(0, 1 - progress);
  }

  /** x + N(0, σ²) with σ annealed to `progress`, drawn from `rng`; x itself when σ = 0. */
  protected withInstanceNoise(x: tf.Tensor, rng: Rng, progress: number): tf.Tensor {
    const sigma = this.noiseSigma(progress);
    if (sigma === 0) return x;
    return tf.add(x, tf.tensor(rng.normalArray(x.size, 0, sigma), x.shape));
  }

  /**
   * WGAN-GP's penalty, mean over samples of (‖∇ₓ D(x̂)‖ − 1)², at random
   * interpolates x̂ = εx + (1 − ε)x̃, ε ~ U(0, 1) per sample. D runs on the
   * reference path here: the penalty needs the gradient of a gradient.
   */
  protected gradientPenalty(real: tf.Tensor, fake: tf.Tensor, rng: Rng): tf.Scalar {
    return tf.tidy(() => {
      const B = real.shape[0];
      const epsShape = [B, ...real.shape.slice(1).map(() => 1)];
      const eps = tf.tensor(rng.uniformArray(B), epsShape);
      const xhat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
      // The critic's value of a sample is the mean of its per-step outputs (what the loss averages).
      const g = tf.grad((x: tf.Tensor) => tf.sum(criticValues(this.discriminate(this.pack(x), { twice: true }))))(xhat);
      const axes = g.shape.slice(1).map((_, i) => i + 1);
      const norms = tf.sqrt(tf.add(tf.sum(tf.square(g), axes), 1e-12));
      return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar;
    });
  }

  /** One discriminator update on a real batch; G is untouched. `progress` (in [0, 1]) anneals the instance noise. */
  discriminatorStep(real: tf.Tensor, noiseRng: Rng, progress = 0): { dLoss: number; dAccReal: number; dAccFake: number; dGradNorm: number } {
    const { optD } = this.optimizers();
    const z = this.noise(noiseRng, real.shape[0]);
    let kept: tf.Tensor[] = [];
    const out = tf.tidy(() => {
      const fake = this.generate(z);
      const realIn = this.withInstanceNoise(real, noiseRng, progress);
      const fakeIn = this.withInstanceNoise(fake, noiseRng, progress);
      const { value, grads } = tf.variableGrads(() => {
        // One pass over both batches; their inputs are data and G's output
        // (computed off the tape): no input gradient wanted.
        const [realOut, fakeOut] = this.discriminateMany([this.pack(realIn), this.pack(fakeIn)], { constantInput: true });
        // Accuracies are read from the same forward pass; tf.keep lets them
        // outlive the gradient scope, which disposes its intermediates.
        kept = this.accuracies(realOut, fakeOut).map((a) => tf.keep(a));
        let loss = tf.add(this.loss.dReal(realOut), this.loss.dFake(fakeOut));
        if (this.loss.gradientPenalty) loss = tf.add(loss, tf.mul(this.config.gpWeight, this.gradientPenalty(realIn, fakeIn, noiseRng)));
        return loss as tf.Scalar;
      }, this.discriminatorVariables);
      const norm = optD.step(grads);
      return tf.stack([value, kept[0], kept[1], norm]);
    });
    tf.dispose(kept);
    z.dispose();
    const [dLoss, dAccReal, dAccFake, dGradNorm] = readAndDispose(out);
    return { dLoss, dAccReal, dAccFake, dGradNorm };
  }

  /**
   * One generator update through a frozen D; D is untouched. With feature
   * matching, `real` (a real batch) is required. `progress` anneals the instance noise.
   */
  generatorStep(batchSize: number, noiseRng: Rng, real?: tf.Tensor, progress = 0): { gLoss: number; gGradNorm: number } {
    const { optG } = this.optimizers();
    const z = this.noise(noiseRng, batchSize);
    if (this.config.featureMatching && !real) throw new Error('feature matching needs a real batch in the generator step');
    const out = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const fakeIn = this.withInstanceNoise(this.generate(z), noiseRng, progress);
        if (this.config.featureMatching) return featureMatchingLoss(this.discriminatorFeatures(this.pack(real!)), this.discriminatorFeatures(this.pack(fakeIn)));
        // D is not trained here: its weights' gradients are not computed.
        return this.loss.generator(this.discriminate(this.pack(fakeIn), { frozen: true }));
      }, this.generatorVariables);
      const norm = optG.step(grads);
      return tf.stack([value, norm]);
    });
    z.dispose();
    const [gLoss, gGradNorm] = readAndDispose(out);
    return { gLoss, gGradNorm };
  }

  /**
   * The vanishing-gradient diagnostic on a real batch: ‖∂ℓ/∂x_t‖ per input
   * step t of D's loss on its judgment at the last step, i.e. how much that
   * judgment still depends on each earlier step ([] for non-sequence models).
   */
  discriminatorGradPerStep(real: tf.Tensor): number[] {
    if (real.rank !== 3) return [];
    return tf.tidy(() => {
      const dx = tf.grad((x: tf.Tensor) => this.loss.dReal(lastStep(this.discriminate(this.pack(x)))))(real); // [batch, time, features]
      return Array.from(tf.sqrt(tf.sum(tf.square(dx), [0, 2])).dataSync());
    });
  }

  /** D's accuracies on real and generated outputs, at its objective's decision threshold. */
  protected accuracies(realOut: tf.Tensor, fakeOut: tf.Tensor): [tf.Scalar, tf.Scalar] {
    const cut = this.loss.accuracyCut(realOut, fakeOut);
    return [tf.mean(tf.cast(tf.greater(realOut, cut), 'float32')) as tf.Scalar, tf.mean(tf.cast(tf.less(fakeOut, cut), 'float32')) as tf.Scalar];
  }

  /**
   * Generates `count` items in scaled space, in batches; noise is drawn in
   * item order. `generate` (default G(z)) makes the items of a batch from its
   * noise and its first item's index (a table model's requested attributes).
   */
  sample(count: number, rng: Rng, batchSize = 256, generate: (z: tf.Tensor, start: number) => tf.Tensor = (z) => this.generate(z)): Float32Array {
    const size = this.itemShape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(count * size);
    // During training with `ema`, samples come from the average, as the saved model's will.
    this.withAverage(() => {
      for (let start = 0; start < count; start += batchSize) {
        const n = Math.min(batchSize, count - start);
        const z = this.noise(rng, n);
        const x = generate(z, start);
        out.set(x.dataSync(), start * size);
        tf.dispose([z, x]);
      }
    });
    return out;
  }

  /** The networks' variables by the name each is saved under (see toLayersModels). */
  networkVariables(): Record<string, tf.Variable[]> {
    return { generator: this.generatorVariables, discriminator: this.discriminatorVariables };
  }

  /** Copies weights in, per network (the order of `networkVariables`); with `dispose`, releases `values`. */
  setNetworkWeights(values: Record<string, tf.Tensor[]>, dispose = false): void {
    try {
      for (const [name, vars] of Object.entries(this.networkVariables())) {
        if (!values[name]) throw new TsganError(`missing the ${name} network's weights`);
        assign(vars, values[name], name);
      }
    } finally {
      if (dispose) tf.dispose(Object.values(values).flat());
    }
  }

  dispose(): void {
    this.disposeNetworks();
    this.optG?.dispose();
    this.optD?.dispose();
  }
}

/**
 * What a model that learns whole tables adds to a GAN: its static attributes
 * alone, and entities generated from given static attributes (sampling on
 * request). Items are [attributes, steps·features, running flags], flat, in
 * the codec's space (src/data/table-codec.ts).
 */
export interface TableGan extends Gan {
  /** Slots of the static attributes, which come first in the attributes. */
  readonly staticSlots: number;
  /** The static attributes G draws from noise `z`: [batch, staticSlots]. */
  generateStatics(z: tf.Tensor): tf.Tensor2D;
  /** G(z) with `given` ([batch, staticSlots]) for the static attributes, or drawn when null: [batch, item]. */
  generateGiven(z: tf.Tensor, given: tf.Tensor | null): tf.Tensor2D;
}

/** Per-sample critic values: the mean of D's outputs over every axis but the batch. */
export function criticValues(out: tf.Tensor): tf.Tensor {
  return out.rank > 1 ? tf.mean(out, out.shape.slice(1).map((_, i) => i + 1)) : out;
}

/** The last step of [batch, time, units] outputs; other shapes as they are. */
export function lastStep(out: tf.Tensor): tf.Tensor {
  if (out.rank !== 3) return out;
  const [B, T, U] = out.shape;
  return tf.slice(out, [0, T - 1, 0], [B, 1, U]);
}

/** Squared distance between the batch means of D's features on real and generated data. */
export function featureMatchingLoss(realFeatures: tf.Tensor, fakeFeatures: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.mean(realFeatures, 0), tf.mean(fakeFeatures, 0)))) as tf.Scalar);
}

function assign(vars: tf.Variable[], values: tf.Tensor[], what: string): void {
  if (vars.length !== values.length) {
    throw new TsganError(`${what}: expected ${vars.length} weight tensors, got ${values.length}`);
  }
  vars.forEach((v, i) => {
    if (!tf.util.arraysEqual(v.shape, values[i].shape)) {
      throw new TsganError(`${what}: weight ${i} has shape [${values[i].shape}], expected [${v.shape}]`);
    }
    v.assign(values[i]);
  });
}

function readAndDispose(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}
