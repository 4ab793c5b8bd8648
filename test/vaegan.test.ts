/**
 * The VAE–GAN hybrid (src/models/vaegan.ts): its objective's parts against
 * their definitions, that it learns (reconstructions improve, the KL term
 * stays bounded), that a step leaks no tensors, and that a saved model loads
 * and computes what it computed, its encoder included.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { engine, runCli, tempDir, STOCK_CSV, loadPlainLayersModel } from './helpers.js';
import { tf } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { Vaegan, vaeganConfig } from '../src/models/vaegan.js';
import { VaeganTrainer } from '../src/train/vaegan-trainer.js';
import type { Windows } from '../src/data/windows.js';
import { loadModelDir } from '../src/load.js';

before(engine);

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('vaegan config: TimeVAE\'s reconstruction weight and an adversarial weight of 1 by default; negative weights are refused by name', () => {
  const c = vaeganConfig({ features: 3 });
  assert.equal(c.reconWeight, 3);
  assert.equal(c.advWeight, 1);
  assert.equal(c.noiseDim, 3, 'the latent size defaults to the number of features');
  assert.throws(() => vaeganConfig({ features: 3, advWeight: -1 }), /advWeight must be a number ≥ 0, got -1/);
});

test('noise: one z per window, the same at every step', () => {
  const gan = new Vaegan(vaeganConfig({ features: 2, seqLen: 5, noiseDim: 3, layers: 1, hidden: 4 }), 1);
  const z = gan.noise(new Rng(2), 4).arraySync() as number[][][];
  for (const w of z) for (const step of w) assert.deepEqual(step, w[0]);
  assert.notDeepEqual(z[0]![0], z[1]![0]);
  gan.dispose();
});

/** Waves 0.5 + 0.4·sin(t/2 + φ) with φ ~ U(0, 2π) per window and feature: [count, 12, 2]. */
function phasedWaves(count: number, seed: number): Windows {
  const rng = new Rng(seed);
  const data = new Float32Array(count * 12 * 2);
  for (let i = 0; i < count; i++) {
    for (let f = 0; f < 2; f++) {
      const phase = rng.uniform() * 2 * Math.PI;
      for (let t = 0; t < 12; t++) data[(i * 12 + t) * 2 + f] = 0.5 + 0.4 * Math.sin(t / 2 + phase);
    }
  }
  return { data, count, seqLen: 12, features: 2 };
}

test('learning: on waves of random phase the encoder carries each window\'s phase: reconstructions end well below the error of the best phase-blind guess, and a step leaks no tensors', () => {
  // A decoder that ignores z can do no better than each step's mean: an error of the waves' variance, 0.08.
  const data = phasedWaves(512, 1);
  const gan = new Vaegan(vaeganConfig({ features: 2, seqLen: 12, layers: 1, hidden: 16, batchSize: 32, noiseDim: 4, lrG: 1e-2 }), 3);
  const trainer = new VaeganTrainer(gan, data, 1, 1000);
  trainer.trainStep();
  const before = tf.memory().numTensors;
  trainer.trainStep();
  assert.equal(tf.memory().numTensors, before, 'a training step leaks no tensors');
  const recon: number[] = [];
  let last = trainer.trainStep();
  for (let i = 0; i < 1000; i++) {
    last = trainer.trainStep();
    recon.push(last.reconLoss);
  }
  const end = recon.slice(-20).reduce((a, b) => a + b, 0) / 20;
  assert.ok(end < 0.08 / 2, `reconstruction error ${end}`);
  // reconstruct decodes the posterior mean: as good as the sampled z's reconstructions, or better.
  const x = tf.tensor3d(data.data.subarray(0, 64 * 24), [64, 12, 2]);
  const before2 = tf.memory().numTensors;
  const rec = gan.reconstruct(x);
  const err = tf.tidy(() => tf.mean(tf.square(tf.sub(rec, x))).dataSync()[0]);
  assert.equal(tf.memory().numTensors, before2 + 1, 'reconstruct leaves only its result');
  assert.ok(err < 0.08 / 2, `reconstruction error at the posterior mean ${err}`);
  tf.dispose([x, rec]);
  assert.ok(last.klLoss > 1, `the posterior carries information: KL ${last.klLoss}`);
  assert.ok(Number.isFinite(last.dLoss) && Number.isFinite(last.gLoss));
  gan.dispose();
});

test('tsgan train --model vaegan: the directory holds generator, discriminator and encoder; they load with plain TF.js and compute what the model computes', async () => {
  const out = join(tempDir(), 'vae');
  const r = await runCli(['train', '--model', 'vaegan', '--data', STOCK_CSV, '--out', out, '--iterations', '5', '--layers', '2', '--hidden', '8', '--noise-dim', '4', '--batch-size', '16', '--seed', '2']);
  assert.equal(r.code, 0, r.stderr);
  const loaded = loadModelDir(out);
  const model = loaded.model as unknown as Vaegan;
  const z = model.noise(new Rng(9), 3);
  const ours = model.generate(z);
  const generator = await loadPlainLayersModel(join(out, 'generator'));
  const theirs = generator.predict(z) as tf.Tensor;
  assert.deepEqual(theirs.shape, [3, 24, 6]);
  assert.ok(maxAbsDiff(ours, theirs) < 1e-5);
  const encoder = await loadPlainLayersModel(join(out, 'encoder'));
  const { mu, logVar } = model.encode(ours);
  const stats = encoder.predict(ours) as tf.Tensor;
  assert.ok(maxAbsDiff(tf.concat([mu, logVar], 1), stats) < 1e-5, 'the exported encoder gives [μ, log σ²]');
  tf.dispose([z, ours, theirs, mu, logVar, stats]);
  generator.dispose();
  encoder.dispose();
  model.dispose();
});
