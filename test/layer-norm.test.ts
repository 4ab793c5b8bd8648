/**
 * Layer-normalised recurrent cells (Ba et al. 2016): the invariance that is
 * their point (a cell's activations do not depend on the scale of its inputs
 * or weights, so they neither saturate nor vanish as scales drift), that a
 * GAN with them trains without leaking tensors, and that it saves as a
 * LayersModel which loads (with tsgan's layer class registered) and computes
 * what tsgan computes.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, runCli, tempDir, STOCK_CSV, loadPlainLayersModel } from './helpers.js';
import { tf } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { RecurrentStack, CELL_TYPES } from '../src/nn/recurrent.js';
import { Rgan, rganConfig } from '../src/models/rgan.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { sineData } from '../src/data/sines.js';
import { saveModelDir, type ModelMeta } from '../src/io/model-dir.js';
import { loadModelDir } from '../src/load.js';

before(engine);

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

for (const cell of CELL_TYPES) {
  test(`${cell}: a layer-normalised stack gives the same outputs whatever the scale of its inputs; a plain one saturates`, () => {
    const x = tf.tidy(() => tf.randomUniform([4, 30, 3], -1, 1, 'float32', 5)) as tf.Tensor3D;
    const outputs = (layerNorm: boolean) => {
      const stack = new RecurrentStack({ cell, layers: 2, hidden: 8, inputSize: 3, layerNorm }, new Rng(1));
      // The input scaled by 100 and by 10,000 (sensors in other units, an unscaled
      // column); at these scales LayerNorm's ε (1e-3) is negligible.
      const [a, b] = [100, 10000].map((s) => tf.tidy(() => stack.apply(tf.mul(x, s) as tf.Tensor3D)));
      const diff = maxAbsDiff(a, b);
      const spread = tf.tidy(() => tf.moments(a).variance.dataSync()[0]);
      tf.dispose([a, b]);
      stack.dispose();
      return { diff, spread };
    };
    const ln = outputs(true);
    const plain = outputs(false);
    assert.ok(ln.diff < 1e-3, `layer-normalised: outputs moved by ${ln.diff}`);
    assert.ok(plain.diff > 0.05, `plain: outputs moved by only ${plain.diff}`);
    assert.ok(ln.spread > 1e-3, 'the normalised outputs are not constant');
    x.dispose();
  });
}

test('a layer-normalised LSTM GAN trains (G and D move, no tensor leaks) and its model directory loads and samples what tsgan samples', async () => {
  const data = sineData({ count: 64, seqLen: 12, features: 2, seed: 1 });
  const gan = new Rgan(rganConfig({ features: 2, seqLen: 12, layers: 2, hidden: 6, batchSize: 16, cell: 'lstm', layerNorm: true }), 3);
  assert.equal(gan.generatorVariables.length, 2 * 7 + 2, 'per layer: kernel, recurrent kernel, bias, gain x, gain h, gain c, shift c; then the head');
  const gains = gan.generatorVariables[3].dataSync().slice();
  const trainer = new GanTrainer(gan, data, 1, 10);
  trainer.trainStep(); // optimiser state is created on first use
  const before = tf.memory().numTensors;
  const m = trainer.trainStep();
  assert.equal(tf.memory().numTensors, before);
  assert.ok(Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss));
  assert.ok(gan.generatorVariables[3].dataSync().some((v, i) => v !== gains[i]), 'the layer-norm gains are trained');

  const dir = join(tempDir(), 'ln');
  const meta: ModelMeta = {
    format: 'tsgan-model', formatVersion: 1, tsganVersion: '0', tfjsVersion: tf.version.tfjs, backend: 'wasm',
    model: 'rgan', config: gan.config, features: ['a', 'b'], scaler: { min: [0, 0], max: [1, 1] },
    data: { file: 'x.csv', columns: ['a', 'b'], skippedColumns: [], series: 1, rows: 64, windows: 64, seqLen: 12, stride: 1 },
    seed: 3, iterations: 2, trainingSeconds: 0, history: { iteration: [1], metrics: { dLoss: [1] } },
    files: { generator: 'generator/model.json', discriminator: 'discriminator/model.json' },
  };
  await saveModelDir(dir, gan, meta, false);
  const topology = JSON.parse(readFileSync(join(dir, 'generator/model.json'), 'utf8'));
  assert.match(JSON.stringify(topology.modelTopology), /TsganLayerNormRecurrent/);

  const z = gan.noise(new Rng(9), 5);
  const mine = gan.generate(z);
  const plain = await loadPlainLayersModel(join(dir, 'generator'));
  const theirs = plain.predict(z) as tf.Tensor;
  assert.ok(maxAbsDiff(mine, theirs) < 1e-5, 'the exported layer computes what tsgan computes');
  const loaded = loadModelDir(dir);
  const again = loaded.model.generate(z);
  assert.ok(maxAbsDiff(mine, again) < 1e-6, 'the model directory restores every weight, layer-norm gains included');
  tf.dispose([z, mine, theirs, again]);
  plain.dispose();
  loaded.model.dispose();
  gan.dispose();
});

test('tsgan train --layer-norm: TimeGAN with layer-normalised cells, saved and sampled from the CLI', async () => {
  const dir = tempDir();
  const out = join(dir, 'tg');
  const r = await runCli(['train', '--model', 'timegan', '--layer-norm', '--data', STOCK_CSV, '--out', out, '--iterations', '3', '--embedding-iterations', '3', '--supervised-iterations', '3', '--layers', '1', '--hidden', '6', '--batch-size', '16', '--seed', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8')).config.layerNorm, true);
  const csv = join(dir, 's.csv');
  const s = await runCli(['sample', '--model', out, '--count', '4', '--out', csv, '--seed', '1']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(readFileSync(csv, 'utf8').trim().split('\n').length, 1 + 4 * 24);
});
