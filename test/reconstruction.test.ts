/**
 * `tsgan eval --reconstruction`: the real windows through a model's own
 * encoder and decoder, scored by the strong classifier beside the samples.
 * Each reconstruction belongs to its own real window (order and both
 * scalings right), the score is reported, and what cannot be reconstructed
 * is refused in one line.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, runCli, tempDir, STOCK_CSV } from './helpers.js';
import { loadModelDir } from '../src/load.js';
import { loadEvalData } from '../src/eval/data.js';
import { reconstructWindows } from '../src/eval/reconstruction.js';
import { modelEntry, modelNames } from '../src/registry.js';

let dir: string;
let timegan: string;
let synth: string;

before(async () => {
  await engine();
  dir = tempDir();
  timegan = join(dir, 'timegan');
  synth = join(dir, 'synth.csv');
  const t = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', timegan, '--seq-len', '8', '--layers', '1', '--hidden', '12', '--iterations', '20', '--embedding-iterations', '400', '--lr-e', '0.01', '--seed', '2']);
  assert.equal(t.code, 0, t.stderr);
  const s = await runCli(['sample', '--model', timegan, '--count', '200', '--out', synth, '--seed', '1']);
  assert.equal(s.code, 0, s.stderr);
});

test("each reconstruction is its own real window's, in the evaluation's scaling", () => {
  const data = loadEvalData({ real: STOCK_CSV, synthetic: synth });
  const { meta, model, scaler } = loadModelDir(timegan);
  const rec = reconstructWindows(model, scaler, meta.features, data, timegan);
  model.dispose();
  assert.equal(rec.count, data.real.count);
  assert.equal(rec.data.length, data.real.data.length);
  // Mean |difference| to the window it reconstructs, and to a window 200 rows away.
  const n = data.real.count - 200;
  const size = rec.seqLen * rec.features;
  let own = 0;
  let other = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < size; k++) {
      own += Math.abs(rec.data[i * size + k] - data.real.data[i * size + k]);
      other += Math.abs(rec.data[i * size + k] - data.real.data[(i + 200) * size + k]);
    }
  }
  own /= n * size;
  other /= n * size;
  assert.ok(own < 0.05 && own < other / 2, `own window ${own}, another ${other}`);
  // Evaluated in raw units (--scale none), the same reconstructions, in those units.
  const raw = loadEvalData({ real: STOCK_CSV, synthetic: synth, scale: 'none' });
  const loaded = loadModelDir(timegan);
  const recRaw = reconstructWindows(loaded.model, loaded.scaler, meta.features, raw, timegan);
  loaded.model.dispose();
  const expected = data.scaler.inverse(rec.data);
  for (let i = 0; i < expected.length; i += 97) {
    assert.ok(Math.abs(recRaw.data[i] - expected[i]) <= 1e-4 * Math.abs(expected[i]) + 1e-6, `value ${i}: ${recRaw.data[i]} against ${expected[i]}`);
  }
});

test('tsgan eval --reconstruction reports the strong score of the reconstructions beside the samples', async () => {
  const json = join(dir, 'metrics.json');
  const r = await runCli(['eval', '--real', STOCK_CSV, '--synthetic', synth, '--model', timegan, '--reconstruction', '--repeats', '2', '--disc-iterations', '60', '--pred-iterations', '50', '--json', json, '--seed', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^reconstruction \(strong\)\s+0\.\d{4} ± 0\.\d{4}, told in \d of 2\s/m);
  const m = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(m.reconstruction.runs.length, 2);
  for (const v of m.reconstruction.runs) assert.ok(v >= 0 && v <= 0.5, `score ${v}`);
  // Without the flag there is no such entry.
  const plain = await runCli(['eval', '--real', STOCK_CSV, '--synthetic', synth, '--model', timegan, '--quick', '--json', join(dir, 'quick.json')]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'quick.json'), 'utf8')).reconstruction, undefined);
});

test('--reconstruction refuses, in one line and exit 2, what it cannot reconstruct', async () => {
  const rgan = join(dir, 'rgan');
  const t = await runCli(['train', '--model', 'rgan', '--data', STOCK_CSV, '--out', rgan, '--seq-len', '8', '--layers', '1', '--hidden', '4', '--iterations', '2', '--seed', '1']);
  assert.equal(t.code, 0, t.stderr);
  // The same samples cut to 6 steps: not this model's windows.
  const short = join(dir, 'short.csv');
  writeFileSync(short, readFileSync(synth, 'utf8').split('\n').filter((l, i) => i === 0 || (l !== '' && Number(l.split(',')[1]) < 6)).join('\n') + '\n');
  const base = ['eval', '--real', STOCK_CSV, '--reconstruction', '--repeats', '1', '--disc-iterations', '20', '--pred-iterations', '20'];
  const cases: [string[], RegExp][] = [
    [[], /--reconstruction needs --model/],
    [['--model', timegan, '--quick'], /--reconstruction is a trained score, which --quick skips/],
    // Refused from the registry, before the model is built (reconstructWindows's own message has no model name).
    [['--model', rgan], /holds a model without an encoder \(rgan\); timegan and vaegan models have one/],
    [['--model', timegan, '--columns', 'Open,High'], /was trained on Open, High, Low, Close, Adj_Close, Volume, the evaluation compares Open, High; pass --columns/],
    [['--model', timegan, '--synthetic', short], /makes windows of 8 steps, the synthetic sequences have 6: score this model's own samples/],
  ];
  for (const [extra, message] of cases) {
    const r = await runCli([...base, ...(extra.includes('--synthetic') ? extra : ['--synthetic', synth, ...extra])]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').filter((l) => !l.startsWith('tsgan: TensorFlow.js')).length, 1, r.stderr);
  }
});

test('the registry says which sequence models have an encoder, and exactly those reconstruct', () => {
  const encoders = modelNames().filter((n) => modelEntry(n).learns === 'sequences' && modelEntry(n).encodes);
  assert.deepEqual(encoders.sort(), ['timegan', 'vaegan']);
  for (const name of modelNames().filter((n) => modelEntry(n).learns === 'sequences')) {
    const entry = modelEntry(name);
    const model = entry.build(entry.config({ features: 2, seqLen: 4, hidden: 4, layers: 1 }), 0);
    assert.equal(typeof model.reconstruct === 'function', entry.encodes === true, name);
    model.dispose();
  }
});
