/**
 * The classic GAN of Goodfellow et al. (2014) with small dense networks, as in
 * the textbook MNIST example: generator noise (100, N(0, 1)) → 128 → 128 →
 * 784 (tanh, data scaled to [−1, 1]); discriminator 784 → 128 → 128 → 1
 * logit, leaky ReLU (0.2) inside both. Trained, correctly, on logits with the
 * non-saturating loss, Adam 2e-4 with β1 = 0.5 (DCGAN, Radford et al. 2016).
 * The generator loss is computed from the discriminator's output on
 * generated data, never against images.
 */
import { tf } from '../engine.js';
import { Rng } from '../random.js';
import { Mlp } from '../nn/dense.js';
import { mlpLayers } from '../nn/export.js';
import { TsganError } from '../errors.js';
import { Gan, type DiscriminatePass, checkTrainingConfig, withTrainingDefaults, GAN_TRAINING_OPTIONS, type GanTrainingConfig } from './gan.js';
import { specDefaults, type ModelSpec } from './spec.js';
import type { OptionDecl } from '../config/options.js';

export interface DenseGanConfig extends GanTrainingConfig {
  model: 'dense-gan';
  /** Values per item (784 for 28 × 28 digits; set from the data). */
  dataDim: number;
  /** Noise values per item, drawn from N(0, 1). */
  noiseDim: number;
  /** Hidden layer sizes of the generator. */
  gHidden: number[];
  /** Hidden layer sizes of the discriminator. */
  dHidden: number[];
  /** Leaky ReLU slope for x < 0. */
  alpha: number;
  /** [height, width] when an item is an image (for PNG grids), else null. */
  imageShape: [number, number] | null;
}

const own = (d: Omit<OptionDecl, 'section' | 'target'>): OptionDecl => ({ ...d, section: 'Dense GAN', target: 'model' });

export const DENSE_GAN_SPEC: ModelSpec = {
  name: 'dense-gan',
  summary: 'the textbook fully connected GAN, for MNIST digits or any CSV of fixed-width vectors',
  // In the order of the saved config's keys (which the golden files fix).
  options: [
    own({ name: 'noiseDim', flag: 'noise-dim', kind: { type: 'int', min: 1 }, default: 100, doc: 'noise values per item, N(0, 1)' }),
    own({ name: 'gHidden', flag: 'g-hidden', kind: { type: 'sizes' }, default: [128, 128], doc: 'generator hidden layer sizes' }),
    own({ name: 'dHidden', flag: 'd-hidden', kind: { type: 'sizes' }, default: [128, 128], doc: 'discriminator hidden layer sizes' }),
    own({ name: 'alpha', kind: { type: 'number', min: 0, below: 1 }, default: 0.2, doc: 'leaky ReLU slope for x < 0' }),
    own({ name: 'imageShape', kind: { type: 'shape' }, default: null, doc: '[height, width] when an item is an image (for PNG grids)' }),
    ...GAN_TRAINING_OPTIONS,
  ],
  // Its D has no recurrent features to match; the key stays in the saved config.
  fixed: ['featureMatching'],
  // DCGAN's Adam settings (Radford et al. 2016); 5,000 iterations make legible digits.
  defaults: { lrG: 2e-4, lrD: 2e-4, iterations: 5000 },
};

export const DENSE_GAN_DEFAULTS = { model: 'dense-gan', ...specDefaults(DENSE_GAN_SPEC, 'model') } as Omit<DenseGanConfig, 'dataDim'>;

export function denseGanConfig(partial: Partial<DenseGanConfig> & { dataDim: number }): DenseGanConfig {
  const c = withTrainingDefaults(DENSE_GAN_DEFAULTS, partial) as DenseGanConfig;
  for (const k of ['dataDim', 'noiseDim'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TsganError(`${k} must be a positive integer, got ${c[k]}`);
  }
  for (const k of ['gHidden', 'dHidden'] as const) {
    if (!Array.isArray(c[k]) || c[k].length === 0 || c[k].some((v) => !Number.isInteger(v) || v < 1)) {
      throw new TsganError(`${k} must be a list of positive integers, got ${JSON.stringify(c[k])}`);
    }
  }
  if (!(c.alpha >= 0 && c.alpha < 1)) throw new TsganError(`alpha must be in [0, 1), got ${c.alpha}`);
  if (c.imageShape && c.imageShape[0] * c.imageShape[1] !== c.dataDim) {
    throw new TsganError(`image shape ${c.imageShape.join('×')} does not hold ${c.dataDim} values`);
  }
  checkTrainingConfig(c);
  if (c.model !== 'dense-gan') throw new TsganError(`config is for model "${c.model}", not dense-gan`);
  return c;
}

export class DenseGan extends Gan {
  readonly config: DenseGanConfig;
  readonly itemShape: number[];
  readonly generator: Mlp;
  readonly discriminator: Mlp;

  constructor(config: DenseGanConfig, seed: number) {
    super();
    this.config = config;
    this.itemShape = [config.dataDim];
    const rng = new Rng(seed);
    const { noiseDim, dataDim, gHidden, dHidden, alpha } = config;
    this.generator = new Mlp([noiseDim, ...gHidden, dataDim], 'leakyRelu', 'tanh', rng.fork(), alpha);
    this.discriminator = new Mlp([dataDim * config.pac, ...dHidden, 1], 'leakyRelu', 'linear', rng.fork(), alpha);
  }

  get generatorVariables(): tf.Variable[] {
    return this.generator.variables;
  }

  get discriminatorVariables(): tf.Variable[] {
    return this.discriminator.variables;
  }

  /** [count, noiseDim] from N(0, 1). */
  noise(rng: Rng, count: number): tf.Tensor2D {
    return tf.tensor2d(rng.normalArray(count * this.config.noiseDim), [count, this.config.noiseDim]);
  }

  /** [batch, noiseDim] → [batch, dataDim] in [−1, 1]. */
  generate(z: tf.Tensor): tf.Tensor2D {
    return this.generator.apply(z) as tf.Tensor2D;
  }

  /** [batch, dataDim] → logits [batch, 1]. */
  discriminate(x: tf.Tensor, pass: DiscriminatePass = {}): tf.Tensor2D {
    return this.discriminator.apply(x, pass.twice) as tf.Tensor2D;
  }

  toLayersModels(): { generator: tf.LayersModel; discriminator: tf.LayersModel } {
    const generator = tf.sequential({ name: 'generator', layers: mlpLayers(this.generator, 'generator') });
    const discriminator = tf.sequential({ name: 'discriminator', layers: mlpLayers(this.discriminator, 'discriminator') });
    generator.setWeights(this.generatorVariables);
    discriminator.setWeights(this.discriminatorVariables);
    return { generator, discriminator };
  }

  protected override takes(option: 'pac' | 'featureMatching' | 'wgan-gp'): boolean {
    // Feature matching is for the recurrent GANs (see Gan.discriminatorFeatures).
    return option !== 'featureMatching';
  }

  protected disposeNetworks(): void {
    this.generator.dispose();
    this.discriminator.dispose();
  }
}
