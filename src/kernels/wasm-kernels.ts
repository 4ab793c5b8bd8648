/**
 * The fused recurrent kernels (assembly/recurrent.ts, compiled to
 * wasm/recurrent.wasm and shipped in the package) driven from JavaScript:
 * a whole stack of layers forward in one pass over the layers, and its whole
 * backpropagation through time in one pass back, on plain Float32Arrays.
 *
 * Memory: the module's linear memory is used as a per-call arena (reset at
 * the start of every call), so nothing can leak between calls; what backward
 * needs from forward is copied out into JS arrays that the garbage collector
 * owns. Layout inside the kernels is time-major [T, B, ·]; callers see
 * TF.js's batch-major [B, T, ·].
 */
import { readFileSync } from 'node:fs';
import type { CellType } from '../nn/recurrent.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  gemm(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, acc: number): void;
  batch_to_time(B: number, T: number, F: number, src: number, dst: number): void;
  time_to_batch(B: number, T: number, F: number, src: number, dst: number): void;
  scratch_floats(cell: number, T: number, B: number, I: number, H: number): number;
  rnn_forward(T: number, B: number, I: number, H: number, x: number, w: number, u: number, b: number, out: number, scratch: number): void;
  rnn_backward(T: number, B: number, I: number, H: number, x: number, w: number, u: number, out: number, dout: number, dx: number, dw: number, du: number, db: number, scratch: number): void;
  gru_forward(T: number, B: number, I: number, H: number, x: number, w: number, u: number, b: number, out: number, gates: number, rh: number, scratch: number): void;
  gru_backward(T: number, B: number, I: number, H: number, x: number, w: number, u: number, out: number, gates: number, rh: number, dout: number, dx: number, dw: number, du: number, db: number, scratch: number): void;
  lstm_forward(T: number, B: number, I: number, H: number, x: number, w: number, u: number, b: number, out: number, gates: number, c: number, scratch: number): void;
  lstm_backward(T: number, B: number, I: number, H: number, x: number, w: number, u: number, out: number, gates: number, c: number, dout: number, dx: number, dw: number, du: number, db: number, scratch: number): void;
}

/** The largest memory a 32-bit WebAssembly module can address. */
export const WASM_MAX_BYTES = 4 * 1024 ** 3;

class Arena {
  private top: number;
  constructor(readonly k: KernelExports, private readonly base: number) {
    this.top = base;
  }
  reset(): void {
    this.top = this.base;
  }
  /** Room for n floats, 16-byte aligned. */
  alloc(n: number): number {
    const ptr = this.top;
    this.top = ptr + Math.ceil((n * 4) / 16) * 16;
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) {
      if (this.top > WASM_MAX_BYTES) {
        throw new Error(`fused kernels need ${(this.top / 2 ** 30).toFixed(2)} GiB, over WebAssembly's 4 GiB limit; use a smaller batch, sequence or hidden size`);
      }
      this.k.memory.grow(Math.ceil(need / 65536));
    }
    return ptr;
  }
  put(data: Float32Array): number {
    const p = this.alloc(data.length);
    this.view(p, data.length).set(data);
    return p;
  }
  view(ptr: number, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, n);
  }
  copyOut(ptr: number, n: number): Float32Array {
    return this.view(ptr, n).slice();
  }
  /** Like copyOut, into a recycled array (see `recycle`). */
  saveOut(ptr: number, n: number): Float32Array {
    const arr = pool.get(n)?.pop() ?? new Float32Array(n);
    arr.set(this.view(ptr, n));
    return arr;
  }
  get bytes(): number {
    return this.k.memory.buffer.byteLength;
  }
}

let arena: Arena | null = null;

// Saved activations are large and short-lived (forward → backward within one
// training step); recycling their arrays instead of allocating new ones each
// step keeps the garbage collector out of the hot loop.
const pool = new Map<number, Float32Array[]>();
const POOL_PER_SIZE = 64;

function recycle(arrays: (Float32Array | null)[]): void {
  for (const a of arrays) {
    if (!a) continue;
    let list = pool.get(a.length);
    if (!list) pool.set(a.length, (list = []));
    if (list.length < POOL_PER_SIZE) list.push(a);
  }
}

function kernels(): Arena {
  if (arena) return arena;
  const url = new URL('../../../wasm/recurrent.wasm', import.meta.url);
  const module = new WebAssembly.Module(readFileSync(url));
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort: () => {
        throw new Error('fused kernel aborted');
      },
    },
  });
  const k = instance.exports as unknown as KernelExports;
  arena = new Arena(k, k.memory.buffer.byteLength);
  return arena;
}

/** Bytes of WebAssembly memory the kernels hold (it grows to the largest call and stays). */
export function kernelMemoryBytes(): number {
  return arena ? arena.bytes : 0;
}

export interface LayerWeights {
  /** [in, G·H] */
  w: Float32Array;
  /** [H, G·H] */
  u: Float32Array;
  /** [G·H] */
  b: Float32Array;
}

/** What backward needs of one layer, time-major. */
interface SavedLayer {
  x: Float32Array;
  out: Float32Array;
  gates: Float32Array | null;
  extra: Float32Array | null;
}

export interface StackShape {
  cell: CellType;
  batch: number;
  time: number;
  inputSize: number;
  hidden: number;
}

const CELL_CODE: Record<CellType, number> = { rnn: 0, gru: 1, lstm: 2 };
const GATES: Record<CellType, number> = { rnn: 1, gru: 3, lstm: 4 };

export interface ForwardResult {
  /** [B, T, H] */
  out: Float32Array;
  saved: SavedLayer[];
}

/** Runs the stack over x [B, T, inputSize]; returns the top layer's [B, T, H] and what backward needs. */
export function stackForward(s: StackShape, x: Float32Array, layers: LayerWeights[]): ForwardResult {
  const a = kernels();
  const k = a.k;
  a.reset();
  const { batch: B, time: T, hidden: H, cell } = s;
  const G = GATES[cell];
  const TB = T * B;
  const xb = a.put(x);
  let xin = a.alloc(TB * s.inputSize);
  k.batch_to_time(B, T, s.inputSize, xb, xin);
  let inSize = s.inputSize;
  const saved: SavedLayer[] = [];
  let xSaved = a.saveOut(xin, TB * inSize);
  for (const L of layers) {
    const scratchN = k.scratch_floats(CELL_CODE[cell], T, B, inSize, H);
    const w = a.put(L.w);
    const u = a.put(L.u);
    const b = a.put(L.b);
    const out = a.alloc(TB * H);
    const scratch = a.alloc(scratchN);
    let gates = 0;
    let extra = 0;
    if (cell === 'rnn') {
      k.rnn_forward(T, B, inSize, H, xin, w, u, b, out, scratch);
    } else {
      gates = a.alloc(G * TB * H);
      extra = a.alloc(TB * H);
      if (cell === 'gru') k.gru_forward(T, B, inSize, H, xin, w, u, b, out, gates, extra, scratch);
      else k.lstm_forward(T, B, inSize, H, xin, w, u, b, out, gates, extra, scratch);
    }
    const outSaved = a.saveOut(out, TB * H);
    saved.push({
      x: xSaved,
      out: outSaved,
      gates: gates ? a.saveOut(gates, G * TB * H) : null,
      extra: extra ? a.saveOut(extra, TB * H) : null,
    });
    xin = out;
    xSaved = outSaved;
    inSize = H;
  }
  const ob = a.alloc(TB * H);
  k.time_to_batch(B, T, H, xin, ob);
  return { out: a.copyOut(ob, TB * H), saved };
}

export interface BackwardResult {
  /** [B, T, inputSize] */
  dx: Float32Array;
  /** Per layer, in the order of the layers. */
  grads: { w: Float32Array; u: Float32Array; b: Float32Array }[];
}

/** Backpropagation through time for the whole stack, given dy [B, T, H] of the top layer. */
export function stackBackward(s: StackShape, layers: LayerWeights[], saved: SavedLayer[], dy: Float32Array): BackwardResult {
  const a = kernels();
  const k = a.k;
  a.reset();
  const { batch: B, time: T, hidden: H, cell } = s;
  const G = GATES[cell];
  const TB = T * B;
  const dyb = a.put(dy);
  let dout = a.alloc(TB * H);
  k.batch_to_time(B, T, H, dyb, dout);
  const grads: BackwardResult['grads'] = new Array(layers.length);
  let dxPtr = 0;
  let inSize = s.inputSize;
  for (let l = layers.length - 1; l >= 0; l--) {
    inSize = l === 0 ? s.inputSize : H;
    const L = layers[l];
    const S = saved[l];
    const x = a.put(S.x);
    const w = a.put(L.w);
    const u = a.put(L.u);
    const out = a.put(S.out);
    const dx = a.alloc(TB * inSize);
    const dw = a.alloc(inSize * G * H);
    const du = a.alloc(H * G * H);
    const db = a.alloc(G * H);
    const scratch = a.alloc(k.scratch_floats(CELL_CODE[cell], T, B, inSize, H));
    if (cell === 'rnn') {
      k.rnn_backward(T, B, inSize, H, x, w, u, out, dout, dx, dw, du, db, scratch);
    } else {
      const gates = a.put(S.gates!);
      const extra = a.put(S.extra!);
      if (cell === 'gru') k.gru_backward(T, B, inSize, H, x, w, u, out, gates, extra, dout, dx, dw, du, db, scratch);
      else k.lstm_backward(T, B, inSize, H, x, w, u, out, gates, extra, dout, dx, dw, du, db, scratch);
    }
    grads[l] = { w: a.copyOut(dw, inSize * G * H), u: a.copyOut(du, H * G * H), b: a.copyOut(db, G * H) };
    dout = dx;
    dxPtr = dx;
  }
  const dxb = a.alloc(TB * s.inputSize);
  k.time_to_batch(B, T, s.inputSize, dxPtr, dxb);
  // Backward runs once per forward: its saved arrays can serve the next step.
  recycle([saved[0].x, ...saved.flatMap((l) => [l.out, l.gates, l.extra])]);
  saved.length = 0;
  return { dx: a.copyOut(dxb, TB * s.inputSize), grads };
}

/** C = A·B on the kernels' GEMM (for the benchmark and tests). */
export function matmul(A: Float32Array, B: Float32Array, M: number, K: number, N: number): Float32Array {
  const a = kernels();
  a.reset();
  const pa = a.put(A);
  const pb = a.put(B);
  const pc = a.alloc(M * N);
  a.k.gemm(M, N, K, pa, K, pb, N, pc, N, 0);
  return a.copyOut(pc, M * N);
}

/** Runs GEMM `reps` times on data already in memory (benchmark: no copies timed). */
export function matmulRepeat(M: number, K: number, N: number, reps: number, fill: (n: number) => Float32Array): number {
  const a = kernels();
  a.reset();
  const pa = a.put(fill(M * K));
  const pb = a.put(fill(K * N));
  const pc = a.alloc(M * N);
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) a.k.gemm(M, N, K, pa, K, pb, N, pc, N, 0);
  return performance.now() - t0;
}
