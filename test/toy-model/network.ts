/**
 * A toy sequence GAN that lives outside tsgan's source, to show that a model
 * is its own files plus one registration (test/toy-model.test.ts). G: a
 * per-step MLP from noise to values ([batch, time, noise] → [batch, time,
 * features], sigmoid: data are scaled to [0, 1]); D: an MLP on the whole
 * flattened window (→ one logit per window). No recurrence at all.
 */
// Only what the package exports: a model outside tsgan sees nothing else.
import { tf, Rng, Mlp, mlpLayers, denseLayers, Gan, type GanTrainingConfig } from '../../src/index.js';

export interface ToyConfig extends GanTrainingConfig {
  model: 'toy-mlp';
  /** Features per step (set from the data). */
  features: number;
  /** Steps per window. */
  seqLen: number;
  /** Noise values per step. */
  noiseDim: number;
  /** Units of each network's one hidden layer. */
  width: number;
}

export class ToyGan extends Gan {
  readonly itemShape: number[];
  private readonly g: Mlp;
  private readonly d: Mlp;

  constructor(readonly config: ToyConfig, seed: number) {
    super();
    const { features: F, seqLen: T, noiseDim, width, pac } = config;
    this.itemShape = [T, F];
    const rng = new Rng(seed);
    this.g = new Mlp([noiseDim, width, F], 'leakyRelu', 'sigmoid', rng.fork());
    this.d = new Mlp([T * F * pac, width, 1], 'leakyRelu', 'linear', rng.fork());
  }

  get generatorVariables(): tf.Variable[] {
    return this.g.variables;
  }

  get discriminatorVariables(): tf.Variable[] {
    return this.d.variables;
  }

  noise(rng: Rng, count: number): tf.Tensor3D {
    const { seqLen, noiseDim } = this.config;
    return tf.tensor3d(rng.normalArray(count * seqLen * noiseDim), [count, seqLen, noiseDim]);
  }

  generate(z: tf.Tensor): tf.Tensor {
    return this.g.apply(z); // [batch, time, features]
  }

  discriminate(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.d.apply(tf.reshape(x, [x.shape[0], -1]))); // [batch, time·features·pac] → [batch, 1]
  }

  toLayersModels(): Record<string, tf.LayersModel> {
    const { seqLen, noiseDim } = this.config;
    // G runs on [time, noise]: Dense acts on the last axis of each step.
    const gLayers = this.g.layers.flatMap((l, i) => denseLayers(l, `generator_dense_${i}`, i === 0 ? [seqLen, noiseDim] : undefined));
    const generator = tf.sequential({ name: 'generator', layers: gLayers });
    // D reads the window flattened: [time·features].
    const discriminator = tf.sequential({ name: 'discriminator', layers: mlpLayers(this.d, 'discriminator') });
    generator.setWeights(this.generatorVariables);
    discriminator.setWeights(this.discriminatorVariables);
    return { generator, discriminator };
  }

  protected disposeNetworks(): void {
    this.g.dispose();
    this.d.dispose();
  }
}
