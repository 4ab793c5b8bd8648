/** The recurrent GAN: step isolation, tensor discipline, seeds, learning. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../src/engine.js';
import { Rgan, rganConfig, type RganConfig } from '../src/models/rgan.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { fit, History } from '../src/train/loop.js';
import { nanGuard } from '../src/train/callbacks.js';
import { sineData } from '../src/data/sines.js';
import { Rng } from '../src/random.js';
import type { Windows } from '../src/data/windows.js';
import { engine } from './helpers.js';

before(engine);

const small = (over: Partial<RganConfig> = {}) =>
  rganConfig({ features: 3, seqLen: 8, layers: 2, hidden: 6, batchSize: 16, ...over });

function sines(count = 64, seqLen = 8, features = 3): Windows {
  const s = sineData({ count, seqLen, features, seed: 1 });
  return { data: s.data, count, seqLen, features };
}

const snapshot = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));
const changed = (a: number[][], b: number[][]) => a.map((x, i) => x.some((v, j) => v !== b[i][j]));

test('config defaults follow TimeGAN (GRU, 3 layers, hidden 24, batch 128, seq 24) and bad values are named', () => {
  const c = rganConfig({ features: 6 });
  assert.equal(c.cell, 'gru');
  assert.equal(c.layers, 3);
  assert.equal(c.hidden, 24);
  assert.equal(c.batchSize, 128);
  assert.equal(c.seqLen, 24);
  assert.equal(c.noiseDim, 6);
  assert.equal(c.dSteps, 1);
  assert.equal(c.lrG, 1e-3);
  assert.throws(() => rganConfig({ features: 6, hidden: -3 }), /hidden must be a positive integer, got -3/);
  assert.throws(() => rganConfig({ features: 6, lrD: 0 }), /lrD must be a positive number, got 0/);
});

test('generator and discriminator shapes: [batch, time, features] and one logit per step', () => {
  const m = new Rgan(small(), 1);
  const z = m.noise(new Rng(1), 5);
  const x = m.generate(z);
  const d = m.discriminate(x);
  assert.deepEqual(z.shape, [5, 8, 3]);
  assert.deepEqual(x.shape, [5, 8, 3]);
  assert.deepEqual(d.shape, [5, 8, 1]);
  const v = x.dataSync();
  assert.ok(v.every((y) => y > 0 && y < 1), 'generator output is a sigmoid in scaled space');
  tf.dispose([z, x, d]);
  m.dispose();
});

test('a discriminator step changes only D weights; a generator step changes only G weights', () => {
  const m = new Rgan(small(), 2);
  const real = tf.tensor3d(sines(16).data, [16, 8, 3]);
  const g0 = snapshot(m.generatorVariables);
  const d0 = snapshot(m.discriminatorVariables);
  m.discriminatorStep(real, new Rng(3));
  const g1 = snapshot(m.generatorVariables);
  const d1 = snapshot(m.discriminatorVariables);
  assert.ok(changed(g0, g1).every((c) => !c), 'D step left G untouched');
  assert.ok(changed(d0, d1).every((c) => c), 'D step updated every D variable');
  m.generatorStep(16, new Rng(4));
  const g2 = snapshot(m.generatorVariables);
  const d2 = snapshot(m.discriminatorVariables);
  assert.ok(changed(d1, d2).every((c) => !c), 'G step left D untouched');
  assert.ok(changed(g1, g2).every((c) => c), 'G step updated every G variable');
  real.dispose();
  m.dispose();
});

for (const cell of ['gru', 'lstm', 'rnn'] as const) {
  test(`${cell}: a training step leaks no tensors`, () => {
    const m = new Rgan(small({ cell, dSteps: 2 }), 3);
    const t = new GanTrainer(m, sines(), 3);
    t.trainStep(); // the optimisers create their slots on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) t.trainStep();
    assert.equal(tf.memory().numTensors, before);
    m.dispose();
  });
}

test('disposing a model releases all of its tensors', () => {
  const before = tf.memory().numTensors;
  const m = new Rgan(small(), 3);
  new GanTrainer(m, sines(), 3).trainStep();
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});

function trainAndSample(seed: number, iterations = 3): { weights: number[][]; sample: Float32Array; losses: number[] } {
  const m = new Rgan(small(), seed);
  const t = new GanTrainer(m, sines(), seed);
  const losses: number[] = [];
  for (let i = 0; i < iterations; i++) losses.push(t.trainStep().dLoss);
  const out = { weights: snapshot([...m.generatorVariables, ...m.discriminatorVariables]), sample: m.sample(10, new Rng(9)), losses };
  m.dispose();
  return out;
}

test('same seed → identical weights, losses and samples; another seed → different ones', () => {
  const a = trainAndSample(42);
  const b = trainAndSample(42);
  const c = trainAndSample(43);
  assert.deepEqual(a.weights, b.weights);
  assert.deepEqual(a.losses, b.losses);
  assert.deepEqual(a.sample, b.sample);
  assert.notDeepEqual(a.sample, c.sample);
  assert.notDeepEqual(a.weights, c.weights);
});

test('sampling in batches of any size draws the same sequences', () => {
  const m = new Rgan(small(), 5);
  assert.deepEqual(m.sample(10, new Rng(1), 3), m.sample(10, new Rng(1), 256));
  m.dispose();
});

test('a short training run moves the losses: D learns to tell real from generated, then G catches up', async () => {
  const m = new Rgan(small({ lrD: 1e-2, dSteps: 2 }), 7);
  const { history } = await fit(new GanTrainer(m, sines(128), 7), { iterations: 60 });
  const d = history.metrics.dLoss;
  const g = history.metrics.gLoss;
  const acc = history.metrics.dAccReal.map((r, i) => (r + history.metrics.dAccFake[i]) / 2);
  // At the start D is guessing: loss ≈ 2·ln 2.
  assert.ok(Math.abs(d[0] - 2 * Math.LN2) < 0.1, `first dLoss ${d[0]}`);
  const best = Math.min(...d);
  const bestAt = d.indexOf(best);
  assert.ok(best < d[0] - 0.3, `dLoss fell from ${d[0].toFixed(3)} to ${best.toFixed(3)}`);
  assert.ok(Math.max(...acc.slice(0, bestAt + 1)) > 0.8, `D accuracy reached ${Math.max(...acc).toFixed(3)}`);
  // While D wins, the non-saturating G loss −log D(G(z)) rises well above ln 2 ...
  assert.ok(Math.max(...g) > Math.LN2 + 0.5, `gLoss max ${Math.max(...g).toFixed(3)}`);
  // ... and then G catches up: D's loss climbs back towards 2·ln 2.
  const late = d.slice(-10).reduce((a, b) => a + b, 0) / 10;
  assert.ok(late > best + 0.3, `late dLoss ${late.toFixed(3)} vs best ${best.toFixed(3)}`);
  m.dispose();
});

test('history is columnar per metric and the NaN guard stops training', async () => {
  let i = 0;
  const trainable = { trainStep: () => ({ loss: ++i === 3 ? NaN : 1 / i }) };
  const r = await fit(trainable, { iterations: 10, callbacks: [nanGuard()] });
  assert.equal(r.iterationsRun, 3);
  assert.match(r.stopReason ?? '', /loss became NaN at iteration 3/);
  assert.deepEqual(r.history.iteration, [1, 2, 3]);
  const h = History.from(r.history.toJSON());
  h.record(4, { loss: 0.5, other: 2 });
  assert.deepEqual(h.metrics.other.slice(0, 3).map(Number.isNaN), [true, true, true]);
});

test('a saved history keeps each float32 value exactly, in its shortest decimal', () => {
  const h = new History();
  const values = [0.1, 1 / 3, 6931.4718, 1e-8, 12345678, -0.5];
  values.forEach((v, i) => h.record(i + 1, { loss: Math.fround(v) }));
  h.recordSparse('coverage', 1, Math.fround(0.7));
  const saved = JSON.parse(JSON.stringify(h.toJSON()));
  assert.deepEqual(saved.metrics.loss, [0.1, 0.33333334, 6931.4717, 1e-8, 12345678, -0.5]);
  assert.deepEqual(saved.metrics.loss.map(Math.fround), values.map(Math.fround));
  assert.deepEqual(saved.sparse.coverage.values, [0.7]);
  assert.equal(JSON.stringify(h.toJSON()).includes('0.10000000149'), false);
});
