/**
 * The fused kernels as a TF.js op with an analytic gradient (tf.customGrad):
 * forward runs the whole recurrent stack in WebAssembly, and the gradient is
 * the kernels' backpropagation through time. Used on the 'cpu' and 'wasm'
 * backends, where reading and writing tensor data is a memory copy; other
 * backends (WebGL, WebGPU) keep the reference path in tf ops.
 */
import { tf } from '../engine.js';
import { stackForward, stackBackward, type LayerWeights, type StackShape } from './wasm-kernels.js';
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
    const { out, saved } = stackForward(shape, inputs[0].dataSync() as Float32Array, layers);
    const value = tf.tensor3d(out, [B, T, hidden]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const g = stackBackward(shape, layers, saved, (dy as tf.Tensor).dataSync() as Float32Array);
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
