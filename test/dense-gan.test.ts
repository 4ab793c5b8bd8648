/** The classic dense GAN on handwritten digits: shapes, step isolation, no leaks, learning, CLI and PNG grids. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { tf } from '../src/engine.js';
import { DenseGan, denseGanConfig } from '../src/models/dense-gan.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { fit } from '../src/train/loop.js';
import { loadMnist, MNIST_PIXELS } from '../src/data/mnist.js';
import { Rng } from '../src/random.js';
import { engine, tempDir, runCli, listFiles } from './helpers.js';

before(engine);

const snapshot = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));
const changed = (a: number[][], b: number[][]) => a.map((x, i) => x.some((v, j) => v !== b[i][j]));

function digits(n = 2000) {
  const d = loadMnist();
  // MNIST in [0, 1] → [−1, 1], a seeded subset.
  const idx = new Rng(1).sample(d.count, n);
  const data = new Float32Array(n * MNIST_PIXELS);
  idx.forEach((j, k) => {
    for (let p = 0; p < MNIST_PIXELS; p++) data[k * MNIST_PIXELS + p] = d.images[j * MNIST_PIXELS + p] * 2 - 1;
  });
  return { data, count: n, itemShape: [MNIST_PIXELS] };
}

test('the mnist package gives 10,000 labelled 28 × 28 digits in [0, 1], in a fixed order', () => {
  const d = loadMnist();
  assert.ok(d.count >= 9000 && d.count <= 10000, `count ${d.count}`);
  assert.equal(d.images.length, d.count * 784);
  assert.ok(d.images.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(new Set(d.labels), new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  assert.equal(d.labels[0], 0);
  assert.equal(d.labels[d.count - 1], 9);
});

test('dense GAN defaults are the textbook ones and shapes are [batch, 784] and [batch, 1]', () => {
  const c = denseGanConfig({ dataDim: 784 });
  assert.deepEqual([c.noiseDim, c.gHidden, c.dHidden, c.lrG, c.lrD, c.beta1, c.batchSize], [100, [128, 128], [128, 128], 2e-4, 2e-4, 0.5, 128]);
  const m = new DenseGan(c, 1);
  const z = m.noise(new Rng(1), 5);
  const x = m.generate(z);
  const d = m.discriminate(x);
  assert.deepEqual([z.shape, x.shape, d.shape], [[5, 100], [5, 784], [5, 1]]);
  assert.ok(x.dataSync().every((v) => v > -1 && v < 1), 'tanh output in (−1, 1)');
  tf.dispose([z, x, d]);
  m.dispose();
  assert.throws(() => denseGanConfig({ dataDim: 784, gHidden: [128, 0] }), /gHidden must be a list of positive integers, got \[128,0\]/);
});

test('dense GAN: a D step changes only D, a G step only G, and a training step leaks no tensors', () => {
  const m = new DenseGan(denseGanConfig({ dataDim: 784, batchSize: 32 }), 2);
  assert.ok(!m.collapseRemedies('spread').includes('--feature-matching'), 'it refuses feature matching, so it is not offered');
  const data = digits(64);
  const real = tf.tensor2d(data.data.subarray(0, 32 * 784), [32, 784]);
  const g0 = snapshot(m.generatorVariables);
  const d0 = snapshot(m.discriminatorVariables);
  m.discriminatorStep(real, new Rng(3));
  assert.ok(changed(g0, snapshot(m.generatorVariables)).every((c) => !c), 'D step left G untouched');
  assert.ok(changed(d0, snapshot(m.discriminatorVariables)).every((c) => c), 'D step moved every D variable');
  const d1 = snapshot(m.discriminatorVariables);
  m.generatorStep(32, new Rng(4));
  assert.ok(changed(d1, snapshot(m.discriminatorVariables)).every((c) => !c), 'G step left D untouched');
  assert.ok(changed(g0, snapshot(m.generatorVariables)).every((c) => c), 'G step moved every G variable');
  real.dispose();
  const t = new GanTrainer(m, data, 2);
  t.trainStep();
  const n = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) t.trainStep();
  assert.equal(tf.memory().numTensors, n);
  m.dispose();
});

/** Mean distance from each sample to its nearest real digit. */
function nearestRealDistance(samples: Float32Array, count: number, real: Float32Array, realCount: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    let best = Infinity;
    for (let j = 0; j < realCount; j++) {
      let d = 0;
      for (let p = 0; p < MNIST_PIXELS; p++) {
        const e = samples[i * MNIST_PIXELS + p] - real[j * MNIST_PIXELS + p];
        d += e * e;
        if (d >= best) break;
      }
      if (d < best) best = d;
    }
    total += Math.sqrt(best);
  }
  return total / count;
}

test('after a short training the samples are closer to real digits than the untrained generator\'s', async () => {
  const data = digits(2000);
  const m = new DenseGan(denseGanConfig({ dataDim: 784 }), 5);
  const ref = data.data.subarray(0, 500 * 784);
  const before = nearestRealDistance(m.sample(50, new Rng(9)), 50, ref, 500);
  await fit(new GanTrainer(m, data, 5), { iterations: 400 });
  const after = nearestRealDistance(m.sample(50, new Rng(9)), 50, ref, 500);
  assert.ok(after < 0.75 * before, `nearest-digit distance ${before.toFixed(2)} → ${after.toFixed(2)}`);
  m.dispose();
});

test('tsgan train --model dense-gan --data mnist writes sample grids and a model; sample writes PNG and CSV', async () => {
  const dir = tempDir();
  const out = join(dir, 'digits');
  const r = await runCli(['train', '--model', 'dense-gan', '--data', 'mnist', '--out', out, '--iterations', '20', '--sample-every', '10', '--seed', '3']);
  assert.equal(r.code, 0, r.stderr);
  const files = listFiles(out);
  for (const f of ['samples/iter-000000.png', 'samples/iter-000010.png', 'samples/iter-000020.png', 'tsgan.json', 'generator/model.json', 'discriminator/weights.bin']) {
    assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  }
  const grid = PNG.sync.read(readFileSync(join(out, 'samples/iter-000020.png')));
  assert.equal(grid.width, 8 * (56 + 2) + 2); // 8 × 8 tiles of 28 × 28 at scale 2, 2-pixel gaps
  const meta = JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8'));
  assert.equal(meta.model, 'dense-gan');
  assert.deepEqual(meta.config.imageShape, [28, 28]);
  const png = join(dir, 'grid.png');
  const s = await runCli(['sample', '--model', out, '--count', '16', '--out', png, '--seed', '1']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(PNG.sync.read(readFileSync(png)).width, 4 * 58 + 2);
  const csv = join(dir, 'digits.csv');
  assert.equal((await runCli(['sample', '--model', out, '--count', '3', '--out', csv])).code, 0);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0].split(',').length, 785);
  const vals = lines[1].split(',').slice(1).map(Number);
  assert.ok(vals.every((v) => v >= 0 && v <= 1), 'pixels back in the data\'s [0, 1]');
  const bad = await runCli(['train', '--model', 'dense-gan', '--data', 'mnist', '--out', join(dir, 'x'), '--cell', 'gru']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--cell applies to --model timegan, rgan, vaegan and dgan only/);
});
