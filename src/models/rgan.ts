/**
 * The recurrent GAN (`--model rgan`), in the style of RCGAN (Esteban, Hyland
 * & Rätsch 2017) and C-RNN-GAN (Mogren 2016): the generator is a deep
 * recurrent network over per-step noise with a sigmoid output per step (data
 * are min-max scaled to [0, 1]); the discriminator is a deep recurrent network
 * with one logit per step. Defaults follow TimeGAN's reference settings
 * (GRU, 3 layers, hidden 24, batch 128, sequence length 24).
 *
 * Training is one-step functions that return plain metric records (as the
 * keras-io GAN examples do); the loop and its side effects live in src/train.
 */
import { tf } from '../engine.js';
import { Rng } from '../random.js';
import { RecurrentStack, CELL_TYPES, type CellType } from '../nn/recurrent.js';
import { DenseHead } from '../nn/dense.js';
import { LOSSES, type GanLoss } from '../losses/gan.js';
import { TsganError } from '../errors.js';
import { recurrentStackLayers, denseLayer } from '../nn/export.js';

export type NoiseKind = 'uniform' | 'normal';

/** Every option of the recurrent GAN, with its default. Saved with every model. */
export interface RganConfig {
  model: 'rgan';
  /** Features per step of the data (set from the data). */
  features: number;
  /** Steps per sequence. Default 24. */
  seqLen: number;
  /** Noise values per step. Default: the number of features. */
  noiseDim: number;
  /** Noise distribution: 'uniform' U(0,1) as TimeGAN, or 'normal' N(0,1). Default 'uniform'. */
  noise: NoiseKind;
  /** Recurrent cell of both networks. Default 'gru'. */
  cell: CellType;
  /** Recurrent layers in each network. Default 3. */
  layers: number;
  /** Units per recurrent layer. Default 24. */
  hidden: number;
  /** Sequences per training batch. Default 128. */
  batchSize: number;
  /** Generator learning rate (Adam). Default 1e-3. */
  lrG: number;
  /** Discriminator learning rate (Adam). Default 1e-3. */
  lrD: number;
  /**
   * Adam β1. Default 0.5, the GAN habit since DCGAN (Radford et al. 2016):
   * with Keras's 0.9 the recurrent generator collapsed on Sines in our runs
   * (synthetic std 0.03 against the real 0.16 after 300 iterations).
   */
  beta1: number;
  /** Adam β2. Default 0.999. */
  beta2: number;
  /** Discriminator steps per generator step. Default 1. */
  dSteps: number;
  /** GAN objective. Default 'bce' (non-saturating). */
  loss: 'bce';
}

export const RGAN_DEFAULTS: Omit<RganConfig, 'features' | 'noiseDim'> = {
  model: 'rgan',
  seqLen: 24,
  noise: 'uniform',
  cell: 'gru',
  layers: 3,
  hidden: 24,
  batchSize: 128,
  lrG: 1e-3,
  lrD: 1e-3,
  beta1: 0.5,
  beta2: 0.999,
  dSteps: 1,
  loss: 'bce',
};

/** Fills defaults and checks every value, naming the offending one. */
export function rganConfig(partial: Partial<RganConfig> & { features: number }): RganConfig {
  const c: RganConfig = { ...RGAN_DEFAULTS, noiseDim: partial.features, ...stripUndefined(partial) } as RganConfig;
  const positiveInt: (keyof RganConfig)[] = ['features', 'seqLen', 'noiseDim', 'layers', 'hidden', 'batchSize', 'dSteps'];
  for (const k of positiveInt) {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < 1) throw new TsganError(`${k} must be a positive integer, got ${v}`);
  }
  for (const k of ['lrG', 'lrD'] as const) {
    if (!(c[k] > 0) || !Number.isFinite(c[k])) throw new TsganError(`${k} must be a positive number, got ${c[k]}`);
  }
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new TsganError(`${k} must be in [0, 1), got ${c[k]}`);
  }
  if (!CELL_TYPES.includes(c.cell)) throw new TsganError(`unknown cell "${c.cell}"; use one of ${CELL_TYPES.join(', ')}`);
  if (c.noise !== 'uniform' && c.noise !== 'normal') throw new TsganError(`unknown noise "${c.noise}"; use uniform or normal`);
  if (!(c.loss in LOSSES)) throw new TsganError(`unknown loss "${c.loss}"; use one of ${Object.keys(LOSSES).join(', ')}`);
  if (c.model !== 'rgan') throw new TsganError(`config is for model "${c.model}", not rgan`);
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Metrics of one training iteration. */
export interface RganStepMetrics {
  /** Discriminator loss (last D step of the iteration). */
  dLoss: number;
  /** Generator loss. */
  gLoss: number;
  /** Share of real steps the discriminator calls real (logit > 0). */
  dAccReal: number;
  /** Share of generated steps the discriminator calls fake (logit < 0). */
  dAccFake: number;
  /** Global L2 norm of the discriminator's gradient. */
  dGradNorm: number;
  /** Global L2 norm of the generator's gradient. */
  gGradNorm: number;
  [key: string]: number;
}

export class Rgan {
  readonly config: RganConfig;
  readonly generatorRnn: RecurrentStack;
  readonly generatorHead: DenseHead;
  readonly discriminatorRnn: RecurrentStack;
  readonly discriminatorHead: DenseHead;
  private readonly loss: GanLoss;
  private optG: tf.Optimizer | null = null;
  private optD: tf.Optimizer | null = null;

  /** Builds both networks with weights drawn from `seed`. */
  constructor(config: RganConfig, seed: number) {
    this.config = config;
    const rng = new Rng(seed);
    const gRng = rng.fork();
    const dRng = rng.fork();
    const { cell, layers, hidden } = config;
    this.generatorRnn = new RecurrentStack({ cell, layers, hidden, inputSize: config.noiseDim }, gRng);
    this.generatorHead = new DenseHead({ inputSize: hidden, units: config.features, activation: 'sigmoid' }, gRng);
    this.discriminatorRnn = new RecurrentStack({ cell, layers, hidden, inputSize: config.features }, dRng);
    this.discriminatorHead = new DenseHead({ inputSize: hidden, units: 1 }, dRng);
    this.loss = LOSSES[config.loss];
  }

  get generatorVariables(): tf.Variable[] {
    return [...this.generatorRnn.variables, ...this.generatorHead.variables];
  }

  get discriminatorVariables(): tf.Variable[] {
    return [...this.discriminatorRnn.variables, ...this.discriminatorHead.variables];
  }

  /** Noise for `count` sequences: [count, seqLen, noiseDim]. */
  noise(rng: Rng, count: number, seqLen = this.config.seqLen): tf.Tensor3D {
    const n = count * seqLen * this.config.noiseDim;
    const values = this.config.noise === 'uniform' ? rng.uniformArray(n) : rng.normalArray(n);
    return tf.tensor3d(values, [count, seqLen, this.config.noiseDim]);
  }

  /** G(z): [batch, time, noiseDim] → [batch, time, features] in scaled space. */
  generate(z: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.generatorHead.apply(this.generatorRnn.apply(z)));
  }

  /** D(x): [batch, time, features] → logits [batch, time, 1]. */
  discriminate(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.discriminatorHead.apply(this.discriminatorRnn.apply(x)));
  }

  private optimizers(): { optG: tf.Optimizer; optD: tf.Optimizer } {
    const { lrG, lrD, beta1, beta2 } = this.config;
    this.optG ??= tf.train.adam(lrG, beta1, beta2);
    this.optD ??= tf.train.adam(lrD, beta1, beta2);
    return { optG: this.optG, optD: this.optD };
  }

  /** One discriminator update on a real batch [batch, time, features]; G is untouched. */
  discriminatorStep(real: tf.Tensor3D, noiseRng: Rng): { dLoss: number; dAccReal: number; dAccFake: number; dGradNorm: number } {
    const { optD } = this.optimizers();
    const z = this.noise(noiseRng, real.shape[0]);
    let kept: tf.Tensor[] = [];
    const out = tf.tidy(() => {
      const fake = this.generate(z);
      const { value, grads } = tf.variableGrads(() => {
        const realLogits = this.discriminate(real);
        const fakeLogits = this.discriminate(fake);
        // Accuracies are read from the same forward pass; tf.keep lets them
        // outlive the gradient scope, which disposes its intermediates.
        kept = [
          tf.keep(tf.mean(tf.cast(tf.greater(realLogits, 0), 'float32'))),
          tf.keep(tf.mean(tf.cast(tf.less(fakeLogits, 0), 'float32'))),
        ];
        return this.loss.discriminator(realLogits, fakeLogits);
      }, this.discriminatorVariables);
      optD.applyGradients(grads);
      return tf.stack([value, kept[0], kept[1], globalNorm(Object.values(grads))]);
    });
    tf.dispose(kept);
    z.dispose();
    const [dLoss, dAccReal, dAccFake, dGradNorm] = readAndDispose(out);
    return { dLoss, dAccReal, dAccFake, dGradNorm };
  }

  /** One generator update through a frozen D; D is untouched. */
  generatorStep(batchSize: number, noiseRng: Rng): { gLoss: number; gGradNorm: number } {
    const { optG } = this.optimizers();
    const z = this.noise(noiseRng, batchSize);
    const out = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => this.loss.generator(this.discriminate(this.generate(z))),
        this.generatorVariables,
      );
      optG.applyGradients(grads);
      return tf.stack([value, globalNorm(Object.values(grads))]);
    });
    z.dispose();
    const [gLoss, gGradNorm] = readAndDispose(out);
    return { gLoss, gGradNorm };
  }

  /** Generates `count` sequences in scaled space, in batches; noise is drawn in sequence order. */
  sample(count: number, rng: Rng, batchSize = 256): Float32Array {
    const { seqLen, features } = this.config;
    const out = new Float32Array(count * seqLen * features);
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const z = this.noise(rng, n);
      const x = this.generate(z);
      out.set(x.dataSync(), start * seqLen * features);
      tf.dispose([z, x]);
    }
    return out;
  }

  /**
   * The two networks as plain TF.js LayersModels (GRU/LSTM/SimpleRNN layers
   * and a Dense head), sharing nothing with tsgan: `tf.loadLayersModel` can
   * load them anywhere. Inputs accept any sequence length.
   */
  toLayersModels(): { generator: tf.LayersModel; discriminator: tf.LayersModel } {
    const generator = tf.sequential({
      name: 'generator',
      layers: [...recurrentStackLayers(this.generatorRnn, 'generator'), denseLayer(this.generatorHead, 'generator_out')],
    });
    const discriminator = tf.sequential({
      name: 'discriminator',
      layers: [
        ...recurrentStackLayers(this.discriminatorRnn, 'discriminator'),
        denseLayer(this.discriminatorHead, 'discriminator_logit'),
      ],
    });
    generator.setWeights(this.generatorVariables);
    discriminator.setWeights(this.discriminatorVariables);
    return { generator, discriminator };
  }

  /** Copies weights in (the order of `generatorVariables` / `discriminatorVariables`). */
  setWeights(generator: tf.Tensor[], discriminator: tf.Tensor[]): void {
    assign(this.generatorVariables, generator, 'generator');
    assign(this.discriminatorVariables, discriminator, 'discriminator');
  }

  dispose(): void {
    this.generatorRnn.dispose();
    this.generatorHead.dispose();
    this.discriminatorRnn.dispose();
    this.discriminatorHead.dispose();
    this.optG?.dispose();
    this.optD?.dispose();
  }
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

/** √(Σ‖g‖²) over a list of gradients. */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

function readAndDispose(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}
