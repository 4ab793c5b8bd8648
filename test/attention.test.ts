/**
 * Self-attention blocks (src/nn/portable-layers.ts): the block against a
 * plain-JavaScript reference, causality, positions, the identity start,
 * learning what a forward recurrent network cannot, GANs with attention that
 * train without leaking tensors, and saved models that load with tsgan's
 * layer registered and compute what tsgan computes.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { engine, runCli, tempDir, STOCK_CSV, loadPlainLayersModel } from './helpers.js';
import { tf } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { AttentionLayer, SelfAttentionLayer } from '../src/nn/attention.js';
import { positionCode, registerTsganLayers } from '../src/nn/portable-layers.js';
import { TimeReverse } from '../src/nn/time-reverse-layer.js';
import { SequenceNetwork } from '../src/nn/sequence-network.js';
import { Adam } from '../src/models/adam.js';
import { Rgan, rganConfig } from '../src/models/rgan.js';
import { Timegan, timeganConfig } from '../src/models/timegan.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { TimeganTrainer } from '../src/train/timegan-trainer.js';
import { sineData } from '../src/data/sines.js';
import { loadModelDir } from '../src/load.js';

before(engine);

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** A block whose every weight is drawn (a fresh block's Wo and W2 are zero, which would hide the attention). */
function randomBlock(dim: number, heads: number, causal: boolean, seed: number): AttentionLayer {
  const block = new AttentionLayer({ dim, heads, causal }, new Rng(seed));
  const rng = new Rng(seed + 100);
  for (const v of block.variables) v.assign(tf.tensor(rng.uniformArray(v.size, -0.6, 0.6), v.shape));
  return block;
}

/** The block written out in plain JavaScript, one number at a time: [B][T][D] → [B][T][D]. */
function referenceBlock(x: number[][][], w: Record<string, number[]>, D: number, heads: number, causal: boolean): number[][][] {
  const ff = 2 * D;
  const dh = D / heads;
  const norm = (v: number[], g: number[], s: number[]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const va = v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
    return v.map((e, i) => ((e - m) / Math.sqrt(va + 1e-5)) * g[i]! + s[i]!);
  };
  const mat = (v: number[], W: number[], cols: number) => Array.from({ length: cols }, (_, j) => v.reduce((a, e, i) => a + e * W[i * cols + j]!, 0));
  return x.map((seq) => {
    const T = seq.length;
    const pe = positionCode(T, D);
    const u = seq.map((v) => norm(v, w.ln1Gain!, w.ln1Shift!));
    const p = u.map((v, t) => v.map((e, i) => e + pe[t * D + i]!));
    const q = p.map((v) => mat(v, w.wq!, D));
    const k = p.map((v) => mat(v, w.wk!, D));
    const val = u.map((v) => mat(v, w.wv!, D));
    const attended = seq.map((_, t) => {
      const out = new Array(D).fill(0);
      for (let h = 0; h < heads; h++) {
        const scores = seq.map((__, s) => (causal && s > t ? -Infinity : Array.from({ length: dh }, (___, j) => q[t]![h * dh + j]! * k[s]![h * dh + j]!).reduce((a, b) => a + b, 0) / Math.sqrt(dh)));
        const top = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - top));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s < T; s++) for (let j = 0; j < dh; j++) out[h * dh + j] += (e[s]! / sum) * val[s]![h * dh + j]!;
      }
      return out;
    });
    return seq.map((v, t) => {
      const o = mat(attended[t]!, w.wo!, D);
      const x1 = v.map((e, i) => e + o[i]! + w.bo![i]!);
      const f = mat(norm(x1, w.ln2Gain!, w.ln2Shift!), w.w1!, ff).map((e, i) => Math.max(0, e + w.b1![i]!));
      const f2 = mat(f, w.w2!, D);
      return x1.map((e, i) => e + f2[i]! + w.b2![i]!);
    });
  });
}

for (const causal of [false, true]) {
  test(`a ${causal ? 'causal' : 'full'} two-head block computes what the paper's equations give, written out number by number`, () => {
    const block = randomBlock(4, 2, causal, 3);
    const x = tf.tidy(() => tf.randomUniform([2, 5, 4], -1, 1, 'float32', 7));
    const y = block.apply(x);
    const weights: Record<string, number[]> = Object.fromEntries(Object.entries(block.weights).map(([k, v]) => [k, Array.from((v as tf.Variable).dataSync())]));
    const expected = referenceBlock(x.arraySync() as number[][][], weights, 4, 2, causal);
    assert.ok(maxAbsDiff(y, tf.tensor(expected)) < 1e-4, 'largest difference from the reference');
    tf.dispose([x, y]);
    block.dispose();
  });
}

test('a causal block: step t does not depend on later steps; a full block does', () => {
  const causal = randomBlock(8, 4, true, 1);
  const full = randomBlock(8, 4, false, 1);
  const x = tf.tidy(() => tf.randomUniform([3, 10, 8], -1, 1, 'float32', 2));
  // Steps 6..9 changed, steps 0..5 the same.
  const x2 = tf.tidy(() => tf.concat([tf.slice(x, [0, 0, 0], [3, 6, 8]), tf.randomUniform([3, 4, 8], -1, 1, 'float32', 3)], 1));
  const head = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [3, 6, 8]);
  const [c1, c2, f1, f2] = [causal.apply(x), causal.apply(x2), full.apply(x), full.apply(x2)];
  assert.equal(tf.tidy(() => maxAbsDiff(head(c1), head(c2))), 0, 'a causal block\'s first 6 steps read only the first 6');
  assert.ok(tf.tidy(() => maxAbsDiff(head(f1), head(f2))) > 1e-3, 'a full block\'s first steps read the later ones');
  tf.dispose([x, x2, c1, c2, f1, f2]);
  causal.dispose();
  full.dispose();
});

test('positions: a block sees where a step is (without them, reordering the steps would only reorder its outputs)', () => {
  const block = randomBlock(8, 2, false, 4);
  const x = tf.tidy(() => tf.randomUniform([2, 6, 8], -1, 1, 'float32', 5));
  const order = tf.tensor1d([5, 4, 3, 2, 1, 0], 'int32');
  const reorderedOut = tf.tidy(() => tf.gather(block.apply(x), order, 1));
  const outOfReordered = tf.tidy(() => block.apply(tf.gather(x, order, 1)));
  assert.ok(maxAbsDiff(reorderedOut, outOfReordered) > 1e-3);
  tf.dispose([x, order, reorderedOut, outOfReordered]);
  block.dispose();
});

test('a new block is the identity (Wo and W2 start at zero), so a network with attention starts as its recurrent part', () => {
  const block = new AttentionLayer({ dim: 6, heads: 3, causal: false }, new Rng(1));
  const x = tf.tidy(() => tf.randomUniform([2, 7, 6], -1, 1, 'float32', 1));
  const y = block.apply(x);
  assert.equal(maxAbsDiff(x, y), 0);
  tf.dispose([x, y]);
  block.dispose();
  assert.throws(() => new AttentionLayer({ dim: 6, heads: 4, causal: false }, new Rng(1)), /heads must divide the width 6, got 4/);
});

/** Mean squared error after training a network to output, at every step, the window's last value. */
function learnLastValue(attention: 'none' | 'causal' | 'full'): number {
  const net = new SequenceNetwork(
    { cell: 'gru', layers: 1, hidden: 8, inputSize: 1, units: 1, ...(attention === 'none' ? {} : { attention: { blocks: 1, heads: 2, causal: attention === 'causal', placement: 'top' as const } }) },
    new Rng(2),
  );
  const opt = new Adam({ learningRate: 0.01 });
  const rng = new Rng(3);
  const batch = () => tf.tidy(() => {
    const x = tf.tensor3d(rng.uniformArray(32 * 8), [32, 8, 1]); // [batch, time, 1]
    return { x, y: tf.tile(tf.slice(x, [0, 7, 0], [32, 1, 1]), [1, 8, 1]) }; // the last step's value at every step
  });
  const mse = (x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.square(tf.sub(net.apply(x), y))) as tf.Scalar;
  for (let i = 0; i < 300; i++) {
    const { x, y } = batch();
    const { value, grads } = tf.variableGrads(() => mse(x, y), net.variables);
    tf.dispose([opt.step(grads), value, x, y, ...Object.values(grads)]);
  }
  const { x, y } = batch();
  const loss = tf.tidy(() => mse(x, y).dataSync()[0]);
  tf.dispose([x, y]);
  net.dispose();
  opt.dispose();
  return loss;
}

test('learning: a full attention block on a forward GRU learns to output the window\'s last value at every step; the GRU alone and a causal block cannot', () => {
  // U(0, 1) targets: a network that cannot see the last step scores about their variance, 1/12 ≈ .083, at early steps.
  const none = learnLastValue('none');
  const causal = learnLastValue('causal');
  const full = learnLastValue('full');
  assert.ok(none > 0.05, `GRU alone: ${none}`);
  assert.ok(causal > 0.05, `causal block: ${causal}`);
  assert.ok(full < none / 3, `full block: ${full} against ${none}`);
});

test('an RGAN with attention in G and D (interleaved) trains without leaking tensors, moves its attention weights, and exports what it computes', async () => {
  const data = sineData({ count: 64, seqLen: 12, features: 2, seed: 1 });
  const gan = new Rgan(rganConfig({ features: 2, seqLen: 12, layers: 2, hidden: 8, batchSize: 16, attention: 'both', attentionHeads: 2, attentionPlacement: 'interleaved' }), 3);
  // Per stage: a one-layer GRU (3 weights) and a block (13); then the head (2).
  assert.equal(gan.generatorVariables.length, 2 * (3 + 13) + 2);
  const wo = gan.generatorNet.stages[1]!.attention[0]!.weights.wo;
  const trainer = new GanTrainer(gan, data, 1, 10);
  trainer.trainStep();
  const before = tf.memory().numTensors;
  const m = trainer.trainStep();
  assert.equal(tf.memory().numTensors, before, 'a training step leaks no tensors');
  assert.ok(Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss));
  assert.ok(wo.dataSync().some((v) => v !== 0), "G's attention output weights moved from zero");

  const { generator, discriminator } = gan.toLayersModels();
  assert.deepEqual(generator.layers.map((l) => l.getClassName()), ['GRU', 'TsganSelfAttention', 'GRU', 'TsganSelfAttention', 'Dense']);
  const z = gan.noise(new Rng(9), 4);
  const x = gan.generate(z);
  const [gx, dx, ours] = [generator.predict(z) as tf.Tensor, discriminator.predict(x) as tf.Tensor, gan.discriminate(x)];
  assert.ok(maxAbsDiff(x, gx) < 1e-5);
  assert.ok(maxAbsDiff(ours, dx) < 1e-5);
  tf.dispose([z, x, gx, dx, ours]);
  generator.dispose();
  discriminator.dispose();
  gan.dispose();
});

test('a TimeGAN with attention in its generator and its bidirectional D: a joint step leaks no tensors; the exported D computes D', () => {
  const data = sineData({ count: 48, seqLen: 10, features: 2, seed: 2 });
  const gan = new Timegan(timeganConfig({ features: 2, seqLen: 10, layers: 1, hidden: 8, batchSize: 16, attention: 'both', attentionHeads: 2 }, 4), 5);
  const trainer = new TimeganTrainer(gan, data, 1, 4);
  for (let i = 0; i < 9; i++) trainer.trainStep(); // through both pre-training phases, into the joint one
  const before = tf.memory().numTensors;
  trainer.trainStep();
  assert.equal(tf.memory().numTensors, before);
  const { discriminator } = gan.toLayersModels();
  assert.ok(discriminator.layers.some((l) => l.getClassName() === 'TsganSelfAttention'));
  const h = tf.tidy(() => tf.randomUniform([3, 10, 8], 0, 1, 'float32', 4));
  const [ours, theirs] = [gan.discriminate(h), discriminator.predict(h) as tf.Tensor];
  assert.ok(maxAbsDiff(ours, theirs) < 1e-5);
  tf.dispose([h, ours, theirs]);
  discriminator.dispose();
  gan.dispose();
});

test('tsgan train --attention g: the saved generator loads with plain TF.js once tsgan\'s layer is registered, and the directory samples what the model sampled', async () => {
  const dir = tempDir();
  const out = join(dir, 'att');
  const r = await runCli(['train', '--model', 'rgan', '--data', STOCK_CSV, '--out', out, '--iterations', '5', '--layers', '2', '--hidden', '8', '--attention', 'g', '--attention-heads', '2', '--batch-size', '16', '--seed', '2']);
  assert.equal(r.code, 0, r.stderr);
  const saved = JSON.parse(readFileSync(join(out, 'tsgan.json'), 'utf8')).config;
  assert.deepEqual([saved.attention, saved.attentionBlocks, saved.attentionHeads, saved.attentionPlacement], ['g', 1, 2, 'top']);
  const loaded = loadModelDir(out);
  const z = loaded.model.noise(new Rng(9), 3);
  const ours = loaded.model.generate(z);
  const plain = await loadPlainLayersModel(join(out, 'generator'));
  const theirs = plain.predict(z) as tf.Tensor;
  assert.ok(maxAbsDiff(ours, theirs) < 1e-5);
  tf.dispose([z, ours, theirs]);
  plain.dispose();
  loaded.model.dispose();
});

test('attention flags and saved configs are checked: heads that do not divide --hidden, an unknown placement, a file\'s bad heads', async () => {
  const dir = tempDir();
  const heads = await runCli(['train', '--data', STOCK_CSV, '--out', join(dir, 'a'), '--iterations', '2', '--attention', 'd', '--attention-heads', '5']);
  assert.equal(heads.code, 2);
  assert.match(heads.stderr, /attentionHeads \(5\) must divide hidden \(24\)/);
  const place = await runCli(['train', '--data', STOCK_CSV, '--out', join(dir, 'b'), '--iterations', '2', '--attention', 'd', '--attention-placement', 'middle']);
  assert.equal(place.code, 2);
  assert.match(place.stderr, /--attention-placement/);
  const out = join(dir, 'c');
  const r = await runCli(['train', '--data', STOCK_CSV, '--out', out, '--iterations', '2', '--layers', '1', '--hidden', '8', '--attention', 'd', '--attention-heads', '2', '--batch-size', '8']);
  assert.equal(r.code, 0, r.stderr);
  const file = join(out, 'tsgan.json');
  const meta = JSON.parse(readFileSync(file, 'utf8'));
  meta.config.attentionHeads = 3;
  writeFileSync(file, JSON.stringify(meta));
  const s = await runCli(['sample', '--model', out, '--count', '2', '--out', join(dir, 's.csv')]);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /tsgan\.json: config\.attentionHeads: must divide config\.hidden/);
  assert.doesNotMatch(s.stderr, /\n\s+at /, 'no stack trace');
});

test('with attention in a forward-only D (interleaved), feature matching reads the states the head reads, and a joint G step with it is finite', () => {
  const data = sineData({ count: 48, seqLen: 10, features: 2, seed: 2 });
  const gan = new Timegan(timeganConfig({ features: 2, seqLen: 10, layers: 2, hidden: 8, batchSize: 16, attention: 'd', attentionHeads: 2, attentionPlacement: 'interleaved', bidirectional: false, featureMatching: true }, 2), 5);
  const h = tf.tidy(() => tf.randomUniform([3, 10, 8], 0, 1, 'float32', 4));
  const [features, states] = [gan.discriminatorFeatures(h), gan.discriminatorNet.hiddenStates(h)];
  assert.equal(maxAbsDiff(features, states), 0);
  assert.throws(() => gan.discriminatorNet.rnn, /one stack per layer/);
  const trainer = new TimeganTrainer(gan, data, 1, 2);
  let m = trainer.trainStep();
  for (let i = 0; i < 5; i++) m = trainer.trainStep();
  assert.ok(Object.values(m).every((v) => Number.isFinite(v)), JSON.stringify(m));
  tf.dispose([h, features, states]);
  gan.dispose();
});

test('WGAN-GP through an attention D: the gradient penalty (a second derivative through the blocks) trains finite and leaks nothing', () => {
  const data = sineData({ count: 64, seqLen: 8, features: 2, seed: 1 });
  const gan = new Rgan(rganConfig({ features: 2, seqLen: 8, layers: 1, hidden: 8, batchSize: 16, attention: 'd', attentionHeads: 2, loss: 'wgan-gp' }), 3);
  const trainer = new GanTrainer(gan, data, 1, 4);
  trainer.trainStep();
  const before = tf.memory().numTensors;
  const m = trainer.trainStep();
  assert.equal(tf.memory().numTensors, before);
  assert.ok(Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss), JSON.stringify(m));
  gan.dispose();
});

test('tsgan/layers registers the portable layers once per TF.js and gives back the classes tsgan uses', () => {
  const layers = registerTsganLayers(tf);
  assert.equal(layers, registerTsganLayers(tf));
  assert.equal(layers.TimeReverse, TimeReverse);
  assert.equal(layers.SelfAttention, SelfAttentionLayer);
});
