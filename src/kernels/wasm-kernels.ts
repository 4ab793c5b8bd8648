/**
 * The fused recurrent kernels (assembly/recurrent.ts, compiled to
 * wasm/recurrent.wasm and shipped in the package) driven from JavaScript:
 * a whole stack of layers forward, and its whole backpropagation through
 * time, on plain Float32Arrays.
 *
 * Memory: one shared WebAssembly memory, used as a per-call arena (reset at
 * the start of every call), so nothing can leak between calls; what backward
 * needs from forward is copied out into recycled JS arrays. Inside, the
 * layout is time-major [T, B, ·]; callers see TF.js's batch-major [B, T, ·].
 *
 * Two cores: when a call is big enough, the batch is cut in two and a helper
 * worker (kernel-worker.ts) runs the second half in the same memory while the
 * main thread runs the first; weight gradients of the halves are summed.
 * The arithmetic per sequence is the same either way.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CellType } from '../nn/recurrent.js';
import { KERNEL_FUNCTIONS, type KernelFunction } from './kernel-abi.js';
import { TsganError } from '../errors.js';

type Fn = (...args: number[]) => number | void;
type KernelExports = Record<KernelFunction | 'scratch_floats', Fn>;

/** The largest memory a 32-bit WebAssembly module can address. */
export const WASM_MAX_BYTES = 4 * 1024 ** 3;
const PAGE = 65536;
const ARENA_BASE = 16 * PAGE; // above the module's own static data (initial memory)

class Kernels {
  readonly k: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  /** Whether the relaxed-SIMD build runs. */
  readonly relaxed: boolean;
  private top = ARENA_BASE;

  constructor() {
    // The relaxed-SIMD build (fused multiply-add) where the runtime accepts it
    // (Node.js 20 only with --experimental-wasm-relaxed-simd), else plain SIMD.
    const relaxed = readFileSync(new URL('../../../wasm/recurrent-relaxed.wasm', import.meta.url));
    this.relaxed = WebAssembly.validate(relaxed);
    this.module = new WebAssembly.Module(this.relaxed ? relaxed : readFileSync(new URL('../../../wasm/recurrent.wasm', import.meta.url)));
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: WASM_MAX_BYTES / PAGE, shared: true });
    const instance = new WebAssembly.Instance(this.module, {
      env: {
        memory: this.memory,
        abort: () => {
          throw new Error('fused kernel aborted');
        },
      },
    });
    this.k = instance.exports as unknown as KernelExports;
  }
  /**
   * The tape: what forward passes keep for their backward passes, in this
   * memory below the per-call arena. It is emptied when no backward can still
   * come (a forward outside any gradient computation, or under a new one) and
   * popped when backward passes run in reverse order, as they do.
   */
  private tapeTop = ARENA_BASE;
  private tapeTag: object | null = null;
  private generation = 0;

  /** Starts a call: the arena begins above the tape. */
  reset(): void {
    this.top = this.tapeTop;
  }
  /** Before a forward pass: empties the tape if no pending backward can need it. */
  beginForward(tag: object | null): void {
    if (tag === null || tag !== this.tapeTag) {
      this.tapeTop = ARENA_BASE;
      this.tapeTag = tag;
      this.generation++;
    }
    this.reset();
  }
  /** Allocates on the tape (only right after beginForward, before any arena allocation). */
  tapeAlloc(n: number): number {
    const p = this.alloc(n);
    this.tapeTop = this.top;
    return p;
  }
  tapeMark(): { top: number; generation: number } {
    return { top: this.tapeTop, generation: this.generation };
  }
  /** Frees the tape back to `mark` if nothing was put on it since `end`. */
  tapePop(mark: { top: number }, end: { top: number }): void {
    if (this.tapeTop === end.top) this.tapeTop = mark.top;
  }
  checkTape(generation: number): void {
    if (generation !== this.generation) {
      throw new Error('fused kernels: this backward pass belongs to a gradient computation that has already ended');
    }
  }
  /** Room for n floats, 16-byte aligned. */
  alloc(n: number): number {
    const ptr = this.top;
    this.top = ptr + Math.ceil((n * 4) / 16) * 16;
    if (this.top > WASM_MAX_BYTES) {
      throw new Error(
        `fused kernels need ${(this.top / 2 ** 30).toFixed(2)} GiB, over WebAssembly's 4 GiB limit; use a smaller batch, sequence or hidden size`,
      );
    }
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE));
    return ptr;
  }
  put(data: Float32Array): number {
    const p = this.alloc(data.length);
    this.view(p, data.length).set(data);
    return p;
  }
  view(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }
  copyOut(ptr: number, n: number): Float32Array {
    return this.view(ptr, n).slice();
  }
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }
}

/** The helper thread: runs a list of kernel calls on the shared memory. */
class Helper {
  private readonly worker: Worker;
  private readonly ctl: Int32Array;
  private readonly list: Float64Array;
  private readonly errorText = new SharedArrayBuffer(2048);
  private seq = 0;

  constructor(kernels: Kernels) {
    const control = new SharedArrayBuffer(24); // six Int32 slots: see kernel-worker.ts
    const calls = new SharedArrayBuffer(8 * 4096);
    this.ctl = new Int32Array(control);
    this.list = new Float64Array(calls);
    this.worker = new Worker(new URL('./kernel-worker.js', import.meta.url), {
      workerData: { module: kernels.module, memory: kernels.memory, control, calls, errorText: this.errorText },
      // No flags: the worker loads one file of ours, and V8 flags (such as
      // --experimental-wasm-relaxed-simd) are process-wide and refused here.
      execArgv: [],
    });
    this.worker.unref(); // never keeps the process alive
    // The worker says it is ready in ctl[3]. Blocking here is safe: its start
    // needs nothing from this thread. If it does not come up, work on alone.
    Atomics.wait(this.ctl, 3, 0, 10_000);
    if (Atomics.load(this.ctl, 3) !== 1) {
      void this.worker.terminate();
      throw new Error('helper thread did not start');
    }
  }
  /** Starts the calls on the helper; returns at once. */
  start(calls: Call[]): void {
    // [request number, call count, then per call: function index, argument count, arguments]
    let p = 2;
    for (const c of calls) {
      this.list[p] = KERNEL_FUNCTIONS.indexOf(c.fn);
      this.list[p + 1] = c.args.length;
      this.list.set(c.args, p + 2);
      p += 2 + c.args.length;
    }
    this.list[1] = calls.length;
    this.seq++;
    this.list[0] = this.spoilNext ? -1 : this.seq; // the worker runs a list only under the request number it was woken for
    this.spoilNext = false;
    Atomics.store(this.ctl, 0, this.seq);
    Atomics.notify(this.ctl, 0);
  }
  /**
   * Blocks until the helper has finished the calls started last. Returns
   * false when it refused the list before running any of it (a list that was
   * not this request's): the caller runs those calls itself.
   */
  wait(): boolean {
    for (;;) {
      const done = Atomics.load(this.ctl, 1);
      if (done === this.seq) break;
      Atomics.wait(this.ctl, 1, done, 60_000);
    }
    // The helper goes back to waiting after each request: notify until the extra wake-up has reached it.
    if (this.notifyAgain) while (Atomics.notify(this.ctl, 0) === 0);
    const error = Atomics.exchange(this.ctl, 2, 0);
    if (error === 0) return true;
    // An error of an earlier request is not this one's (the worker clears it on each request; checked twice).
    if (Atomics.load(this.ctl, 4) !== this.seq) return true;
    const n = new DataView(this.errorText).getUint32(0, true);
    // Copied out first: TextDecoder refuses views of shared memory.
    const text = new TextDecoder().decode(new Uint8Array(this.errorText).slice(4, 4 + n));
    if (error === 1) {
      helperRefusals.push(text.split('\n')[0]);
      return false;
    }
    throw new Error(`fused kernel failed on the helper thread: ${text}`);
  }
  /** Test hook: the next list is written under a wrong request number, so that the helper refuses it. */
  spoilNext = false;
  /** Test hook: each request is notified once more after it ran, as a notify that arrives late does. */
  notifyAgain = false;
  /** Wake-ups the helper had without a new request (it ran nothing for them). */
  get staleWakeups(): number {
    return Atomics.load(this.ctl, 5);
  }
}

interface Call {
  fn: KernelFunction;
  args: number[];
}

let kernelsInstance: Kernels | null = null;
let helper: Helper | null = null;
/**
 * TSGAN_THREADS, checked: unset or empty → undefined (the default: the
 * machine's cores, at most 2); a positive integer (more than 2 runs 2);
 * anything else is a one-line error naming the variable.
 */
export function threadsFromEnv(v: string | undefined = process.env.TSGAN_THREADS): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) {
    throw new TsganError(`TSGAN_THREADS must be a positive integer (tsgan uses 1 or 2 threads), got "${v}"; unset it for the default`);
  }
  return Number(v);
}

function defaultThreads(): number {
  let n: number | undefined;
  try {
    n = threadsFromEnv();
  } catch {
    n = undefined; // the CLI refuses an invalid value up front; a library import keeps the default
  }
  return Math.max(1, Math.min(2, n ?? availableParallelism()));
}

let threads = defaultThreads();
/** Multiply-adds per call below which the second thread does not pay for its hand-over. */
let splitThreshold = 1_000_000;

function kernels(): Kernels {
  kernelsInstance ??= new Kernels();
  return kernelsInstance;
}

/**
 * Threads the kernels may use (1 or 2; default: 2 where the machine has two
 * cores, or TSGAN_THREADS). `minWork` sets the work below which a call is not
 * cut in two (tests set 0 to exercise the cut on tiny shapes). Results do not
 * depend on `n`; they depend on `minWork` only through where the cut falls.
 */
export function setKernelThreads(n: number, minWork = 1_000_000): void {
  threads = Math.max(1, Math.min(2, Math.floor(n)));
  splitThreshold = minWork;
}

export function kernelThreads(): number {
  return threads;
}

/**
 * Bytes of kernel memory one gradient computation over a stack needs: the
 * tape of a forward pass (layer inputs, outputs, gates) for `passes` passes,
 * plus the largest call's arena (inputs, weights, scratch).
 */
export function estimateStackBytes(s: StackShape, layers: number, passes = 2): number {
  const { batch: B, time: T, hidden: H, inputSize: I, cell } = s;
  const G = GATES[cell];
  const TB = T * B;
  const M = Math.max(I, H);
  const Uh = s.headUnits ?? 0;
  const tape = TB * I + layers * TB * (H + (cell === 'rnn' ? 0 : (G + 1) * H)) + TB * Uh;
  // Per call: input/output blocks, two gradient buffers, one scratch, weights and their gradients (×2 parts), the head's.
  const scratch = G * TB * H + G * H * M + G * H * H + 4 * B * H + 64; // as scratch_floats in assembly/recurrent.ts
  const arena = TB * (I + H) + 2 * TB * M + scratch + 4 * layers * G * H * (M + H + 1) + 2 * TB * Uh + 4 * H * Uh + 1024;
  return 4 * (passes * tape + arena) + ARENA_BASE;
}

/** Which kernel build runs: 'relaxed-simd' (fused multiply-add) or 'simd'. */
export function kernelBuild(): 'relaxed-simd' | 'simd' {
  return kernels().relaxed ? 'relaxed-simd' : 'simd';
}

/** Bytes of WebAssembly memory the kernels hold (it grows to the largest call and stays). */
export function kernelMemoryBytes(): number {
  return kernelsInstance ? kernelsInstance.bytes : 0;
}

export interface LayerWeights {
  /** [in, G·H] */
  w: Float32Array;
  /** [H, G·H] */
  u: Float32Array;
  /** [G·H] */
  b: Float32Array;
}

/**
 * A dense layer on top of the stack, y = act(h·W + b) at every step (Keras
 * Dense on [batch, time, hidden]): run in the same call as the stack, so that
 * the network's output, not its hidden state, crosses into TF.js.
 */
export interface HeadWeights {
  /** [H, units] */
  w: Float32Array;
  /** [units] */
  b: Float32Array;
  units: number;
  activation: HeadActivation;
}
export type HeadActivation = 'linear' | 'sigmoid' | 'tanh';
const ACTIVATION_CODE: Record<HeadActivation, number> = { linear: 0, sigmoid: 1, tanh: 2 };
/** Whether the kernels can run a head with this activation. */
export function isHeadActivation(a: string): a is HeadActivation {
  return Object.hasOwn(ACTIVATION_CODE, a);
}

/** Where backward finds what it needs of one layer for one part of the batch (tape pointers, time-major). */
interface SavedLayer {
  x: number;
  out: number;
  gates: number;
  extra: number;
  inSize: number;
}

export interface StackShape {
  cell: CellType;
  batch: number;
  time: number;
  inputSize: number;
  hidden: number;
  /** Units of a dense head run in the same call (for the memory estimate only). */
  headUnits?: number;
}

const CELL_CODE: Record<CellType, number> = { rnn: 0, gru: 1, lstm: 2 };
const GATES: Record<CellType, number> = { rnn: 1, gru: 3, lstm: 4 };

/**
 * Batch parts [start, size]: one, or two when the work pays for a helper.
 * The cut depends on the shape only, never on the number of threads, so that
 * one or two threads compute exactly the same sums: same seed, same bytes.
 */
function parts(s: StackShape): [number, number][] {
  const work = s.batch * s.time * s.hidden * GATES[s.cell] * (s.hidden + s.inputSize);
  if (s.batch < 2 || work < splitThreshold) return [[0, s.batch]];
  const b0 = Math.ceil(s.batch / 2);
  return [
    [0, b0],
    [b0, s.batch - b0],
  ];
}

/** Runs per-part call lists: the first on this thread, the second on the helper (or here, with one thread). */
function run(a: Kernels, lists: Call[][]): void {
  let useHelper = lists.length > 1 && threads > 1;
  if (useHelper && !helper) {
    try {
      helper = new Helper(a);
    } catch {
      threads = 1; // same results, one core
      useHelper = false;
    }
  }
  if (useHelper) helper!.start(lists[1]);
  let helped = true;
  try {
    for (const [i, list] of lists.entries()) {
      if (i > 0 && useHelper) break;
      for (const c of list) (a.k[c.fn] as Fn)(...c.args);
    }
  } finally {
    // Even when this thread's half throws: the next call must not rewrite the list the helper is still reading.
    if (useHelper) helped = helper!.wait();
  }
  // The helper refused its list before running any of it (it should not: the fault seen three times under load, a
  // late notify, is closed in kernel-worker.ts): the same calls here give the same sums, bit for bit as with one thread.
  if (!helped) for (const c of lists[1]) (a.k[c.fn] as Fn)(...c.args);
}

/** What the helper thread refused (each a list it did not run, run on the main thread instead), for diagnostics. */
const helperRefusals: string[] = [];
export function kernelHelperRefusals(): readonly string[] {
  return helperRefusals;
}

/** Test hook: every request to the helper is notified again after it ran (see Helper.notifyAgain). */
export function notifyHelperAgain(on: boolean): void {
  if (helper) helper.notifyAgain = on;
}

/** Wake-ups the helper thread had without a new request, for tests (-1 while there is no helper). */
export function helperStaleWakeups(): number {
  return helper ? helper.staleWakeups : -1;
}

/** Test hook: makes the helper refuse the next list it is given (see Helper.spoilNext). */
export function spoilNextHelperList(): void {
  if (helper) helper.spoilNext = true;
}

export interface ForwardResult {
  /** [B, T, H] (or [B, T, units] with a head): a view of kernel memory, valid until the next kernel call. */
  out: Float32Array;
  /** Per batch part, per layer; null when no gradient was being recorded. */
  saved: SavedLayer[][] | null;
  /** Per batch part, the head's output on the tape (time-major [T·B, units]); empty without a head. */
  headOut: number[];
  tape: { start: { top: number; generation: number }; end: { top: number; generation: number } } | null;
}

/**
 * Runs the stack over x [B, T, inputSize]; returns the top layer's [B, T, H],
 * or with a `head` its output [B, T, units]. `tapeTag` identifies the
 * gradient computation in progress (null: none), in which case what backward
 * needs stays on the tape.
 */
export function stackForward(s: StackShape, x: Float32Array, layers: LayerWeights[], tapeTag: object | null = null, head?: HeadWeights): ForwardResult {
  const a = kernels();
  a.beginForward(tapeTag);
  const keep = tapeTag !== null;
  const start = a.tapeMark();
  const { time: T, hidden: H, cell, inputSize: I } = s;
  const G = GATES[cell];
  const ps = parts(s);
  // Tape first (layer inputs, outputs, gates), then the call's own arena.
  const alloc = (n: number) => (keep ? a.tapeAlloc(n) : 0);
  const saved: SavedLayer[][] = ps.map(([, B]) => {
    const TB = T * B;
    let x0 = alloc(TB * I);
    return layers.map((_, l) => {
      const layer: SavedLayer = {
        x: x0,
        out: alloc(TB * H),
        gates: cell === 'rnn' ? 0 : alloc(G * TB * H),
        extra: cell === 'rnn' ? 0 : alloc(TB * H),
        inSize: l === 0 ? I : H,
      };
      x0 = layer.out;
      return layer;
    });
  });
  const U = head ? head.units : H; // width of what the call returns
  const headOut = head && keep ? ps.map(([, B]) => alloc(T * B * U)) : [];
  const end = a.tapeMark();
  a.reset();
  const xb = a.put(x);
  const ob = a.alloc(s.batch * T * U);
  const weights = layers.map((L) => ({ w: a.put(L.w), u: a.put(L.u), b: a.put(L.b) }));
  const hw = head ? { w: a.put(head.w), b: a.put(head.b) } : null;
  const lists: Call[][] = ps.map(([first, B], p) => {
    const calls: Call[] = [];
    const TB = T * B;
    const xin0 = keep ? saved[p][0].x : a.alloc(TB * I);
    calls.push({ fn: 'batch_to_time', args: [B, T, I, xb + first * T * I * 4, xin0] });
    let xin = xin0;
    const scratch = a.alloc(a.k.scratch_floats(CELL_CODE[cell], T, B, Math.max(I, H), H) as number); // shared by the layers
    weights.forEach((w, l) => {
      const S = saved[p][l];
      const inSize = S.inSize;
      const out = keep ? S.out : a.alloc(TB * H);
      if (cell === 'rnn') {
        calls.push({ fn: 'rnn_forward', args: [T, B, inSize, H, xin, w.w, w.u, w.b, out, scratch] });
      } else {
        const gates = keep ? S.gates : a.alloc(G * TB * H);
        const extra = keep ? S.extra : a.alloc(TB * H);
        calls.push({ fn: cell === 'gru' ? 'gru_forward' : 'lstm_forward', args: [T, B, inSize, H, xin, w.w, w.u, w.b, out, gates, extra, scratch] });
      }
      xin = out;
    });
    if (head && hw) {
      const y = keep ? headOut[p] : a.alloc(TB * U);
      calls.push({ fn: 'dense_forward', args: [TB, H, U, xin, hw.w, hw.b, y, ACTIVATION_CODE[head.activation]] });
      xin = y;
    }
    calls.push({ fn: 'time_to_batch', args: [B, T, U, xin, ob + first * T * U * 4] });
    return calls;
  });
  run(a, lists);
  return { out: a.view(ob, s.batch * T * U), saved: keep ? saved : null, headOut, tape: keep ? { start, end } : null };
}

export interface BackwardResult {
  /** [B, T, inputSize]; null when not wanted. A view of kernel memory, valid until the next kernel call. */
  dx: Float32Array | null;
  /** Per layer, in the order of the layers; empty when not wanted. */
  grads: { w: Float32Array; u: Float32Array; b: Float32Array }[];
  /** The head's weight gradients, when there is a head and they are wanted. */
  head: { w: Float32Array; b: Float32Array } | null;
}

/** Which gradients a backward pass computes (the kernels skip the others' GEMMs). Default: both. */
export interface WantedGrads {
  /** The weights' gradients (false for a network that the current step does not train). */
  params?: boolean;
  /** The input's gradient (false where the input is data, or comes from a network not being trained). */
  input?: boolean;
}
// The kernels' `what` bits (assembly/recurrent.ts).
const WANT_PARAMS = 1;
const WANT_INPUT = 2;

/**
 * Backpropagation through time for the whole stack, given dy [B, T, H] of the
 * top layer, or [B, T, units] of the head's output when forward ran one.
 */
export function stackBackward(s: StackShape, layers: LayerWeights[], fwd: ForwardResult, dy: Float32Array, want: WantedGrads = {}, head?: HeadWeights): BackwardResult {
  const params = want.params ?? true;
  const input = want.input ?? true;
  const a = kernels();
  if (!fwd.saved || !fwd.tape) throw new Error('fused kernels: backward of a forward pass that recorded no gradient');
  a.checkTape(fwd.tape.start.generation);
  a.reset();
  const { time: T, hidden: H, cell, inputSize: I } = s;
  const G = GATES[cell];
  const saved = fwd.saved;
  if (Boolean(head) !== fwd.headOut.length > 0) throw new Error('fused kernels: backward and forward differ in their head');
  const U = head ? head.units : H;
  const dyb = a.put(dy);
  const dxb = a.alloc(s.batch * T * I);
  const weights = layers.map((L) => ({ w: a.put(L.w), u: a.put(L.u) }));
  const hw = head ? a.put(head.w) : 0;
  const ps = parts(s);
  if (ps.length !== saved.length) throw new Error('fused kernels: backward split differs from forward split');
  const gradPtrs: { dw: number; du: number; db: number; inSize: number }[][] = [];
  const headPtrs: { dw: number; db: number }[] = [];
  const lists: Call[][] = ps.map(([first, B], p) => {
    const calls: Call[] = [];
    const TB = T * B;
    // Gradients w.r.t. layer outputs and inputs ping-pong between two buffers.
    const ping = [a.alloc(TB * Math.max(I, H)), a.alloc(TB * Math.max(I, H))];
    let dout = ping[0];
    if (head) {
      // Through the head first: dy of its output → dh of the top layer (in ping[0]).
      const dyT = a.alloc(TB * U);
      calls.push({ fn: 'batch_to_time', args: [B, T, U, dyb + first * T * U * 4, dyT] });
      const dw = params ? a.alloc(H * U) : 0;
      const db = params ? a.alloc(U) : 0;
      const wT = a.alloc(U * H);
      const top = saved[p][layers.length - 1].out;
      const what = (params ? WANT_PARAMS : 0) | WANT_INPUT;
      calls.push({ fn: 'dense_backward', args: [TB, H, U, top, hw, fwd.headOut[p], dyT, dout, dw, db, wT, ACTIVATION_CODE[head.activation], what] });
      headPtrs.push({ dw, db });
    } else {
      calls.push({ fn: 'batch_to_time', args: [B, T, H, dyb + first * T * H * 4, dout] });
    }
    const scratch = a.alloc(a.k.scratch_floats(CELL_CODE[cell], T, B, Math.max(I, H), H) as number); // shared by the layers
    const gp = new Array(layers.length);
    for (let l = layers.length - 1; l >= 0; l--) {
      const S = saved[p][l];
      const inSize = S.inSize;
      const dx = dout === ping[0] ? ping[1] : ping[0];
      const dw = params ? a.alloc(inSize * G * H) : 0;
      const du = params ? a.alloc(H * G * H) : 0;
      const db = params ? a.alloc(G * H) : 0;
      const what = (params ? WANT_PARAMS : 0) | (l > 0 || input ? WANT_INPUT : 0);
      const { w, u } = weights[l];
      if (cell === 'rnn') {
        calls.push({ fn: 'rnn_backward', args: [T, B, inSize, H, S.x, w, u, S.out, dout, dx, dw, du, db, scratch, what] });
      } else {
        calls.push({ fn: cell === 'gru' ? 'gru_backward' : 'lstm_backward', args: [T, B, inSize, H, S.x, w, u, S.out, S.gates, S.extra, dout, dx, dw, du, db, scratch, what] });
      }
      gp[l] = { dw, du, db, inSize };
      dout = dx;
    }
    if (input) calls.push({ fn: 'time_to_batch', args: [B, T, I, dout, dxb + first * T * I * 4] });
    gradPtrs.push(gp);
    return calls;
  });
  run(a, lists);
  // Weight gradients are sums over the batch: add the parts.
  const sum = (ptrs: number[], n: number) => {
    const total = a.copyOut(ptrs[0], n);
    for (let p = 1; p < ptrs.length; p++) {
      const v = a.view(ptrs[p], n);
      for (let i = 0; i < n; i++) total[i] += v[i];
    }
    return total;
  };
  const grads = (params ? layers : []).map((_, l) => {
    const { inSize } = gradPtrs[0][l];
    const per = (key: 'dw' | 'du' | 'db', n: number) => sum(gradPtrs.map((g) => g[l][key]), n);
    return { w: per('dw', inSize * G * H), u: per('du', H * G * H), b: per('db', G * H) };
  });
  const headGrads = head && params ? { w: sum(headPtrs.map((h) => h.dw), H * U), b: sum(headPtrs.map((h) => h.db), U) } : null;
  const dx = input ? a.view(dxb, s.batch * T * I) : null;
  a.tapePop(fwd.tape.start, fwd.tape.end);
  fwd.saved = null;
  return { dx, grads, head: headGrads };
}

/**
 * For the quantile and sliced losses: per column of the [B, C] row-major
 * `real` and `fake`, the real value whose rank equals each fake value's rank
 * (ties by row; quantile_targets in assembly/recurrent.ts). The columns are
 * split between the two threads; each column is the same either way.
 */
export function quantileTargets(real: Float32Array, fake: Float32Array, B: number, C: number): Float32Array {
  const a = kernels();
  const pt = sortTargets(a, real, fake, B, C).target;
  return a.copyOut(pt, B * C);
}

/**
 * quantileTargets, then sign(fake − target) per value and Σ|fake − target|
 * (quantile_residual): bit for bit what quantileLoss computes from the
 * targets in JavaScript, without the pass over them there.
 */
export function quantileResidual(real: Float32Array, fake: Float32Array, B: number, C: number): { sign: Float32Array; sum: number } {
  const a = kernels();
  const { fake: pf, target: pt } = sortTargets(a, real, fake, B, C);
  const sum = a.k.quantile_residual(B * C, pf, pt) as number;
  return { sign: a.copyOut(pt, B * C), sum };
}

/** Runs quantile_targets on copies of `real` and `fake`; returns where the fake values and the targets are. */
function sortTargets(a: Kernels, real: Float32Array, fake: Float32Array, B: number, C: number): { fake: number; target: number } {
  a.reset();
  const pr = a.put(real);
  const pf = a.put(fake);
  const pt = a.alloc(B * C);
  // Sorting costs about B·log₂B compares per column; the kernel sorts four
  // columns at a time, so each thread gets whole groups of four.
  const cut = B * C * Math.log2(Math.max(B, 2)) >= splitThreshold / 4 ? Math.min(C, 4 * Math.ceil(C / 8)) : C;
  const scratch = 12 * 2 ** Math.ceil(Math.log2(B)) + 4; // see quantile_targets in assembly/recurrent.ts
  const lists: Call[][] = [[{ fn: 'quantile_targets', args: [B, C, 0, cut, pr, pf, pt, a.alloc(scratch)] }]];
  if (cut < C) lists.push([{ fn: 'quantile_targets', args: [B, C, cut, C, pr, pf, pt, a.alloc(scratch)] }]);
  run(a, lists);
  return { fake: pf, target: pt };
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

/**
 * Runs C = A·B `reps` times on data already in memory (no copies timed) and
 * returns the milliseconds taken. With `twoThreads`, the rows of A are split
 * between this thread and the helper.
 */
export function matmulRepeat(M: number, K: number, N: number, reps: number, fill: (n: number) => Float32Array, twoThreads = false): number {
  const a = kernels();
  a.reset();
  const pa = a.put(fill(M * K));
  const pb = a.put(fill(K * N));
  const pc = a.alloc(M * N);
  const m0 = twoThreads ? Math.ceil(M / 2) : M;
  const lists: Call[][] = [[{ fn: 'gemm', args: [m0, N, K, pa, K, pb, N, pc, N, 0] }]];
  if (twoThreads && M - m0 > 0) lists.push([{ fn: 'gemm', args: [M - m0, N, K, pa + m0 * K * 4, K, pb, N, pc + m0 * N * 4, N, 0] }]);
  run(a, lists); // warm the helper
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) run(a, lists);
  return performance.now() - t0;
}
