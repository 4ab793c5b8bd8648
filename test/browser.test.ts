// A saved generator in a real browser: headless Chromium loads TF.js's browser bundle and the
// model's files, nothing of tsgan, and computes what tsgan computes from the same noise.
// Skipped where Debian's chromium is not installed.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { join } from 'node:path';
import { tf } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { loadModelDir } from '../src/load.js';
import { engine, runCli, tempDir, STOCK_CSV } from './helpers.js';
import { chromiumPath } from '../tools/chromium.js';
import { predictInBrowser } from '../tools/browser-model.js';

const skip = chromiumPath() ? false : 'Chromium is not installed';

before(async () => {
  await engine();
});

/** Trains a small model through the CLI, then runs its generator in the browser and in tsgan on one noise batch. */
async function generatorInBrowser(args: string[], registerLayers = false) {
  const out = join(tempDir(), 'model');
  const r = await runCli(['train', '--data', STOCK_CSV, '--out', out, '--seed', '4', '--batch-size', '32', ...args]);
  assert.equal(r.code, 0, r.stderr);
  const loaded = loadModelDir(out);
  // 13 steps where the model was trained on 24: the exported networks take any length.
  const z = tf.tidy(() => tf.slice(loaded.model.noise(new Rng(9), 3) as tf.Tensor3D, [0, 0, 0], [3, 13, -1])); // [batch, time, noise]
  const ours = loaded.model.generate(z);
  const page = await predictInBrowser(join(out, 'generator'), { shape: z.shape, values: z.dataSync() }, { registerLayers });
  const expected = { shape: ours.shape, values: Array.from(ours.dataSync()) };
  tf.dispose([z, ours]);
  loaded.model.dispose();
  return { page, expected };
}

function assertSame(page: { shape: number[]; values: number[] }, expected: { shape: number[]; values: number[] }) {
  assert.deepEqual(page.shape, expected.shape);
  const worst = Math.max(...page.values.map((v, i) => Math.abs(v - expected.values[i])));
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
}

test('an RGAN generator runs in Chromium with TF.js alone and gives tsgan\'s samples', { skip }, async () => {
  const { page, expected } = await generatorInBrowser(['--model', 'rgan', '--iterations', '5', '--layers', '2', '--hidden', '8']);
  assert.equal(page.backend, 'cpu');
  assert.deepEqual(page.layers, ['GRU', 'GRU', 'Dense']);
  assert.deepEqual(page.external, []);
  assertSame(page, expected);
});

test('a TimeGAN generator (the chain G → S → R) runs in Chromium with TF.js alone and gives tsgan\'s samples', { skip }, async () => {
  const { page, expected } = await generatorInBrowser([
    '--model', 'timegan', '--iterations', '5', '--embedding-iterations', '5', '--supervised-iterations', '5', '--layers', '1', '--hidden', '6',
  ]);
  assert.deepEqual(page.shape, [3, 13, 6]);
  assert.deepEqual(page.external, []);
  assertSame(page, expected);
});

test('a TimeGAN generator with causal attention blocks runs in Chromium with TF.js and tsgan\'s layer module registered, and gives tsgan\'s samples', { skip }, async () => {
  const { page, expected } = await generatorInBrowser(
    ['--model', 'timegan', '--attention', 'g', '--attention-heads', '2', '--attention-placement', 'interleaved', '--iterations', '5', '--embedding-iterations', '5', '--supervised-iterations', '5', '--layers', '2', '--hidden', '6'],
    true,
  );
  assert.deepEqual(page.layers.slice(0, 4), ['GRU', 'TsganSelfAttention', 'GRU', 'TsganSelfAttention']);
  assert.deepEqual(page.external, []);
  assertSame(page, expected);
});
