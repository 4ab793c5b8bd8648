/**
 * What every GAN in tsgan shares: a generator G(z) and a discriminator D(x)
 * trained in alternation on the minimax objective (Goodfellow et al. 2014),
 * each with its own Adam optimiser, as one-step functions that return plain
 * metric records (the keras-io GAN examples' habit), and seeded sampling.
 * A model supplies its networks (`generate`, `discriminate`, `noise`) and
 * their variables; the recurrent GAN and the dense GAN build on this.
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { LOSSES, type GanLoss } from '../losses/gan.js';
import { TsganError } from '../errors.js';

/** The training options every GAN config carries. */
export interface GanTrainingConfig {
  batchSize: number;
  lrG: number;
  lrD: number;
  beta1: number;
  beta2: number;
  dSteps: number;
  loss: 'bce';
}

/** Checks the shared training options, naming the offending value. */
export function checkTrainingConfig(c: GanTrainingConfig): void {
  for (const k of ['batchSize', 'dSteps'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TsganError(`${k} must be a positive integer, got ${c[k]}`);
  }
  for (const k of ['lrG', 'lrD'] as const) {
    if (!(c[k] > 0) || !Number.isFinite(c[k])) throw new TsganError(`${k} must be a positive number, got ${c[k]}`);
  }
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new TsganError(`${k} must be in [0, 1), got ${c[k]}`);
  }
  if (!(c.loss in LOSSES)) throw new TsganError(`unknown loss "${c.loss}"; use one of ${Object.keys(LOSSES).join(', ')}`);
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
  /** D(x): logits. */
  abstract discriminate(x: tf.Tensor): tf.Tensor;
  /** Releases the networks' variables (the optimisers are released by `dispose`). */
  protected abstract disposeNetworks(): void;

  private optG: tf.Optimizer | null = null;
  private optD: tf.Optimizer | null = null;

  protected get loss(): GanLoss {
    return LOSSES[this.config.loss];
  }

  private optimizers(): { optG: tf.Optimizer; optD: tf.Optimizer } {
    const { lrG, lrD, beta1, beta2 } = this.config;
    this.optG ??= tf.train.adam(lrG, beta1, beta2);
    this.optD ??= tf.train.adam(lrD, beta1, beta2);
    return { optG: this.optG, optD: this.optD };
  }

  /** One discriminator update on a real batch; G is untouched. */
  discriminatorStep(real: tf.Tensor, noiseRng: Rng): { dLoss: number; dAccReal: number; dAccFake: number; dGradNorm: number } {
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
      const { value, grads } = tf.variableGrads(() => this.loss.generator(this.discriminate(this.generate(z))), this.generatorVariables);
      optG.applyGradients(grads);
      return tf.stack([value, globalNorm(Object.values(grads))]);
    });
    z.dispose();
    const [gLoss, gGradNorm] = readAndDispose(out);
    return { gLoss, gGradNorm };
  }

  /** Generates `count` items in scaled space, in batches; noise is drawn in item order. */
  sample(count: number, rng: Rng, batchSize = 256): Float32Array {
    const size = this.itemShape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(count * size);
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const z = this.noise(rng, n);
      const x = this.generate(z);
      out.set(x.dataSync(), start * size);
      tf.dispose([z, x]);
    }
    return out;
  }

  /** Copies weights in (the order of `generatorVariables` / `discriminatorVariables`). */
  setWeights(generator: tf.Tensor[], discriminator: tf.Tensor[]): void {
    assign(this.generatorVariables, generator, 'generator');
    assign(this.discriminatorVariables, discriminator, 'discriminator');
  }

  dispose(): void {
    this.disposeNetworks();
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
