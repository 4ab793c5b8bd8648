/**
 * The model seam (issue 26): a model added from files of its own
 * (test/toy-model/: a spec and its network) with one registerModel call, and
 * no other file edited, trains, saves, loads, samples and evaluates through
 * the CLI and the library like a built-in one.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, runCli, tempDir, listFiles, loadPlainLayersModel } from './helpers.js';
import { registerModel, modelNames, trainFromCsv, loadModelDir, sampleToCsv, evaluateFiles } from '../src/index.js';
import { tf } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { TOY } from './toy-model/spec.js';
import { ToyGan } from './toy-model/network.js';

before(engine);
registerModel(TOY);

/** Two features whose scaled means sit near 0.1 and 0.3 (one spike stretches a's range; b is skewed): far from an untrained sigmoid G's 0.5. */
function data(dir: string): string {
  const rng = new Rng(11);
  const lines = ['a,b'];
  for (let t = 0; t < 300; t++) {
    const a = t === 150 ? 10 : 1 + 0.3 * Math.sin(t / 4) + 0.1 * rng.uniform();
    const b = 8 + 2 * ((1 + Math.sin(t / 6)) / 2) ** 4 + 0.1 * rng.uniform();
    lines.push(`${a.toFixed(4)},${b.toFixed(4)}`);
  }
  const file = join(dir, 'toy.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Per-feature means of [count, seqLen, F] values. */
function means(values: ArrayLike<number>, F: number): number[] {
  const out = new Array(F).fill(0);
  for (let i = 0; i < values.length; i++) out[i % F] += values[i] / (values.length / F);
  return out;
}

const ARGS = ['--model', 'toy-mlp', '--seq-len', '8', '--toy-width', '12', '--iterations', '300', '--batch-size', '32', '--seed', '5'];

test('a registered toy model trains, saves, loads, samples and evaluates through the CLI, byte-identical to the library', async () => {
  const dir = tempDir();
  const csv = data(dir);
  assert.deepEqual(modelNames(), ['timegan', 'rgan', 'vaegan', 'dense-gan', 'dgan', 'toy-mlp']);

  // Help and the flag checks know it, from its declarations alone.
  const help = await runCli(['train', '--help']);
  assert.match(help.stdout, /\nToy \(--model toy-mlp\):\n  --noise-dim N {8}noise values per step \(default 4\)\n  --toy-width N {8}units of each network's hidden layer \(default 16\)\n/);
  assert.match(help.stdout, /--model timegan\|rgan\|vaegan\|dense-gan\|dgan\|toy-mlp/);
  const wrong = await runCli(['train', '--model', 'rgan', '--data', csv, '--out', join(dir, 'x'), '--toy-width', '3']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--toy-width applies to --model toy-mlp only/);

  const cli = join(dir, 'cli-model');
  const r = await runCli(['train', '--data', csv, '--out', cli, ...ARGS]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /trained toy-mlp on 293 windows of 8 × 2 \(a, b\) for 300 iterations/);
  assert.deepEqual(listFiles(cli), ['discriminator', 'discriminator/model.json', 'discriminator/weights.bin', 'generator', 'generator/model.json', 'generator/weights.bin', 'tsgan.json']);
  const meta = JSON.parse(readFileSync(join(cli, 'tsgan.json'), 'utf8'));
  assert.equal(meta.model, 'toy-mlp');
  assert.equal(meta.config.width, 12);
  assert.equal(meta.history.metrics.dLoss.length, 300);

  // The library, same options: the same weights, byte for byte.
  const lib = join(dir, 'lib-model');
  await trainFromCsv({ data: csv, out: lib, modelType: 'toy-mlp', seqLen: 8, iterations: 300, seed: 5, model: { width: 12, batchSize: 32 } });
  for (const f of ['generator/weights.bin', 'discriminator/weights.bin']) assert.ok(readFileSync(join(cli, f)).equals(readFileSync(join(lib, f))), f);

  // Loaded back through the registry: the toy's own class, its weights, a generator plain TF.js runs.
  const loaded = loadModelDir(cli);
  try {
    assert.ok(loaded.model instanceof ToyGan);
    const plain = await loadPlainLayersModel(join(cli, 'generator'));
    const z = loaded.model.noise(new Rng(1), 4);
    const ours = loaded.model.generate(z);
    const theirs = plain.predict(z) as tf.Tensor;
    assert.deepEqual(theirs.shape, [4, 8, 2]);
    const diff = tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0];
    assert.ok(diff < 1e-5, `plain TF.js generator differs by ${diff}`);
    tf.dispose([z, ours, theirs]);
    plain.dispose();

    // Learning happened: the trained G's means moved from an untrained G's towards the data's
    // (fixed seeds: the margin is wide, 0.5 × the untrained distance, against backend-level rounding).
    const real = means(Array.from(loaded.scaler.transform(new Float64Array(readFileSync(csv, 'utf8').trim().split('\n').slice(1).flatMap((l) => l.split(',').map(Number))))), 2);
    const fresh = TOY.build(TOY.config(meta.config), 5);
    const before = means(fresh.sample(200, new Rng(2)), 2);
    fresh.dispose();
    const after = means(loaded.model.sample(200, new Rng(2)), 2);
    for (let f = 0; f < 2; f++) {
      assert.ok(Math.abs(after[f] - real[f]) < 0.5 * Math.abs(before[f] - real[f]), `feature ${f}: real mean ${real[f].toFixed(3)}, untrained ${before[f].toFixed(3)}, trained ${after[f].toFixed(3)}`);
    }
  } finally {
    loaded.model.dispose();
  }

  // Sampled by the CLI and the library alike, in the data's units.
  const s1 = join(dir, 's1.csv');
  const s2 = join(dir, 's2.csv');
  const sr = await runCli(['sample', '--model', cli, '--count', '50', '--seed', '3', '--out', s1]);
  assert.equal(sr.code, 0, sr.stderr);
  const info = sampleToCsv({ model: lib, count: 50, seed: 3, out: s2 });
  assert.deepEqual(info, { rows: 400, features: ['a', 'b'], seqLen: 8, format: 'csv' });
  assert.ok(readFileSync(s1).equals(readFileSync(s2)));
  assert.equal(readFileSync(s1, 'utf8').split('\n')[0], 'sequence,step,a,b');

  // Evaluated: the CLI and the library score the samples the same way, with the model's history in the report.
  const json = join(dir, 'eval.json');
  const report = join(dir, 'report.html');
  const er = await runCli(['eval', '--real', csv, '--synthetic', s1, '--model', cli, '--quick', '--json', json, '--report', report]);
  assert.equal(er.code, 0, er.stderr);
  // The report draws the toy's training history, read from its model directory.
  assert.ok(listFiles(join(dir, 'report-charts')).includes('training.png'));
  assert.match(readFileSync(report, 'utf8'), /Training history/);
  const viaCli = JSON.parse(readFileSync(json, 'utf8'));
  const viaLib = await evaluateFiles({ real: csv, synthetic: s2, quick: true });
  assert.equal(viaCli.seqLen, 8);
  assert.ok(Number.isFinite(viaCli.mmd.value) && viaCli.mmd.value >= 0);
  assert.deepEqual(viaCli.mmd, viaLib.result.mmd);
  assert.deepEqual(viaCli.coverage, viaLib.result.coverage);
});

test('registerModel refuses a name already taken', () => {
  assert.throws(() => registerModel(TOY), /a model named "toy-mlp" is already registered/);
  assert.throws(() => registerModel({ ...TOY, spec: { ...TOY.spec, name: 'rgan' } }), /already registered/);
});
