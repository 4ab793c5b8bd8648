/**
 * The second core's half of a fused kernel call. This worker instantiates the
 * same kernel module over the same shared WebAssembly memory as the main
 * thread, then waits on a SharedArrayBuffer for call lists (function index and
 * pointer arguments, prepared by wasm-kernels.ts) and runs them. No data is
 * copied: both threads work on disjoint halves of the batch in one memory.
 */
import { workerData } from 'node:worker_threads';
import { KERNEL_FUNCTIONS } from './kernel-abi.js';

const { module, memory, control, calls, errorText } = workerData as {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  calls: SharedArrayBuffer;
  errorText: SharedArrayBuffer;
};
const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('fused kernel aborted'); } } });
const exports = instance.exports as Record<string, (...a: number[]) => void>;
const fns = KERNEL_FUNCTIONS.map((name) => exports[name]);
const ctl = new Int32Array(control); // [0] request number, [1] done number, [2] error (1: list refused before any call ran, 2: a call failed), [3] ready, [4] the request the error is of, [5] wake-ups without a new request
const list = new Float64Array(calls);

Atomics.store(ctl, 3, 1); // ready
Atomics.notify(ctl, 3);

let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  const request = Atomics.load(ctl, 0);
  // Woken by a request it already ran: the main thread stored the request number, the helper saw it
  // without sleeping and ran it, and the notify came after. Running the list again raced with the
  // next list's writing (the 'entry 3 of 6 is not a call' fault under load; Atomics.notify wakes
  // whoever waits, whatever the value: tc39.es/ecma262/#sec-atomics.notify).
  if (request === seen) {
    Atomics.add(ctl, 5, 1);
    continue;
  }
  seen = request;
  Atomics.store(ctl, 2, 0); // an error belongs to one request: none yet for this one
  let running = false;
  try {
    // The whole list is read and checked before any call runs, so a list that is not this
    // request's (or not a list) is an error, never a kernel run on stray pointers.
    if (list[0] !== request) throw new Error(`call list is for request ${list[0]}, not ${request}`);
    const n = list[1];
    const calls: { fn: (...a: number[]) => void; args: number[] }[] = [];
    let p = 2;
    for (let c = 0; c < n; c++) {
      const fn = fns[list[p]];
      const k = list[p + 1];
      if (fn === undefined || !Number.isInteger(k) || k < 0 || p + 2 + k > list.length) {
        throw new Error(`call list entry ${c} of ${n} (at ${p}) is not a call: function index ${list[p]}, ${k} arguments`);
      }
      calls.push({ fn, args: Array.from(list.subarray(p + 2, p + 2 + k)) });
      p += 2 + k;
    }
    if (Atomics.load(ctl, 0) !== request || list[0] !== request) throw new Error(`call list of request ${request} changed while it was read`);
    running = true;
    for (const c of calls) c.fn(...c.args);
  } catch (e) {
    // The message travels back through shared bytes; the main thread throws it.
    const text = new TextEncoder().encode(String((e as Error)?.stack ?? e)).subarray(0, errorText.byteLength - 4);
    const view = new Uint8Array(errorText);
    new DataView(errorText).setUint32(0, text.length, true);
    view.set(text, 4);
    Atomics.store(ctl, 4, request);
    Atomics.store(ctl, 2, running ? 2 : 1);
  }
  Atomics.store(ctl, 1, seen);
  Atomics.notify(ctl, 1);
}
