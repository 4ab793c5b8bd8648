/** Fused WebAssembly recurrent kernels against the reference tf-ops path: outputs, every gradient, memory. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../src/engine.js';
import { RecurrentStack, type CellType } from '../src/nn/recurrent.js';
import { DenseHead } from '../src/nn/dense.js';
import { Rgan, rganConfig } from '../src/models/rgan.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { fusedKernelsActive, setFusedKernels } from '../src/kernels/fused-stack.js';
import { kernelMemoryBytes, matmul, quantileResidual, quantileTargets, setKernelThreads, spoilNextHelperList, kernelHelperRefusals, notifyHelperAgain, helperStaleWakeups } from '../src/kernels/wasm-kernels.js';
import { quantileResidual as quantileResidualJs, quantileTargets as quantileTargetsJs } from '../src/losses/distribution.js';
import { sineData } from '../src/data/sines.js';
import { Rng } from '../src/random.js';
import { Adam } from '../src/models/adam.js';
import { execFileSync } from 'node:child_process';
import { engine, ROOT } from './helpers.js';

before(engine);

/** ‖a − b‖ / ‖b‖ */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / Math.max(d, 1e-30));
}

/** Output and gradients (input and every weight) of Σ y⊙w, on the fused or the reference path. */
function outputsAndGrads(s: RecurrentStack, x: tf.Tensor3D, w: tf.Tensor, reference: boolean, reversed = false): Float32Array[] {
  const f = (xx: tf.Tensor) => tf.sum(tf.mul(s.apply(xx as tf.Tensor3D, { reference, reversed }), w));
  const y = s.apply(x, { reference, reversed });
  const dx = tf.grad(f)(x);
  const { value, grads } = tf.variableGrads(() => f(x) as tf.Scalar, s.variables);
  const out = [y, dx, ...s.variables.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
  tf.dispose([y, dx, value, ...Object.values(grads)]);
  return out;
}

test('the fused path is the default on the wasm backend', () => {
  assert.equal(fusedKernelsActive(), true);
});

const shapes: [number, number, number, number, number][] = [
  // [batch, time, input, hidden, layers]: odd sizes, batch 1, sequence 1, several layers
  [1, 1, 2, 1, 1],
  [1, 5, 3, 7, 2],
  [3, 1, 4, 33, 2],
  [5, 7, 1, 7, 3],
  [6, 9, 5, 33, 2],
  [17, 4, 6, 24, 3],
];
for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
  test(`${cell}: fused and reference agree on outputs and every gradient (rel. error ≤ 1e-4) over odd shapes, whole batch and cut in two`, (t) => {
    t.after(() => setKernelThreads(2));
    for (const [threads, minWork] of [[1, 1e9], [2, 0]]) {
    setKernelThreads(threads, minWork); // minWork 0: every batch of 2+ is cut between two threads
    for (const [B, T, I, H, L] of shapes) {
      const s = new RecurrentStack({ cell, layers: L, hidden: H, inputSize: I }, new Rng(B * 100 + H));
      const x = tf.tensor3d(new Rng(1).normalArray(B * T * I), [B, T, I]);
      const w = tf.tensor3d(new Rng(2).normalArray(B * T * H), [B, T, H]);
      const fused = outputsAndGrads(s, x, w, false);
      const ref = outputsAndGrads(s, x, w, true);
      const names = ['output', 'dx', ...s.layers.flatMap((_, l) => [`dW${l}`, `dU${l}`, `db${l}`])];
      fused.forEach((f, i) => {
        const e = relErr(f, ref[i]);
        assert.ok(e <= 1e-4, `[B ${B}, T ${T}, I ${I}, H ${H}, L ${L}] ${names[i]}: relative error ${e}`);
      });
      tf.dispose([x, w]);
      s.dispose();
    }
    }
  });
}

test('a dense head run in the stack\'s kernel call agrees with stack + head on outputs and every gradient (linear, sigmoid, tanh)', (t) => {
  t.after(() => setKernelThreads(2));
  const heads: [number, number, number, number, number, number][] = [
    // [batch, time, input, hidden, layers, units]: one unit (a discriminator's), odd sizes, wider than hidden
    [1, 1, 2, 1, 1, 1],
    [5, 7, 3, 7, 2, 1],
    [6, 9, 5, 33, 2, 7],
    [17, 4, 6, 24, 3, 40],
  ];
  for (const [threads, minWork] of [[1, 1e9], [2, 0]]) {
    setKernelThreads(threads, minWork);
    for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
      for (const activation of ['linear', 'sigmoid', 'tanh'] as const) {
        for (const [B, T, I, H, L, U] of heads) {
          const s = new RecurrentStack({ cell, layers: L, hidden: H, inputSize: I }, new Rng(B * 100 + H));
          const head = new DenseHead({ inputSize: H, units: U, activation }, new Rng(9));
          tf.tidy(() => head.bias.assign(tf.tensor1d(new Rng(3).normalArray(U, 0, 0.5)))); // zeros would hide a bias bug
          const x = tf.tensor3d(new Rng(1).normalArray(B * T * I), [B, T, I]);
          const w = tf.tensor3d(new Rng(2).normalArray(B * T * U), [B, T, U]);
          const vars = [...s.variables, ...head.variables];
          const run = (reference: boolean) => {
            const f = (xx: tf.Tensor) => tf.sum(tf.mul(s.applyWithHead(xx as tf.Tensor3D, head, { reference }), w));
            const y = s.applyWithHead(x, head, { reference });
            const dx = tf.grad(f)(x);
            const { value, grads } = tf.variableGrads(() => f(x) as tf.Scalar, vars);
            const out = [y, dx, ...vars.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
            tf.dispose([y, dx, value, ...Object.values(grads)]);
            return out;
          };
          const fused = run(false);
          const ref = run(true);
          assert.equal(fused[0].length, B * T * U);
          const names = ['output', 'dx', ...s.layers.flatMap((_, l) => [`dW${l}`, `dU${l}`, `db${l}`]), 'head kernel', 'head bias'];
          fused.forEach((f, i) => {
            const e = relErr(f, ref[i]);
            assert.ok(e <= 1e-4, `${cell} ${activation} [B ${B}, T ${T}, I ${I}, H ${H}, L ${L}, U ${U}] ${names[i]}: relative error ${e}`);
          });
          tf.dispose([x, w]);
          s.dispose();
          head.dispose();
        }
      }
    }
  }
});

test('on the cpu backend too, the fused op (stack and head) agrees with the reference path; the wasm backend is restored', async () => {
  await tf.setBackend('cpu');
  try {
    assert.equal(fusedKernelsActive(), true);
    const [B, T, I, H, U] = [6, 9, 5, 7, 3];
    const s = new RecurrentStack({ cell: 'gru', layers: 2, hidden: H, inputSize: I }, new Rng(4));
    const head = new DenseHead({ inputSize: H, units: U, activation: 'sigmoid' }, new Rng(5));
    const x = tf.tensor3d(new Rng(1).normalArray(B * T * I), [B, T, I]);
    const w = tf.tensor3d(new Rng(2).normalArray(B * T * U), [B, T, U]);
    const vars = [...s.variables, ...head.variables];
    const run = (reference: boolean) => {
      const f = () => tf.sum(tf.mul(s.applyWithHead(x, head, { reference }), w)) as tf.Scalar;
      // Two passes before reading: a tensor that aliased kernel memory would be overwritten by the second.
      const y1 = s.applyWithHead(x, head, { reference });
      const y2 = s.applyWithHead(tf.mul(x, 0.5) as tf.Tensor3D, head, { reference });
      const { value, grads } = tf.variableGrads(f, vars);
      const out = [y1, y2, ...vars.map((v) => grads[v.name])].map((t) => t.dataSync().slice() as Float32Array);
      tf.dispose([y1, y2, value, ...Object.values(grads)]);
      return out;
    };
    const fused = run(false);
    const ref = run(true);
    fused.forEach((f, i) => assert.ok(relErr(f, ref[i]) <= 1e-4, `value ${i}: relative error ${relErr(f, ref[i])}`));
    tf.dispose([x, w]);
    s.dispose();
    head.dispose();
  } finally {
    await tf.setBackend('wasm');
  }
  assert.equal(tf.getBackend(), 'wasm');
});

test('a frozen stack passes the exact input gradient and computes no weight gradients; a constant input gets none', () => {
  for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
    const [B, T, I, H] = [6, 9, 5, 7];
    const s = new RecurrentStack({ cell, layers: 2, hidden: H, inputSize: I }, new Rng(4));
    const x = tf.tensor3d(new Rng(1).normalArray(B * T * I), [B, T, I]);
    const w = tf.tensor3d(new Rng(2).normalArray(B * T * H), [B, T, H]);
    const loss = (xx: tf.Tensor, opts: { frozen?: boolean; constantInput?: boolean; reference?: boolean }) =>
      tf.sum(tf.mul(s.apply(xx as tf.Tensor3D, opts), w)) as tf.Scalar;
    const dxRef = tf.grad((xx) => loss(xx, { reference: true }))(x);
    const dxFrozen = tf.grad((xx) => loss(xx, { frozen: true }))(x);
    assert.ok(relErr(dxFrozen.dataSync(), dxRef.dataSync()) <= 1e-4, `${cell}: frozen dx`);
    // Asking for the weights of a frozen stack is an error, not a silent zero.
    assert.throws(() => tf.variableGrads(() => loss(x, { frozen: true }), s.variables), /Cannot find a connection between any variable/);
    const ref = tf.variableGrads(() => loss(x, { reference: true }), s.variables);
    const cst = tf.variableGrads(() => loss(x, { constantInput: true }), s.variables);
    for (const v of s.variables) assert.ok(relErr(cst.grads[v.name].dataSync(), ref.grads[v.name].dataSync()) <= 1e-4, `${cell}: ${v.name} with a constant input`);
    // Frozen and constant: a plain forward pass with the same values.
    const y = s.apply(x, { frozen: true, constantInput: true });
    const yRef = s.apply(x, { reference: true });
    assert.ok(relErr(y.dataSync(), yRef.dataSync()) <= 1e-5);
    tf.dispose([x, w, dxRef, dxFrozen, ref.value, cst.value, y, yRef, ...Object.values(ref.grads), ...Object.values(cst.grads)]);
    s.dispose();
  }
});

test('a reversed stack (the backward half of a bidirectional network) reads from the last step: fused and reference agree on outputs and every gradient', () => {
  for (const cell of ['gru', 'lstm'] as CellType[]) {
    const [B, T, I, H] = [5, 8, 3, 6];
    const s = new RecurrentStack({ cell, layers: 2, hidden: H, inputSize: I }, new Rng(6));
    const x = tf.tensor3d(new Rng(1).normalArray(B * T * I), [B, T, I]);
    const w = tf.tensor3d(new Rng(2).normalArray(B * T * H), [B, T, H]);
    const fused = outputsAndGrads(s, x, w, false, true);
    const reference = outputsAndGrads(s, x, w, true, true);
    fused.forEach((f, i) => assert.ok(relErr(f, reference[i]) <= 1e-4, `${cell}: output/gradient ${i}`));
    // In time order, step T's state has read step T only: the stack on that one step.
    const last = s.apply(tf.slice(x, [0, T - 1, 0], [B, 1, I]));
    const y = tf.tensor3d(fused[0], [B, T, H]);
    assert.ok(relErr(tf.slice(y, [0, T - 1, 0], [B, 1, H]).dataSync(), last.dataSync()) <= 1e-5, `${cell}: last step`);
    assert.ok(relErr(tf.slice(y, [0, 0, 0], [B, 1, H]).dataSync(), last.dataSync()) > 1e-2, `${cell}: first step reads more`);
    tf.dispose([x, w, last, y]);
    s.dispose();
  }
});

/** A stack of `cell` (4 inputs, 9 units) with an input and output weights for outputsAndGrads: the thread tests' case. */
function threadCase(cell: 'gru' | 'lstm', layers: number, batch: number, time: number) {
  const s = new RecurrentStack({ cell, layers, hidden: 9, inputSize: 4 }, new Rng(8));
  const x = tf.tensor3d(new Rng(1).normalArray(batch * time * 4), [batch, time, 4]);
  const w = tf.tensor3d(new Rng(2).normalArray(batch * time * 9), [batch, time, 9]);
  return { s, x, w, dispose: () => (tf.dispose([x, w]), s.dispose()) };
}

test('one thread and two threads give bit-identical outputs and gradients', (t) => {
  t.after(() => setKernelThreads(2));
  const { s, x, w, dispose } = threadCase('gru', 2, 7, 5);
  setKernelThreads(1, 0);
  const one = outputsAndGrads(s, x, w, false);
  setKernelThreads(2, 0);
  const two = outputsAndGrads(s, x, w, false);
  assert.deepEqual(two, one);
  dispose();
});

test('a call list the helper thread refuses is run on the main thread: the same outputs and gradients, and the refusal is recorded', (t) => {
  t.after(() => setKernelThreads(2));
  const { s, x, w, dispose } = threadCase('lstm', 2, 7, 5);
  setKernelThreads(2, 0);
  const clean = outputsAndGrads(s, x, w, false);
  const before = kernelHelperRefusals().length;
  spoilNextHelperList(); // the next list goes out under a wrong request number, as a list read mid-rewrite would
  const spoiled = outputsAndGrads(s, x, w, false);
  assert.deepEqual(spoiled, clean);
  assert.equal(kernelHelperRefusals().length, before + 1);
  assert.match(kernelHelperRefusals().at(-1)!, /call list is for request -1, not \d+/);
  dispose();
});

test("a request's notify that reaches the helper after it ran the request runs nothing again: outputs and gradients stay those of one thread", (t) => {
  // The cause of the helper's old fault: the helper ran a request it saw without sleeping, the late notify woke it,
  // and it ran that list again while this thread wrote the next one over it.
  t.after(() => {
    notifyHelperAgain(false);
    setKernelThreads(2);
  });
  const { s, x, w, dispose } = threadCase('gru', 3, 8, 6);
  setKernelThreads(1, 0);
  const one = outputsAndGrads(s, x, w, false);
  setKernelThreads(2, 0);
  outputsAndGrads(s, x, w, false); // the helper exists from here
  const before = kernelHelperRefusals().length;
  const wakeups = helperStaleWakeups();
  assert.ok(wakeups >= 0, 'the helper thread is running');
  notifyHelperAgain(true);
  for (let i = 0; i < 200; i++) assert.deepEqual(outputsAndGrads(s, x, w, false), one, `pass ${i}`);
  // Every request but the last has had its extra wake-up handled by the time the next one is done.
  assert.ok(helperStaleWakeups() - wakeups >= 200, `${helperStaleWakeups() - wakeups} extra wake-ups`);
  assert.equal(kernelHelperRefusals().length, before);
  dispose();
});

test('a configuration too large for 32-bit WebAssembly is refused up front with a clear message', () => {
  const before = tf.memory().numTensors;
  const m = new Rgan(rganConfig({ features: 2, seqLen: 1000, hidden: 512, batchSize: 1024, layers: 3 }), 1);
  const windows = { data: new Float32Array(1024 * 1000 * 2), count: 1024, seqLen: 1000, features: 2 };
  assert.throws(() => new GanTrainer(m, windows, 1), /needs about \d+\.\d GiB of WebAssembly memory .* reduce --batch-size, --seq-len or --hidden/);
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('the memory estimate bounds what training really takes (fresh process)', () => {
  const code = `
    const { initEngine } = await import('./dist/src/engine.js');
    const { Rgan, rganConfig } = await import('./dist/src/models/rgan.js');
    const { GanTrainer } = await import('./dist/src/train/gan-trainer.js');
    const { kernelMemoryBytes, estimateStackBytes } = await import('./dist/src/kernels/wasm-kernels.js');
    await initEngine('wasm');
    const c = rganConfig({ features: 5, seqLen: 40, hidden: 48, batchSize: 64, layers: 3, cell: 'lstm' });
    const m = new Rgan(c, 1);
    const t = new GanTrainer(m, { data: new Float32Array(64 * 40 * 5), count: 64, seqLen: 40, features: 5 }, 1);
    for (let i = 0; i < 3; i++) t.trainStep();
    // D's step runs real and fake (2 × 64) in one pass; G's step G then D on 64.
    const est = Math.max(
      estimateStackBytes({ cell: 'lstm', batch: 128, time: 40, inputSize: 5, hidden: 48 }, 3, 1),
      estimateStackBytes({ cell: 'lstm', batch: 64, time: 40, inputSize: 5, hidden: 48 }, 3, 2),
    );
    console.log(JSON.stringify({ used: kernelMemoryBytes(), est }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  const { used, est } = JSON.parse(out.trim());
  assert.ok(used > 0 && used <= est + 65536, `used ${used} bytes, estimated ${est}`);
  assert.ok(used > est / 3, `estimate ${est} is not wildly above the ${used} bytes used`);
});

test('finite differences confirm the fused gradients on a tiny GRU and LSTM', () => {
  for (const cell of ['gru', 'lstm', 'rnn'] as CellType[]) {
    const s = new RecurrentStack({ cell, layers: 2, hidden: 3, inputSize: 2 }, new Rng(4));
    const x = tf.tensor3d(new Rng(5).normalArray(2 * 3 * 2), [2, 3, 2]);
    const w = tf.tensor3d(new Rng(6).normalArray(2 * 3 * 3), [2, 3, 3]);
    const loss = () => tf.tidy(() => tf.sum(tf.mul(s.apply(x), w)).dataSync()[0]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(s.apply(x), w)) as tf.Scalar, s.variables);
    const eps = 1e-2;
    for (const v of s.variables) {
      const analytic = grads[v.name].dataSync();
      const base = v.dataSync().slice();
      for (let i = 0; i < base.length; i++) {
        const p = base.slice();
        p[i] = base[i] + eps;
        v.assign(tf.tensor(p, v.shape));
        const up = loss();
        p[i] = base[i] - eps;
        v.assign(tf.tensor(p, v.shape));
        const down = loss();
        v.assign(tf.tensor(base, v.shape));
        const numeric = (up - down) / (2 * eps);
        assert.ok(Math.abs(numeric - analytic[i]) < 2e-3 + 2e-2 * Math.abs(numeric), `${cell} ${v.name}[${i}]: numeric ${numeric}, analytic ${analytic[i]}`);
      }
    }
    tf.dispose([x, w, ...Object.values(grads)]);
    s.dispose();
  }
});

test('the kernels\' quantile targets and residual signs are bit for bit those of the JavaScript sort (ties, −0, one and two threads, odd sizes)', (t) => {
  t.after(() => setKernelThreads(2));
  const rng = new Rng(5);
  for (const [B, C] of [[1, 3], [2, 5], [17, 9], [128, 144], [300, 7]]) {
    // Values on a coarse grid, so that ties are common; a −0 among each.
    const draw = () => Float32Array.from({ length: B * C }, () => Math.round(rng.uniform() * 8) / 4 - 1);
    const real = draw();
    const fake = draw();
    real[0] = -0;
    fake[(B * C) >> 1] = -0;
    const expected = quantileTargetsJs(real, fake, B, C);
    for (const threads of [1, 2]) {
      setKernelThreads(threads, 0); // minWork 0: the columns are cut between the threads
      const got = quantileTargets(real, fake, B, C);
      assert.ok(got.every((v, i) => Object.is(v, expected[i])), `B ${B}, C ${C}, ${threads} thread(s)`);
      // The loss's pass over the targets: the same signs and the same float64 sum.
      const js = quantileResidualJs(real, fake, B, C);
      const kernel = quantileResidual(real, fake, B, C);
      assert.equal(kernel.sum, js.sum);
      assert.ok(kernel.sign.every((v, i) => Object.is(v, js.sign[i])), `signs, B ${B}, C ${C}, ${threads} thread(s)`);
    }
    // Each column's targets are the real column, reordered.
    for (let c = 0; c < C; c++) {
      const col = (a: Float32Array) => Float32Array.from({ length: B }, (_, b) => a[b * C + c]).sort(); // −0 before 0
      assert.deepEqual(col(expected), col(real));
    }
  }
});

test('the kernels\' matmul is exact against a plain triple loop, including ragged edges', () => {
  for (const [M, K, N] of [[1, 1, 1], [5, 3, 7], [9, 17, 13], [12, 8, 16]]) {
    const A = new Rng(M).normalArray(M * K);
    const B = new Rng(N).normalArray(K * N);
    const C = matmul(A, B, M, K, N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[i * K + k] * B[k * N + j];
        assert.ok(Math.abs(C[i * N + j] - s) < 1e-5 * (1 + Math.abs(s)), `[${M},${K},${N}] C[${i},${j}]`);
      }
    }
  }
});

function trainLosses(fused: boolean, iterations: number): number[][] {
  setFusedKernels(fused);
  try {
    const m = new Rgan(rganConfig({ features: 3, seqLen: 8, layers: 2, hidden: 8, batchSize: 16 }), 11);
    const s = sineData({ count: 64, seqLen: 8, features: 3, seed: 2 });
    const t = new GanTrainer(m, { data: s.data, count: 64, seqLen: 8, features: 3 }, 11);
    const out: number[][] = [];
    for (let i = 0; i < iterations; i++) {
      const r = t.trainStep();
      out.push([r.dLoss, r.gLoss]);
    }
    m.dispose();
    return out;
  } finally {
    setFusedKernels(true);
  }
}

test('training from the same seed reaches the same losses on the fused and the reference path', () => {
  const fused = trainLosses(true, 5);
  const ref = trainLosses(false, 5);
  fused.forEach(([d, g], i) => {
    assert.ok(Math.abs(d - ref[i][0]) < 1e-4, `iteration ${i + 1}: dLoss ${d} vs ${ref[i][0]}`);
    assert.ok(Math.abs(g - ref[i][1]) < 1e-4, `iteration ${i + 1}: gLoss ${g} vs ${ref[i][1]}`);
  });
});

test('no tensor or WebAssembly-memory growth over 1,000 training iterations', () => {
  const m = new Rgan(rganConfig({ features: 2, seqLen: 6, layers: 2, hidden: 5, batchSize: 8 }), 3);
  const s = sineData({ count: 32, seqLen: 6, features: 2, seed: 2 });
  const t = new GanTrainer(m, { data: s.data, count: 32, seqLen: 6, features: 2 }, 3);
  for (let i = 0; i < 5; i++) t.trainStep();
  const tensors = tf.memory().numTensors;
  const wasmBytes = kernelMemoryBytes();
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1000; i++) t.trainStep();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(kernelMemoryBytes(), wasmBytes);
  // The JS heap may wobble with the garbage collector, but must not climb with the iterations.
  assert.ok(process.memoryUsage().heapUsed - heap0 < 32 * 2 ** 20, `heap grew by ${(process.memoryUsage().heapUsed - heap0) / 2 ** 20} MiB`);
  m.dispose();
});

test('fused Adam updates weights as tf.train.adam does, with and without clipping, on the wasm and the cpu backend', async () => {
  const shapes = [[7, 3], [3], [1], [33, 2]];
  const run = (backend: string, clipNorm: number, fused: boolean) => {
    setFusedKernels(fused);
    const vars = shapes.map((s, i) => tf.variable(tf.tensor(new Rng(i).normalArray(s.reduce((a, b) => a * b, 1)), s), true, `adam-probe-${backend}-${fused}-${clipNorm}-${i}`));
    const adam = new Adam({ learningRate: 0.01, beta1: 0.5, beta2: 0.9, clipNorm });
    const gradRng = new Rng(11);
    const norms: number[] = [];
    let snapshot: tf.Tensor[] = [];
    let snapshotValues: number[][] = [];
    for (let step = 0; step < 5; step++) {
      const grads = Object.fromEntries(vars.map((v) => [v.name, tf.tensor(gradRng.normalArray(v.size, 0, step + 0.1), v.shape)]));
      const n = adam.step(grads);
      norms.push(n.dataSync()[0]);
      tf.dispose([n, ...Object.values(grads)]);
      if (step === 1) {
        // A checkpoint (tf.clone shares the data) must keep its values through later steps.
        snapshot = vars.map((v) => tf.clone(v));
        snapshotValues = snapshot.map((t) => Array.from(t.dataSync()));
      }
    }
    snapshot.forEach((t, i) => assert.deepEqual(Array.from(t.dataSync()), snapshotValues[i], `${backend}: a clone taken between steps changed`));
    const out = vars.map((v) => Array.from(v.dataSync()));
    tf.dispose([...vars, ...snapshot]);
    adam.dispose();
    return { out, norms };
  };
  // On 'cpu' a tensor keeps the array it is made from: the fused path must not hand over the buffers it reuses.
  try {
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      for (const clipNorm of [0, 0.5]) {
        const fused = run(backend, clipNorm, true);
        const reference = run(backend, clipNorm, false);
        fused.norms.forEach((n, i) => assert.ok(Math.abs(n - reference.norms[i]) <= 1e-5 * reference.norms[i], `norm ${n} vs ${reference.norms[i]}`));
        fused.out.forEach((w, i) =>
          w.forEach((x, j) => {
            const r = reference.out[i][j];
            assert.ok(Math.abs(x - r) <= 1e-6 * Math.max(1, Math.abs(r)), `${backend}, clip ${clipNorm}, weight ${i}[${j}]: ${x} vs ${r}`);
          }),
        );
      }
    }
  } finally {
    setFusedKernels(true);
    await tf.setBackend('wasm');
  }
});
