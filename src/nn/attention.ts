/**
 * Self-attention blocks with trainable variables, for the sequence networks
 * (src/nn/sequence-network.ts). The block itself, and the layer a saved
 * model loads with, are in portable-layers.ts; this file draws the weights
 * from a seed and exports them as that layer.
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { glorotUniform } from './init.js';
import { attentionBlock, attentionWeightShapes, registerTsganLayers, ATTENTION_WEIGHT_NAMES, type AttentionShape, type AttentionWeights } from './portable-layers.js';

export const SelfAttentionLayer = registerTsganLayers(tf).SelfAttention;

export interface AttentionArgs extends AttentionShape {
  /** Width of the sequence it reads and returns; `heads` must divide it. */
  dim: number;
}

/** The feed-forward part's width: twice the block's (the Transformer's is four times; these networks are small). */
export const ffUnits = (dim: number) => 2 * dim;

/** One block's variables, drawn from `rng` (Wo and W2 zero: the block starts as the identity). */
export class AttentionLayer {
  readonly weights: AttentionWeights<tf.Variable>;
  readonly shape: AttentionShape;
  readonly dim: number;

  constructor(args: AttentionArgs, rng: Rng) {
    const { dim, heads, causal } = args;
    if (!Number.isInteger(heads) || heads < 1 || dim % heads !== 0) throw new Error(`attention heads must divide the width ${dim}, got ${heads}`);
    this.dim = dim;
    this.shape = { heads, causal };
    const ff = ffUnits(dim);
    const shapes = attentionWeightShapes(dim, ff);
    const init = (name: (typeof ATTENTION_WEIGHT_NAMES)[number], shape: number[]): tf.Variable =>
      tf.tidy(() => {
        if (name === 'ln1Gain' || name === 'ln2Gain') return tf.variable(tf.ones(shape));
        if (name === 'wq' || name === 'wk' || name === 'wv' || name === 'w1') return tf.variable(tf.tensor(glorotUniform(rng, shape[0]!, shape[1]!), shape));
        return tf.variable(tf.zeros(shape)); // biases, shifts, and Wo, W2
      });
    this.weights = Object.fromEntries(ATTENTION_WEIGHT_NAMES.map((n, i) => [n, init(n, shapes[i]!)])) as unknown as AttentionWeights<tf.Variable>;
  }

  get variables(): tf.Variable[] {
    return ATTENTION_WEIGHT_NAMES.map((n) => this.weights[n]);
  }

  /** [batch, time, dim] → [batch, time, dim]. */
  apply(x: tf.Tensor): tf.Tensor3D {
    return attentionBlock(tf, x, this.weights, this.shape) as tf.Tensor3D;
  }

  /** The block as tsgan's registered layer (zeros until setWeights). */
  layer(name: string): tf.layers.Layer {
    return new SelfAttentionLayer({ ...this.shape, ffUnits: ffUnits(this.dim), name });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Parameters of one block of width `dim`. */
export function attentionParameters(dim: number): number {
  return attentionWeightShapes(dim, ffUnits(dim)).reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0);
}
