/**
 * The TensorFlow.js engine behind tsgan, in one place.
 *
 * Every other module imports `tf` from here, never from '@tensorflow/tfjs'
 * directly, so that the backend choice and kernel patches below apply to all
 * of tsgan, and so that a faster kernel path (issue: fused recurrent kernels)
 * can be swapped in behind this module without touching the models.
 *
 * Backend: '@tensorflow/tfjs-backend-wasm' by default (pure WebAssembly, ships
 * inside the npm package, no native download), falling back to the pure-JS
 * 'cpu' backend if WebAssembly cannot start. '@tensorflow/tfjs-node' is not used
 * on purpose: its install downloads a binary from a host many users cannot reach.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { OptionDecl } from './config/options.js';

export { tf };

export type BackendName = 'wasm' | 'cpu';

/** The backend option every command takes. */
export const BACKEND_OPTION: OptionDecl = { name: 'backend', flag: 'backend', kind: { type: 'choice', choices: ['wasm', 'cpu'] }, target: 'run', default: 'wasm', section: 'Output', doc: 'TF.js backend' };

export interface EngineInfo {
  /** The backend that actually runs. */
  backend: BackendName;
  /** TF.js version string. */
  tfjsVersion: string;
  /** Set when the preferred backend failed and tsgan fell back. */
  fallbackReason?: string;
}

/**
 * A float32 tensor's values without a copy where the backend allows it: on
 * 'wasm' a view into the backend's heap (BackendWasm.typedArrayFromHeap,
 * what its own kernels use), on 'cpu' the stored array (dataSync does not
 * copy there). Read only, and only until the next TF.js op: a new tensor can
 * grow the heap, which detaches the view. Every dataSync on 'wasm' copies
 * into a new ArrayBuffer: at some hundred calls a second those copies made
 * V8 run a full mark-compact about once per TimeGAN iteration.
 */
export function readFloats(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array };
  if (tf.getBackend() === 'wasm' && t.dtype === 'float32' && typeof backend.typedArrayFromHeap === 'function') return backend.typedArrayFromHeap(t);
  return t.dataSync() as Float32Array;
}

/**
 * A tensor of `v`'s values that does not share `v`, so `v` may be reused or
 * overwritten: the wasm backend copies into its heap as it creates the
 * tensor; the cpu backend would keep `v` itself, so it is given a copy.
 */
export function tensorFromFloats(v: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? v : v.slice(), shape, 'float32');
}

let current: EngineInfo | null = null;

/**
 * Starts the engine once per process. Later calls return the same info
 * (asking for a different backend later switches to it).
 * @param preferred backend to try first; default 'wasm'.
 */
export async function initEngine(preferred: BackendName = 'wasm'): Promise<EngineInfo> {
  if (current && current.backend === preferred) return current;
  let backend: BackendName = preferred;
  let fallbackReason: string | undefined;
  let ok = false;
  try {
    ok = await tf.setBackend(preferred);
  } catch (e) {
    fallbackReason = (e as Error).message;
  }
  if (!ok) {
    fallbackReason ??= `backend '${preferred}' did not initialise`;
    backend = 'cpu';
    await tf.setBackend('cpu');
  }
  await tf.ready();
  if (backend === 'wasm') patchWasmTransposedMatMul();
  current = { backend, tfjsVersion: tf.version.tfjs, fallbackReason };
  return current;
}

/** One line for the CLI to print at start. */
export function describeEngine(info: EngineInfo): string {
  const base = `tsgan: TensorFlow.js ${info.tfjsVersion} on the ${info.backend} backend`;
  return info.fallbackReason ? `${base} (wasm unavailable: ${info.fallbackReason})` : base;
}

let patched = false;

/**
 * The wasm backend's BatchMatMul runs 10x slower when a transpose flag is set
 * (measured: 1-2 GFLOP/s against 16-21), and backpropagation through matMul
 * asks for exactly those calls (dA = dY·Bᵀ, dB = Aᵀ·dY). Transposing the
 * operand explicitly first, with the backend's own Transpose kernel, and then
 * multiplying without flags is 2-3x faster end to end on recurrent training.
 * The result is bit-for-bit the same product, only computed in another order.
 */
function patchWasmTransposedMatMul(): void {
  if (patched) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const originalFunc = original.kernelFunc;
  const transposeFunc = transpose.kernelFunc;
  type Info = tf.TensorInfo;
  const swapLast2 = (rank: number) => {
    const perm = Array.from({ length: rank }, (_, i) => i);
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
    return perm;
  };
  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return originalFunc(args);
    const be = backend as unknown as { disposeData(id: object): void };
    let a = inputs.a as Info;
    let b = inputs.b as Info;
    const temps: Info[] = [];
    if (transposeA) {
      a = transposeFunc({ inputs: { x: a }, backend, attrs: { perm: swapLast2(a.shape.length) } }) as Info;
      temps.push(a);
    }
    if (transposeB) {
      b = transposeFunc({ inputs: { x: b }, backend, attrs: { perm: swapLast2(b.shape.length) } }) as Info;
      temps.push(b);
    }
    const out = originalFunc({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of temps) be.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  patched = true;
}
