/**
 * A dense layer y = act(x·W + b) on the last axis of any input: at every time
 * step of [batch, time, in] (Keras `Dense` on a 3-D input, i.e.
 * TimeDistributed(Dense)), or on plain [batch, in] vectors. Stacked, these
 * make the multilayer perceptrons of the dense GAN.
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { glorotUniform } from './init.js';

export type Activation = 'linear' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'softmax';

export interface DenseArgs {
  inputSize: number;
  units: number;
  activation?: Activation;
  /** Slope of leakyRelu for x < 0. */
  alpha?: number;
}

/**
 * A head's weights, as DenseHead holds them or as slices of a larger kernel
 * (the bidirectional D runs each half of its head beside one of its stacks).
 */
export interface HeadParams {
  kernel: tf.Tensor; // [in, units]
  bias: tf.Tensor; // [units]
  activation: Activation;
  alpha?: number;
}

/** act(x·kernel + bias) on the last axis: [..., in] → [..., units]. */
export function dense(x: tf.Tensor, p: HeadParams, twice = false): tf.Tensor {
  return tf.tidy(() => {
    const [inputSize, units] = p.kernel.shape;
    const lead = x.shape.slice(0, -1);
    const y = tf.add(tf.matMul(tf.reshape(x, [-1, inputSize]), p.kernel), p.bias); // [rows, units]
    return tf.reshape(activate(y, p.activation, p.alpha, twice), [...lead, units]);
  });
}

export class DenseHead implements HeadParams {
  readonly kernel: tf.Variable; // [in, units]
  readonly bias: tf.Variable; // [units]
  readonly activation: Activation;
  readonly alpha: number;
  readonly inputSize: number;
  readonly units: number;

  constructor(args: DenseArgs, rng: Rng) {
    this.inputSize = args.inputSize;
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    this.alpha = args.alpha ?? 0.2;
    // tf.variable(t) keeps t alive beside the variable; building inside tf.tidy releases t.
    this.kernel = tf.tidy(() => tf.variable(tf.tensor2d(glorotUniform(rng, args.inputSize, args.units), [args.inputSize, args.units])));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([args.units])));
  }

  get variables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }

  /** [..., in] → [..., units]; `twice`: ops that allow a second derivative (see activate). */
  apply(x: tf.Tensor, twice = false): tf.Tensor {
    return dense(x, this, twice);
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}

/** Per-unit mean and standard deviation of a head's pre-activations x·kernel + bias over every position of `x` ([..., in]). */
export function preActivationMoments(x: tf.Tensor, p: HeadParams): { mean: Float32Array; sd: Float32Array } {
  return tf.tidy(() => {
    const y = dense(x, { ...p, activation: 'linear' }); // [..., units]
    const { mean, variance } = tf.moments(tf.reshape(y, [-1, p.kernel.shape[1]!]), 0);
    return { mean: mean.dataSync() as Float32Array, sd: tf.sqrt(variance).dataSync() as Float32Array };
  });
}

/** The least spread, as a share of the target's, that matchPreActivations scales up (at most 1,000-fold). */
const MIN_SPREAD = 1e-3;

/**
 * Data-dependent initialisation (Salimans & Kingma 2016, "Weight
 * Normalization", §3.2; Mishkin & Matas 2016, LSUV): rescales and shifts
 * each unit of `head` so that its pre-activations over `x` ([..., in]) have
 * the `target` mean and standard deviation. The layer's function stays
 * affine in its input: x·W + b becomes (x·W + b − μ)·s/σ + m for the
 * target mean m and spread s. A unit whose pre-activations barely vary over
 * `x` (σ ≤ MIN_SPREAD · s) is only shifted: scaled, it would be noise.
 */
export function matchPreActivations(x: tf.Tensor, head: DenseHead, target: { mean: Float32Array; sd: Float32Array }): void {
  const now = preActivationMoments(x, head);
  const units = head.units;
  if (target.mean.length !== units || target.sd.length !== units) throw new Error(`matchPreActivations: the target has ${target.mean.length} units, the head ${units}`);
  const scale = new Float32Array(units);
  const shift = new Float32Array(units);
  const bias = head.bias.dataSync();
  for (let j = 0; j < units; j++) {
    scale[j] = now.sd[j] > MIN_SPREAD * target.sd[j] ? target.sd[j] / now.sd[j] : 1;
    shift[j] = (bias[j] - now.mean[j]) * scale[j] + target.mean[j];
  }
  tf.tidy(() => {
    head.kernel.assign(tf.mul(head.kernel, tf.tensor1d(scale))); // [in, units] · per-unit scale
    head.bias.assign(tf.tensor1d(shift));
  });
}

/**
 * `twice`: the same function by ops whose gradients are differentiable again
 * (WGAN-GP's penalty): TF.js's leakyRelu gradient goes through a comparison,
 * which has no gradient, while relu's goes through step, whose gradient is 0.
 */
export function activate(y: tf.Tensor, activation: Activation, alpha = 0.2, twice = false): tf.Tensor {
  if (twice && activation === 'leakyRelu') return tf.sub(tf.relu(y), tf.mul(alpha, tf.relu(tf.neg(y))));
  switch (activation) {
    case 'sigmoid':
      return tf.sigmoid(y);
    case 'tanh':
      return tf.tanh(y);
    case 'leakyRelu':
      return tf.leakyRelu(y, alpha);
    case 'softmax':
      return tf.softmax(y);
    default:
      return y;
  }
}

/** Dense layers in sequence (a multilayer perceptron). */
export class Mlp {
  readonly layers: DenseHead[];

  /**
   * @param sizes input size, hidden sizes..., output size
   * @param hidden activation of the hidden layers; @param output of the last
   */
  constructor(sizes: number[], hidden: Activation, output: Activation, rng: Rng, alpha = 0.2) {
    this.layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const last = i + 2 === sizes.length;
      this.layers.push(new DenseHead({ inputSize: sizes[i], units: sizes[i + 1], activation: last ? output : hidden, alpha }, rng));
    }
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  apply(x: tf.Tensor, twice = false): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, l) => l.apply(h, twice), x));
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}
