// Stress test of the helper hand-over protocol (old c410c55 worker logic vs HEAD logic).
// usage: node stress.mjs <old|head> <seconds> <injectEvery (0 = never)> <injectMs> <workerEvery (0 = never)>
// Kernel calls are simulated by short sleeps (little CPU). "inject" sleeps on the main thread
// between Atomics.store(ctl,0,seq) and Atomics.notify(ctl,0), standing in for a preemption there.
import { Worker, isMainThread, workerData } from 'node:worker_threads';

const FN = ['gemm','batch_to_time','time_to_batch','rnn_forward','rnn_backward','gru_forward','gru_backward','lstm_forward','lstm_backward','dense_forward','dense_backward','quantile_targets','quantile_residual'];
const ptr = (i) => 1_048_576 + 4096 * i; // pointer-like arguments
const fwd = () => [
  ['batch_to_time', [64, 24, 6, ptr(1), ptr(2)]],
  ['gru_forward', [24, 64, 6, 24, ptr(2), ptr(3), ptr(4), ptr(5), ptr(6), ptr(7), ptr(8), ptr(9)]],
  ['gru_forward', [24, 64, 24, 24, ptr(6), ptr(10), ptr(11), ptr(12), ptr(13), ptr(14), ptr(15), ptr(9)]],
  ['gru_forward', [24, 64, 24, 24, ptr(13), ptr(16), ptr(17), ptr(18), ptr(19), ptr(20), ptr(21), ptr(9)]],
  ['dense_forward', [1536, 24, 6, ptr(19), ptr(22), ptr(23), ptr(24), 1]],
  ['time_to_batch', [64, 24, 6, ptr(24), ptr(25)]],
];
const bwd = () => [
  ['batch_to_time', [64, 24, 6, ptr(30), ptr(31)]],
  ['dense_backward', [1536, 24, 6, ptr(19), ptr(22), ptr(24), ptr(31), ptr(32), ptr(33), ptr(34), ptr(35), 1, 3]],
  ['gru_backward', [24, 64, 24, 24, ptr(13), ptr(17), ptr(18), ptr(19), ptr(20), ptr(21), ptr(32), ptr(36), ptr(37), ptr(38), ptr(39), ptr(9), 3]],
  ['gru_backward', [24, 64, 24, 24, ptr(6), ptr(11), ptr(12), ptr(13), ptr(14), ptr(15), ptr(36), ptr(32), ptr(40), ptr(41), ptr(42), ptr(9), 3]],
  ['gru_backward', [24, 64, 6, 24, ptr(2), ptr(4), ptr(5), ptr(6), ptr(7), ptr(8), ptr(32), ptr(36), ptr(43), ptr(44), ptr(45), ptr(9), 3]],
  ['time_to_batch', [64, 24, 6, ptr(36), ptr(46)]],
];
const sleepBuf = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(sleepBuf, 0, 0, ms);

if (isMainThread) {
  const [mode = 'old', secs = '3', injectEvery = '0', injectMs = '2', workerEvery = '0'] = process.argv.slice(2);
  const control = new SharedArrayBuffer(32), calls = new SharedArrayBuffer(8 * 4096), errorText = new SharedArrayBuffer(2048);
  const ctl = new Int32Array(control), list = new Float64Array(calls);
  const w = new Worker(new URL(import.meta.url), { workerData: { mode, control, calls, errorText, workerEvery: +workerEvery, injectMs: +injectMs } });
  w.unref();
  Atomics.wait(ctl, 3, 0, 10000);
  let seq = 0, errors = 0, first = null; const msgs = {};
  const t0 = Date.now();
  while (Date.now() - t0 < secs * 1000) {
    const calls_ = seq % 2 === 0 ? bwd() : fwd(); // alternate the two shapes
    // start(), as in c410c55 (old) or HEAD
    let p = mode === 'old' ? 1 : 2;
    for (const [fn, args] of calls_) { list[p] = FN.indexOf(fn); list[p + 1] = args.length; list.set(args, p + 2); p += 2 + args.length; }
    seq++;
    if (mode === 'old') list[0] = calls_.length; else { list[1] = calls_.length; list[0] = seq; }
    Atomics.store(ctl, 0, seq);
    if (+injectEvery > 0 && seq % +injectEvery === 0) sleep(+injectMs); // "preempted" between store and notify
    Atomics.notify(ctl, 0);
    sleep(0.3); // this thread's half
    for (;;) { const d = Atomics.load(ctl, 1); if (d === seq) break; Atomics.wait(ctl, 1, d, 60000); }
    const e = Atomics.exchange(ctl, 2, 0);
    if (e !== 0 && (mode === 'old' || Atomics.load(ctl, 4) === seq)) {
      errors++;
      const n = new DataView(errorText).getUint32(0, true);
      const m = new TextDecoder().decode(new Uint8Array(errorText).slice(4, 4 + n)).split('\n')[0].replace(/function index.*/, ''); msgs[m] = (msgs[m] ?? 0) + 1;
      first ??= `request ${seq} (${seq % 2 === 0 ? 'bwd' : 'fwd'} list): ` + new TextDecoder().decode(new Uint8Array(errorText).slice(4, 4 + n)).split('\n')[0];
    }
  }
  sleep(50);
  console.log(JSON.stringify({ mode, requests: seq, injectEvery: +injectEvery, injectMs: +injectMs, errorsSeenByMain: errors,
    staleWakeups: Atomics.load(ctl, 5), staleRuns: Atomics.load(ctl, 6), workerEvery: +workerEvery, first, msgs }));
  process.exit(0);
} else {
  const { mode, control, calls, errorText, workerEvery, injectMs } = workerData; let count = 0;
  const ctl = new Int32Array(control), list = new Float64Array(calls);
  const fns = FN.map((name) => (...a) => sleep(name.includes('gru') ? 0.15 : 0.02)); // a "kernel" takes a little time
  Atomics.store(ctl, 3, 1); Atomics.notify(ctl, 3);
  const fail = (e, request, running) => {
    const text = new TextEncoder().encode(String(e?.stack ?? e)).subarray(0, errorText.byteLength - 4);
    new DataView(errorText).setUint32(0, text.length, true); new Uint8Array(errorText).set(text, 4);
    if (mode !== 'old') Atomics.store(ctl, 4, request);
    Atomics.store(ctl, 2, mode === 'old' ? 1 : running ? 2 : 1);
  };
  let seen = 0;
  if (mode === 'old') {
    for (;;) {
      const r = Atomics.wait(ctl, 0, seen);
      const prev = seen;
      seen = Atomics.load(ctl, 0);
      if (r === 'ok' && seen === prev) { Atomics.add(ctl, 5, 1); Atomics.add(ctl, 6, 1); } // woken, but no new request: stale re-run follows
      try {
        const n = list[0]; let p = 1;
        for (let c = 0; c < n; c++) {
          const fn = fns[list[p]]; const k = list[p + 1];
          if (fn === undefined || !Number.isInteger(k) || k < 0 || p + 2 + k > list.length)
            throw new Error(`call list entry ${c} of ${n} (at ${p}) is not a call: function index ${list[p]}, ${k} arguments`);
          const args = new Array(k); for (let i = 0; i < k; i++) args[i] = list[p + 2 + i];
          fn(...args); p += 2 + k;
        }
      } catch (e) { fail(e); }
      Atomics.store(ctl, 1, seen); Atomics.notify(ctl, 1);
      if (workerEvery > 0 && ++count % workerEvery === 0) sleep(injectMs); // "preempted" before getting back to its wait
    }
  } else {
    for (;;) {
      Atomics.wait(ctl, 0, seen);
      const request = Atomics.load(ctl, 0);
      if (request === seen) { Atomics.add(ctl, 5, 1); continue; }
      seen = request; Atomics.store(ctl, 2, 0); let running = false;
      try {
        if (list[0] !== request) throw new Error(`call list is for request ${list[0]}, not ${request}`);
        const n = list[1]; const cs = []; let p = 2;
        for (let c = 0; c < n; c++) {
          const fn = fns[list[p]]; const k = list[p + 1];
          if (fn === undefined || !Number.isInteger(k) || k < 0 || p + 2 + k > list.length)
            throw new Error(`call list entry ${c} of ${n} (at ${p}) is not a call: function index ${list[p]}, ${k} arguments`);
          cs.push({ fn, args: Array.from(list.subarray(p + 2, p + 2 + k)) }); p += 2 + k;
        }
        if (Atomics.load(ctl, 0) !== request || list[0] !== request) throw new Error(`call list of request ${request} changed while it was read`);
        running = true; for (const c of cs) c.fn(...c.args);
      } catch (e) { fail(e, request, running); }
      Atomics.store(ctl, 1, seen); Atomics.notify(ctl, 1);
      if (workerEvery > 0 && ++count % workerEvery === 0) sleep(injectMs); // "preempted" before getting back to its wait
    }
  }
}
