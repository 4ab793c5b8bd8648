/**
 * The fused kernels as a TF.js op with an analytic gradient (tf.customGrad):
 * forward runs the whole recurrent stack in WebAssembly, and the gradient is
 * the kernels' backpropagation through time. Used on the 'cpu' and 'wasm'
 * backends, where reading and writing tensor data is a memory copy; other
 * backends (WebGL, WebGPU) keep the reference path in tf ops.
 */
import { tf } from '../engine.js';
import { stackForward, stackBackward, estimateStackBytes, WASM_MAX_BYTES, type LayerWeights, type StackShape } from './wasm-kernels.js';
import { TsganError } from '../errors.js';
import type { CellType } from '../nn/recurrent.js';

let enabled = process.env.TSGAN_FUSED !== '0';

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

/**
 * x [B, T, I] through the stack whose weights are `vars` (kernel, recurrent
 * kernel, bias per layer) → [B, T, H].
 */
export function fusedStack(cell: CellType, hidden: number, x: tf.Tensor3D, vars: tf.Variable[]): tf.Tensor3D {
  const [B, T, I] = x.shape;
  const shape: StackShape = { cell, batch: B, time: T, inputSize: I, hidden };
  const op = tf.customGrad((...args: unknown[]) => {
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const layers: LayerWeights[] = [];
    for (let i = 1; i < inputs.length; i += 3) {
      layers.push({
        w: inputs[i].dataSync() as Float32Array,
        u: inputs[i + 1].dataSync() as Float32Array,
        b: inputs[i + 2].dataSync() as Float32Array,
      });
    }
    const fwd = stackForward(shape, inputs[0].dataSync() as Float32Array, layers, gradientTape());
    const value = tf.tensor3d(fwd.out, [B, T, hidden]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const g = stackBackward(shape, layers, fwd, (dy as tf.Tensor).dataSync() as Float32Array);
      const result: tf.Tensor[] = [tf.tensor3d(g.dx, [B, T, I])];
      layers.forEach((_, l) => {
        result.push(tf.tensor(g.grads[l].w, inputs[1 + 3 * l].shape));
        result.push(tf.tensor(g.grads[l].u, inputs[2 + 3 * l].shape));
        result.push(tf.tensor(g.grads[l].b, inputs[3 + 3 * l].shape));
      });
      return result;
    };
    return { value, gradFunc };
  });
  return (op as (...t: tf.Tensor[]) => tf.Tensor)(x, ...vars) as tf.Tensor3D;
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
