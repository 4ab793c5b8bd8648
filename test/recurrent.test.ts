/** The recurrent stack: hand-computed cases, agreement with tfjs-layers, seeded initialisers. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../src/engine.js';
import { RecurrentStack, type CellType } from '../src/nn/recurrent.js';
import { recurrentStackLayers } from '../src/nn/export.js';
import { orthogonal } from '../src/nn/init.js';
import { Rng } from '../src/random.js';
import { engine } from './helpers.js';

before(engine);

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** A one-unit, one-feature stack with the given weights (kernel, recurrent kernel, bias: one value per gate). */
function tinyStack(cell: CellType, k: number[], u: number[], b: number[]): RecurrentStack {
  const s = new RecurrentStack({ cell, layers: 1, hidden: 1, inputSize: 1 }, new Rng(0));
  const w = s.layers[0];
  w.kernel.assign(tf.tensor2d([k], [1, k.length]));
  w.recurrentKernel.assign(tf.tensor2d([u], [1, u.length]));
  w.bias.assign(tf.tensor1d(b));
  return s;
}

function run(s: RecurrentStack, xs: number[]): number[] {
  const y = s.apply(tf.tensor3d(xs, [1, xs.length, 1]));
  const v = Array.from(y.dataSync());
  y.dispose();
  return v;
}

test('plain RNN matches h_t = tanh(w·x_t + u·h_{t−1} + b) by hand', () => {
  const s = tinyStack('rnn', [0.5], [-0.8], [0.1]);
  const h1 = Math.tanh(0.5 * 1 + 0.1);
  const h2 = Math.tanh(0.5 * -2 - 0.8 * h1 + 0.1);
  const got = run(s, [1, -2]);
  assert.ok(Math.abs(got[0] - h1) < 1e-6 && Math.abs(got[1] - h2) < 1e-6, `got ${got}, expected ${[h1, h2]}`);
  s.dispose();
});

test('GRU matches the Keras equations (z, r, h order; reset before the product) by hand', () => {
  const k = [0.3, -0.2, 0.7];
  const u = [0.5, 0.4, -0.6];
  const b = [0.1, 0.0, -0.1];
  const s = tinyStack('gru', k, u, b);
  let h = 0;
  const expected: number[] = [];
  for (const x of [1, 0.5, -1]) {
    const z = sig(k[0] * x + u[0] * h + b[0]);
    const r = sig(k[1] * x + u[1] * h + b[1]);
    const hh = Math.tanh(k[2] * x + u[2] * (r * h) + b[2]);
    h = z * h + (1 - z) * hh;
    expected.push(h);
  }
  const got = run(s, [1, 0.5, -1]);
  got.forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-6, `step ${i}: ${g} vs ${expected[i]}`));
  s.dispose();
});

test('LSTM matches the Keras equations (i, f, c, o order) by hand', () => {
  const k = [0.3, -0.2, 0.7, 0.1];
  const u = [0.5, 0.4, -0.6, 0.2];
  const b = [0.1, 1.0, -0.1, 0];
  const s = tinyStack('lstm', k, u, b);
  let h = 0;
  let c = 0;
  const expected: number[] = [];
  for (const x of [1, 0.5, -1]) {
    const i = sig(k[0] * x + u[0] * h + b[0]);
    const f = sig(k[1] * x + u[1] * h + b[1]);
    const g = Math.tanh(k[2] * x + u[2] * h + b[2]);
    const o = sig(k[3] * x + u[3] * h + b[3]);
    c = f * c + i * g;
    h = o * Math.tanh(c);
    expected.push(h);
  }
  const got = run(s, [1, 0.5, -1]);
  got.forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-6, `step ${i}: ${g} vs ${expected[i]}`));
  s.dispose();
});

for (const cell of ['rnn', 'gru', 'lstm'] as const) {
  test(`${cell}: a 2-layer stack equals the same weights in tfjs-layers, shape [batch, time, hidden]`, () => {
    const s = new RecurrentStack({ cell, layers: 2, hidden: 5, inputSize: 3 }, new Rng(11));
    const model = tf.sequential({ layers: recurrentStackLayers(s, 'x') });
    model.setWeights(s.variables);
    const x = tf.tensor3d(new Rng(2).normalArray(4 * 7 * 3), [4, 7, 3]);
    const ours = s.apply(x);
    const theirs = model.predict(x) as tf.Tensor;
    assert.deepEqual(ours.shape, [4, 7, 5]);
    const diff = tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0];
    assert.ok(diff < 1e-5, `max difference ${diff}`);
    tf.dispose([x, ours, theirs]);
    model.dispose();
    s.dispose();
  });
}

test('orthogonal initialiser gives orthonormal rows, and is seeded', () => {
  const H = 6;
  const q = orthogonal(new Rng(5), H, 3 * H); // [H, 3H]: rows orthonormal
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < H; j++) {
      let dot = 0;
      for (let k = 0; k < 3 * H; k++) dot += q[i * 3 * H + k] * q[j * 3 * H + k];
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `rows ${i},${j}: ${dot}`);
    }
  }
  assert.deepEqual(orthogonal(new Rng(5), H, 3 * H), q);
  assert.notDeepEqual(orthogonal(new Rng(6), H, 3 * H), q);
});

test('bad stack arguments are refused with the offending value', () => {
  assert.throws(() => new RecurrentStack({ cell: 'gru', layers: 1, hidden: 0, inputSize: 2 }, new Rng(0)), /hidden must be a positive integer, got 0/);
  assert.throws(() => new RecurrentStack({ cell: 'xyz' as CellType, layers: 1, hidden: 4, inputSize: 2 }, new Rng(0)), /unknown cell type "xyz"/);
});
