/**
 * A dense head applied at every time step (Keras `Dense` on a 3-D input,
 * i.e. TimeDistributed(Dense)): [batch, time, in] → [batch, time, units].
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { glorotUniform } from './init.js';

export type Activation = 'linear' | 'sigmoid' | 'tanh';

export interface DenseArgs {
  inputSize: number;
  units: number;
  /** Default 'linear'. */
  activation?: Activation;
}

export class DenseHead {
  readonly kernel: tf.Variable; // [in, units]
  readonly bias: tf.Variable; // [units]
  readonly activation: Activation;
  readonly inputSize: number;
  readonly units: number;

  constructor(args: DenseArgs, rng: Rng) {
    this.inputSize = args.inputSize;
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    this.kernel = tf.tidy(() => tf.variable(tf.tensor2d(glorotUniform(rng, args.inputSize, args.units), [args.inputSize, args.units])));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([args.units])));
  }

  get variables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, T, F] = x.shape;
      const y = tf.add(tf.matMul(tf.reshape(x, [B * T, F]), this.kernel), this.bias); // [B·T, units]
      const act = this.activation === 'sigmoid' ? tf.sigmoid(y) : this.activation === 'tanh' ? tf.tanh(y) : y;
      return tf.reshape(act, [B, T, this.units]) as tf.Tensor3D;
    });
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}
