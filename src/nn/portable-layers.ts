/**
 * A self-attention block (Vaswani et al. 2017, "Attention is all you need"),
 * pre-normalised (Xiong et al. 2020: stable without learning-rate warm-up):
 *
 *   u = LN(x)                                  per step, over features
 *   x = x + MHA(q = k = u + PE, v = u)·Wo + bo  multi-head, causal on request
 *   x = x + relu(LN(x)·W1 + b1)·W2 + b2         per step
 *
 * PE is the sinusoidal position code, added where queries and keys are made,
 * so position enters the attention scores at any sequence length and the
 * residual stream carries only the data. A causal block lets step t attend
 * to steps ≤ t only, so a generator stays a function of its past noise as a
 * recurrent one is. Wo and W2 start at zero: each block starts as the
 * identity (as DiT's adaLN-Zero, Peebles & Xie 2023), so the recurrent
 * network it joins starts as it would without it.
 *
 * This module imports nothing at run time: the same function is tsgan's
 * training path (src/nn/attention.ts) and the layer a saved model loads with
 * (`registerTsganLayers(tf)`), in Node or in a browser page that has only
 * TF.js's own bundle — `import { registerTsganLayers } from
 * 'tsgan/layers'` (this file, dist/src/nn/attention-block.js).
 */
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof TF;
type Tensor = TF.Tensor;

/** A block's weights, in the saved layer's order (ATTENTION_WEIGHT_NAMES). */
export interface AttentionWeights<T extends Tensor = Tensor> {
  ln1Gain: T; // [dim]
  ln1Shift: T; // [dim]
  wq: T; // [dim, dim]
  wk: T; // [dim, dim]
  wv: T; // [dim, dim]
  wo: T; // [dim, dim]
  bo: T; // [dim]
  ln2Gain: T; // [dim]
  ln2Shift: T; // [dim]
  w1: T; // [dim, ff]
  b1: T; // [ff]
  w2: T; // [ff, dim]
  b2: T; // [dim]
}

export const ATTENTION_WEIGHT_NAMES = ['ln1Gain', 'ln1Shift', 'wq', 'wk', 'wv', 'wo', 'bo', 'ln2Gain', 'ln2Shift', 'w1', 'b1', 'w2', 'b2'] as const;

/** The shapes of a block's weights, in ATTENTION_WEIGHT_NAMES's order. */
export function attentionWeightShapes(dim: number, ff: number): number[][] {
  return [[dim], [dim], [dim, dim], [dim, dim], [dim, dim], [dim, dim], [dim], [dim], [dim], [dim, ff], [ff], [ff, dim], [dim]];
}

export interface AttentionShape {
  /** Attention heads; they split the width, so it must divide it. */
  heads: number;
  /** Step t attends to steps ≤ t only. */
  causal: boolean;
}

const positionCodes = new Map<string, Float32Array>();

/** The sinusoidal position code (Vaswani et al. 2017, §3.5): [time, dim]; made once per shape (every block call reads it), read only. */
export function positionCode(T: number, dim: number): Float32Array {
  const key = `${T}x${dim}`;
  const known = positionCodes.get(key);
  if (known) return known;
  const pe = new Float32Array(T * dim);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < dim; i++) {
      const angle = t / Math.pow(10000, (2 * Math.floor(i / 2)) / dim);
      pe[t * dim + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  positionCodes.set(key, pe);
  return pe;
}

function layerNorm(tf: Tf, x: Tensor, gain: Tensor, shift: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), shift);
}

/** One block: [batch, time, dim] → [batch, time, dim]. */
export function attentionBlock(tf: Tf, x: Tensor, w: AttentionWeights, s: AttentionShape): Tensor {
  return tf.tidy(() => {
    const [B, T, D] = x.shape as [number, number, number];
    const h = s.heads;
    const dh = D / h;
    const rows = (t: Tensor) => tf.reshape(t, [B * T, -1]); // [batch·time, width]
    const n = layerNorm(tf, x, w.ln1Gain, w.ln1Shift); // [batch, time, dim]
    const u = rows(n);
    const p = rows(tf.add(n, tf.tensor2d(positionCode(T, D), [T, D]))); // broadcast over the batch
    // [batch·time, dim] → [batch·heads, time, dh]
    const split = (t: Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, T, h, dh]), [0, 2, 1, 3]), [B * h, T, dh]);
    const q = split(tf.matMul(p, w.wq));
    const k = split(tf.matMul(p, w.wk));
    const v = split(tf.matMul(u, w.wv));
    let scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)); // [batch·heads, time, time]
    if (s.causal) {
      // −1e9 above the diagonal: step t's weights on later steps vanish in the softmax.
      const later = tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0));
      scores = tf.add(scores, tf.mul(later, -1e9));
    }
    const o = tf.matMul(tf.softmax(scores), v); // [batch·heads, time, dh]
    const merged = tf.reshape(tf.transpose(tf.reshape(o, [B, h, T, dh]), [0, 2, 1, 3]), [B * T, D]);
    const x1 = tf.add(rows(x), tf.add(tf.matMul(merged, w.wo), w.bo)); // [batch·time, dim]
    const f = tf.relu(tf.add(tf.matMul(layerNorm(tf, x1, w.ln2Gain, w.ln2Shift), w.w1), w.b1));
    return tf.reshape(tf.add(x1, tf.add(tf.matMul(f, w.w2), w.b2)), [B, T, D]);
  });
}

export interface SelfAttentionLayerArgs extends AttentionShape {
  /** Units of the feed-forward part. */
  ffUnits: number;
  name?: string;
}

/** tsgan's portable layer classes, as registerTsganLayers returns them. */
export interface TsganLayers {
  SelfAttention: new (args: SelfAttentionLayerArgs) => TF.layers.Layer;
  /** Reverses [batch, time, features] in time (TimeGAN's bidirectional D). */
  TimeReverse: new (args: { name?: string }) => TF.layers.Layer;
}

const registered = new WeakMap<object, TsganLayers>();

/**
 * Registers tsgan's portable layer classes (TsganSelfAttention,
 * TsganTimeReverse) with this TF.js, so that `tf.loadLayersModel` reads a
 * model that uses them, and returns them. Safe to call more than once.
 * (Layer-normalised cells, `--layer-norm`, are not among them: they need
 * tsgan itself.)
 */
export function registerTsganLayers(tf: Tf): TsganLayers {
  const known = registered.get(tf);
  if (known) return known;
  const layers: TsganLayers = { SelfAttention: defineAttention(tf), TimeReverse: defineTimeReverse(tf) };
  for (const cls of Object.values(layers)) tf.serialization.registerClass(cls);
  registered.set(tf, layers);
  return layers;
}

function defineTimeReverse(tf: Tf) {
  return class TimeReverse extends tf.layers.Layer {
    static readonly className = 'TsganTimeReverse';

    override computeOutputShape(inputShape: TF.Shape | TF.Shape[]): TF.Shape {
      return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.reverse(Array.isArray(inputs) ? inputs[0]! : inputs, 1);
    }
  };
}

function defineAttention(tf: Tf) {
  return class SelfAttention extends tf.layers.Layer {
    static readonly className = 'TsganSelfAttention';
    readonly heads: number;
    readonly causal: boolean;
    readonly ffUnits: number;
    private weightsInOrder: TF.LayerVariable[] = [];

    constructor(args: SelfAttentionLayerArgs) {
      super(args as unknown as ConstructorParameters<typeof tf.layers.Layer>[0]);
      this.heads = args.heads;
      this.causal = args.causal;
      this.ffUnits = args.ffUnits;
    }

    override build(inputShape: TF.Shape | TF.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
      const dim = shape[shape.length - 1] as number;
      if (dim % this.heads !== 0) throw new Error(`TsganSelfAttention: ${this.heads} heads do not divide width ${dim}`);
      // Zeros: the real values come from setWeights or weights.bin.
      const shapes = attentionWeightShapes(dim, this.ffUnits);
      this.weightsInOrder = ATTENTION_WEIGHT_NAMES.map((n, i) => this.addWeight(n, shapes[i]!, 'float32', tf.initializers.zeros()));
      this.built = true;
    }

    override computeOutputShape(inputShape: TF.Shape | TF.Shape[]): TF.Shape {
      return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const values = this.weightsInOrder.map((v) => v.read());
      const w = Object.fromEntries(ATTENTION_WEIGHT_NAMES.map((n, i) => [n, values[i]!])) as unknown as AttentionWeights;
      return attentionBlock(tf, x, w, { heads: this.heads, causal: this.causal });
    }

    override getConfig(): TF.serialization.ConfigDict {
      return { ...super.getConfig(), heads: this.heads, causal: this.causal, ffUnits: this.ffUnits };
    }
  };
}
