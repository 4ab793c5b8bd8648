/** The deep recurrent sequence classifier: sequential MNIST, vanishing gradients, CSV in and out. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../src/engine.js';
import { SequenceClassifier, classifierConfig } from '../src/models/sequence-classifier.js';
import { ClassifierTrainer } from '../src/classify.js';
import { fit } from '../src/train/loop.js';
import { Rng } from '../src/random.js';
import { engine, tempDir, runCli, listFiles, loadPlainLayersModel } from './helpers.js';

before(engine);

test('sequential MNIST: a GRU (hidden 128) reaches ≥ 95% on 2,000 held-out digits', async () => {
  const out = join(tempDir(), 'smnist');
  const r = await runCli(['classify', 'train', '--data', 'mnist', '--out', out, '--iterations', '1000', '--seed', '0']);
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8'));
  assert.equal(meta.data.train, 8000);
  assert.equal(meta.data.heldOut, 2000);
  assert.ok(meta.evaluation.accuracy >= 0.95, `held-out accuracy ${meta.evaluation.accuracy}`);
  assert.equal(meta.evaluation.confusion.flat().reduce((a: number, b: number) => a + b, 0), 2000);
  assert.match(r.stdout, /held-out accuracy: 9\d\.\d\d% on 2000 sequences/);
  assert.match(r.stderr, /step 100: loss \d\.\d{4}/);
  assert.ok(listFiles(out).includes('classifier/model.json'));
  // The exported LayersModel computes the same probabilities as tsgan.
  const lm = await loadPlainLayersModel(join(out, 'classifier'));
  const m = new SequenceClassifier(classifierConfig(meta.config), 0);
  m.setWeights(lm.getWeights());
  const x = tf.tensor3d(new Rng(1).uniformArray(3 * 28 * 28), [3, 28, 28]);
  const a = lm.predict(x) as tf.Tensor;
  const b = m.predict(x.dataSync() as Float32Array, 3);
  assert.ok(tf.max(tf.abs(tf.sub(a, tf.tensor(b, [3, 10])))).dataSync()[0] < 1e-5);
  tf.dispose([x, a]);
  lm.dispose();
  m.dispose();
});

/** A memory task over 100 steps: the label is the sign of the first step; the rest is noise. */
function memoryTask(n: number, T: number, seed: number) {
  const r = new Rng(seed);
  const x = r.normalArray(n * T);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = x[i * T] > 0 ? 1 : 0;
  return { x, y, count: n, seqLen: T, features: 1 };
}

test('vanishing gradients: a plain RNN over 100 steps passes ≥ 100× less gradient to the first step than to the last; LSTM and GRU do not', async () => {
  const data = memoryTask(512, 100, 3);
  const ratios: Record<string, number> = {};
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    const m = new SequenceClassifier(classifierConfig({ features: 1, seqLen: 100, classes: 2, cell, hidden: 32, batchSize: 64 }), 1);
    const trainer = new ClassifierTrainer(m, data, new Rng(2), 50);
    await fit(trainer, { iterations: 100 });
    // The diagnostic recorded during training: ‖∂L/∂x_t‖ for every step, at iterations 1, 50, 100.
    assert.deepEqual(trainer.gradNorms.map((g) => g.iteration), [1, 50, 100]);
    const last = trainer.gradNorms.at(-1)!.norms;
    assert.equal(last.length, 100);
    ratios[cell] = last[99] / last[0];
    m.dispose();
  }
  assert.ok(ratios.rnn >= 100, `RNN last/first ${ratios.rnn.toExponential(2)}`);
  assert.ok(ratios.lstm < 100, `LSTM last/first ${ratios.lstm.toExponential(2)}`);
  assert.ok(ratios.gru < 100, `GRU last/first ${ratios.gru.toExponential(2)}`);
});

test('classify train / predict on a long-format CSV with ids and labels; bad input is refused', async () => {
  const dir = tempDir();
  const rng = new Rng(4);
  const lines = ['id,t,a,b,label'];
  // Class "up" rises, class "down" falls: easy to tell apart.
  for (let i = 0; i < 60; i++) {
    const up = i % 2 === 0;
    for (let t = 0; t < 10; t++) lines.push(`s${i},${t},${(up ? t : 10 - t) + rng.normal() * 0.3},${rng.normal()},${up ? 'up' : 'down'}`);
  }
  const csv = join(dir, 'train.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
  const out = join(dir, 'model');
  const r = await runCli(['classify', 'train', '--data', csv, '--label-column', 'label', '--id-column', 'id', '--columns', 'a,b', '--hidden', '16', '--iterations', '150', '--batch-size', '16', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8'));
  assert.deepEqual(meta.classes, ['down', 'up']);
  assert.ok(meta.evaluation.accuracy >= 0.9, `accuracy ${meta.evaluation.accuracy}`);
  const pred = join(dir, 'pred.csv');
  const p = await runCli(['classify', 'predict', '--model', out, '--data', csv, '--out', pred]);
  assert.equal(p.code, 0, p.stderr);
  const rows = readFileSync(pred, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'id,predicted,p_down,p_up');
  assert.equal(rows.length, 61);
  const right = rows.slice(1).filter((row) => {
    const [id, predicted, pd, pu] = row.split(',');
    assert.ok(Math.abs(Number(pd) + Number(pu) - 1) < 1e-5);
    return predicted === (Number(id.slice(1)) % 2 === 0 ? 'up' : 'down');
  }).length;
  assert.ok(right >= 54, `${right} of 60 right`);

  const ragged = join(dir, 'ragged.csv');
  writeFileSync(ragged, lines.slice(0, -1).join('\n') + '\n');
  const bad = await runCli(['classify', 'train', '--data', ragged, '--label-column', 'label', '--id-column', 'id', '--columns', 'a,b', '--out', join(dir, 'm2')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /sequence "s59" has 9 rows, expected 10/);
  const mixed = join(dir, 'mixed.csv');
  writeFileSync(mixed, lines.map((l, i) => (i === 3 ? l.replace(/up$/, 'down') : l)).join('\n') + '\n');
  const bad2 = await runCli(['classify', 'train', '--data', mixed, '--label-column', 'label', '--id-column', 'id', '--out', join(dir, 'm3')]);
  assert.equal(bad2.code, 2);
  assert.match(bad2.stderr, /mixed\.csv:4:5: sequence "s0" changes label from "up" to "down"/);
  assert.deepEqual(listFiles(join(dir, 'm2')), []);
});
