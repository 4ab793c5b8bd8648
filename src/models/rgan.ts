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
import { TsganError } from '../errors.js';
import { SequenceNetwork } from '../nn/sequence-network.js';
import { Gan, stackPass, type DiscriminatePass, checkTrainingConfig, withTrainingDefaults, GAN_TRAINING_OPTIONS, type GanTrainingConfig } from './gan.js';
import { specDefaults, type ModelSpec } from './spec.js';
import { ARCH_OPTIONS, attentionFor, checkArch, sequenceNoise, checkRecurrentMemory, type RecurrentGanArch } from './recurrent-arch.js';

/** Every option of the recurrent GAN (defaults in RGAN_SPEC's declarations). Saved with every model. */
export interface RganConfig extends GanTrainingConfig, RecurrentGanArch {
  model: 'rgan';
}

export const RGAN_SPEC: ModelSpec = {
  name: 'rgan',
  summary: 'recurrent GAN (RCGAN / C-RNN-GAN style): a deep recurrent generator over per-step noise and a recurrent discriminator with a logit per step',
  options: [...ARCH_OPTIONS, ...GAN_TRAINING_OPTIONS],
};

export const RGAN_DEFAULTS = {
  model: 'rgan',
  ...specDefaults(RGAN_SPEC, 'run'),
  ...specDefaults(RGAN_SPEC, 'model'),
} as Omit<RganConfig, 'features' | 'noiseDim'>;

/** Fills defaults and checks every value, naming the offending one. */
export function rganConfig(partial: Partial<RganConfig> & { features: number }): RganConfig {
  const c: RganConfig = withTrainingDefaults({ ...RGAN_DEFAULTS, noiseDim: partial.features }, partial) as RganConfig;
  checkArch(c);
  checkTrainingConfig(c);
  if (c.model !== 'rgan') throw new TsganError(`config is for model "${c.model}", not rgan`);
  return c;
}

/** Metrics of one RGAN training iteration (see GanStepMetrics). */
export type { GanStepMetrics as RganStepMetrics } from './gan.js';

export class Rgan extends Gan {
  readonly config: RganConfig;
  readonly itemShape: number[];
  /** G: noise [batch, time, noiseDim] → [batch, time, features] in [0, 1]. */
  readonly generatorNet: SequenceNetwork;
  /** D: [batch, time, features·pac] → one logit per step. */
  readonly discriminatorNet: SequenceNetwork;

  /** Builds both networks with weights drawn from `seed`. */
  constructor(config: RganConfig, seed: number) {
    super();
    this.config = config;
    this.itemShape = [config.seqLen, config.features];
    const rng = new Rng(seed);
    const gRng = rng.fork();
    const dRng = rng.fork();
    const { cell, layers, hidden } = config;
    const chronoInit = config.chrono ? config.seqLen : undefined;
    const layerNorm = config.layerNorm;
    this.generatorNet = new SequenceNetwork({ cell, layers, hidden, inputSize: config.noiseDim, chronoInit, layerNorm, units: config.features, activation: 'sigmoid', attention: attentionFor(config, 'g') }, gRng);
    this.discriminatorNet = new SequenceNetwork({ cell, layers, hidden, inputSize: config.features * config.pac, chronoInit, layerNorm, units: 1, attention: attentionFor(config, 'd') }, dRng);
  }

  get generatorVariables(): tf.Variable[] {
    return this.generatorNet.variables;
  }

  get discriminatorVariables(): tf.Variable[] {
    return this.discriminatorNet.variables;
  }

  /** Noise for `count` sequences: [count, seqLen, noiseDim]. */
  noise(rng: Rng, count: number, seqLen = this.config.seqLen): tf.Tensor3D {
    return sequenceNoise(this.config, rng, count, seqLen);
  }

  /** G(z): [batch, time, noiseDim] → [batch, time, features] in scaled space. */
  generate(z: tf.Tensor): tf.Tensor3D {
    // Noise needs no gradient.
    return this.generatorNet.apply(z, { constantInput: true });
  }

  /** D(x): [batch, time, features·pac] → logits [batch, time, 1]. */
  discriminate(x: tf.Tensor, pass: DiscriminatePass = {}): tf.Tensor3D {
    return this.discriminatorNet.apply(x, stackPass(pass));
  }

  /** D's last recurrent layer: [batch, time, hidden]. */
  override discriminatorFeatures(x: tf.Tensor): tf.Tensor3D {
    return this.discriminatorNet.hiddenStates(x);
  }

  /**
   * Refuses, before any work, a batch whose recurrent layers would not fit in
   * 32-bit WebAssembly (a D step's one pass over real and fake batches
   * together, or G then D in a G step).
   */
  checkMemory(batch: number): void {
    const c = this.config;
    checkRecurrentMemory(c, batch, [
      { inputSize: c.features * c.pac, layers: c.layers, passes: 1, batches: 2 },
      { inputSize: c.noiseDim, layers: c.layers, passes: 2 },
    ]);
  }

  /**
   * The two networks as plain TF.js LayersModels (GRU/LSTM/SimpleRNN layers
   * and a Dense head), sharing nothing with tsgan: `tf.loadLayersModel` can
   * load them anywhere. Inputs accept any sequence length.
   */
  toLayersModels(): { generator: tf.LayersModel; discriminator: tf.LayersModel } {
    const generator = tf.sequential({
      name: 'generator',
      layers: this.generatorNet.layers('generator'),
    });
    const discriminator = tf.sequential({
      name: 'discriminator',
      layers: this.discriminatorNet.layers('discriminator', { headName: 'discriminator_logit' }),
    });
    generator.setWeights(this.generatorVariables);
    discriminator.setWeights(this.discriminatorVariables);
    return { generator, discriminator };
  }

  protected disposeNetworks(): void {
    this.generatorNet.dispose();
    this.discriminatorNet.dispose();
  }
}
