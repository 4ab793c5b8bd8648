/**
 * The fused kernels as a TF.js op with an analytic gradient (tf.customGrad):
 * forward runs the whole recurrent stack in WebAssembly, and the gradient is
 * the kernels' backpropagation through time. Used on the 'cpu' and 'wasm'
 * backends, where reading and writing tensor data is a memory copy; other
 * backends (WebGL, WebGPU) keep the reference path in tf ops.
 */
import { tf, readFloats, tensorFromFloats } from '../engine.js';
import { stackForward, stackBackward, estimateStackBytes, WASM_MAX_BYTES, type HeadActivation, type HeadWeights, type LayerWeights, type StackShape } from './wasm-kernels.js';
import { TsganError } from '../errors.js';
import type { CellType } from '../nn/recurrent.js';

/**
 * TSGAN_FUSED, checked: unset or empty → undefined (the default, on); "1" on,
 * "0" off; anything else is a one-line error naming the variable.
 */
export function fusedFromEnv(v: string | undefined = process.env.TSGAN_FUSED): boolean | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  if (v.trim() === '1') return true;
  if (v.trim() === '0') return false;
  throw new TsganError(`TSGAN_FUSED must be 0 (off) or 1 (on), got "${v}"; unset it for the default (on)`);
}

// An invalid value keeps the default here; the CLI refuses it up front.
let enabled = process.env.TSGAN_FUSED?.trim() !== '0';

/** Turns the fused kernels on or off (default on; env TSGAN_FUSED=0 turns them off). */
export function setFusedKernels(on: boolean): void {
  enabled = on;
}

export function fusedKernelsActive(): boolean {
  const b = tf.getBackend();
  return enabled && (b === 'wasm' || b === 'cpu');
}

/**
 * The gradient computation in progress (TF.js records one tape per outermost
 * tf.grad / variableGrads), or null when none is: then no backward pass can
 * follow, and the kernels keep nothing for one.
 */
function gradientTape(): object | null {
  const state = (tf.engine() as unknown as { state: { gradientDepth: number; activeTape: object | null } }).state;
  return state.gradientDepth > 0 ? state.activeTape : null;
}

/** What a stack's gradient is wanted for, by the step that runs it (see RecurrentStack.apply). */
export interface StackGradOptions {
  /** The stack's weights are not trained by this step: no weight gradients. */
  frozen?: boolean;
  /** The input needs no gradient (data, or a network not being trained). */
  constantInput?: boolean;
  /**
   * The stack reads the sequence from its last step to its first (the
   * backward half of a bidirectional network); its output comes back in the
   * input's time order, so step t's state has read steps T..t.
   */
  reversed?: boolean;
}

/** [batch, time, width] with time reversed, as a new array (the kernels' inputs and outputs are flat). */
function reverseTime(v: Float32Array, batch: number, time: number, width: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      const from = (b * time + t) * width;
      const to = (b * time + time - 1 - t) * width;
      for (let k = 0; k < width; k++) out[to + k] = v[from + k];
    }
  }
  return out;
}

/** A dense head run in the same call as the stack: y = act(h·kernel + bias) at every step. */
export interface FusedHead {
  kernel: tf.Tensor;
  bias: tf.Tensor;
  activation: HeadActivation;
}

/**
 * x [B, T, I] through the stack whose weights are `vars` (kernel, recurrent
 * kernel, bias per layer) → [B, T, H], or through the stack and its `head`
 * → [B, T, units]. What is frozen or constant is left out of the op's
 * inputs, so TF.js asks no gradient for it and the kernels skip its GEMMs
 * (for a frozen network, about half of its backward pass).
 */
export function fusedStack(cell: CellType, hidden: number, x: tf.Tensor3D, vars: tf.Variable[], opts: StackGradOptions = {}, head?: FusedHead): tf.Tensor3D {
  const [B, T, I] = x.shape;
  const shape: StackShape = { cell, batch: B, time: T, inputSize: I, hidden };
  // Weights are read when a kernel call starts (they are views, see floats): a
  // backward pass reads them again, after the forward pass's TF.js ops.
  const layers = (): LayerWeights[] => {
    const out: LayerWeights[] = [];
    for (let i = 0; i < vars.length; i += 3) out.push({ w: readFloats(vars[i]), u: readFloats(vars[i + 1]), b: readFloats(vars[i + 2]) });
    return out;
  };
  // A head given as slices of a larger kernel is disposed with its tidy scope,
  // before a backward pass runs: such weights are copied now, variables read later.
  const keep = (t: tf.Tensor): (() => Float32Array) => {
    if (t instanceof tf.Variable) return () => readFloats(t);
    const copy = readFloats(t).slice();
    return () => copy;
  };
  const headW = head && keep(head.kernel);
  const headB = head && keep(head.bias);
  const hw = (): HeadWeights | undefined => head && { w: headW!(), b: headB!(), units: head.bias.size, activation: head.activation };
  const U = head ? head.bias.size : hidden;
  // Reversal happens here, on the flat arrays, not as tf.reverse (which the wasm backend runs slowly).
  const flip = (v: Float32Array, width: number) => (opts.reversed ? reverseTime(v, B, T, width) : v);
  const params = !opts.frozen;
  const input = !opts.constantInput;
  if (!params && !input) {
    // Nothing to differentiate: a plain forward pass that keeps no tape.
    return tensorFromFloats(flip(stackForward(shape, flip(readFloats(x), I), layers(), null, hw()).out, U), [B, T, U]) as tf.Tensor3D;
  }
  const weights = head ? [...vars, head.kernel, head.bias] : vars;
  const inputs: tf.Tensor[] = [...(input ? [x] : []), ...(params ? weights : [])];
  const op = tf.customGrad((...args: unknown[]) => {
    void args; // the values are read above (x and the weights are the op's inputs only so that TF.js routes their gradients)
    const fwd = stackForward(shape, flip(readFloats(x), I), layers(), gradientTape(), hw());
    const value = tensorFromFloats(flip(fwd.out, U), [B, T, U]) as tf.Tensor3D;
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const g = stackBackward(shape, layers(), fwd, flip(readFloats(dy as tf.Tensor), U), { params, input }, hw());
      const result: tf.Tensor[] = input ? [tensorFromFloats(flip(g.dx!, I), [B, T, I])] : [];
      if (params) {
        g.grads.forEach((_, l) => {
          result.push(tf.tensor(g.grads[l].w, vars[3 * l].shape));
          result.push(tf.tensor(g.grads[l].u, vars[3 * l + 1].shape));
          result.push(tf.tensor(g.grads[l].b, vars[3 * l + 2].shape));
        });
        if (head && g.head) result.push(tf.tensor(g.head.w, head.kernel.shape), tf.tensor(g.head.b, head.bias.shape));
      }
      return result;
    };
    return { value, gradFunc };
  });
  return (op as (...t: tf.Tensor[]) => tf.Tensor)(...inputs) as tf.Tensor3D;
}

/**
 * Refuses, before any work, a configuration whose recurrent stacks would not
 * fit the 4 GiB that 32-bit WebAssembly can address (rather than crashing in
 * the middle of training). `passes` forward passes are kept for one backward.
 */
export function checkFusedMemory(stacks: { shape: StackShape; layers: number; passes: number }[], what: string): void {
  if (!fusedKernelsActive()) return;
  const bytes = Math.max(...stacks.map((s) => estimateStackBytes(s.shape, s.layers, s.passes)));
  const limit = WASM_MAX_BYTES * 0.9;
  if (bytes > limit) {
    throw new TsganError(
      `${what} needs about ${(bytes / 2 ** 30).toFixed(1)} GiB of WebAssembly memory for its recurrent layers, ` +
        `over the ${(limit / 2 ** 30).toFixed(1)} GiB that fits in 32-bit WebAssembly; reduce --batch-size, --seq-len or --hidden`,
    );
  }
}
