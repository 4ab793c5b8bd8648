/** The model directory: save → load round trip, LayersModel export, atomic writes. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../src/engine.js';
import { Rgan, rganConfig } from '../src/models/rgan.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { saveModelDir, type ModelMeta } from '../src/io/model-dir.js';
import { loadModelDir } from '../src/load.js';
import { writeDirAtomic, writeFileAtomic } from '../src/io/atomic.js';
import { sineData } from '../src/data/sines.js';
import { Rng } from '../src/random.js';
import { engine, tempDir, listFiles, loadPlainLayersModel } from './helpers.js';

before(engine);

function trainedModel(cell: 'gru' | 'lstm' | 'rnn' = 'gru') {
  const config = rganConfig({ features: 2, seqLen: 6, layers: 2, hidden: 5, batchSize: 8, cell });
  const m = new Rgan(config, 3);
  const s = sineData({ count: 16, seqLen: 6, features: 2, seed: 1 });
  const t = new GanTrainer(m, { data: s.data, count: 16, seqLen: 6, features: 2 }, 3);
  for (let i = 0; i < 3; i++) t.trainStep();
  const meta: ModelMeta = {
    format: 'tsgan-model', formatVersion: 1, tsganVersion: '0', tfjsVersion: tf.version.tfjs, backend: 'wasm',
    model: 'rgan', config, features: ['a', 'b'], scaler: { min: [0, 10], max: [1, 20] },
    data: { file: 'x.csv', columns: ['a', 'b'], skippedColumns: [], series: 1, rows: 16, windows: 16, seqLen: 6, stride: 1 },
    seed: 3, iterations: 3, trainingSeconds: 0, history: { iteration: [1], metrics: { dLoss: [1] } },
    files: { generator: 'generator/model.json', discriminator: 'discriminator/model.json' },
  };
  return { m, meta };
}


for (const cell of ['gru', 'lstm', 'rnn'] as const) {
  test(`${cell}: save → load → sample gives the same output as before saving`, async () => {
    const dir = join(tempDir(), 'model');
    const { m, meta } = trainedModel(cell);
    const before = m.sample(7, new Rng(5));
    await saveModelDir(dir, m, meta, false);
    assert.deepEqual(listFiles(dir), ['discriminator', 'discriminator/model.json', 'discriminator/weights.bin', 'generator', 'generator/model.json', 'generator/weights.bin', 'tsgan.json']);
    const loaded = loadModelDir(dir);
    assert.deepEqual(loaded.model.sample(7, new Rng(5)), before);
    assert.deepEqual(loaded.meta.config, meta.config);
    assert.deepEqual(loaded.scaler.toJSON(), meta.scaler);
    m.dispose();
    loaded.model.dispose();
  });
}

test('the saved generator and discriminator load with plain tf.loadLayersModel and compute what tsgan computes', async () => {
  const dir = join(tempDir(), 'model');
  const { m, meta } = trainedModel();
  await saveModelDir(dir, m, meta, false);
  const g = await loadPlainLayersModel(join(dir, 'generator'));
  const d = await loadPlainLayersModel(join(dir, 'discriminator'));
  // Any sequence length works in the exported models: try 11 steps.
  const z = m.noise(new Rng(1), 4, 11);
  const ours = m.generate(z);
  const theirs = g.predict(z) as tf.Tensor;
  assert.deepEqual(theirs.shape, [4, 11, 2]);
  assert.ok(tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0] < 1e-5);
  const dl = m.discriminate(ours);
  const dt = d.predict(ours) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(dl, dt))).dataSync()[0] < 1e-5);
  tf.dispose([z, ours, theirs, dl, dt]);
  g.dispose();
  d.dispose();
  m.dispose();
});

test('a non-empty output directory is refused without force and replaced whole with force', () => {
  const root = tempDir();
  const dir = join(root, 'out');
  mkdirSync(dir);
  writeFileSync(join(dir, 'keep.txt'), 'precious');
  assert.throws(() => writeDirAtomic(dir, new Map([['a.txt', 'new']]), false), /exists and is not empty; choose another --out or pass --force/);
  assert.equal(readFileSync(join(dir, 'keep.txt'), 'utf8'), 'precious');
  writeDirAtomic(dir, new Map([['a.txt', 'new']]), true);
  assert.deepEqual(listFiles(dir), ['a.txt']);
  assert.deepEqual(readdirSync(root), ['out'], 'no temporary or backup directory is left behind');
});

test('a failed write leaves the previous result and no temporary files', () => {
  const root = tempDir();
  const file = join(root, 'x.csv');
  writeFileSync(file, 'old');
  assert.throws(() => writeFileAtomic(file, 'new', false), /exists; choose another --out or pass --force/);
  // A directory in the way of a nested file makes the write fail half-way.
  assert.throws(() => writeDirAtomic(join(root, 'd'), new Map<string, string>([['a', 'x'], ['a/b', 'y']]), false));
  assert.equal(readFileSync(file, 'utf8'), 'old');
  assert.deepEqual(readdirSync(root), ['x.csv']);
  assert.equal(existsSync(join(root, 'd')), false);
});

test('loading something that is not a model directory is a clear error', () => {
  const root = tempDir();
  assert.throws(() => loadModelDir(join(root, 'none')), /no such model directory/);
  assert.throws(() => loadModelDir(root), /not a tsgan model directory \(no tsgan\.json\)/);
  writeFileSync(join(root, 'tsgan.json'), '{"format": "tsgan-model", "formatVersion": 99, "model": "rgan"}');
  assert.throws(() => loadModelDir(root), /format version 99 is newer than this tsgan/);
});

test('tsgan.json-style JSON: indented, number arrays on one line, the same value when parsed back', async () => {
  const { toJson } = await import('../src/io/json.js');
  const value = { history: { dLoss: [0.5, null, -1.25e-7, 3] }, nested: [[1, 2], [3]], words: ['a, b', 'c'], empty: [], objects: [{ k: 1 }] };
  const text = toJson(value);
  assert.deepEqual(JSON.parse(text), value);
  assert.match(text, /^ {4}"dLoss": \[0\.5, null, -1\.25e-7, 3\],?$/m);
  assert.match(text, /^ {4}\[1, 2\],$/m);
  assert.match(text, /"a, b"/);
  assert.ok(text.endsWith('}\n'));
});
