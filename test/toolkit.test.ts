/**
 * The stability toolkit, one effect per option: each loss's values and that
 * D learns under it, WGAN-GP's penalty pulling the critic's input gradient to
 * norm 1, one-sided label smoothing capping D's confidence, annealed instance
 * noise, gradient clipping, two time-scale learning rates, feature matching,
 * PacGAN packing, the diversity monitor catching a collapsed generator and
 * the per-step gradient diagnostic showing a plain RNN's vanishing gradient.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { engine } from './helpers.js';
import { tf } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { makeLoss } from '../src/losses/gan.js';
import { Rgan, rganConfig, type RganConfig } from '../src/models/rgan.js';
import { criticValues } from '../src/models/gan.js';
import { Adam } from '../src/models/adam.js';
import { setFusedKernels } from '../src/kernels/fused-stack.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { fit, History } from '../src/train/loop.js';
import { diversityMonitor, gradPerStepMonitor } from '../src/train/monitors.js';
import { sineData } from '../src/data/sines.js';
import { windowItems } from '../src/train/gan-trainer.js';

before(engine);

const T = 12;
const F = 2;
const sines = sineData({ count: 256, seqLen: T, features: F, seed: 3 });

function small(p: Partial<RganConfig> = {}): Rgan {
  return new Rgan(rganConfig({ features: F, seqLen: T, layers: 1, hidden: 8, batchSize: 32, ...p }), 1);
}

/** Fast waves (an untrained generator's output is nearly flat, so D has something to learn). */
function realBatch(n = 32, seed = 1): tf.Tensor3D {
  const rng = new Rng(seed);
  const out = new Float32Array(n * T * F);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) {
      const phase = rng.uniform() * 6.28;
      for (let t = 0; t < T; t++) out[(i * T + t) * F + f] = 0.5 + 0.4 * Math.sin(0.8 * t + phase);
    }
  }
  return tf.tensor3d(out, [n, T, F]);
}

const snapshot = (vars: tf.Variable[]) => vars.map((v) => (v.dataSync() as Float32Array).slice());
const maxChange = (before: Float32Array[], vars: tf.Variable[]) =>
  Math.max(...vars.map((v, i) => Math.max(...Array.from(v.dataSync(), (x, j) => Math.abs(x - before[i][j])))));

test('losses: hand-checked values of bce, lsgan, hinge and wgan-gp', () => {
  const v = (t: tf.Scalar) => {
    const x = t.dataSync()[0];
    t.dispose();
    return x;
  };
  const ones = tf.ones([4]);
  const zeros = tf.zeros([4]);
  const twos = tf.fill([4], 2);
  const bce = makeLoss('bce');
  assert.ok(Math.abs(v(bce.dReal(zeros)) - Math.log(2)) < 1e-6);
  const ls = makeLoss('lsgan');
  assert.equal(v(ls.dReal(ones)), 0);
  assert.equal(v(ls.dFake(zeros)), 0);
  assert.equal(v(ls.generator(zeros)), 0.5);
  const hinge = makeLoss('hinge');
  assert.equal(v(hinge.dReal(twos)), 0);
  assert.equal(v(hinge.dReal(zeros)), 1);
  assert.equal(v(hinge.dFake(tf.neg(twos) as tf.Tensor)), 0);
  const w = makeLoss('wgan-gp');
  assert.equal(v(w.dReal(twos)), -2);
  assert.equal(v(w.dFake(twos)), 2);
  assert.equal(v(w.generator(twos)), -2);
  const smooth = makeLoss('lsgan', { labelSmoothing: 0.1 });
  assert.ok(Math.abs(v(smooth.dReal(tf.fill([4], 0.9))) ) < 1e-12);
  assert.throws(() => makeLoss('hinge', { labelSmoothing: 0.1 }), /label smoothing applies to the bce and lsgan losses/);
  // What each objective owns: its accuracy cut-off, its penalty, whether a D threshold applies, its critic steps.
  assert.equal(v(bce.accuracyCut(twos, zeros)), 0);
  assert.equal(v(ls.accuracyCut(twos, zeros)), 0.5);
  assert.equal(v(w.accuracyCut(twos, zeros)), 1);
  assert.deepEqual(
    (['bce', 'lsgan', 'hinge', 'wgan-gp'] as const).map((n) => { const l = makeLoss(n); return [l.gradientPenalty, l.thresholdable, l.criticSteps ?? 1]; }),
    [[false, true, 1], [false, true, 1], [false, false, 1], [true, false, 5]],
  );
  tf.dispose([ones, zeros, twos]);
});

for (const loss of ['bce', 'lsgan', 'hinge', 'wgan-gp'] as const) {
  test(`loss ${loss}: D learns to tell real sines from an untrained generator`, () => {
    const gan = small({ loss, lrD: 1e-2 });
    if (loss === 'wgan-gp') assert.equal(gan.config.dSteps, 5, 'WGAN-GP brings 5 critic steps');
    const rng = new Rng(2);
    const x = realBatch();
    const gap = () => tf.tidy(() => tf.sub(tf.mean(gan.discriminate(x)), tf.mean(gan.discriminate(gan.generate(gan.noise(new Rng(9), 32))))).dataSync()[0]);
    const gap0 = gap();
    let r = gan.discriminatorStep(x, rng);
    for (let i = 0; i < 120; i++) r = gan.discriminatorStep(x, rng);
    if (loss === 'wgan-gp') {
      // A critic has no decision threshold: it must score real above generated.
      assert.ok(gap() > gap0 + 0.2, `critic gap ${gap0} → ${gap()}`);
    } else {
      // Per-step judgments: the first steps of a wave say little, hence 0.8 rather than 1.
      assert.ok((r.dAccReal + r.dAccFake) / 2 >= 0.8, `${loss}: accuracy real ${r.dAccReal}, fake ${r.dAccFake}`);
    }
    x.dispose();
    gan.dispose();
  });
}

test('WGAN-GP: the gradient penalty pulls the critic’s input-gradient norm towards 1', () => {
  const gan = small({ loss: 'wgan-gp', gpWeight: 100, lrD: 1e-2, hidden: 8 });
  const x = realBatch();
  const rng = new Rng(4);
  const z = gan.noise(new Rng(5), 32);
  const fake = gan.generate(z);
  const normGap = () =>
    tf.tidy(() => {
      const eps = tf.tensor(new Rng(6).uniformArray(32), [32, 1, 1]);
      const xhat = tf.add(tf.mul(eps, x), tf.mul(tf.sub(1, eps), fake));
      const g = tf.grad((v: tf.Tensor) => tf.sum(criticValues(gan.discriminate(v, { twice: true }))))(xhat);
      return tf.mean(tf.abs(tf.sub(tf.sqrt(tf.sum(tf.square(g), [1, 2])), 1))).dataSync()[0];
    });
  const before = normGap();
  for (let i = 0; i < 60; i++) gan.discriminatorStep(x, rng);
  const after = normGap();
  assert.ok(after < before / 3, `mean |‖∇D‖ − 1|: ${before} → ${after}`);
  tf.dispose([x, z, fake]);
  gan.dispose();
});

test('one-sided label smoothing caps D’s confidence on real data at 1 − s', () => {
  const confidence = (labelSmoothing: number) => {
    const gan = small({ labelSmoothing, lrD: 1e-2 });
    const x = realBatch();
    const rng = new Rng(2);
    for (let i = 0; i < 250; i++) gan.discriminatorStep(x, rng);
    const p = tf.tidy(() => tf.mean(tf.sigmoid(gan.discriminate(x))).dataSync()[0]);
    x.dispose();
    gan.dispose();
    return p;
  };
  const plain = confidence(0);
  const smoothed = confidence(0.3);
  assert.ok(plain > 0.85, `without smoothing ${plain}`);
  assert.ok(smoothed > 0.6 && smoothed < 0.8, `with 0.3 smoothing ${smoothed}`);
});

test('instance noise anneals linearly to 0 and blurs what D sees', () => {
  const gan = small({ instanceNoise: 0.5 });
  assert.equal(gan.noiseSigma(0), 0.5);
  assert.equal(gan.noiseSigma(0.5), 0.25);
  assert.equal(gan.noiseSigma(1), 0);
  gan.dispose();
  const finalLoss = (instanceNoise: number) => {
    const g = small({ instanceNoise, lrD: 5e-3 });
    const x = realBatch();
    const rng = new Rng(2);
    let r = g.discriminatorStep(x, rng);
    for (let i = 0; i < 40; i++) r = g.discriminatorStep(x, rng);
    x.dispose();
    g.dispose();
    return r.dLoss;
  };
  const clean = finalLoss(0);
  const noisy = finalLoss(1);
  assert.ok(noisy > clean + 0.3, `D loss without noise ${clean}, with σ = 1 ${noisy}`);
});

test('gradient clipping: Adam updates as if the gradient had been scaled down to the configured global norm', () => {
  // Adam's first step hardly depends on the gradient's scale (m̂/√v̂), so the
  // check runs two steps: a big gradient (norm 10), then a small one (0.5).
  const run = (clipNorm: number, grads: number[][], fused: boolean) => {
    setFusedKernels(fused);
    const w = tf.variable(tf.tensor1d([1, -1]), true, `clip-probe-${Math.random()}`);
    const adam = new Adam({ learningRate: 0.1, clipNorm });
    const norms = grads.map((g) => {
      const t = tf.tensor1d(g);
      const n = adam.step({ [w.name]: t });
      const v = n.dataSync()[0];
      tf.dispose([t, n]);
      return v;
    });
    const out = Array.from(w.dataSync());
    w.dispose();
    adam.dispose();
    setFusedKernels(true);
    return { out, norms };
  };
  for (const fused of [true, false]) {
    const clipped = run(1, [[6, 8], [0.3, 0.4]], fused);
    assert.ok(Math.abs(clipped.norms[0] - 10) < 1e-5, `norm before clipping ${clipped.norms[0]}`);
    const scaledByHand = run(0, [[0.6, 0.8], [0.3, 0.4]], fused);
    const unclipped = run(0, [[6, 8], [0.3, 0.4]], fused);
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(clipped.out[i] - scaledByHand.out[i]) < 1e-6, `${fused}: ${clipped.out} vs ${scaledByHand.out}`);
    assert.ok(Math.abs(clipped.out[0] - unclipped.out[0]) > 1e-3, `clipping changed nothing: ${clipped.out} vs ${unclipped.out}`);
  }
});

test('two time-scale learning rates: D and G move by their own Adam step sizes', () => {
  const gan = small({ lrD: 4e-3, lrG: 1e-3 });
  const x = realBatch();
  const rng = new Rng(2);
  const d0 = snapshot(gan.discriminatorVariables);
  const g0 = snapshot(gan.generatorVariables);
  gan.discriminatorStep(x, rng);
  gan.generatorStep(32, rng);
  // Adam's first step moves each weight by at most its learning rate (by about it, where the gradient is not tiny).
  const dMove = maxChange(d0, gan.discriminatorVariables);
  const gMove = maxChange(g0, gan.generatorVariables);
  assert.ok(dMove > 3.5e-3 && dMove <= 4.001e-3, `D moved ${dMove}`);
  assert.ok(gMove > 0.8e-3 && gMove <= 1.001e-3, `G moved ${gMove}`);
  x.dispose();
  gan.dispose();
});

test('feature matching: G closes the gap between D’s mean features on real and generated data', () => {
  const gan = small({ featureMatching: true, lrG: 5e-3 });
  const x = realBatch();
  const rng = new Rng(2);
  for (let i = 0; i < 5; i++) gan.discriminatorStep(x, rng);
  const first = gan.generatorStep(32, rng, x).gLoss;
  let last = first;
  for (let i = 0; i < 60; i++) last = gan.generatorStep(32, rng, x).gLoss;
  assert.ok(last < first / 2, `feature-matching loss ${first} → ${last}`);
  assert.throws(() => gan.generatorStep(32, rng), /feature matching needs a real batch/);
  x.dispose();
  gan.dispose();
});

test('PacGAN: D judges packs of samples side by side, one logit sequence per pack', () => {
  const gan = small({ pac: 2 });
  const x = tf.tensor3d(Float32Array.from({ length: 4 * 3 * 2 }, (_, i) => i), [4, 3, 2]);
  const packed = gan.pack(x);
  assert.deepEqual(packed.shape, [2, 3, 4]);
  // Pack 0, step 1 = sample 0's step 1 then sample 1's step 1.
  const v = packed.arraySync() as number[][][];
  assert.deepEqual(v[0][1], [2, 3, 8, 9]);
  assert.equal(gan.discriminatorNet.rnn.inputSize, 2 * F);
  const real = realBatch();
  const rng = new Rng(2);
  const r = gan.discriminatorStep(real, rng);
  assert.ok(Number.isFinite(r.dLoss));
  assert.throws(() => rganConfig({ features: F, batchSize: 33, pac: 2 }), /batchSize 33 must be a multiple of pac 2/);
  tf.dispose([x, packed, real]);
  gan.dispose();
});

test('the diversity monitor records the signal and warns once when the generator collapses', async () => {
  const warnings: string[] = [];
  const collapsed = small();
  // A generator whose output ignores the noise: zero kernels in its head.
  collapsed.generatorNet.head.kernel.assign(tf.zerosLike(collapsed.generatorNet.head.kernel));
  const items = windowItems(sines);
  const run = async (gan: Rgan, progress = 0) => {
    const h = new History();
    const mon = diversityMonitor(gan, items, { every: 1, onWarn: (m) => warnings.push(m) });
    for (let it = 1; it <= 3; it++) await mon.onIterationEnd!(it, {}, { stop: false, progress }, h);
    return h.sparse.diversity;
  };
  // In the first fifth of training a narrow generator is an untrained one: recorded, no warning.
  const early = await run(collapsed);
  assert.ok(early.values.every((v) => v < 1e-6), `collapsed diversity ${early.values}`);
  assert.deepEqual(warnings, []);
  const d = await run(collapsed, 0.2);
  assert.deepEqual(d.iteration, [1, 2, 3]);
  assert.ok(d.values.every((v) => v < 1e-6), `collapsed diversity ${d.values}`);
  assert.equal(warnings.length, 1, 'one warning, not one per measurement');
  assert.match(warnings[0], /mode collapse; try --pac 2, --feature-matching, --loss wgan-gp or a lower --lr-g$/);
  const healthy = small({ hidden: 16 });
  const dh = await run(healthy);
  assert.ok(dh.values[0] > 1e-3, `untrained generator diversity ${dh.values[0]}`);
  collapsed.dispose();
  healthy.dispose();
});

test('the diversity monitor also catches a collapse onto a few realistic shapes, which keeps the spread', async () => {
  const items = windowItems(sines);
  const size = T * F;
  // "Generators" that return real windows: all distinct ones, or copies of four with a little noise.
  const fromReal = (distinct: number, config: Partial<Rgan['config']> = {}) =>
    ({
      sample(n: number, rng: Rng) {
        const out = new Float32Array(n * size);
        for (let i = 0; i < n; i++) {
          const src = (i % distinct) * 7 + 1;
          for (let k = 0; k < size; k++) out[i * size + k] = items.data[src * size + k]! + 0.01 * rng.normal();
        }
        return out;
      },
      config: { pac: 1, loss: 'bce', featureMatching: false, batchSize: 64, ...config },
      collapseRemedies: Rgan.prototype.collapseRemedies,
      takes: () => true,
    }) as unknown as Rgan;
  const run = async (gan: Rgan, progress = 0.5) => {
    const warnings: string[] = [];
    const h = new History();
    const mon = diversityMonitor(gan, items, { every: 1, samples: 64, onWarn: (m) => warnings.push(m) });
    await mon.onIterationEnd!(1, {}, { stop: false, progress }, h);
    return { spread: h.sparse.diversity.values[0], coverage: h.sparse.coverage.values[0], recall: h.sparse.recall.values[0], warnings };
  };
  const few = await run(fromReal(4));
  assert.ok(few.spread > 0.5, `four shapes keep ${few.spread} of the spread`);
  assert.ok(few.coverage < 0.4, `coverage ${few.coverage}`);
  assert.ok(few.recall < 0.2, `recall ${few.recall}: four tight clusters hold few real windows`);
  assert.equal(few.warnings.length, 1);
  assert.match(few.warnings[0], /coverage .* collapse onto a few shapes; try --pac 2, --loss wgan-gp or a lower --lr-g$/);
  // Remedies the run already uses are not offered again, and feature matching is named as a cause.
  const [tried] = (await run(fromReal(4, { pac: 2, loss: 'wgan-gp', featureMatching: true }))).warnings;
  assert.match(tried!, /collapse onto a few shapes; try a lower --lr-g \(feature matching, which this run uses, can cause this\)$/);
  // PacGAN needs the batch to split into packs: with an odd batch --pac 2 would be refused.
  const [odd] = (await run(fromReal(4, { batchSize: 63 }))).warnings;
  assert.match(odd!, /collapse onto a few shapes; try --loss wgan-gp or a lower --lr-g$/);
  const many = await run(fromReal(36));
  assert.ok(many.coverage > 0.6, `coverage ${many.coverage}`);
  assert.ok(many.recall > few.recall + 0.2, `recall ${many.recall} against ${few.recall}`);
  assert.deepEqual(many.warnings, []);
  // Early in training low coverage is an untrained generator's, not a collapse.
  assert.deepEqual((await run(fromReal(4), 0.05)).warnings, []);

  // From a fifth of training on, low coverage that is still climbing is a generator learning;
  // the same coverage held for ten measurements is a collapse.
  const course = async (distinct: (check: number) => number) => {
    const warnings: string[] = [];
    const h = new History();
    const gan = fromReal(1);
    const mon = diversityMonitor(gan, items, { every: 1, samples: 64, onWarn: (m) => warnings.push(m) });
    for (let check = 1; check <= 16; check++) {
      const g = fromReal(distinct(check));
      gan.sample = g.sample;
      await mon.onIterationEnd!(check, {}, { stop: false, progress: check <= 10 ? 0.05 : 0.2 }, h);
    }
    return { coverage: h.sparse.coverage.values, warnings };
  };
  const learning = await course((check) => (check <= 10 ? 2 + Math.floor(check / 3) : check - 5));
  assert.ok(learning.coverage.slice(10).every((c) => c < 0.4), `still under the threshold: ${learning.coverage}`);
  assert.deepEqual(learning.warnings, []);
  const stalled = await course(() => 4);
  assert.equal(stalled.warnings.length, 1);
  assert.match(stalled.warnings[0], /coverage 0\.\d+ at iteration 11 .*collapse onto a few shapes/);
});

test('the per-step gradient diagnostic shows the vanishing gradient over 100 steps, and chrono-initialised gates remove it', async () => {
  const long = sineData({ count: 64, seqLen: 100, features: 1, seed: 2 });
  const ratio = async (cell: 'rnn' | 'gru', chrono = false) => {
    const gan = new Rgan(rganConfig({ features: 1, seqLen: 100, layers: 1, hidden: 24, batchSize: 64, cell, chrono }), 3);
    const h = new History();
    await gradPerStepMonitor(gan, windowItems(long), { every: 1 }).onIterationEnd!(1, {}, { stop: false, progress: 0 }, h);
    gan.dispose();
    const n = h.gradNormPerStep[0].norms;
    assert.equal(n.length, 100);
    return n[99] / n[0]; // how much more the last judgment depends on the last step than on the first
  };
  const rnn = await ratio('rnn');
  const gru = await ratio('gru');
  const chrono = await ratio('gru', true);
  assert.ok(rnn > 1e3, `plain RNN last/first ${rnn}`);
  assert.ok(gru > 1e10, `GRU with Keras's default biases ${gru}`);
  assert.ok(chrono < 10, `GRU with chrono-initialised gates ${chrono}`);
});

test('a GAN training run with the toolkit on records the monitors in its history; no tensor leaks', async () => {
  const gan = small({ loss: 'hinge', instanceNoise: 0.1, clipNorm: 5, pac: 2 });
  const trainer = new GanTrainer(gan, sines, 1, 20);
  const items = windowItems(sines);
  trainer.trainStep();
  const before = tf.memory().numTensors;
  const res = await fit(trainer, { iterations: 20, callbacks: [diversityMonitor(gan, items, { every: 10 }), gradPerStepMonitor(gan, items, { every: 10 })] });
  assert.equal(tf.memory().numTensors, before);
  const h = res.history.toJSON();
  assert.deepEqual(h.sparse!.diversity.iteration, [10, 20]);
  assert.deepEqual(h.gradNormPerStep!.map((g) => g.iteration), [1, 10, 20]);
  assert.ok(trainer.progress > 0.9, 'the trainer advanced the annealing schedule');
  gan.dispose();
});

test('weight averaging (ema): G is sampled and saved as the moving average of its weights, which cancels its circling', () => {
  const decay = 0.9;
  const gan = small({ ema: decay, lrG: 5e-3 });
  const trainer = new GanTrainer(gan, sines, 1, 20);
  let expected: Float64Array[] = [];
  trainer.trainStep();
  const before = tf.memory().numTensors;
  for (let n = 0; n < 20; n++) {
    if (n > 0) trainer.trainStep();
    const live = snapshot(gan.generatorVariables);
    const average = gan.withAverage(() => snapshot(gan.generatorVariables));
    assert.deepEqual(snapshot(gan.generatorVariables), live, 'the live weights are back after withAverage');
    // The average starts at G's weights after its first update, then follows
    // TensorFlow's warm-up: decay_n = min(decay, (1 + n) / (10 + n)).
    const d = Math.min(decay, (1 + n) / (10 + n));
    if (n === 0) expected = live.map((a) => Float64Array.from(a));
    expected.forEach((e, i) => e.forEach((v, k) => (e[k] = d * v + (1 - d) * live[i][k])));
    expected.forEach((e, i) => e.forEach((v, k) => assert.ok(Math.abs(average[i][k] - v) < 1e-5, `weight ${i}[${k}]: ${average[i][k]} vs ${v}`)));
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  // Sampling uses the average; after commitAverage (the end of training) the weights are the average.
  const average = gan.withAverage(() => snapshot(gan.generatorVariables));
  const sampled = gan.sample(8, new Rng(5));
  assert.notDeepEqual(snapshot(gan.generatorVariables), average);
  gan.commitAverage();
  assert.deepEqual(snapshot(gan.generatorVariables), average);
  assert.deepEqual(gan.sample(8, new Rng(5)), sampled);

  // The effect: a generator that circles its equilibrium w* (here: w* ± δ in
  // turn) is sampled at w*, to within δ·(1 − d)/(1 + d), wherever it stops.
  const centre = snapshot(gan.generatorVariables);
  const delta = 0.05;
  for (let n = 0; n < 80; n++) {
    const sign = n % 2 === 0 ? 1 : -1;
    gan.generatorVariables.forEach((v, i) => v.assign(tf.tensor(centre[i].map((x) => x + sign * delta), v.shape)));
    gan.updateAverage();
  }
  const off = (w: Float32Array[]) => Math.max(...w.map((a, i) => Math.max(...a.map((x, k) => Math.abs(x - centre[i][k])))));
  assert.ok(Math.abs(off(snapshot(gan.generatorVariables)) - delta) < 1e-6, 'G itself is δ away');
  const averaged = off(gan.withAverage(() => snapshot(gan.generatorVariables)));
  assert.ok(averaged < (delta * (1 - decay)) / (1 + decay) + 1e-4, `the average is ${averaged} away`);
  assert.throws(() => rganConfig({ features: F, ema: 1 }), /ema must be 0 \(off\) or a decay in \(0, 1\), got 1/);
  gan.dispose();
});
