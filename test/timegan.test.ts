/**
 * TimeGAN: its networks and shapes, each training phase doing its job
 * (autoencoder, supervisor, joint), the discriminator threshold, that each
 * update leaves the other networks alone, no tensor leaks, and the model
 * directory: the saved generator chain is a plain TF.js LayersModel that
 * samples what tsgan samples; the same seeds give the same file.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, runCli, tempDir, STOCK_CSV, loadPlainLayersModel } from './helpers.js';
import { tf } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { Timegan, timeganConfig, criticInput, batchChangeScale, type TimeganConfig } from '../src/models/timegan.js';
import { correlationLoss, crossFeatureMask, weakPairMask, momentLoss, quantileLoss, slicedLoss, pairProjections, incrementLoss, spreadBalanced } from '../src/losses/distribution.js';
import { TimeganTrainer } from '../src/train/timegan-trainer.js';
import { makeLoss } from '../src/losses/gan.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import type { Windows } from '../src/data/windows.js';
import { sineData } from '../src/data/sines.js';
import { sinesCoupling } from '../src/eval/sines.js';
import { fit, History } from '../src/train/loop.js';
import { diversityMonitor } from '../src/train/monitors.js';
import { diversityProbe } from '../src/train/diversity.js';
import { DenseHead, dense, matchPreActivations, preActivationMoments } from '../src/nn/dense.js';

before(engine);

const sines = sineData({ count: 128, seqLen: 10, features: 3, seed: 1 });

function small(p: Partial<TimeganConfig> = {}, iterations = 10): Timegan {
  const m = new Timegan(timeganConfig({ features: 3, seqLen: 10, hidden: 8, layers: 2, batchSize: 32, ...p }, iterations), 1);
  m.setCorrelationData(sines); // the default correlation term reads its pairs from the training windows (as TimeganTrainer does)
  return m;
}

function batch(seed = 1): tf.Tensor3D {
  const idx = new Rng(seed).permutation(sines.count).subarray(0, 32);
  const out = new Float32Array(32 * 30);
  idx.forEach((i, k) => out.set(sines.data.subarray(i * 30, (i + 1) * 30), k * 30));
  return tf.tensor3d(out, [32, 10, 3]);
}

const values = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

/** 32 windows of a small TimeGAN's noise (seed 3); the model that drew them is disposed. */
function smallNoise(): tf.Tensor3D {
  const m = small();
  const z = m.noise(new Rng(3), 32);
  m.dispose();
  return z;
}

/**
 * One joint G step of a small TimeGAN made with `config` on x and noise z:
 * its logs, each of `terms` evaluated on the model's own samples before the
 * step (what the logs should record), and G's weights after it.
 */
function stepWith(config: Partial<TimeganConfig>, x: tf.Tensor3D, z: tf.Tensor3D, terms: ((x: tf.Tensor3D, xHat: tf.Tensor3D) => tf.Scalar)[]) {
  const m = small(config);
  const xHat = m.generate(z);
  const expected = terms.map((term) => tf.tidy(() => term(x, xHat).dataSync()[0]));
  const logs = m.jointGeneratorStep(x, z, new Rng(4));
  const g = values(m.generatorNet.variables);
  tf.dispose(xHat);
  m.dispose();
  return { logs, expected, g };
}

/** Plain gradient descent of `term(real, ·)` from a copy of `start`: `steps` steps of size `lr`. The caller disposes the result. */
function descend(term: (x: tf.Tensor3D, xHat: tf.Tensor3D) => tf.Scalar, real: tf.Tensor3D, start: tf.Tensor3D, steps: number, lr: number): tf.Variable {
  const w = tf.variable(start.clone());
  for (let i = 0; i < steps; i++) {
    const g = tf.variableGrads(() => term(real, w as tf.Variable<tf.Rank.R3>), [w]);
    tf.tidy(() => w.assign(tf.sub(w, tf.mul(lr, g.grads[w.name]))));
    tf.dispose([g.value, ...Object.values(g.grads)]);
  }
  return w;
}

test('shapes: synthetic data [batch, time, features] in [0, 1]; five networks, three saved', () => {
  const m = small();
  const z = m.noise(new Rng(2), 5);
  assert.deepEqual(z.shape, [5, 10, 3]);
  const x = m.generate(z);
  assert.deepEqual(x.shape, [5, 10, 3]);
  const v = x.dataSync();
  assert.ok(v.every((a) => a > 0 && a < 1));
  assert.deepEqual(Object.keys(m.networkVariables()), ['generator', 'embedder', 'discriminator']);
  assert.equal(m.supervisor.rnn.layers.length, 1, 'the supervisor has one layer fewer');
  assert.equal(m.config.beta1, 0.9);
  assert.equal(m.config.embeddingIterations, 10);
  tf.dispose([z, x]);
  m.dispose();
});

test('phase 1 trains the autoencoder, phase 2 the supervisor; each touches only its own networks', () => {
  const m = small({ lrE: 5e-3, lrG: 5e-3 });
  const x = batch();
  const others1 = values([...m.generatorNet.variables, ...m.supervisor.variables, ...m.discriminatorVariables]);
  const e0 = m.embeddingStep(x).eLoss;
  let e = e0;
  for (let i = 0; i < 150; i++) e = m.embeddingStep(x).eLoss;
  assert.ok(e < e0 / 2, `reconstruction √MSE ${e0} → ${e}`);
  // reconstruct is that trip, R(E(x)), as tsgan eval --reconstruction uses it.
  const rec = m.reconstruct(x);
  assert.deepEqual(rec.shape, x.shape);
  const rms = tf.tidy(() => tf.sqrt(tf.mean(tf.square(tf.sub(rec, x)))).dataSync()[0]);
  assert.ok(Math.abs(rms - e) < 0.2 * e, `R(E(x)) √MSE ${rms}, the last step's ${e}`);
  rec.dispose();
  assert.deepEqual(values([...m.generatorNet.variables, ...m.supervisor.variables, ...m.discriminatorVariables]), others1);
  const others2 = values([...m.embedder.variables, ...m.recovery.variables, ...m.generatorNet.variables, ...m.discriminatorVariables]);
  const s0 = m.supervisedStep(x).sLoss;
  let s = s0;
  for (let i = 0; i < 150; i++) s = m.supervisedStep(x).sLoss;
  assert.ok(s < s0 / 2, `supervised √MSE ${s0} → ${s}`);
  assert.deepEqual(values([...m.embedder.variables, ...m.recovery.variables, ...m.generatorNet.variables, ...m.discriminatorVariables]), others2);
  x.dispose();
  m.dispose();
});

test('joint phase: the G step leaves D alone, the D step leaves G, S, E and R alone; the D threshold holds D still', () => {
  const m = small();
  const x = batch();
  const rng = new Rng(3);
  const z = m.noise(rng, 32);
  const d0 = values(m.discriminatorVariables);
  const g = m.jointGeneratorStep(x, z, rng);
  for (const k of ['gLossU', 'gLossS', 'gLossV', 'eLoss', 'gGradNorm'] as const) assert.ok(Number.isFinite(g[k]), k);
  assert.deepEqual(values(m.discriminatorVariables), d0);
  const rest = values([...m.generatorNet.variables, ...m.supervisor.variables, ...m.embedder.variables, ...m.recovery.variables]);
  const d = m.jointDiscriminatorStep(x, z, rng);
  assert.equal(d.dUpdated, 1);
  assert.notDeepEqual(values(m.discriminatorVariables), d0);
  assert.deepEqual(values([...m.generatorNet.variables, ...m.supervisor.variables, ...m.embedder.variables, ...m.recovery.variables]), rest);
  m.dispose();

  const held = small({ dThreshold: 1e9 });
  const dh = values(held.discriminatorVariables);
  const r = held.jointDiscriminatorStep(x, z, rng);
  assert.equal(r.dUpdated, 0);
  assert.ok(Number.isFinite(r.dLoss));
  assert.deepEqual(values(held.discriminatorVariables), dh);
  held.dispose();
  tf.dispose([x, z]);
});

test('--data-critic: a second D reads values and changes; its step trains it alone; its term in G pulls G through it', () => {
  const x = batch();
  // C's input: each step's values, then its change from the step before in the real batch's std of changes (0 at step 0).
  const [input, scale] = tf.tidy(() => {
    const sc = batchChangeScale(x);
    return [criticInput(x, sc), sc];
  });
  assert.deepEqual(input.shape, [32, 10, 6]);
  const xs = x.arraySync();
  const is = input.arraySync();
  const sc = scale.dataSync();
  for (const [b, t, f] of [[0, 0, 0], [3, 4, 1], [31, 9, 2]]) {
    assert.equal(is[b][t][f], xs[b][t][f]);
    const change = t === 0 ? 0 : xs[b][t][f] - xs[b][t - 1][f];
    assert.ok(Math.abs(is[b][t][3 + f] * sc[f] - change) < 1e-6, `change at ${b}, ${t}, ${f}`);
  }
  tf.dispose([input, scale]);

  const m = small({ dataCritic: 2 });
  const rng = new Rng(3);
  const z = m.noise(rng, 32);
  const others = () => values([...m.generatorNet.variables, ...m.supervisor.variables, ...m.embedder.variables, ...m.recovery.variables, ...m.discriminatorVariables]);
  const rest = others();
  const c0 = values(m.critic!.variables);
  const c = m.jointCriticStep(x, z);
  assert.equal(c.cUpdated, 1);
  assert.ok([c.cLoss, c.cAccReal, c.cAccFake].every(Number.isFinite));
  assert.notDeepEqual(values(m.critic!.variables), c0);
  assert.deepEqual(others(), rest);
  // The G step records C's generator loss on its samples, and leaves C alone.
  const expected = tf.tidy(() => makeLoss(m.config.loss).generator(m.critic!.apply(criticInput(m.generate(z), batchChangeScale(x)))).dataSync()[0]);
  const c1 = values(m.critic!.variables);
  const g = m.jointGeneratorStep(x, z, rng);
  assert.ok(Math.abs(g.gLossX! - expected) < 1e-5 * Math.max(1, expected), `${g.gLossX} vs ${expected}`);
  assert.deepEqual(values(m.critic!.variables), c1);
  m.dispose();
  // Without the critic the networks start the same (C is made last), so only its term can move G differently.
  const off = stepWith({}, x, z, []);
  const on = stepWith({ dataCritic: 2 }, x, z, []);
  assert.equal(off.logs.gLossX, undefined);
  assert.notDeepEqual(on.g, off.g);
  assert.throws(() => small().jointCriticStep(x, z), /no data critic/);
  assert.throws(() => small({ dataCritic: 1, loss: 'wgan-gp' }), /dataCritic has no gradient penalty/);
  // Above the threshold's reach, C is held still, as D is.
  const held = small({ dataCritic: 1, dThreshold: 1e9 });
  const ch = values(held.critic!.variables);
  const r = held.jointCriticStep(x, z);
  assert.equal(r.cUpdated, 0);
  assert.ok(Number.isFinite(r.cLoss) && Number.isFinite(r.cGradNorm));
  assert.deepEqual(values(held.critic!.variables), ch);
  held.dispose();
  tf.dispose([x, z]);
});

test('the trainer runs the three phases in order and leaks no tensors', () => {
  const m = small({}, 3);
  const t = new TimeganTrainer(m, sines, 1, 4);
  assert.equal(t.totalIterations, 10);
  const phases: number[] = [];
  phases.push(t.trainStep().phase); // warm-up: optimiser state is created on first use
  for (let i = 0; i < 6; i++) phases.push(t.trainStep().phase);
  const before = tf.memory().numTensors;
  const last = t.trainStep();
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(phases, [1, 1, 1, 2, 2, 2, 3]);
  assert.equal(last.phase, 3);
  assert.ok(['dLoss', 'gLossU', 'gLossS', 'gLossV', 'eLoss', 'dAccReal', 'dAccFake'].every((k) => Number.isFinite(last[k])));
  m.dispose();

  // With the data critic: its step runs each joint iteration, and still nothing leaks.
  const mc = small({ dataCritic: 1 }, 2);
  const tc = new TimeganTrainer(mc, sines, 1, 4);
  for (let i = 0; i < 6; i++) tc.trainStep();
  const held = tf.memory().numTensors;
  const lc = tc.trainStep();
  assert.equal(tf.memory().numTensors, held);
  assert.ok(['cLoss', 'cAccReal', 'cAccFake', 'gLossX'].every((k) => Number.isFinite(lc[k])));
  mc.dispose();
});

test('ema: the average of the sampling chain G → S → R starts with the joint phase, and the CLI saves it in the config', async () => {
  const m = small({ ema: 0.5 }, 3);
  const t = new TimeganTrainer(m, sines, 1, 4);
  const weights = () => m.generatorVariables.map((v) => (v.dataSync() as Float32Array).slice());
  for (let i = 0; i < 6; i++) t.trainStep();
  assert.deepEqual(m.withAverage(weights), weights(), 'no average before the joint phase');
  t.trainStep(); // the first joint iteration starts the average at G's weights
  const first = m.withAverage(weights);
  assert.deepEqual(first, weights());
  t.trainStep();
  const d = Math.min(0.5, 2 / 11);
  const live = weights();
  const average = m.withAverage(weights);
  average.forEach((a, i) => a.forEach((v, k) => assert.ok(Math.abs(v - (d * first[i][k] + (1 - d) * live[i][k])) < 1e-6)));
  assert.notDeepEqual(average, live);
  m.dispose();
  const out = join(tempDir(), 'tg-ema');
  const r = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', out, '--iterations', '3', '--embedding-iterations', '2', '--supervised-iterations', '2', '--layers', '1', '--hidden', '6', '--batch-size', '32', '--ema', '0.9']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8')).config.ema, 0.9);
});

test('evaluation during training (--eval-every) starts with the joint phase, and the best checkpoint is one of those', async () => {
  const m = small({ embeddingIterations: 2, supervisedIterations: 2 }, 4);
  const t = new TimeganTrainer(m, sines, 1, 4);
  const { fit } = await import('../src/train/loop.js');
  const { EvalCallback } = await import('../src/train/evaluator.js');
  const cb = new EvalCallback(m, { every: 2, heldOut: sines, samples: 64, seed: 1 });
  const res = await fit(t, { iterations: t.totalIterations, callbacks: [cb] });
  // Iterations 1–4 pre-train; the joint phase is 5–8.
  assert.deepEqual(res.history.evaluations.map((e) => e.iteration), [6, 8]);
  assert.ok(cb.best && cb.best.iteration >= 6);
  cb.dispose();
  m.dispose();
});

test('the diversity monitor watches the joint phase only (before it, the generator is untrained)', async () => {
  const m = small({}, 3);
  const t = new TimeganTrainer(m, sines, 1, 4);
  const { fit } = await import('../src/train/loop.js');
  const { diversityMonitor } = await import('../src/train/monitors.js');
  const { windowItems } = await import('../src/train/gan-trainer.js');
  const warnings: string[] = [];
  const res = await fit(t, { iterations: t.totalIterations, callbacks: [diversityMonitor(m, windowItems(sines), { every: 1, threshold: 2, onWarn: (w) => warnings.push(w) })] });
  // Phases 1 and 2 take iterations 1–6; the joint phase 7–10.
  assert.deepEqual(res.history.toJSON().sparse!.diversity.iteration, [7, 8, 9, 10]);
  // A threshold of 2 always warns, once, from a fifth of the joint phase on (its second iteration of four).
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /iteration 8/);
  m.dispose();
});

test('tsgan train --model timegan writes a model whose generator loads with plain TF.js; same seeds, same samples', async () => {
  const dir = tempDir();
  const out = join(dir, 'tg');
  const r = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', out, '--iterations', '5', '--embedding-iterations', '5', '--supervised-iterations', '5', '--layers', '1', '--hidden', '6', '--batch-size', '32', '--seed', '2']);
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8'));
  assert.equal(meta.model, 'timegan');
  assert.deepEqual(meta.files, { generator: 'generator/model.json', embedder: 'embedder/model.json', discriminator: 'discriminator/model.json' });
  assert.equal(meta.iterations, 15);
  assert.deepEqual([...new Set(meta.history.metrics.phase)], [1, 2, 3]);
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  assert.equal((await runCli(['sample', '--model', out, '--count', '20', '--out', a, '--seed', '4'])).code, 0);
  assert.equal((await runCli(['sample', '--model', out, '--count', '20', '--out', b, '--seed', '4'])).code, 0);
  assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));

  // The saved chain G → S → R, loaded by TF.js alone, gives tsgan's samples (in scaled units).
  const gen = await loadPlainLayersModel(join(out, 'generator'));
  const { loadModelDir } = await import('../src/load.js');
  const loaded = loadModelDir(out);
  const z = loaded.model.noise(new Rng(7), 3);
  const mine = loaded.model.generate(z);
  const theirs = gen.predict(z) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(mine, theirs))).dataSync()[0] < 1e-5);
  tf.dispose([z, mine, theirs]);
  gen.dispose();
  loaded.model.dispose();
});

test('bidirectional D: every step’s logit reads the whole sequence; saved, it loads in plain TF.js and judges as tsgan does', async () => {
  const x = batch();
  const grads = (m: Timegan) =>
    tf.tidy(() => {
      const h = m.embedder.apply(x);
      // d(logit at step 1) / d(latent at step 10)
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(m.discriminate(v), [0, 0, 0], [32, 1, 1])))(h);
      return tf.norm(tf.slice(g, [0, 9, 0], [32, 1, 8])).dataSync()[0];
    });
  const one = small({ bidirectional: false });
  assert.equal(grads(one), 0, 'one-directional: step 1 cannot see step 10');
  one.dispose();
  const m = small({ layers: 3 });
  assert.equal(m.config.bidirectional, true, 'the default');
  assert.ok(grads(m) > 1e-4);
  m.dispose();
  x.dispose();

  // Trained and saved by the CLI, loaded back by tsgan and by plain TF.js: the same logits.
  const out = join(tempDir(), 'bi');
  const r = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', out, '--iterations', '3', '--embedding-iterations', '2', '--supervised-iterations', '2', '--layers', '2', '--hidden', '6', '--batch-size', '16', '--seed', '2']);
  assert.equal(r.code, 0, r.stderr);
  const { loadModelDir } = await import('../src/load.js');
  const loaded = loadModelDir(out).model as Timegan;
  assert.equal(loaded.config.bidirectional, true);
  const plain = await loadPlainLayersModel(join(out, 'discriminator'));
  const h = tf.randomUniform([4, 7, 6], 0, 1, 'float32', 5);
  const [mine, theirs] = [loaded.discriminate(h), plain.predict(h) as tf.Tensor];
  assert.ok(tf.max(tf.abs(tf.sub(mine, theirs))).dataSync()[0] < 1e-5);
  assert.ok(tf.max(tf.abs(mine)).dataSync()[0] > 1e-3, 'trained weights, not zeros');
  tf.dispose([h, mine, theirs]);
  plain.dispose();
  loaded.dispose();
});

test('bidirectional D on the fused kernels: the same logits and gradients as its head on the concatenated states in TF.js ops', () => {
  const m = small({ bidirectional: true, layers: 2 });
  const h = tf.randomUniform([16, 10, 8], 0, 1, 'float32', 3) as tf.Tensor3D;
  const vars = m.discriminatorVariables;
  // The definition: one dense head over [forward; backward] at every step.
  const reference = () => tf.sum(tf.sin(m.discriminatorNet.head.apply(m.discriminatorFeatures(h, { twice: true })))) as tf.Scalar;
  const fused = () => tf.sum(tf.sin(m.discriminate(h))) as tf.Scalar;
  const a = tf.variableGrads(reference, vars);
  const b = tf.variableGrads(fused, vars);
  assert.ok(Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0]) < 1e-4);
  for (const v of vars) {
    const [ga, gb] = [a.grads[v.name], b.grads[v.name]];
    const scale = tf.max(tf.abs(ga)).dataSync()[0];
    assert.ok(scale > 0, `${v.name}: no gradient`);
    assert.ok(tf.max(tf.abs(tf.sub(ga, gb))).dataSync()[0] <= 1e-4 * Math.max(1, scale), `${v.name} differs`);
  }
  const [dA, dB] = [tf.grad((x: tf.Tensor) => tf.sum(tf.sin(m.discriminatorNet.head.apply(m.discriminatorFeatures(x, { twice: true })))))(h), tf.grad((x: tf.Tensor) => tf.sum(tf.sin(m.discriminate(x))))(h)];
  assert.ok(tf.max(tf.abs(tf.sub(dA, dB))).dataSync()[0] < 1e-4, 'input gradient');
  tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads), dA, dB, h]);
  m.dispose();
});

test('--no-bidirectional trains the reference code\'s forward-only D; a model saved before the option existed loads as one', async () => {
  const out = join(tempDir(), 'fwd');
  const args = ['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', out, '--iterations', '2', '--embedding-iterations', '1', '--supervised-iterations', '1', '--layers', '1', '--hidden', '4', '--batch-size', '8', '--seed', '3'];
  const both = await runCli([...args, '--bidirectional', '--no-bidirectional']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--bidirectional and --no-bidirectional contradict each other/);
  const r = await runCli([...args, '--no-bidirectional']);
  assert.equal(r.code, 0, r.stderr);
  const { loadModelDir } = await import('../src/load.js');
  const fwd = loadModelDir(out).model as Timegan;
  assert.equal(fwd.config.bidirectional, false);
  assert.equal(fwd.discriminatorBack, null);
  fwd.dispose();
  // The tsgan.json of a model from before the option (and the G terms beyond the reference's): no such keys.
  const file = join(out, 'tsgan.json');
  const meta = JSON.parse(readFileSync(file, 'utf8'));
  for (const key of ['bidirectional', 'correlationLoss', 'correlationPairs', 'correlationThreshold', 'momentLoss', 'slicedLoss', 'incrementLoss']) delete meta.config[key];
  writeFileSync(file, JSON.stringify(meta));
  const old = loadModelDir(out).model as Timegan;
  assert.equal(old.config.bidirectional, false);
  assert.equal(old.config.correlationLoss, 0, 'trained without the term');
  assert.equal(old.config.momentLoss, 'moments', 'trained with the reference\'s moments');
  assert.equal(old.config.incrementLoss, 0);
  assert.equal(old.config.slicedLoss, 0);
  old.dispose();
});

test('--corr-loss: a term that sees waves coupled which the data has independent; the moment and quantile terms cannot', async () => {
  // By hand, one step, two features over 4 windows: real b = a (correlation 1), synthetic b ⟂ a (0).
  const a = [1, 2, 3, 4];
  const real = tf.tensor3d(a.flatMap((v) => [v, v]), [4, 1, 2]);
  const fake = tf.tensor3d(a.flatMap((v, i) => [v, [1, -1, -1, 1][i]]), [4, 1, 2]);
  // The two off-diagonal entries differ by 1, the diagonal by 0: mean (0 + 1 + 1 + 0) / 4.
  assert.ok(Math.abs(correlationLoss(real, fake).dataSync()[0] - 0.5) < 1e-4);
  assert.ok(correlationLoss(real, tf.reverse(real, 0) as tf.Tensor3D).dataSync()[0] < 1e-10, 'the order of the batch does not matter');
  // --corr-pairs cross compares only values of different features: here the two off-diagonal entries.
  assert.ok(Math.abs(correlationLoss(real, fake, crossFeatureMask(1, 2)).dataSync()[0] - 1) < 1e-4);
  // Two steps, feature b constant: fake changes only how a moves with itself from step to step, which 'cross' leaves alone.
  const own = (a1: number[]) => tf.tensor3d(a.flatMap((v, i) => [v, 0, a1[i], 0]), [4, 2, 2]);
  const [realOwn, fakeOwn] = [own(a), own([1, -1, -1, 1])];
  assert.ok(correlationLoss(realOwn, fakeOwn).dataSync()[0] > 0.1);
  assert.ok(correlationLoss(realOwn, fakeOwn, crossFeatureMask(2, 2)).dataSync()[0] < 1e-10);
  tf.dispose([real, fake, realOwn, fakeOwn]);

  // Sines' features are independent and identically distributed: copying feature 0 into the last
  // feature keeps every step's marginal but couples the two waves. Only the correlation term sees it.
  const x = batch(1);
  const other = batch(2);
  const coupled = tf.tidy(() => tf.concat([tf.slice(x, [0, 0, 0], [-1, -1, 2]), tf.slice(x, [0, 0, 0], [-1, -1, 1])], 2) as tf.Tensor3D);
  // sinesCoupling: |corr(last wave at t, each other wave at t − 1)|; a sine follows itself closely one step on.
  const cross = (t: tf.Tensor) => sinesCoupling(t.dataSync(), 10, 3);
  const noise = correlationLoss(x, other).dataSync()[0]; // two real batches
  assert.ok(correlationLoss(x, coupled).dataSync()[0] > 1.5 * noise, `coupled ${correlationLoss(x, coupled).dataSync()[0]}, real against real ${noise}`);
  for (const term of [momentLoss, quantileLoss]) {
    // These rate the coupled batch (made of x's own values) closer to x than another real batch.
    assert.ok(term(x, coupled).dataSync()[0] < term(x, other).dataSync()[0], term.name);
  }
  const w = descend(correlationLoss, x, coupled, 300, 20);
  const before = cross(coupled);
  const after = cross(w);
  assert.ok(before > 0.45 && after < before / 2 && after < 2 * cross(x), `coupling ${before} → ${after} (real ${cross(x)})`);
  w.dispose();

  // In TimeGAN's G step the term is recorded as gLossC, changes G's update, and is absent when off.
  const z = smallNoise();
  const stepped = (c: number) => stepWith({ correlationLoss: c, correlationPairs: 'all' }, x, z, [correlationLoss]);
  const on = stepped(50);
  const off = stepped(0);
  assert.ok(Math.abs(on.logs.gLossC! - on.expected[0]) < 1e-6, `${on.logs.gLossC} against ${on.expected[0]}`);
  assert.equal(off.logs.gLossC, undefined);
  assert.notDeepEqual(on.g, off.g, 'the term is part of what G descends');
  assert.equal(on.logs.gLossV, off.logs.gLossV, 'the same start');
  tf.dispose([x, other, coupled, z]);
  assert.throws(() => small({ correlationLoss: -1 }), /correlationLoss must be ≥ 0, got -1/);
  assert.throws(() => small({ correlationPairs: 'some' as 'all' }), /correlationPairs must be one of weak, all, cross, got some/);
  assert.throws(() => small({ correlationThreshold: 0 }), /correlationThreshold must be in \(0, 1\], got 0/);
  const r = await runCli(['train', '--model', 'rgan', '--data', STOCK_CSV, '--out', join(tempDir(), 'x'), '--corr-loss', '5']);
  assert.match(r.stderr, /--corr-loss applies to --model timegan only/);
});

test("--corr-pairs weak (the default): the term compares only pairs the data has (nearly) uncorrelated, and none in Stocks", async () => {
  // By hand, 4 windows of one step: b = 2a + 1 (ρ = 1), c ⟂ a (ρ = 0), d constant (no correlation at all).
  const a = [1, 2, 3, 4];
  const c = [1, -1, -1, 1];
  const tiny = { data: new Float32Array(a.flatMap((v, i) => [v, 2 * v + 1, c[i], 5])), count: 4, seqLen: 1, features: 4 };
  const mask = weakPairMask(tiny, 0.3);
  const expected = [
    [0, 0, 1, 0],
    [0, 0, 1, 0],
    [1, 1, 0, 0],
    [0, 0, 0, 0],
  ];
  assert.deepEqual(mask.arraySync(), expected);
  mask.dispose();
  // Sines: every pair of different waves is in (independent waves), and a few values of one wave far apart in time.
  const big = sineData({ count: 1000, seqLen: 10, features: 3, seed: 2 });
  const [weak, cross] = [weakPairMask(big, 0.3), crossFeatureMask(10, 3)];
  const inBoth = tf.tidy(() => tf.sum(tf.mul(weak, cross)).dataSync()[0]);
  assert.equal(inBoth, 600);
  assert.equal(tf.tidy(() => tf.sum(cross).dataSync()[0]), 600);
  tf.dispose([weak, cross]);
  // Stocks: every pair of a window's values moves with the price level (|ρ| ≥ .55), so the term is off.
  const r = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', join(tempDir(), 'm'), '--iterations', '1', '--seq-len', '6', '--diversity-every', '0', '--grad-steps-every', '0']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /the correlation term is off: no pair of a window's values has \|ρ\| < 0\.3 over the training windows/);
  // There, a G step is exactly the step without the term: no gLossC, the same update.
  const level = new Rng(9).uniformArray(64); // each window at its own level, every value with it
  const levels = { data: new Float32Array(64 * 30).map((_, i) => level[Math.floor(i / 30)] + 0.001 * (i % 30)), count: 64, seqLen: 10, features: 3 };
  const x = batch();
  const z = smallNoise();
  const step = (p: Partial<TimeganConfig>) => {
    const m = small(p);
    assert.deepEqual(m.setCorrelationData(levels), { pairs: 0, of: 900 });
    const logs = m.jointGeneratorStep(x, z, new Rng(4));
    const g = values(m.generatorVariables);
    m.dispose();
    return { logs, g };
  };
  const on = step({});
  const off = step({ correlationLoss: 0 });
  assert.equal(on.logs.gLossC, undefined);
  assert.deepEqual(on.g, off.g);
  // Sines' own windows: the term is on, over the weak pairs.
  const m = small();
  assert.ok(m.jointGeneratorStep(x, z, new Rng(4)).gLossC! > 0);
  m.dispose();
  const fresh = new Timegan(timeganConfig({ features: 3, seqLen: 10, hidden: 8, layers: 2, batchSize: 32 }, 10), 1);
  assert.throws(() => fresh.jointGeneratorStep(x, z, new Rng(4)), /correlationPairs 'weak' reads its pairs from the training windows: call setCorrelationData\(windows\) first/);
  assert.throws(() => fresh.setCorrelationData({ ...levels, seqLen: 5, features: 6 }), /correlation data has windows of 5 × 6, the model 10 × 3/);
  fresh.dispose();
  tf.dispose([x, z]);
  const bad = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', join(tempDir(), 'x'), '--corr-threshold', '2']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /correlationThreshold must be in \(0, 1\], got 2/);
});

test('--window-noise: N values drawn once per window beside the per-step noise; saved, the generator reads them in plain TF.js', async () => {
  const plain = small();
  const m = small({ windowNoise: 2 });
  const z0 = plain.noise(new Rng(3), 4); // [4, 10, 3]
  const z = m.noise(new Rng(3), 4); // [4, 10, 3 + 2]
  assert.deepEqual(z.shape, [4, 10, 5]);
  const steps = z.slice([0, 0, 0], [4, 10, 3]);
  assert.deepEqual(Array.from(steps.dataSync()), Array.from(z0.dataSync()), 'the per-step values are those drawn without window noise');
  const w = z.slice([0, 0, 3], [4, 10, 2]).arraySync() as number[][][];
  for (const seq of w) for (const step of seq) assert.deepEqual(step, seq[0], 'a window value is the same at every step');
  assert.notDeepEqual(w[0][0], w[1][0], 'each window draws its own');
  const x = m.generate(z);
  assert.deepEqual(x.shape, [4, 10, 3]);
  tf.dispose([z0, z, steps, x]);
  plain.dispose();
  m.dispose();
  assert.throws(() => timeganConfig({ features: 3, seqLen: 10, windowNoise: 1.5 }), /windowNoise must be a whole number, got 1.5/);

  const out = join(tempDir(), 'tg');
  const r = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', out, '--iterations', '3', '--embedding-iterations', '3', '--supervised-iterations', '3', '--layers', '1', '--hidden', '6', '--batch-size', '16', '--seq-len', '6', '--window-noise', '4', '--seed', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8')).config.windowNoise, 4);
  const gen = await loadPlainLayersModel(join(out, 'generator'));
  const { loadModelDir } = await import('../src/load.js');
  const loaded = loadModelDir(out);
  const zs = loaded.model.noise(new Rng(7), 3); // [3, 6, 6 per-step + 4 per-window]
  assert.deepEqual(zs.shape, [3, 6, 10]);
  const mine = loaded.model.generate(zs);
  const theirs = gen.predict(zs) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(mine, theirs))).dataSync()[0] < 1e-5);
  tf.dispose([zs, mine, theirs]);
  gen.dispose();
  loaded.model.dispose();
  const bad = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', join(tempDir(), 'x'), '--window-noise', '-1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /tsgan: error: --window-noise must be an integer ≥ 0, got "-1"/);
});

test('TimeGAN-only options are refused for other models', async () => {
  const r = await runCli(['train', '--model', 'rgan', '--data', STOCK_CSV, '--out', join(tempDir(), 'x'), '--gamma', '2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--gamma applies to --model timegan only/);
});

test('--moment-loss sliced: the term also sees how two features move together at a step, which the per-feature quantiles cannot', () => {
  // Directions: the 3 axes, then both diagonals of each of the 3 pairs, all of unit length.
  const P = pairProjections(3);
  assert.deepEqual(P.shape, [3, 9]);
  const norms = tf.tidy(() => Array.from(tf.sum(tf.square(P), 0).dataSync()));
  for (const n of norms) assert.ok(Math.abs(n - 1) < 1e-6);
  const B = 64;
  // Real: two features that move as one (as Stocks' prices). Synthetic: the same two
  // marginals, paired at random (the second feature's values shuffled across the batch).
  const a = Array.from({ length: B }, (_, i) => i / (B - 1));
  const rng = new Rng(7);
  const shuffled = Array.from(rng.permutation(B), (j) => a[j]);
  const real = tf.tensor3d(a.flatMap((v) => [v, v]), [B, 1, 2]);
  const paired = tf.tensor3d(a.flatMap((v, i) => [v, shuffled[i]]), [B, 1, 2]);
  const P2 = pairProjections(2);
  const sliced = (x: tf.Tensor3D, xHat: tf.Tensor3D) => slicedLoss(x, xHat, P2);
  assert.equal(quantileLoss(real, paired).dataSync()[0], 0, 'each feature alone: the same values');
  assert.ok(sliced(real, paired).dataSync()[0] > 0.05, 'the diagonals see the pairing');
  assert.ok(Math.abs(sliced(real, tf.reverse(real, 0) as tf.Tensor3D).dataSync()[0]) < 1e-7, 'a reordering of the batch costs nothing');
  // Descending the term from the random pairing brings the features back together; the quantiles leave them apart.
  const correlation = (w: tf.Tensor3D) => {
    const v = w.arraySync().map((row) => row[0]);
    const m = [0, 1].map((f) => v.reduce((s, r) => s + r[f], 0) / B);
    const cov = (f: number, g: number) => v.reduce((s, r) => s + (r[f] - m[f]) * (r[g] - m[g]), 0);
    return cov(0, 1) / Math.sqrt(cov(0, 0) * cov(1, 1));
  };
  const start = correlation(paired);
  const after = (term: typeof momentLoss) => {
    const w = descend(term, real, paired, 600, 0.005 * B * 2);
    const c = correlation(w as tf.Tensor3D);
    w.dispose();
    return c;
  };
  const [byQuantiles, bySliced] = [after(quantileLoss), after(sliced)];
  assert.ok(Math.abs(byQuantiles - start) < 1e-6, `quantiles: correlation ${byQuantiles} (start ${start})`);
  assert.ok(bySliced > 0.9, `sliced: correlation ${bySliced} (start ${start})`);
  tf.dispose([P, P2, real, paired]);

  // --sliced-loss W: the term beside the moments (recorded as gLossW, with the
  // correlation term's gLossC before it), part of what G descends; absent at 0.
  const x = batch();
  const z = smallNoise();
  const P3 = pairProjections(3);
  const sliced3 = (a: tf.Tensor3D, b: tf.Tensor3D) => slicedLoss(a, b, P3);
  const stepped = (w: number) => stepWith({ momentLoss: 'moments', slicedLoss: w, incrementLoss: 0, correlationPairs: 'all' }, x, z, [momentLoss, sliced3, correlationLoss]);
  const on = stepped(30);
  const off = stepped(0);
  const [v, w, c] = on.expected;
  assert.ok(Math.abs(on.logs.gLossW! - w) < 1e-6 && Math.abs(on.logs.gLossV - v) < 1e-6 && Math.abs(on.logs.gLossC! - c) < 1e-6, JSON.stringify(on));
  assert.equal(off.logs.gLossW, undefined);
  assert.equal(off.logs.gLossC, on.logs.gLossC);
  assert.notDeepEqual(on.g, off.g, 'the term is part of what G descends');
  tf.dispose([x, z, P3]);
  assert.throws(() => small({ slicedLoss: -1 }), /slicedLoss must be ≥ 0, got -1/);
});

test('--increment-loss: the term sees how much a series moves within a window, which the terms on each step cannot', () => {
  // Real: series that jump ±0.1 around their level at every step. Synthetic: the
  // same values at every step, regrouped so that each series keeps its rank at
  // every step (smooth): each step's distribution is the real one.
  const B = 64;
  const T = 8;
  const rng = new Rng(11);
  const level = Array.from({ length: B }, () => rng.uniform());
  const rows = level.map((l) => Array.from({ length: T }, () => [l + (rng.uniform() < 0.5 ? -0.1 : 0.1)]));
  const real = tf.tensor3d(rows);
  const sortedSteps = Array.from({ length: T }, (_, t) => rows.map((r) => r[t][0]).sort((a, b) => a - b));
  const smooth = tf.tensor3d(Array.from({ length: B }, (_, b) => sortedSteps.map((col) => [col[b]])));
  const meanChange = (w: tf.Tensor3D) =>
    tf.tidy(() => tf.mean(tf.abs(tf.sub(tf.slice(w, [0, 1, 0], [B, T - 1, 1]), tf.slice(w, [0, 0, 0], [B, T - 1, 1])))).dataSync()[0]);
  assert.ok(quantileLoss(real, smooth).dataSync()[0] < 1e-7, 'each step alone: the same values');
  assert.ok(momentLoss(real, smooth).dataSync()[0] < 1e-3);
  assert.ok(incrementLoss(real, smooth).dataSync()[0] > 0.05, 'the changes differ');
  const [before, target] = [meanChange(smooth), meanChange(real)];
  const w = descend(incrementLoss, real, smooth, 300, 0.002 * B * (T - 1));
  const after = meanChange(w as tf.Tensor3D);
  assert.ok(before < target / 2 && Math.abs(after - target) < (target - before) / 4, `mean |change|: ${before} → ${after} (real ${target})`);
  tf.dispose([real, smooth, w]);
  // In TimeGAN's G step: recorded as gLossI, after the sliced term's gLossW.
  const x = batch();
  const z = smallNoise();
  const { logs, expected } = stepWith({ incrementLoss: 10, slicedLoss: 10 }, x, z, [incrementLoss]);
  assert.ok(Math.abs(logs.gLossI! - expected[0]) < 1e-6 && logs.gLossW! > 0, JSON.stringify(logs));
  tf.dispose([x, z]);
  assert.throws(() => small({ incrementLoss: -2 }), /incrementLoss must be ≥ 0, got -2/);
});

test('--balance-steps: a step where the data hardly varies weighs in the distribution terms as much as one where it varies widely', () => {
  // [64, 4, 2]: step 0 in [0.5, 0.55] (as Sines' first values), the others in [0, 1].
  const rng = new Rng(5);
  const B = 64, T = 4, F = 2;
  const real = new Float32Array(B * T * F).map((_, i) => (Math.floor(i / F) % T === 0 ? 0.5 + 0.05 * rng.uniform() : rng.uniform()));
  const x = tf.tensor3d(real, [B, T, F]);
  // The generator's fault: every first value at the middle (no spread), the other steps exact.
  const xHat = tf.tensor3d(real.map((v, i) => (Math.floor(i / F) % T === 0 ? 0.525 : v)), [B, T, F]);
  const [sd, meanSd, raw, balanced, rawFirst, balancedFirst] = tf.tidy(() => {
    const [xb, xHatB] = spreadBalanced(x, xHat);
    // The gradient G gets at the first step, per unit of its error, with and without the balancing.
    const firstGrad = (term: (h: tf.Tensor3D) => tf.Scalar) => tf.abs(tf.grad((h: tf.Tensor) => term(h as tf.Tensor3D))(xHat).slice([0, 0, 0], [B, 1, F])).sum().dataSync()[0];
    return [
      tf.sqrt(tf.moments(xb, 0).variance).arraySync() as number[][],
      tf.mean(tf.sqrt(tf.moments(x, 0).variance)).dataSync()[0],
      quantileLoss(x, xHat).dataSync()[0],
      quantileLoss(xb, xHatB).dataSync()[0],
      firstGrad((h) => quantileLoss(x, h)),
      firstGrad((h) => quantileLoss(...spreadBalanced(x, h))),
    ];
  });
  for (const row of sd) for (const v of row) assert.ok(Math.abs(v - meanSd) < 1e-4, `every step and feature in units of the mean spread (${v} against ${meanSd})`);
  assert.ok(balanced > 10 * raw, `the first step's collapse counts ${balanced / raw}× more in balanced units`);
  assert.ok(balancedFirst > 5 * rawFirst, `G's gradient at the first step is ${balancedFirst / rawFirst}× larger, as the step's unit is smaller`);

  // A batch with no spread at all (one window) gives finite units, not a division by 0.
  const one = tf.tidy(() => quantileLoss(...spreadBalanced(x.slice([0, 0, 0], [1, T, F]), xHat.slice([0, 0, 0], [1, T, F]))).dataSync()[0]);
  assert.ok(Number.isFinite(one));

  // Wired into TimeGAN's G step: the same batch and noise, another term value and another G.
  const xs = batch();
  const m = small({ balanceSteps: true });
  const z = m.noise(new Rng(1), 32);
  const off = stepWith({}, xs, z, []);
  const on = stepWith({ balanceSteps: true }, xs, z, []);
  assert.ok(Math.abs(on.logs.gLossV - off.logs.gLossV) > 1e-3, `the balanced term (${on.logs.gLossV}) is not the plain one (${off.logs.gLossV})`);
  assert.notDeepEqual(on.g, off.g);
  m.jointGeneratorStep(xs, z, new Rng(2)); // the first step makes the optimisers' slots
  const before = tf.memory().numTensors;
  m.jointGeneratorStep(xs, z, new Rng(2));
  assert.equal(tf.memory().numTensors, before, 'a step with the balanced terms leaks no tensors');
  tf.dispose([x, xHat, xs, z]);
  m.dispose();
});

test('the stability toolkit works inside TimeGAN: every loss, feature matching, PacGAN, instance noise, clipping, chrono gates', () => {
  const x = batch();
  const rng = new Rng(5);
  const cases: Partial<TimeganConfig>[] = [
    { loss: 'lsgan', labelSmoothing: 0.1, bidirectional: false },
    { loss: 'hinge', instanceNoise: 0.2 },
    { loss: 'wgan-gp', clipNorm: 1 },
    { featureMatching: true, pac: 2, chrono: true },
    { featureMatching: true, bidirectional: false },
    { momentLoss: 'quantiles' },
    { momentLoss: 'sliced', bidirectional: false },
    { correlationLoss: 10, bidirectional: false },
  ];
  for (const c of cases) {
    const m = small(c);
    const z = m.noise(rng, 32);
    // Optimiser state is created on first use.
    m.jointGeneratorStep(x, z, rng);
    m.jointDiscriminatorStep(x, z, rng);
    const before = tf.memory().numTensors;
    const g = m.jointGeneratorStep(x, z, rng);
    const d = m.jointDiscriminatorStep(x, z, rng);
    assert.equal(tf.memory().numTensors, before, `tensors leaked with ${JSON.stringify(c)}`);
    for (const v of [...Object.values(g), ...Object.values(d)]) assert.ok(Number.isFinite(v), `${JSON.stringify(c)}: ${JSON.stringify({ ...g, ...d })}`);
    if (c.loss === 'hinge' || c.loss === 'wgan-gp') assert.equal(d.dUpdated, 1, 'no D threshold off the BCE scale');
    if (c.clipNorm) assert.ok(g.gGradNorm > 0);
    z.dispose();
    m.dispose();
  }
  x.dispose();
});

test('--moment-loss quantiles: the data-space term sees the whole distribution per step and feature, the moments only its mean and std', () => {
  const B = 64;
  // Real: ±1 per (step, feature), mean 0 and std 1. Synthetic: evenly spread over ±√3, the same mean and std.
  const real = tf.tensor3d(Array.from({ length: B * 2 }, (_, i) => (Math.floor(i / 2) % 2 ? 1 : -1)), [B, 2, 1]);
  const spread = Array.from({ length: B * 2 }, (_, i) => Math.sqrt(3) * (2 * (Math.floor(i / 2) + 0.5) / B - 1));
  const rescale = (v: number[]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    return v.map((x) => (x - m) / sd);
  };
  const v = tf.tensor3d(rescale(spread), [B, 2, 1]);
  // Sorted values matched rank by rank: a reordering of the batch costs nothing ...
  assert.equal(quantileLoss(real, tf.reverse(real, 0) as tf.Tensor3D).dataSync()[0], 0);
  // ... and the 1-D Wasserstein distance by hand: ∫₀¹ |√3·s − 1| ds = 1/(2√3) + 2/√3 − 1.
  assert.ok(Math.abs(quantileLoss(real, v).dataSync()[0] - (1 / (2 * Math.sqrt(3)) + 2 / Math.sqrt(3) - 1)) < 0.01);
  // Descending each term from the same start: the moments are already matched and leave the values where they are; the quantiles pull them to ±1.
  const nearOne = (term: typeof momentLoss) => {
    // A step of 0.01 per value: the gradient of a mean of |·| over B · 2 values is ±1 / (B · 2).
    const w = descend(term, real, v, 200, 0.01 * B * 2);
    const near = Array.from(w.dataSync()).filter((x) => Math.abs(Math.abs(x) - 1) < 0.05).length / (B * 2);
    w.dispose();
    return near;
  };
  const before = Array.from(v.dataSync()).filter((x) => Math.abs(Math.abs(x) - 1) < 0.05).length / (B * 2);
  const [byMoments, byQuantiles] = [nearOne(momentLoss), nearOne(quantileLoss)];
  assert.ok(byMoments <= before + 0.02, `moments: ${byMoments} near ±1 (start ${before})`);
  assert.ok(byQuantiles > 0.95, `quantiles: ${byQuantiles} near ±1 (start ${before})`);
  tf.dispose([real, v]);
  // In TimeGAN's G step the option swaps the term G descends (recorded as gLossV).
  const x = batch();
  for (const loss of ['quantiles', 'moments', 'sliced'] as const) {
    const m = small({ momentLoss: loss });
    const z = m.noise(new Rng(3), 32);
    const xHat = m.generate(z);
    const P = pairProjections(m.config.features);
    const term = { quantiles: quantileLoss, moments: momentLoss, sliced: (a: tf.Tensor3D, b: tf.Tensor3D) => slicedLoss(a, b, P) }[loss];
    const expected = term(x, xHat).dataSync()[0];
    P.dispose();
    assert.ok(Math.abs(m.jointGeneratorStep(x, z, new Rng(4)).gLossV - expected) < 1e-6, loss);
    tf.dispose([z, xHat]);
    m.dispose();
  }
  x.dispose();
});

test('the type system keeps TimeGAN out of the plain GAN trainer (its D judges latent sequences, not data)', () => {
  // Checked when the tests compile: without the @ts-expect-error the build fails, and if GanTrainer accepted a Timegan, the directive itself would.
  const wrong = (t: Timegan, w: Windows) =>
    // @ts-expect-error a TimeGAN is not a DataSpaceGan
    new GanTrainer(t, w, 0);
  assert.equal(wrong.length, 2);
});

test('matchPreActivations: each unit of a dense head gets the target mean and spread over the given inputs, and stays affine in them', () => {
  const head = new DenseHead({ inputSize: 4, units: 3, activation: 'sigmoid' }, new Rng(5));
  const x = tf.tensor3d(new Rng(6).uniformArray(2 * 50 * 4, 0, 1), [50, 2, 4]); // [batch, time, in]
  const before = tf.tidy(() => dense(x, { ...head, activation: 'linear' }));
  const target = { mean: Float32Array.of(-1, 0.5, 2), sd: Float32Array.of(0.1, 1, 3) };
  matchPreActivations(x, head, target);
  const m = preActivationMoments(x, head);
  for (let j = 0; j < 3; j++) {
    assert.ok(Math.abs(m.mean[j] - target.mean[j]) < 1e-4, `unit ${j}: mean ${m.mean[j]}, wanted ${target.mean[j]}`);
    assert.ok(Math.abs(m.sd[j] - target.sd[j]) < 1e-3 * target.sd[j], `unit ${j}: sd ${m.sd[j]}, wanted ${target.sd[j]}`);
  }
  // The new pre-activations are the old ones standardised per unit, then scaled and shifted: the rank order is kept.
  const after = tf.tidy(() => dense(x, { ...head, activation: 'linear' }));
  const corr = tf.tidy(() => {
    const a = tf.reshape(before, [-1, 3]);
    const b = tf.reshape(after, [-1, 3]);
    const z = (t: tf.Tensor) => tf.div(tf.sub(t, tf.mean(t, 0)), tf.sqrt(tf.moments(t, 0).variance));
    return Array.from(tf.mean(tf.mul(z(a), z(b)), 0).dataSync());
  });
  for (const r of corr) assert.ok(r > 0.9999, `correlation with the old pre-activations ${r}`);
  // A unit that does not vary over x is only moved to the target mean (no division by its zero spread).
  const flat = tf.zeros([10, 4]);
  matchPreActivations(flat, head, target);
  const mf = preActivationMoments(flat, head);
  assert.deepEqual(Array.from(mf.mean).map((v) => Math.round(v * 1e4) / 1e4), [-1, 0.5, 2]);
  assert.ok([...head.kernel.dataSync(), ...head.bias.dataSync()].every(Number.isFinite));
  assert.throws(() => matchPreActivations(x, head, { mean: new Float32Array(2), sd: new Float32Array(2) }), /the target has 2 units, the head 3/);
  tf.dispose([x, before, after, flat]);
  head.dispose();
});

test('--generator-init data: at the joint phase\'s start G\'s head is fitted to the embedder\'s pre-activations, once, from a stream of its own, and samples vary from window to window', async () => {
  const build = (generatorInit: 'random' | 'data') => {
    const m = small({ generatorInit, embeddingIterations: 300, supervisedIterations: 5 });
    return { m, t: new TimeganTrainer(m, sines, 1, 3) };
  };
  const restored = (generatorInit: 'random' | 'data', from: { m: Timegan; t: TimeganTrainer }) => {
    const r = build(generatorInit);
    r.m.restoreTrainingState(from.m.trainingState());
    r.t.setState(from.t.getState());
    return r;
  };
  // Phases 1 and 2 do not read the option: one run to the last iteration before the joint phase.
  const b = build('data');
  for (let i = 0; i < 305; i++) b.t.trainStep();

  // On noise and windows of the test's own.
  const z = b.m.noise(new Rng(9), 128);
  const x = tf.tensor3d(sines.data, [sines.count, 10, 3]);
  const spread = (h: tf.Tensor) => tf.tidy(() => tf.mean(tf.sqrt(tf.moments(h, 0).variance)).dataSync()[0]); // across windows, per step and unit
  const direct = restored('data', b);
  const drawn = tf.tidy(() => spread(direct.m.generatorNet.apply(z)));
  const tensors = tf.memory().numTensors;
  direct.m.initGeneratorFromData(x, z);
  assert.equal(tf.memory().numTensors, tensors, 'the init leaks no tensors');
  const fitted = tf.tidy(() => spread(direct.m.generatorNet.apply(z)));
  // G's pre-activations on z have the embedder's mean and spread on x, unit by unit (`sdFloor`: an absolute slack on the spread).
  const assertFitted = (m: Timegan, x: tf.Tensor3D, z: tf.Tensor3D, sdFloor = 0) => {
    const pre = (net: Timegan['embedder'], input: tf.Tensor3D) => tf.tidy(() => preActivationMoments(net.hiddenStates(input), net.head));
    const want = pre(m.embedder, x);
    const got = pre(m.generatorNet, z);
    for (let j = 0; j < want.mean.length; j++) {
      assert.ok(Math.abs(got.mean[j] - want.mean[j]) < 1e-3 && Math.abs(got.sd[j] - want.sd[j]) < 1e-3 * want.sd[j] + sdFloor, `unit ${j}: G's pre-activations ${got.mean[j]} ± ${got.sd[j]}, the embedder's ${want.mean[j]} ± ${want.sd[j]}`);
    }
  };
  assertFitted(direct.m, x, z);
  // G's latents then vary from window to window (on this small model, 6 times as much as drawn).
  assert.ok(fitted > 3 * drawn, `fitted G's latents spread ${fitted} across windows, drawn ${drawn}`);

  // In training: the first joint iteration fits G's head from a stream of its own, so the batches and noise are the drawn run's.
  const c = restored('random', b);
  const e = restored('data', b); // resumed from a checkpoint taken before the joint phase
  for (const r of [b, c, e]) r.t.trainStep();
  assert.notDeepEqual(values([b.m.generatorNet.head.kernel]), values([c.m.generatorNet.head.kernel]));
  assert.deepEqual(b.t.getState(), c.t.getState());
  assert.deepEqual(values(e.m.generatorVariables), values(b.m.generatorVariables), 'a resumed run fits G as a straight one does');
  const samples = (m: Timegan) => tf.tidy(() => spread(m.generate(z)));
  assert.ok(samples(b.m) > 3 * samples(c.m), `samples spread ${samples(b.m)} with the fitted G, ${samples(c.m)} with the drawn one`);
  // Resumed after the joint phase began, G is not fitted again.
  const f = restored('data', b);
  for (const r of [b, f]) r.t.trainStep();
  assert.deepEqual(values(f.m.generatorVariables), values(b.m.generatorVariables), 'resumed in the joint phase, no second fit');
  // The diversity warning suggests the fit where neither the option nor the collapse check has applied it.
  assert.equal(b.m.collapseRemedies('spread')[0], '--pac 2');
  assert.equal(c.m.collapseRemedies('spread')[0], '--pac 2');
  const unchecked = small({ collapseRefit: 0 });
  assert.deepEqual(unchecked.collapseRemedies('spread').slice(0, 2), ['--generator-init data', '--pac 2']);
  assert.equal(unchecked.collapseRemedies('coverage')[0], '--pac 2', 'the fit widens a narrow G; it does not spread a crowded one');
  unchecked.dispose();
  // With the data critic, which has no gradient penalty, wgan-gp is not offered (it would be refused).
  const critic = small({ dataCritic: 1 });
  assert.ok(!critic.collapseRemedies('spread').includes('--loss wgan-gp'), critic.collapseRemedies('spread').join(', '));
  critic.dispose();
  tf.dispose([z, x]);
  for (const r of [b, c, direct, e, f]) r.m.dispose();

  // A generator with window noise and a self-attention block is fitted the same way.
  const w = small({ generatorInit: 'data', windowNoise: 2, attention: 'g' });
  const zw = w.noise(new Rng(2), 64); // [64, 10, 3 + 2]
  const xw = tf.tensor3d(sines.data.subarray(0, 64 * 30), [64, 10, 3]);
  w.initGeneratorFromData(xw, zw);
  assertFitted(w, xw, zw, 1e-6);
  tf.dispose([zw, xw]);
  w.dispose();

  const out = join(tempDir(), 'tg');
  const r = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', out, '--iterations', '2', '--embedding-iterations', '2', '--supervised-iterations', '2', '--layers', '1', '--hidden', '6', '--batch-size', '16', '--seq-len', '6', '--generator-init', 'data']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8')).config.generatorInit, 'data');
  const bad = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', join(tempDir(), 'x'), '--generator-init', 'zeros']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /tsgan: error: --generator-init must be one of random, data, got "zeros"/);
});

test('--collapse-refit: after N joint iterations a generator that never spread out gets its head fitted, once, reading what the diversity monitor reads; a spread one is left alone', async () => {
  const build = (collapseRefit: number) => {
    const m = small({ collapseRefit, ema: 0.9, embeddingIterations: 2000, supervisedIterations: 1000 });
    return { m, t: new TimeganTrainer(m, sines, 1, 10) };
  };
  const from = (src: ReturnType<typeof build>, collapseRefit: number) => {
    const r = build(collapseRefit);
    r.m.restoreTrainingState(src.m.trainingState());
    r.t.setState(src.t.getState());
    return r;
  };
  // Phases 1 and 2 once; on this small model the drawn G's samples then hardly vary (the failure the check is for).
  const base = build(0);
  const phases = (await fit(base.t, { iterations: 3000 })).history;
  const a = from(base, 3);
  const b = from(base, 0);
  const ha = (await fit(a.t, { iterations: 3, history: History.from(phases) })).history;
  const hb = (await fit(b.t, { iterations: 3, history: History.from(phases), callbacks: [diversityMonitor(b.m, b.t.items, { every: 3003, seed: 1 })] })).history;
  // The check's reading is the monitor's, at the same iteration, and is recorded in the history.
  assert.deepEqual(ha.sparse.collapseCheck!.iteration, [3003]);
  const read = ha.sparse.collapseCheck!.values[0]!;
  assert.equal(read, hb.sparse.diversity!.values[0]);
  assert.ok(read < 0.25, `drawn G's diversity ${read}`);
  assert.equal(hb.sparse.collapseCheck, undefined);
  assert.match(a.t.stepNotice ?? '', /^tsgan: generator diversity 0\.\d{3} at iteration 3003 \(.*\): the generator never spread out; its output layer was fitted .*\(--collapse-refit\)$/);
  // The refit spreads the samples out, restarts the average, and leaves the batches and noise as they were.
  const probe = diversityProbe(a.t.items, 128, 1);
  const after = probe.ratio(probe.sample(a.m));
  assert.ok(after > 0.25 && after > 5 * read, `diversity ${after} after the refit, ${read} before`);
  assert.equal(a.m.trainingState().average, null);
  assert.deepEqual(a.t.getState(), b.t.getState());
  assert.notDeepEqual(values(a.m.generatorVariables), values(b.m.generatorVariables));

  // Resumed from the iteration before, the run checks and refits as the straight one did.
  const c = from(base, 3);
  c.t.trainStep();
  const d = from(c, 3);
  d.t.trainStep(); // a restored model's first step makes a tensor it keeps
  const tensors = tf.memory().numTensors;
  d.t.trainStep();
  assert.equal(tf.memory().numTensors, tensors, 'the step with the check and the refit leaks no tensors');
  assert.deepEqual(d.t.measured, { collapseCheck: read });
  assert.deepEqual(values(d.m.generatorVariables), values(a.m.generatorVariables), 'resumed before the check');
  // Resumed after it, it does not check again; and a check that finds G spread out changes nothing.
  const e = from(a, 3);
  const f = from(a, 4);
  const g = from(a, 0);
  for (const r of [a, e, f, g]) r.t.trainStep();
  assert.deepEqual(e.t.measured, {});
  assert.deepEqual(values(e.m.generatorVariables), values(a.m.generatorVariables), 'resumed after the check');
  assert.ok(f.t.measured.collapseCheck! >= 0.25, `refitted G's diversity ${f.t.measured.collapseCheck}`);
  assert.equal(f.t.stepNotice, null);
  assert.deepEqual(values(f.m.generatorVariables), values(g.m.generatorVariables));
  assert.deepEqual(f.m.trainingState().average, g.m.trainingState().average);
  // The check runs in a joint phase of at least twice its iteration (10 = 2 × 5), not in a shorter one (10 < 2 × 6): training must follow a refit.
  const edge = from(base, 5);
  const late = from(base, 6);
  const checkedAt = (r: ReturnType<typeof build>) => {
    const at: number[] = [];
    for (let i = 1; i <= 6; i++) if ((r.t.trainStep(), 'collapseCheck' in r.t.measured)) at.push(i);
    return at;
  };
  assert.deepEqual(checkedAt(edge), [5]);
  assert.deepEqual(checkedAt(late), []);
  for (const r of [base, a, b, c, d, e, f, g, edge, late]) r.m.dispose();

  const out = join(tempDir(), 'tg-refit');
  const r = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', out, '--iterations', '4', '--embedding-iterations', '2', '--supervised-iterations', '2', '--layers', '1', '--hidden', '6', '--batch-size', '16', '--seq-len', '6', '--collapse-refit', '2']);
  assert.equal(r.code, 0, r.stderr);
  const saved = JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8'));
  assert.equal(saved.config.collapseRefit, 2);
  assert.equal(saved.history.sparse.collapseCheck.iteration[0], 6);
  // tsgan train says so when it refits (this small generator reads below .25 after two joint iterations).
  assert.ok(saved.history.sparse.collapseCheck.values[0] < 0.25);
  assert.match(r.stderr, /tsgan: generator diversity 0\.\d{3} at iteration 6 .*fitted to the embedder's latents/);
  const bad = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', join(tempDir(), 'x'), '--collapse-refit', '-1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /tsgan: error: --collapse-refit must be/);
});
