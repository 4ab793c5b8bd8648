/**
 * A deep recurrent network (DRNN): a stack of RNN / LSTM / GRU layers run over
 * a whole sequence, h_t = f(W x_t + U h_{t−1} + b).
 *
 * The math and the weight layout are exactly those of tfjs-layers
 * (`recurrent.ts`: SimpleRNNCell, LSTMCell, GRUCell with sigmoid recurrent
 * activation; gate order i,f,c,o for LSTM and z,r,h for GRU, GRU with the
 * reset gate applied before the recurrent product), so that a trained stack
 * exports as a plain TF.js LayersModel and loads in a browser without tsgan.
 *
 * This is the reference path in plain tf ops with autodiff. The input
 * projection for all time steps is one matmul; only the recurrent product
 * runs per step. A fused kernel can replace `runStack` without changing the
 * weights.
 *
 * Layer-normalised cells (`layerNorm`) follow Ba, Kiros & Hinton 2016
 * ("Layer Normalization", its layer-normalised LSTM equations): the input
 * product W·x and the recurrent product
 * U·h are each normalised over their units (with a learned gain, the cell's
 * bias added after), and an LSTM's cell state is normalised before its tanh
 * (gain and shift). The GRU normalises its gate part U_zr·h and its
 * candidate part U_h·(r⊙h) separately, since r acts between them. They keep
 * every pre-activation at unit scale whatever the depth in time, which is
 * what keeps gradients alive over long sequences. These cells have no
 * tfjs-layers counterpart and no fused kernel: they run on this path, and
 * export as tsgan's own layer (src/nn/layer-norm-layer.ts).
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { glorotUniform, orthogonal } from './init.js';
import { fusedKernelsActive, fusedStack, type StackGradOptions } from '../kernels/fused-stack.js';
import { isHeadActivation } from '../kernels/wasm-kernels.js';
import { dense, type HeadParams } from './dense.js';

export type CellType = 'rnn' | 'lstm' | 'gru';
export const CELL_TYPES: readonly CellType[] = ['rnn', 'lstm', 'gru'];

export interface RecurrentStackArgs {
  /** Cell type. */
  cell: CellType;
  /** Number of stacked layers. */
  layers: number;
  /** Units per layer. */
  hidden: number;
  /** Features per input step. Required. */
  inputSize: number;
  /**
   * Chrono initialisation of the gate biases (Tallec & Ollivier 2018) for
   * dependencies up to this many steps: the LSTM forget gate (and the GRU
   * update gate, which keeps the state in Keras's form) start at log U(1, T−1),
   * the LSTM input gate at minus that, so that the cells start out
   * remembering and gradients reach early steps. Default: off (Keras's
   * unit forget bias for LSTM, zeros for GRU).
   */
  chronoInit?: number;
  /**
   * Starting bias of the GRU's update and reset gates (TF1's `GRUCell` starts
   * them at 1, Keras at 0). Ignored with `chronoInit`.
   */
  gruGateBias?: number;
  /** Layer-normalised cells (Ba et al. 2016; see above). */
  layerNorm?: boolean;
}

/** One layer's weights; tf.Variables in a stack, plain tensors in an exported layer. */
export interface LayerTensors<T extends tf.Tensor = tf.Tensor> {
  /** [in, gates·hidden] */
  kernel: T;
  /** [hidden, gates·hidden] */
  recurrentKernel: T;
  /** [gates·hidden] */
  bias: T;
  /** Layer-norm parameters, when the cell is layer-normalised. */
  norm?: {
    /** Gain of the normalised input product. [gates·hidden], starts at 1. */
    gainX: T;
    /** Gain of the normalised recurrent product. [gates·hidden], starts at 1. */
    gainH: T;
    /** LSTM only: gain and shift of the normalised cell state. [hidden], start at 1 and 0. */
    gainC?: T;
    shiftC?: T;
  };
}
export type RecurrentLayerWeights = LayerTensors<tf.Variable>;

/** The weights of one layer in saved order: kernel, recurrent kernel, bias, then any layer-norm parameters. */
export function layerWeightList<T extends tf.Tensor>(w: LayerTensors<T>): T[] {
  const n = w.norm;
  return [w.kernel, w.recurrentKernel, w.bias, ...(n ? [n.gainX, n.gainH, ...(n.gainC && n.shiftC ? [n.gainC, n.shiftC] : [])] : [])];
}

/** Shapes of one layer's layer-norm parameters (gainX, gainH[, gainC, shiftC]). */
export function layerNormShapes(cell: CellType, H: number): number[][] {
  const GH = gateCount(cell) * H;
  return cell === 'lstm' ? [[GH], [GH], [H], [H]] : [[GH], [GH]];
}

/** How a network is run by a training step. */
export interface StackApplyOptions extends StackGradOptions {
  /** The tf-ops path even where the fused kernels run (e.g. for second derivatives). */
  reference?: boolean;
}

export function gateCount(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

// tf.variable(t) keeps t alive beside the variable; building inside tf.tidy releases t.
export class RecurrentStack {
  readonly cell: CellType;
  readonly layers: RecurrentLayerWeights[];
  readonly hidden: number;
  readonly inputSize: number;
  readonly layerNorm: boolean;

  constructor(args: RecurrentStackArgs, rng: Rng) {
    this.cell = args.cell;
    this.hidden = args.hidden;
    this.inputSize = args.inputSize;
    this.layerNorm = args.layerNorm ?? false;
    const depth = args.layers;
    if (!CELL_TYPES.includes(this.cell)) throw new Error(`unknown cell type "${this.cell}"; use rnn, lstm or gru`);
    for (const [k, v] of [['layers', depth], ['hidden', this.hidden], ['inputSize', this.inputSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${k} must be a positive integer, got ${v}`);
    }
    const G = gateCount(this.cell);
    const H = this.hidden;
    this.layers = [];
    for (let l = 0; l < depth; l++) {
      const inSize = l === 0 ? this.inputSize : H;
      const bias = new Float32Array(G * H);
      if (args.chronoInit && args.chronoInit > 2 && this.cell !== 'rnn') {
        for (let j = 0; j < H; j++) {
          const b = Math.log(1 + rng.uniform() * (args.chronoInit - 2)); // log U(1, T−1)
          if (this.cell === 'lstm') {
            bias[H + j] = b; // forget
            bias[j] = -b; // input
          } else {
            bias[j] = b; // GRU update gate z: h = z·h + (1 − z)·ĥ
          }
        }
      } else if (this.cell === 'gru' && args.gruGateBias) {
        bias.fill(args.gruGateBias, 0, 2 * H); // z and r blocks
      } else if (this.cell === 'lstm') {
        bias.fill(1, H, 2 * H); // Keras's unit_forget_bias: the forget gate (second block) starts at 1
      }
      this.layers.push({
        kernel: tf.tidy(() => tf.variable(tf.tensor2d(glorotUniform(rng, inSize, G * H), [inSize, G * H]))),
        recurrentKernel: tf.tidy(() => tf.variable(tf.tensor2d(orthogonal(rng, H, G * H), [H, G * H]))),
        bias: tf.tidy(() => tf.variable(tf.tensor1d(bias))),
        ...(this.layerNorm ? { norm: layerNormInit(this.cell, H) } : {}),
      });
    }
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => layerWeightList(l));
  }

  /**
   * Runs the stack; x: [batch, time, inputSize] → [batch, time, hidden].
   * On the cpu and wasm backends this is one fused WebAssembly op (forward and
   * backward); elsewhere, or with `reference`, plain tf ops. `frozen` and
   * `constantInput` say which gradients the calling step will not ask for
   * (see StackGradOptions); the fused op then skips their work. The
   * reference path ignores them (autodiff computes only what is asked).
   */
  apply(x: tf.Tensor3D, opts: StackApplyOptions = {}): tf.Tensor3D {
    if (this.fused(opts)) return fusedStack(this.cell, this.hidden, x, this.variables, opts);
    return tf.tidy(() => {
      let seq = opts.reversed ? tf.reverse(x, 1) : x;
      for (const w of this.layers) seq = runLayer(this.cell, w, seq, this.hidden);
      return opts.reversed ? tf.reverse(seq, 1) : seq;
    });
  }

  /**
   * head(stack(x)): [batch, time, inputSize] → [batch, time, head units]. On
   * the fused path the head runs in the stack's own kernel call when its
   * activation is linear, sigmoid or tanh (its backward too: some ten TF.js
   * ops fewer per network and pass, two of them slow transposed matmuls);
   * otherwise the head runs as TF.js ops on the stack's output.
   */
  applyWithHead(x: tf.Tensor3D, head: HeadParams, opts: StackApplyOptions = {}): tf.Tensor3D {
    const activation = head.activation;
    if (this.fused(opts) && isHeadActivation(activation)) {
      return fusedStack(this.cell, this.hidden, x, this.variables, opts, { kernel: head.kernel, bias: head.bias, activation });
    }
    return tf.tidy(() => dense(this.apply(x, opts), head) as tf.Tensor3D);
  }

  /** Whether this call runs on the fused kernels (layer-normalised cells have none). */
  private fused(opts: StackApplyOptions): boolean {
    return !opts.reference && !this.layerNorm && fusedKernelsActive();
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

function layerNormInit(cell: CellType, H: number): NonNullable<RecurrentLayerWeights['norm']> {
  const [gainX, gainH, gainC, shiftC] = layerNormShapes(cell, H).map((shape, i) =>
    tf.tidy(() => tf.variable(i === 3 ? tf.zeros(shape) : tf.ones(shape))),
  );
  return { gainX, gainH, gainC, shiftC };
}

// Keras's and TensorFlow Addons' LayerNormalization epsilon.
const LN_EPSILON = 1e-3;

/** Normalises the last axis of [rows, units] to zero mean and unit variance, times `gain`. */
function layerNorm(v: tf.Tensor, gain: tf.Tensor, shift?: tf.Tensor): tf.Tensor2D {
  const { mean, variance } = tf.moments(v, -1, true);
  const n = tf.mul(tf.div(tf.sub(v, mean), tf.sqrt(tf.add(variance, LN_EPSILON))), gain);
  return (shift ? tf.add(n, shift) : n) as tf.Tensor2D;
}

/** A sequence's last step: [batch, time, units] → [batch, units] (a classifier's, an encoder's summary). */
export function lastState(h: tf.Tensor3D): tf.Tensor2D {
  const [B, T, U] = h.shape;
  return tf.reshape(tf.slice(h, [0, T - 1, 0], [B, 1, U]), [B, U]);
}

/** One recurrent layer over the whole sequence. */
export function runLayer(cell: CellType, w: LayerTensors, x: tf.Tensor3D, H: number): tf.Tensor3D {
  const [B, T, F] = x.shape;
  const G = gateCount(cell);
  const ln = w.norm;
  // Input projection for every step at once: [B·T, F]·[F, G·H] (normalised) + b.
  const wx = tf.matMul(tf.reshape(x, [B * T, F]), w.kernel);
  const proj = tf.add(ln ? layerNorm(wx, ln.gainX) : wx, w.bias);
  // [time, batch, G·H] so that each step is a contiguous slice.
  // (tf.unstack's gradient fails on a single output, hence the T = 1 case.)
  const steps =
    T === 1
      ? [tf.reshape(proj, [B, G * H]) as tf.Tensor2D]
      : (tf.unstack(tf.transpose(tf.reshape(proj, [B, T, G * H]), [1, 0, 2])) as tf.Tensor2D[]);
  let h: tf.Tensor2D = tf.zeros([B, H]);
  let c: tf.Tensor2D = tf.zeros([B, H]);
  const outs: tf.Tensor2D[] = [];
  // The recurrent product, normalised where the cell is; the GRU's gain splits into its gate and candidate parts.
  const [gzr, gh] = ln && cell === 'gru' ? tf.split(ln.gainH, [2 * H, H]) : [undefined, undefined];
  const rec = (hp: tf.Tensor2D, u: tf.Tensor, gain?: tf.Tensor) => {
    const p = tf.matMul(hp, u as tf.Tensor2D);
    return gain ? layerNorm(p, gain) : p;
  };
  if (cell === 'gru') {
    // U split once: [H, 2H] for the z and r gates, [H, H] for the candidate.
    const [uzr, uh] = tf.split(w.recurrentKernel, [2 * H, H], 1) as tf.Tensor2D[];
    for (const xt of steps) {
      const [xz, xr, xh] = tf.split(xt, 3, 1);
      const [rz, rr] = tf.split(rec(h, uzr, gzr), 2, 1);
      const z = tf.sigmoid(tf.add(xz, rz));
      const r = tf.sigmoid(tf.add(xr, rr));
      const hh = tf.tanh(tf.add(xh, rec(tf.mul(r, h), uh, gh)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)); // z·h + (1 − z)·hh, as tfjs-layers
      outs.push(h);
    }
  } else if (cell === 'lstm') {
    for (const xt of steps) {
      const [zi, zf, zc, zo] = tf.split(tf.add(xt, rec(h, w.recurrentKernel, ln?.gainH)), 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zc)));
      // Ba et al.'s equations: the state is normalised where it feeds the output; the carried state stays raw.
      h = tf.mul(tf.sigmoid(zo), tf.tanh(ln?.gainC && ln.shiftC ? layerNorm(c, ln.gainC, ln.shiftC) : c));
      outs.push(h);
    }
  } else {
    for (const xt of steps) {
      h = tf.tanh(tf.add(xt, rec(h, w.recurrentKernel, ln?.gainH))) as tf.Tensor2D;
      outs.push(h);
    }
  }
  return tf.stack(outs, 1) as tf.Tensor3D; // [batch, time, hidden]
}
