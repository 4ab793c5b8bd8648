/**
 * Hostile model directories (issue 29): a model directory is shared like a
 * CSV, so every file in it is untrusted. Each case copies one tiny trained
 * model, breaks it, and runs the command a user would: exit 2, one line
 * naming the file and the key, nothing written, the model left as it was.
 * A fuzz test then mutates tsgan.json and model.json at random.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { truncateSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { engine, runCli, tempDir, STOCK_CSV } from './helpers.js';
import { loadModelDir } from '../src/load.js';
import { TsganError } from '../src/errors.js';
import { Rng } from '../src/random.js';
import { tf } from '../src/engine.js';
import { samplesToCsv, vectorsToCsv } from '../src/io/samples.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let root: string;
let base: string; // a tiny rgan: 6 features, seqLen 4, 1 GRU layer of 4
let tgBase: string; // a tiny timegan
let clfBase: string; // a tiny classifier
let denseBase: string; // a tiny dense GAN
let labelled: string;
let synthetic: string;

/** A labelled long-format CSV for the classifier. */
function labelledCsv(path: string): string {
  const rng = new Rng(4);
  const lines = ['id,t,a,b,label'];
  for (let i = 0; i < 12; i++) {
    for (let t = 0; t < 4; t++) lines.push(`s${i},${t},${(t * (i % 2 ? 1 : -1) + rng.normal() * 0.3).toFixed(4)},${rng.normal().toFixed(4)},${i % 2 ? 'up' : 'down'}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function ok(args: string[]): Promise<void> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  await engine();
  root = tempDir();
  base = join(root, 'base');
  await ok(['train', '--model', 'rgan', '--data', STOCK_CSV, '--iterations', '5', '--seq-len', '4', '--batch-size', '8', '--layers', '1', '--hidden', '4', '--out', base]);
  tgBase = join(root, 'tg');
  await ok(['train', '--model', 'timegan', '--data', STOCK_CSV, '--iterations', '2', '--embedding-iterations', '1', '--supervised-iterations', '1', '--seq-len', '4', '--batch-size', '8', '--layers', '1', '--hidden', '4', '--out', tgBase]);
  labelled = labelledCsv(join(root, 'labelled.csv'));
  clfBase = join(root, 'clf');
  await ok(['classify', 'train', '--data', labelled, '--label-column', 'label', '--id-column', 'id', '--columns', 'a,b', '--hidden', '4', '--iterations', '2', '--batch-size', '8', '--out', clfBase]);
  denseBase = join(root, 'dense');
  await ok(['train', '--model', 'dense-gan', '--data', STOCK_CSV, '--g-hidden', '8', '--d-hidden', '8', '--batch-size', '16', '--iterations', '2', '--out', denseBase]);
  synthetic = join(root, 'synthetic.csv');
  await ok(['sample', '--model', base, '--count', '20', '--out', synthetic]);
});

/** Every entry under dir, not following links: file digests, link targets, kinds. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(p, r);
      } else if (st.isFile()) {
        // Big (sparse) files by size and time: hashing them would read gigabytes of zeros.
        out.push(`${r} ${st.size > 2 ** 24 ? `${st.size} ${st.mtimeMs}` : createHash('sha256').update(readFileSync(p)).digest('hex')}`);
      }
      else out.push(`${r} (special)`);
    }
  };
  walk(dir, '');
  return out;
}

const readJson = (p: string): Json => JSON.parse(readFileSync(p, 'utf8'));
/** Edits tsgan.json (or a network's model.json) as parsed JSON; a returned value replaces the whole file. */
function editJson(path: string, f: (j: Json) => unknown): void {
  const j = readJson(path);
  const r = f(j);
  writeFileSync(path, JSON.stringify(r === undefined ? j : r));
}
const meta = (f: (m: Json) => unknown) => (dir: string) => editJson(join(dir, 'tsgan.json'), f);
const manifest = (f: (g: Json) => unknown, net = 'generator') => (dir: string) => editJson(join(dir, net, 'model.json'), (m) => f(m.weightsManifest[0]));
const entry0 = (f: (w: Json) => void, net = 'generator') => manifest((g) => void f(g.weights[0]), net);

/** Writes a float32 at `index` of the generator's weights.bin. */
function poke(dir: string, index: number, value: number): void {
  const fd = openSync(join(dir, 'generator', 'weights.bin'), 'r+');
  writeSync(fd, Buffer.from(new Float32Array([value]).buffer), 0, 4, index * 4);
  closeSync(fd);
}

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

interface Case {
  name: string;
  mutate: (dir: string) => void;
  /** The error line after "tsgan: error: "; must name the file and the key. */
  error: RegExp;
  /** The command; default sample. */
  cmd?: 'sample' | 'eval' | 'predict';
  from?: 'rgan' | 'timegan' | 'classifier' | 'dense';
  count?: string;
  skip?: boolean;
}

const TSGAN = String.raw`[^ ]*/tsgan\.json`;
const GEN = String.raw`[^ ]*/generator/model\.json`;
const re = (file: string, rest: string) => new RegExp(`^${file}: ${rest}`);

const CASES: Case[] = [
  // Item 9: malformed files, each once a stack trace.
  { name: 'tsgan.json is null', mutate: meta(() => null), error: re(TSGAN, 'must be a JSON object, got null$') },
  { name: 'tsgan.json is a list', mutate: meta(() => [1, 2]), error: re(TSGAN, 'must be a JSON object, got \\[1,2\\]$') },
  { name: 'tsgan.json is not JSON', mutate: (d) => writeFileSync(join(d, 'tsgan.json'), '{"format": "tsgan-model",'), error: re(TSGAN, 'invalid JSON') },
  { name: 'tsgan.json is not UTF-8', mutate: (d) => writeFileSync(join(d, 'tsgan.json'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), error: re(TSGAN, 'not UTF-8 text') },
  { name: 'no config', mutate: meta((m) => void delete m.config), error: re(TSGAN, 'config: must be a JSON object, got nothing') },
  { name: 'config is a list', mutate: meta((m) => void (m.config = [])), error: re(TSGAN, 'config: must be a JSON object') },
  { name: 'no scaler', mutate: meta((m) => void delete m.scaler), error: re(TSGAN, 'scaler: must be a JSON object, got nothing') },
  { name: 'no features', mutate: meta((m) => void delete m.features), error: re(TSGAN, 'features: must be a list, got nothing') },
  { name: 'a feature name with terminal escapes', mutate: meta((m) => void (m.features[0] = '\u001b]0;pwned\u0007\u001b[2JOpen')), error: re(TSGAN, String.raw`features\[0\]: must not hold control characters`) },
  { name: 'a feature name is a number', mutate: meta((m) => void (m.features[2] = 7)), error: re(TSGAN, String.raw`features\[2\]: must be a string, got 7`) },
  { name: 'no history', mutate: meta((m) => void delete m.history), error: re(TSGAN, 'history: must be a JSON object') },
  { name: 'shape [-2, -72]', mutate: entry0((w) => void (w.shape = [-2, -72])), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.shape\[0\]: must be an integer in \[1, \d+\], got -2`) },
  { name: 'shape [0.5, 288]', mutate: entry0((w) => void (w.shape = [0.5, 288])), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.shape\[0\]: must be an integer .*got 0\.5`) },
  { name: 'shape as a string', mutate: entry0((w) => void (w.shape = '[6,12]')), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.shape: must be a list, got "\[6,12\]"`) },
  { name: 'dtype int32', mutate: entry0((w) => void (w.dtype = 'int32')), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.dtype: must be "float32".*got "int32"`) },
  { name: 'dtype float16', mutate: entry0((w) => void (w.dtype = 'float16')), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.dtype: must be "float32".*got "float16"`) },
  { name: 'a quantised entry', mutate: entry0((w) => void (w.quantization = { dtype: 'uint8', scale: 0.1, min: 0 })), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.quantization: quantised weights are not supported`) },
  { name: 'paths: null', mutate: manifest((g) => void (g.paths = null)), error: re(GEN, String.raw`weightsManifest\[0\]\.paths: must be a list, got null`) },
  { name: 'paths: [5]', mutate: manifest((g) => void (g.paths = [5])), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: must be a file name, got 5`) },
  { name: 'no weights', mutate: manifest((g) => void delete g.weights), error: re(GEN, String.raw`weightsManifest\[0\]\.weights: must be a list, got nothing`) },
  { name: 'no weightsManifest', mutate: (d) => editJson(join(d, 'generator', 'model.json'), (m) => void delete m.weightsManifest), error: re(GEN, 'weightsManifest: must be a list, got nothing') },
  { name: 'model.json is not JSON', mutate: (d) => writeFileSync(join(d, 'generator', 'model.json'), 'nope'), error: re(GEN, 'invalid JSON') },

  // Item 1: paths, links and special files.
  { name: 'path traversal ../../../../etc/hostname', mutate: manifest((g) => void (g.paths = ['../../../../etc/hostname'])), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: must be a plain file name .*got "\.\./\.\./`) },
  { name: 'an absolute path', mutate: manifest((g) => void (g.paths = ['/etc/hostname'])), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: must be a plain file name`) },
  { name: 'path ".."', mutate: manifest((g) => void (g.paths = ['..'])), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: must be a plain file name`) },
  { name: 'a path into a subdirectory', mutate: manifest((g) => void (g.paths = ['sub/weights.bin'])), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: must be a plain file name`) },
  { name: 'a backslash path', mutate: manifest((g) => void (g.paths = ['..\\..\\weights.bin'])), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: must be a plain file name`) },
  { name: 'the other network\'s weights by traversal', mutate: manifest((g) => void (g.paths = ['../discriminator/weights.bin'])), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: must be a plain file name`) },
  { name: 'weights.bin links to /dev/zero', mutate: (d) => (rmSync(join(d, 'generator', 'weights.bin')), symlinkSync('/dev/zero', join(d, 'generator', 'weights.bin'))), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: .*weights\.bin is a symbolic link`) },
  {
    name: 'weights.bin links to a right-sized file outside the model',
    mutate: (d) => {
      const outside = join(d, '..', `outside-${Math.random().toString(36).slice(2)}.bin`);
      cpSync(join(d, 'generator', 'weights.bin'), outside);
      rmSync(join(d, 'generator', 'weights.bin'));
      symlinkSync(outside, join(d, 'generator', 'weights.bin'));
    },
    error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: .*weights\.bin is a symbolic link`),
  },
  { name: 'model.json links to /dev/zero', mutate: (d) => (rmSync(join(d, 'generator', 'model.json')), symlinkSync('/dev/zero', join(d, 'generator', 'model.json'))), error: re(GEN, 'it is a symbolic link; model files must be regular files$') },
  { name: 'tsgan.json links to /dev/zero', mutate: (d) => (rmSync(join(d, 'tsgan.json')), symlinkSync('/dev/zero', join(d, 'tsgan.json'))), error: re(TSGAN, 'it is a symbolic link; model files must be regular files$') },
  {
    name: 'the generator directory links outside the model',
    mutate: (d) => {
      const outside = join(d, '..', `outside-${Math.random().toString(36).slice(2)}`);
      cpSync(join(d, 'generator'), outside, { recursive: true });
      rmSync(join(d, 'generator'), { recursive: true });
      symlinkSync(outside, join(d, 'generator'));
    },
    error: re(TSGAN, String.raw`files\.generator: .*generator is a symbolic link, not a directory`),
  },
  { name: 'a directory where weights.bin should be', mutate: (d) => (rmSync(join(d, 'generator', 'weights.bin')), mkdirSync(join(d, 'generator', 'weights.bin'))), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: .*weights\.bin is a directory`) },
  {
    name: 'a FIFO where weights.bin should be',
    skip: !hasMkfifo,
    mutate: (d) => {
      rmSync(join(d, 'generator', 'weights.bin'));
      assert.equal(spawnSync('mkfifo', [join(d, 'generator', 'weights.bin')]).status, 0);
    },
    error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: .*weights\.bin is a FIFO`),
  },
  { name: 'a directory where tsgan.json should be', mutate: (d) => (rmSync(join(d, 'tsgan.json')), mkdirSync(join(d, 'tsgan.json'))), error: re(TSGAN, 'it is a directory; model files must be regular files$') },
  { name: 'a 200 MB tsgan.json (sparse)', mutate: (d) => truncateSync(join(d, 'tsgan.json'), 200 * 2 ** 20), error: re(TSGAN, String.raw`it has 209715200 bytes, over the \d+ tsgan reads$`) },
  { name: 'a 20 MB model.json (sparse)', mutate: (d) => truncateSync(join(d, 'generator', 'model.json'), 20 * 2 ** 20), error: re(GEN, String.raw`it has 20971520 bytes, over the \d+ tsgan reads$`) },
  { name: 'a 4 GB weights.bin (sparse)', mutate: (d) => truncateSync(join(d, 'generator', 'weights.bin'), 4 * 2 ** 30), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: .*weights\.bin has 4294967296 bytes, the manifest describes 648$`) },
  { name: 'weights.bin missing', mutate: (d) => rmSync(join(d, 'generator', 'weights.bin')), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: cannot read .*weights\.bin \(no such file\)`) },
  { name: 'the generator directory missing', mutate: (d) => rmSync(join(d, 'generator'), { recursive: true }), error: re(TSGAN, String.raw`files\.generator: cannot read .*generator \(no such file\)`) },
  { name: 'weights.bin truncated', mutate: (d) => writeFileSync(join(d, 'generator', 'weights.bin'), readFileSync(join(d, 'generator', 'weights.bin')).subarray(0, 100)), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: .*weights\.bin has 100 bytes, the manifest describes \d+`) },
  { name: 'weights.bin oversized', mutate: (d) => writeFileSync(join(d, 'generator', 'weights.bin'), Buffer.concat([readFileSync(join(d, 'generator', 'weights.bin')), Buffer.alloc(4096)])), error: re(GEN, String.raw`weightsManifest\[0\]\.paths\[0\]: .*weights\.bin has \d+ bytes, the manifest describes \d+`) },
  { name: 'a huge shape', mutate: entry0((w) => void (w.shape = [100000, 100000])), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.shape: must describe at most \d+ values`) },
  { name: 'an unsafe-integer dimension', mutate: entry0((w) => void (w.shape = [2 ** 60, 1])), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.shape\[0\]: must be an integer`) },
  { name: 'shapes that differ from the config', mutate: entry0((w) => void (w.shape = [6, 13])), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.shape: "generator_gru_0/kernel" has shape \[6, 13\], the model in tsgan.json expects \[6, 12\]`) },
  { name: 'an extra weight in the manifest', mutate: manifest((g) => void g.weights.push({ name: 'extra', shape: [1], dtype: 'float32' })), error: re(GEN, 'weightsManifest: lists \\d+ weights, the model in tsgan.json has \\d+') },
  { name: 'a NaN weight', mutate: (d) => poke(d, 3, NaN), error: /^[^ ]*\/generator\/weights\.bin: weight "generator_gru_0\/kernel" \(weightsManifest\[0\]\.weights\[0\] in model\.json\) holds NaN at index 3/ },
  { name: 'an infinite weight', mutate: (d) => poke(d, 0, -Infinity), error: /^[^ ]*\/generator\/weights\.bin: weight "generator_gru_0\/kernel" .* holds -Infinity at index 0/ },

  // Item 2: sizes that drive an allocation, refused before anything is built.
  { name: 'config.seqLen 1e9', mutate: meta((m) => void (m.config.seqLen = 1e9)), error: re(TSGAN, String.raw`config\.seqLen: must be an integer in \[1, 100000\], got 1000000000$`) },
  { name: 'config.hidden 100000', mutate: meta((m) => void (m.config.hidden = 100000)), error: re(TSGAN, String.raw`config\.hidden: must be an integer in \[1, 4096\], got 100000$`) },
  { name: 'config.hidden 4000: O(H³) initialisation', mutate: meta((m) => void (m.config.hidden = 4000)), error: re(TSGAN, String.raw`config\.hidden: initialising the recurrent kernels .* reduce config\.hidden \(4000\), config\.layers \(1\)`) },
  { name: 'config.hidden 2048 × 64 layers: parameters', mutate: meta((m) => void Object.assign(m.config, { hidden: 2048, layers: 64 })), error: re(TSGAN, String.raw`config\.hidden: the networks would hold about .* parameters .* reduce config\.hidden \(2048\), config\.layers \(64\)`) },
  { name: 'config.layers 1000', mutate: meta((m) => void (m.config.layers = 1000)), error: re(TSGAN, String.raw`config\.layers: must be an integer in \[1, 64\], got 1000`) },
  { name: 'config.noiseDim 0', mutate: meta((m) => void (m.config.noiseDim = 0)), error: re(TSGAN, String.raw`config\.noiseDim: must be an integer in \[1, 65536\], got 0`) },
  { name: 'config.batchSize 1e12', mutate: meta((m) => void (m.config.batchSize = 1e12)), error: re(TSGAN, String.raw`config\.batchSize: must be an integer`) },
  { name: 'config.pac that does not divide batchSize', mutate: meta((m) => void (m.config.pac = 3)), error: re(TSGAN, String.raw`config\.batchSize: must be a multiple of config\.pac, got 8`) },
  { name: 'config.hidden as a string', mutate: meta((m) => void (m.config.hidden = '4')), error: re(TSGAN, String.raw`config\.hidden: must be an integer in \[1, 4096\], got "4"`) },
  { name: 'config.cell unknown', mutate: meta((m) => void (m.config.cell = 'transformer')), error: re(TSGAN, String.raw`config\.cell: must be one of rnn, lstm, gru, got "transformer"`) },
  { name: 'config.lrG negative', mutate: meta((m) => void (m.config.lrG = -1)), error: re(TSGAN, String.raw`config\.lrG: must be a positive finite number, got -1`) },
  { name: 'timegan: config.bidirectional "yes"', from: 'timegan', mutate: meta((m) => void (m.config.bidirectional = 'yes')), error: re(TSGAN, String.raw`config\.bidirectional: must be true or false, got "yes"`) },
  { name: 'timegan: config.windowNoise 1e9', from: 'timegan', mutate: meta((m) => void (m.config.windowNoise = 1e9)), error: re(TSGAN, String.raw`config\.windowNoise: must be an integer in \[0, 65536\], got 1000000000`) },
  { name: 'timegan: config.generatorInit unknown', from: 'timegan', mutate: meta((m) => void (m.config.generatorInit = 'zeros')), error: re(TSGAN, String.raw`config\.generatorInit: must be one of random, data, got "zeros"`) },
  { name: 'timegan: config.collapseRefit negative', from: 'timegan', mutate: meta((m) => void (m.config.collapseRefit = -1)), error: re(TSGAN, String.raw`config\.collapseRefit: must be an integer in \[0, \d+\], got -1`) },
  { name: 'timegan: config.windowNoise the weights were not trained with', from: 'timegan', mutate: meta((m) => void (m.config.windowNoise = 3)), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.shape: "generator_gru_0/kernel" has shape \[6, 12\], the model in tsgan.json expects \[9, 12\]`) },
  { name: 'timegan: config.seqLen 1', from: 'timegan', mutate: meta((m) => void (m.config.seqLen = 1)), error: re(TSGAN, String.raw`config\.seqLen: must be an integer in \[2, 100000\], got 1`) },
  { name: 'sample --count too large for the model', count: '1000000', mutate: () => {}, error: /^--count 1000000 × 4 steps × 6 features is .* values, over the .* reduce --count to at most \d+$/ },

  { name: 'dense-gan: config.gHidden [100000]', from: 'dense', mutate: meta((m) => void (m.config.gHidden = [100000])), error: re(TSGAN, String.raw`config\.gHidden\[0\]: must be an integer in \[1, 65536\], got 100000`) },
  { name: 'dense-gan: config.gHidden as a string', from: 'dense', mutate: meta((m) => void (m.config.gHidden = '8')), error: re(TSGAN, String.raw`config\.gHidden: must be a list, got "8"`) },
  { name: 'dense-gan: widths over the parameter bound', from: 'dense', mutate: meta((m) => void (m.config.gHidden = [65536, 65536])), error: re(TSGAN, String.raw`config\.gHidden: the networks would hold about .* parameters .* reduce config\.gHidden \(\[65536,65536\]\)`) },
  { name: 'dense-gan: an image shape that does not hold dataDim', from: 'dense', mutate: meta((m) => void (m.config.imageShape = [2, 2])), error: re(TSGAN, String.raw`config\.imageShape: must hold config\.dataDim values`) },
  { name: 'dense-gan: dataDim disagrees with features', from: 'dense', mutate: meta((m) => void (m.config.dataDim = 7)), error: re(TSGAN, 'features: lists 6 names, config\\.dataDim is 7$') },

  // Item 4: scaler values.
  { name: 'scaler.min[0] "abc"', mutate: meta((m) => void (m.scaler.min[0] = 'abc')), error: re(TSGAN, String.raw`scaler\.min\[0\]: must be a finite number, got "abc"$`) },
  { name: 'scaler.max[1] 1e999', mutate: (d) => writeFileSync(join(d, 'tsgan.json'), readFileSync(join(d, 'tsgan.json'), 'utf8').replace(/("max": \[1271), [^,]+,/, '$1, 1e999,')), error: re(TSGAN, String.raw`scaler\.max\[1\]: must be a finite number, got Infinity$`) },
  { name: 'scaler.min[0] null', mutate: meta((m) => void (m.scaler.min[0] = null)), error: re(TSGAN, String.raw`scaler\.min\[0\]: must be a finite number, got null$`) },
  { name: 'scaler.target not numbers', mutate: meta((m) => void (m.scaler.target = ['a', 1])), error: re(TSGAN, String.raw`scaler\.target\[0\]: must be a finite number, got "a"`) },
  { name: 'scaler.max below scaler.min', mutate: meta((m) => void (m.scaler.max[2] = -5)), error: re(TSGAN, String.raw`scaler\.max\[2\]: -5 is below scaler\.min\[2\]`) },
  { name: 'a scaler range that overflows', mutate: meta((m) => void ((m.scaler.min[0] = -1e308), (m.scaler.max[0] = 1e308))), error: re(TSGAN, String.raw`scaler\.max\[0\]: the range from scaler\.min\[0\] overflows`) },

  // Item 8: inconsistent files.
  { name: 'a scaler with one entry for six features', mutate: meta((m) => void ((m.scaler.min = [0]), (m.scaler.max = [1]))), error: re(TSGAN, 'scaler\\.min: has 1 entries for 6 features$') },
  { name: 'scaler.max shorter than scaler.min', mutate: meta((m) => void m.scaler.max.pop()), error: re(TSGAN, 'scaler\\.max: has 5 entries for 6 features$') },
  { name: 'features shorter than the weights\' output', mutate: meta((m) => void (m.features.pop(), m.scaler.min.pop(), m.scaler.max.pop())), error: re(TSGAN, 'features: lists 5 names, config\\.features is 6$') },
  { name: 'config.features disagrees with the weights', mutate: meta((m) => void Object.assign(m.config, { features: 5, noiseDim: 5 }, (m.features.pop(), m.scaler.min.pop(), m.scaler.max.pop(), {}))), error: re(GEN, String.raw`weightsManifest\[0\]\.weights\[0\]\.shape: .* expects \[5, 12\]`) },
  { name: 'no formatVersion', mutate: meta((m) => void delete m.formatVersion), error: re(TSGAN, String.raw`formatVersion: must be an integer in \[1, 1\], got nothing`) },
  { name: 'a negative formatVersion', mutate: meta((m) => void (m.formatVersion = -1)), error: re(TSGAN, String.raw`formatVersion: must be an integer in \[1, 1\], got -1$`) },
  { name: 'formatVersion as a string', mutate: meta((m) => void (m.formatVersion = '1')), error: re(TSGAN, String.raw`formatVersion: must be an integer in \[1, 1\], got "1"$`) },
  { name: 'a newer formatVersion', mutate: meta((m) => void (m.formatVersion = 99)), error: re(TSGAN, 'formatVersion: format version 99 is newer than this tsgan') },
  { name: 'another format', mutate: meta((m) => void (m.format = 'keras')), error: re(TSGAN, 'format: not a tsgan model file \\(format "keras"') },
  { name: 'an unknown model', mutate: meta((m) => void (m.model = 'gpt')), error: re(TSGAN, 'model: must be one of timegan, rgan, vaegan, dense-gan, dgan, classifier, got "gpt"$') },
  { name: 'config.model differs from model', mutate: meta((m) => void (m.config.model = 'timegan')), error: re(TSGAN, 'config\\.model: must be "rgan", got "timegan"$') },
  { name: 'history lengths disagree', mutate: meta((m) => void m.history.metrics.dLoss.pop()), error: re(TSGAN, 'history\\.metrics\\.dLoss: has 4 values for 5 iterations$') },

  // Item 11: eval checks the model directory before it writes anything.
  { name: 'eval: a model without history', cmd: 'eval', mutate: meta((m) => void delete m.history), error: re(TSGAN, 'history: must be a JSON object, got nothing') },
  { name: 'eval: a model without config', cmd: 'eval', mutate: meta((m) => void delete m.config), error: re(TSGAN, 'config: must be a JSON object, got nothing') },
  { name: 'eval: iterations as markup', cmd: 'eval', mutate: meta((m) => void (m.iterations = '<script>alert(1)</script>')), error: re(TSGAN, 'iterations: must be an integer in \\[0, \\d+\\], got "<script>') },
  { name: 'eval: a checkpoint iteration as markup', cmd: 'eval', mutate: meta((m) => void (m.checkpoint = { iteration: '<img src=x onerror=alert(1)>', metric: 'mmd', value: 1, lastIteration: 5 })), error: re(TSGAN, 'checkpoint\\.iteration: must be an integer') },

  // The classifier's directory gets the same checks.
  { name: 'classifier: path traversal', from: 'classifier', cmd: 'predict', mutate: manifest((g) => void (g.paths = ['../../tsgan.json']), 'classifier'), error: /^[^ ]*\/classifier\/model\.json: weightsManifest\[0\]\.paths\[0\]: must be a plain file name/ },
  { name: 'classifier: config.hidden 100000', from: 'classifier', cmd: 'predict', mutate: meta((m) => void (m.config.hidden = 100000)), error: re(TSGAN, String.raw`config\.hidden: must be an integer in \[1, 4096\], got 100000`) },
  { name: 'classifier: classes disagree with config', from: 'classifier', cmd: 'predict', mutate: meta((m) => void m.classes.push('sideways')), error: re(TSGAN, 'classes: lists 3 names, config\\.classes is 2$') },
  { name: 'classifier: a NaN weight', from: 'classifier', cmd: 'predict', mutate: (d) => { const fd = openSync(join(d, 'classifier', 'weights.bin'), 'r+'); writeSync(fd, Buffer.from(new Float32Array([NaN]).buffer), 0, 4, 0); closeSync(fd); }, error: /^[^ ]*\/classifier\/weights\.bin: weight ".*" .* holds NaN at index 0/ },
];

let caseNo = 0;
for (const c of CASES) {
  test(`hostile model directory: ${c.name}`, { skip: c.skip ? 'mkfifo is not available' : false }, async () => {
    const work = join(root, `case-${caseNo++}`);
    mkdirSync(work);
    const dir = join(work, 'model');
    cpSync({ rgan: base, timegan: tgBase, classifier: clfBase, dense: denseBase }[c.from ?? 'rgan'], dir, { recursive: true });
    c.mutate(dir);
    const before = snapshot(dir);
    const out = join(work, 'out');
    const args =
      c.cmd === 'eval'
        ? ['eval', '--real', STOCK_CSV, '--synthetic', synthetic, '--quick', '--json', `${out}.json`, '--report', `${out}.html`, '--model', dir]
        : c.cmd === 'predict'
          ? ['classify', 'predict', '--model', dir, '--data', labelled, '--out', `${out}.csv`]
          : ['sample', '--model', dir, '--count', c.count ?? '2', '--out', `${out}.csv`];
    const r = await runCli(args);
    assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('tsgan: TensorFlow.js'));
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.ok(lines[0].startsWith('tsgan: error: '), lines[0]);
    assert.match(lines[0].slice('tsgan: error: '.length), c.error);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(work).filter((f) => f !== 'model' && !f.startsWith('outside-')), [], 'nothing written');
    assert.deepEqual(snapshot(dir), before, 'the model directory is unchanged');
  });
}

test('the unmodified copies sample, predict and eval (the cases above fail for what they change)', async () => {
  const work = tempDir();
  for (const [from, args] of [
    [base, (d: string) => ['sample', '--model', d, '--count', '2', '--out', join(work, 'a.csv')]],
    [tgBase, (d: string) => ['sample', '--model', d, '--count', '2', '--out', join(work, 'b.csv')]],
    [clfBase, (d: string) => ['classify', 'predict', '--model', d, '--data', labelled, '--out', join(work, 'c.csv')]],
  ] as const) {
    const dir = join(work, `m-${from.split('/').pop()}`);
    cpSync(from, dir, { recursive: true });
    await ok(args(dir));
  }
  // An old TimeGAN file (before bidirectional and the G terms beyond the reference's) is migrated, not refused.
  const old = join(work, 'old-tg');
  cpSync(tgBase, old, { recursive: true });
  const forward = join(work, 'fwd');
  await ok(['train', '--model', 'timegan', '--data', STOCK_CSV, '--iterations', '2', '--embedding-iterations', '1', '--supervised-iterations', '1', '--seq-len', '4', '--batch-size', '8', '--layers', '1', '--hidden', '4', '--no-bidirectional', '--out', forward]);
  editJson(join(forward, 'tsgan.json'), (m) => {
    for (const k of ['bidirectional', 'correlationLoss', 'momentLoss', 'slicedLoss', 'incrementLoss', 'dataCritic', 'windowNoise', 'balanceSteps', 'generatorInit', 'collapseRefit']) delete m.config[k];
  });
  const loaded = loadModelDir(forward);
  assert.equal((loaded.meta.config as { bidirectional?: boolean }).bidirectional, false);
  // Keys added later take what such a model was trained with: their defaults, and no collapse check (resumed, it goes on as it began).
  const c = (loaded.model as unknown as { config: { dataCritic: number; windowNoise: number; balanceSteps: boolean; generatorInit: string; collapseRefit: number } }).config;
  assert.deepEqual([c.dataCritic, c.windowNoise, c.balanceSteps, c.generatorInit, c.collapseRefit], [0, 0, false, 'random', 0]);
  loaded.model.dispose();
  assert.ok(existsSync(join(work, 'a.csv')) && existsSync(join(work, 'b.csv')) && existsSync(join(work, 'c.csv')));
});

test('sample refuses to write a NaN or an infinity, naming where it is', () => {
  const values = new Float32Array(2 * 3 * 2).fill(0.5);
  values[2 * 3 + 2 * 2 + 1] = NaN; // sequence 1, step 2, column b
  assert.throws(() => samplesToCsv(values, 2, 3, ['a', 'b']), (e: Error) => e instanceof TsganError && /generated NaN for sequence 1, step 2, column "b"/.test(e.message));
  const vectors = new Float32Array([1, 2, Infinity, 4]);
  assert.throws(() => vectorsToCsv(vectors, 2, ['a', 'b']), (e: Error) => e instanceof TsganError && /generated Infinity for sample 1, column "a"/.test(e.message));
});

test('train refuses sizes over the bounds before it builds anything, naming the flags to reduce', async () => {
  const out = join(tempDir(), 'm');
  const r = await runCli(['train', '--model', 'rgan', '--data', STOCK_CSV, '--hidden', '4096', '--layers', '4', '--iterations', '1', '--out', out]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /tsgan: error: the networks would hold about .* parameters .* reduce --hidden \(4096\), --layers \(4\)/);
  const r0 = await runCli(['train', '--model', 'rgan', '--data', STOCK_CSV, '--hidden', '12000', '--layers', '1', '--iterations', '1', '--out', out]);
  assert.match(r0.stderr, /tsgan: error: --hidden must be in \[1, 4096\], got 12000/);
  const r2 = await runCli(['train', '--model', 'rgan', '--data', STOCK_CSV, '--hidden', '3000', '--layers', '1', '--iterations', '1', '--out', out]);
  assert.equal(r2.code, 2, r2.stderr);
  assert.match(r2.stderr, /tsgan: error: initialising the recurrent kernels .* reduce --hidden \(3000\), --layers \(1\)/);
  // Within what a saved tsgan.json may hold, so that a model that trains can be read back.
  const r3 = await runCli(['train', '--model', 'timegan', '--data', STOCK_CSV, '--window-noise', '65537', '--iterations', '1', '--out', out]);
  assert.equal(r3.code, 2, r3.stderr);
  assert.match(r3.stderr, /tsgan: error: --window-noise must be in \[0, 65536\], got 65537/);
  assert.equal(existsSync(out), false);
});

// ---- fuzz: random edits of tsgan.json and model.json ----

/** Every key path of a JSON value (objects and arrays, at most `depth` deep). */
function keyPaths(v: unknown, depth = 5, prefix: (string | number)[] = []): (string | number)[][] {
  if (depth === 0 || v === null || typeof v !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...prefix, k], ...keyPaths((v as Record<string | number, unknown>)[k], depth - 1, [...prefix, k])]);
}

const NASTY = [0, -1, 1, 2, 0.5, -0.5, 1e9, 2 ** 53, 1e308, -1e308, 65536, 4096, 100000, '', 'x', '../../etc/passwd', '/dev/zero', 'float16', null, true, false, [], {}, [-2, -72], [0.5, 288], [1e6, 1e6], { a: 1 }];

const mutation = fc.record({
  file: fc.constantFrom('tsgan.json', 'generator/model.json', 'discriminator/model.json'),
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'nasty', 'random', 'swap'),
  nasty: fc.constantFrom(...NASTY),
  random: fc.jsonValue({ maxDepth: 2 }),
});

interface Mutation {
  file: string;
  pick: number;
  op: string;
  nasty: unknown;
  random: unknown;
}

function applyMutation(text: string, m: Mutation): string {
  const root: Json = JSON.parse(text);
  // A model.json's topology is TF.js's and never read by tsgan: mutate the manifest.
  const target = m.file === 'tsgan.json' ? root : root.weightsManifest;
  const paths = keyPaths(target);
  if (paths.length === 0) return text; // an earlier edit emptied it
  const path = paths[m.pick % paths.length];
  let parent: any = target; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const k of path.slice(0, -1)) parent = parent[k];
  const key = path[path.length - 1];
  const old = parent[key];
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.op === 'nasty') parent[key] = m.nasty;
  else if (m.op === 'random') parent[key] = m.random;
  else parent[key] = typeof old === 'number' ? String(old) : typeof old === 'string' ? Number(old.length) : Array.isArray(old) ? { ...old } : old === null ? 0 : typeof old === 'object' ? Object.values(old) : String(old);
  return JSON.stringify(root);
}

test('fuzz: random edits of tsgan.json and model.json give a TsganError or a working model, in bounded time and memory', () => {
  const work = tempDir();
  const texts = Object.fromEntries(['tsgan.json', 'generator/model.json', 'discriminator/model.json'].map((f) => [f, readFileSync(join(base, f), 'utf8')]));
  const rss0 = process.memoryUsage().rss;
  let n = 0;
  let refused = 0;
  const seed = Number(process.env.TSGAN_FUZZ_SEED ?? 29);
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (edits) => {
      const dir = join(work, `f${n++}`);
      cpSync(base, dir, { recursive: true });
      const files = { ...texts };
      for (const e of edits) files[e.file] = applyMutation(files[e.file], e);
      for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
      const tensors = tf.memory().numTensors;
      const t0 = performance.now();
      try {
        const loaded = loadModelDir(dir);
        try {
          const x = loaded.model.sample(2, new Rng(0));
          assert.ok(x.every(Number.isFinite), 'a model that loads samples finite values');
        } finally {
          loaded.model.dispose();
        }
      } catch (e) {
        if (!(e instanceof TsganError)) throw new Error(`not a TsganError: ${(e as Error).stack}`);
        assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
        assert.match(e.message, /tsgan\.json|model\.json|weights\.bin/, 'names the file');
        refused++;
      }
      // A hang detector, not a timing test: a case takes milliseconds, and the size bounds keep a loadable model small.
      assert.ok(performance.now() - t0 < 60_000, `bounded time: ${(performance.now() - t0).toFixed(0)} ms`);
      assert.equal(tf.memory().numTensors, tensors, 'nothing left allocated');
      rmSync(dir, { recursive: true, force: true });
    }),
    { numRuns: 100, seed },
  );
  assert.ok(refused > 50, `most random edits are refused (${refused} of ${n})`);
  assert.ok(process.memoryUsage().rss - rss0 < 300 * 2 ** 20, `memory bounded: rss grew by ${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MiB`);
});
