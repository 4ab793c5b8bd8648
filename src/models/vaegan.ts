/**
 * A VAE–GAN hybrid on sequences (`--model vaegan`): a recurrent variational
 * autoencoder (Kingma & Welling 2014; on time series, TimeVAE, Desai et al.
 * 2021) whose decoder is also a GAN's generator against a recurrent D
 * (VAE/GAN, Larsen et al. 2016):
 *
 *   encoder  q(z|x): recurrent stack over x, a dense head on its last state → μ, log σ²   [batch, 2·latent]
 *   decoder  G: z repeated at every step → recurrent stack → sigmoid dense                  [batch, time, features]
 *   D: recurrent stack → a logit per step, as the RGAN's
 *
 * The latent size is `noiseDim` (a window's z, repeated at each of its
 * steps, is the decoder's per-step input, so the exported generator has the
 * RGAN's shape). One iteration: `dSteps` D updates on real windows against
 * G(z), z ~ N(0, I); then one update of encoder and decoder on
 *
 *   reconWeight · Σ_{t,f} (x − G(μ + σ·ε))² + KL(q(z|x) ‖ N(0, I)) + advWeight · ℓ_G(D(G(z)))
 *
 * averaged over the batch (TimeVAE's loss: its reconstruction weight 3 and
 * sum over the window; the adversarial term on prior samples, which is what
 * a VAE's blurry samples lack). Sampling decodes z ~ N(0, I). With `ema`,
 * the saved decoder is its moving average (what samples), the encoder its
 * last weights.
 */
import { tf } from '../engine.js';
import { Rng } from '../random.js';
import { TsganError } from '../errors.js';
import { RecurrentStack, lastState } from '../nn/recurrent.js';
import { DenseHead, dense } from '../nn/dense.js';
import { recurrentStackLayers, denseLayers } from '../nn/export.js';
import { SequenceNetwork } from '../nn/sequence-network.js';
import { Adam } from './adam.js';
import { Gan, stackPass, type DiscriminatePass, checkTrainingConfig, withTrainingDefaults, featureMatchingLoss, GAN_TRAINING_OPTIONS, type GanTrainingConfig } from './gan.js';
import { specDefaults, type ModelSpec } from './spec.js';
import type { OptionDecl } from '../config/options.js';
import { ARCH_OPTIONS, attentionFor, checkArch, checkRecurrentMemory, stepsAndWindow, type RecurrentGanArch } from './recurrent-arch.js';

/** Every option of the VAE–GAN (defaults in VAEGAN_SPEC's declarations). */
export interface VaeganConfig extends GanTrainingConfig, RecurrentGanArch {
  model: 'vaegan';
  /** Weight of the summed squared reconstruction error against the KL term (TimeVAE's reconstruction_wt). */
  reconWeight: number;
  /** Weight of the decoder's adversarial term (0: a plain VAE; D still trains, as a diagnostic). */
  advWeight: number;
}

const own = (d: Omit<OptionDecl, 'section' | 'target'>): OptionDecl => ({ ...d, section: 'VAE-GAN', target: 'model' });

export const VAEGAN_SPEC: ModelSpec = {
  name: 'vaegan',
  summary: 'VAE-GAN hybrid (TimeVAE-style recurrent VAE whose decoder is also a GAN generator, Larsen et al. 2016); --noise-dim is the latent size',
  options: [
    ...ARCH_OPTIONS,
    ...GAN_TRAINING_OPTIONS,
    own({ name: 'reconWeight', flag: 'recon-weight', kind: { type: 'number', min: 0 }, default: 3, metavar: 'W', doc: "weight of the window's summed squared reconstruction error against the KL term (TimeVAE's 3)" }),
    own({ name: 'advWeight', flag: 'adv-weight', kind: { type: 'number', min: 0 }, default: 1, metavar: 'W', doc: "weight of the decoder's adversarial term on prior samples (0: a plain VAE)" }),
  ],
  // The prior of a VAE's latent is N(0, I): held, not offered.
  defaults: { noise: 'normal' },
  fixed: ['noise'],
};

export const VAEGAN_DEFAULTS = {
  model: 'vaegan',
  ...specDefaults(VAEGAN_SPEC, 'run'),
  ...specDefaults(VAEGAN_SPEC, 'model'),
} as Omit<VaeganConfig, 'features' | 'noiseDim'>;

/** Fills defaults and checks every value, naming the offending one. */
export function vaeganConfig(partial: Partial<VaeganConfig> & { features: number }): VaeganConfig {
  const c = withTrainingDefaults({ ...VAEGAN_DEFAULTS, noiseDim: partial.features }, partial) as VaeganConfig;
  checkArch(c);
  checkTrainingConfig(c);
  for (const k of ['reconWeight', 'advWeight'] as const) {
    if (!(c[k] >= 0) || !Number.isFinite(c[k])) throw new TsganError(`${k} must be a number ≥ 0, got ${c[k]}`);
  }
  if (c.noise !== 'normal') throw new TsganError(`the VAE-GAN's latent prior is N(0, I): noise must be "normal", got "${c.noise}"`);
  if (c.model !== 'vaegan') throw new TsganError(`config is for model "${c.model}", not vaegan`);
  return c;
}

/** What an encoder–decoder update records. */
export interface VaeStepMetrics {
  /** The decoder's adversarial loss on prior samples. */
  gLoss: number;
  /** Mean squared reconstruction error per value. */
  reconLoss: number;
  /** KL(q(z|x) ‖ N(0, I)), summed over the latent, mean over the batch. */
  klLoss: number;
  gGradNorm: number;
}

export class Vaegan extends Gan {
  readonly config: VaeganConfig;
  readonly itemShape: number[];
  /** q(z|x): its stack; the head reads the last step. */
  readonly encoder: RecurrentStack;
  readonly encoderHead: DenseHead;
  /** G: [batch, time, latent] (z at every step) → [batch, time, features] in [0, 1]. */
  readonly generatorNet: SequenceNetwork;
  /** D: [batch, time, features·pac] → one logit per step. */
  readonly discriminatorNet: SequenceNetwork;
  private optVae: Adam | null = null;

  constructor(config: VaeganConfig, seed: number) {
    super();
    this.config = config;
    this.itemShape = [config.seqLen, config.features];
    const rng = new Rng(seed);
    const { cell, layers, hidden, features: F, noiseDim: L } = config;
    const arch = { cell, layers, hidden, chronoInit: config.chrono ? config.seqLen : undefined, layerNorm: config.layerNorm };
    this.generatorNet = new SequenceNetwork({ ...arch, inputSize: L, units: F, activation: 'sigmoid', attention: attentionFor(config, 'g') }, rng.fork());
    this.discriminatorNet = new SequenceNetwork({ ...arch, inputSize: F * config.pac, units: 1, attention: attentionFor(config, 'd') }, rng.fork());
    const encRng = rng.fork();
    this.encoder = new RecurrentStack({ ...arch, inputSize: F }, encRng);
    this.encoderHead = new DenseHead({ inputSize: hidden, units: 2 * L }, encRng);
  }

  get generatorVariables(): tf.Variable[] {
    return this.generatorNet.variables;
  }

  get discriminatorVariables(): tf.Variable[] {
    return this.discriminatorNet.variables;
  }

  get encoderVariables(): tf.Variable[] {
    return [...this.encoder.variables, ...this.encoderHead.variables];
  }

  override networkVariables(): Record<string, tf.Variable[]> {
    return { generator: this.generatorVariables, discriminator: this.discriminatorVariables, encoder: this.encoderVariables };
  }

  /** z ~ N(0, I) per window, repeated at each of its steps: [count, seqLen, latent]. */
  noise(rng: Rng, count: number): tf.Tensor3D {
    const { seqLen: T, noiseDim: L } = this.config;
    const z = rng.normalArray(count * L); // [count, latent]
    return tf.tensor3d(stepsAndWindow(new Float32Array(0), z, count, T, 0, L), [count, T, L]);
  }

  generate(z: tf.Tensor): tf.Tensor3D {
    return this.generatorNet.apply(z, { constantInput: true });
  }

  discriminate(x: tf.Tensor, pass: DiscriminatePass = {}): tf.Tensor3D {
    return this.discriminatorNet.apply(x, stackPass(pass));
  }

  override discriminatorFeatures(x: tf.Tensor): tf.Tensor3D {
    return this.discriminatorNet.hiddenStates(x);
  }

  /** q(z|x)'s mean and log-variance: [batch, time, features] → two [batch, latent]. */
  encode(x: tf.Tensor3D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    return tf.tidy(() => {
      const stats = dense(lastState(this.encoder.apply(x, { constantInput: true })), this.encoderHead); // [batch, 2·latent]
      const [mu, logVar] = tf.split(stats, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      // Bounded so that exp(log σ²) can neither overflow nor vanish early in training.
      return { mu, logVar: tf.clipByValue(logVar, -10, 10) as tf.Tensor2D };
    });
  }

  /** G(μ(x)): the decoder at the posterior mean, repeated at every step as in sampling. */
  override reconstruct(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const { mu } = this.encode(x); // [batch, latent]
      return this.generate(tf.tile(tf.expandDims(mu, 1), [1, this.config.seqLen, 1])); // [batch, time, latent]: μ at every step
    });
  }

  /** The encoder's and decoder's one Adam (the VAE objective's). */
  private get vaeOptimizer(): Adam {
    const { lrG, beta1, beta2, clipNorm } = this.config;
    this.optVae ??= new Adam({ learningRate: lrG, beta1, beta2, clipNorm });
    return this.optVae;
  }

  /**
   * One update of encoder and decoder on a real batch (see the file's
   * header); D is frozen. `noiseRng` draws ε, the prior samples and the
   * instance noise on what D judges, annealed to `progress`.
   */
  vaeStep(real: tf.Tensor3D, noiseRng: Rng, progress = 0): VaeStepMetrics {
    const opt = this.vaeOptimizer;
    const [B, T] = real.shape;
    const { noiseDim: L, reconWeight, advWeight } = this.config;
    const eps = tf.tensor2d(noiseRng.normalArray(B * L), [B, L]);
    const prior = this.noise(noiseRng, B);
    let parts: tf.Tensor[] = [];
    const vars = [...this.encoderVariables, ...this.generatorVariables];
    const out = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const { mu, logVar } = this.encode(real);
        const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)); // [batch, latent]
        const zSteps = tf.add(tf.zeros([B, T, L]), tf.expandDims(z, 1)); // [batch, time, latent]: z at every step
        const rec = this.generatorNet.apply(zSteps);
        const sq = tf.square(tf.sub(real, rec));
        const recon = tf.div(tf.sum(sq), B); // per window, summed over its values
        const kl = tf.div(tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar)))), B);
        const fake = this.withInstanceNoise(this.generate(prior), noiseRng, progress);
        const adv = this.config.featureMatching
          ? featureMatchingLoss(this.discriminatorFeatures(this.pack(this.withInstanceNoise(real, noiseRng, progress))), this.discriminatorFeatures(this.pack(fake)))
          : this.loss.generator(this.discriminate(this.pack(fake), { frozen: true }));
        parts = [tf.keep(adv), tf.keep(tf.mean(sq)), tf.keep(kl)];
        return tf.addN([tf.mul(reconWeight, recon), kl, tf.mul(advWeight, adv)]) as tf.Scalar;
      }, vars);
      const norm = opt.step(grads);
      return tf.stack([value, norm]);
    });
    const [gLoss, reconLoss, klLoss] = parts.map((t) => t.dataSync()[0]);
    const [, gGradNorm] = out.dataSync();
    tf.dispose([out, eps, prior, ...parts]);
    return { gLoss, reconLoss, klLoss, gGradNorm };
  }

  protected override namedOptimizers(create: boolean): Record<string, Adam | null> {
    const base = super.namedOptimizers(create);
    return { vae: create ? this.vaeOptimizer : this.optVae, d: base.d };
  }

  /** Refuses, before any work, a batch whose recurrent passes would not fit in 32-bit WebAssembly. */
  checkMemory(batch: number): void {
    const c = this.config;
    checkRecurrentMemory(c, batch, [
      { inputSize: c.features * c.pac, layers: c.layers, passes: 3, batches: 2 },
      { inputSize: c.noiseDim, layers: c.layers, passes: 2 },
      { inputSize: c.features, layers: c.layers, passes: 1 },
    ]);
  }

  /** Plain TF.js LayersModels: the generator (the decoder), the discriminator and the encoder (x → [μ, log σ²]). */
  toLayersModels(): Record<string, tf.LayersModel> {
    const generator = tf.sequential({ name: 'generator', layers: this.generatorNet.layers('generator') });
    const discriminator = tf.sequential({ name: 'discriminator', layers: this.discriminatorNet.layers('discriminator', { headName: 'discriminator_logit' }) });
    const encoder = tf.sequential({ name: 'encoder', layers: [...recurrentStackLayers(this.encoder, 'encoder', false), ...denseLayers(this.encoderHead, 'encoder_out')] });
    generator.setWeights(this.generatorVariables);
    discriminator.setWeights(this.discriminatorVariables);
    encoder.setWeights(this.encoderVariables);
    return { generator, discriminator, encoder };
  }

  protected disposeNetworks(): void {
    this.generatorNet.dispose();
    this.discriminatorNet.dispose();
    this.encoder.dispose();
    this.encoderHead.dispose();
    this.optVae?.dispose();
  }
}

