/** The tsgan command: bad input gives one line and exit code 2 and writes nothing; train → sample is reproducible. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { engine, tempDir, runCli, runBin, STOCK_CSV, listFiles } from './helpers.js';

before(engine);

// The fastest model: these tests are of the CLI's contract, which every model shares.
const TINY = ['--model', 'rgan', '--layers', '1', '--hidden', '4', '--batch-size', '8', '--iterations', '2', '--seq-len', '6'];

function fixture(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('every bad input gets one line naming the problem, exit code 2, and nothing written', async () => {
  const dir = tempDir();
  const good = 'a,b\n' + Array.from({ length: 10 }, (_, i) => `${i},${i * 2}`).join('\n') + '\n';
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['--data', join(dir, 'missing.csv')], /missing\.csv: no such file/],
    ['empty file', ['--data', fixture(dir, 'empty.csv', '')], /empty\.csv: empty file/],
    ['no numeric column', ['--data', fixture(dir, 'text.csv', 'a,b\nx,y\nz,w\n')], /text\.csv: no numeric column/],
    ['blank cell', ['--data', fixture(dir, 'blank.csv', good.replace('3,6', '3,'))], /blank\.csv:5:2: empty cell in feature column "b"/],
    ['NaN cell', ['--data', fixture(dir, 'nan.csv', good.replace('3,6', 'NaN,6'))], /nan\.csv:5:1: "NaN" is not a finite number/],
    ['Inf cell', ['--data', fixture(dir, 'inf.csv', good.replace('3,6', '3,Inf'))], /inf\.csv:5:2: "Inf" is not a finite number/],
    ['non-numeric cell', ['--data', fixture(dir, 'abc.csv', good.replace('3,6', '3,12abc'))], /abc\.csv:5:2: "12abc" is not a number/],
    ['ragged row', ['--data', fixture(dir, 'ragged.csv', good.replace('3,6', '3,6,9'))], /ragged\.csv:5: row has 3 fields, the header has 2/],
    ['too few rows', ['--data', fixture(dir, 'short.csv', 'a,b\n1,2\n3,4\n')], /short\.csv: the series has 2 rows, fewer than --seq-len 6/],
    ['too few rows per id', ['--data', fixture(dir, 'panel.csv', 'id,a\n' + 'x,1\n'.repeat(8) + 'y,1\n'.repeat(3)), '--id-column', 'id'], /panel\.csv: series "y" has 3 rows, fewer than --seq-len 6/],
    ['unknown --columns name', ['--data', fixture(dir, 'good.csv', good), '--columns', 'a,nope'], /good\.csv: unknown column "nope" in --columns; the columns are a, b/],
    ['bad number option', ['--data', join(dir, 'good.csv'), '--hidden', 'lots'], /--hidden must be an integer ≥ 1, got "lots"/],
    ['unknown option', ['--data', join(dir, 'good.csv'), '--hiden', '3'], /tsgan train: Unknown option '--hiden'/],
    ['unknown cell', ['--data', join(dir, 'good.csv'), '--cell', 'tcn'], /--cell must be one of rnn, lstm, gru, got "tcn"/],
  ];
  for (const [what, args, pattern] of cases) {
    const out = join(dir, `out-${what.replace(/\W+/g, '-')}`);
    const r = await runCli(['train', ...TINY, ...args, '--out', out]);
    assert.equal(r.code, 2, `${what}: exit code (stderr: ${r.stderr})`);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('tsgan: TensorFlow.js'));
    assert.equal(lines.length, 1, `${what}: one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(lines[0], pattern, what);
    assert.match(lines[0], /^tsgan: error: /, what);
    assert.deepEqual(listFiles(out), [], `${what}: nothing written`);
  }
  // Nothing but the fixtures themselves in the directory.
  assert.ok(readdirSync(dir).every((f) => f.endsWith('.csv')), readdirSync(dir).join(', '));
});

test('an existing non-empty --out is refused unless --force, before any training; --force replaces only a previous model', async () => {
  const dir = tempDir();
  const out = join(dir, 'model');
  mkdirSync(out);
  writeFileSync(join(out, 'precious.txt'), 'x');
  const r = await runCli(['train', '--data', STOCK_CSV, '--out', out, ...TINY]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /model: exists and is not empty; choose another --out or pass --force/);
  assert.deepEqual(listFiles(out), ['precious.txt']);
  // A directory that is not a tsgan output is not replaced, even with --force.
  const n = await runCli(['train', '--data', STOCK_CSV, '--out', out, ...TINY, '--force']);
  assert.equal(n.code, 2);
  assert.match(n.stderr, /model: is not a tsgan model directory \(a tsgan\.json or a checkpoint, and nothing else\); --force replaces only a previous output/);
  assert.deepEqual(listFiles(out), ['precious.txt']);
  // Nor a model directory that holds a file of the user's.
  writeFileSync(join(out, 'tsgan.json'), '{"format": "tsgan-model"}');
  assert.equal((await runCli(['train', '--data', STOCK_CSV, '--out', out, ...TINY, '--force'])).code, 2);
  assert.deepEqual(listFiles(out), ['precious.txt', 'tsgan.json']);
  // A previous model is replaced whole: a stale network of it does not survive.
  rmSync(join(out, 'precious.txt'));
  mkdirSync(join(out, 'embedder'));
  writeFileSync(join(out, 'embedder/model.json'), '{}');
  const f = await runCli(['train', '--data', STOCK_CSV, '--out', out, ...TINY, '--force']);
  assert.equal(f.code, 0, f.stderr);
  assert.ok(listFiles(out).includes('tsgan.json') && !listFiles(out).some((p) => p.startsWith('embedder')));
  assert.deepEqual(readdirSync(dir), ['model'], 'no temporary or set-aside directory is left');
});

test('sample refuses bad arguments and an existing --out without --force', async () => {
  const dir = tempDir();
  const model = join(dir, 'model');
  assert.equal((await runCli(['train', '--data', STOCK_CSV, '--out', model, ...TINY])).code, 0);
  const out = join(dir, 's.csv');
  let r = await runCli(['sample', '--model', join(dir, 'nope'), '--count', '3', '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope: no such model directory/);
  r = await runCli(['sample', '--model', model, '--count', '0', '--out', out]);
  assert.match(r.stderr, /--count must be an integer ≥ 1, got "0"/);
  r = await runCli(['sample', '--model', model, '--out', out]);
  assert.match(r.stderr, /--count is required/);
  writeFileSync(out, 'keep');
  r = await runCli(['sample', '--model', model, '--count', '3', '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /s\.csv: exists; choose another --out or pass --force/);
  assert.equal(readFileSync(out, 'utf8'), 'keep');
  r = await runCli(['sample', '--model', model, '--count', '3', '--out', out, '--force']);
  assert.equal(r.code, 0);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 1 + 3 * 6);
});

test('train → sample on the stock data: long format in the data\'s units, byte-identical for the same seeds', async () => {
  const dir = tempDir();
  const stock = readFileSync(STOCK_CSV, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const min = stock[0].map((_, f) => Math.min(...stock.map((r) => r[f])));
  const max = stock[0].map((_, f) => Math.max(...stock.map((r) => r[f])));
  const run = async (name: string, seed: string, sampleSeed: string) => {
    const model = join(dir, `model-${name}`);
    const out = join(dir, `${name}.csv`);
    const t = await runCli(['train', '--data', STOCK_CSV, '--out', model, '--layers', '2', '--hidden', '6', '--batch-size', '16', '--iterations', '5', '--seed', seed]);
    assert.equal(t.code, 0, t.stderr);
    const s = await runCli(['sample', '--model', model, '--count', '30', '--seed', sampleSeed, '--out', out]);
    assert.equal(s.code, 0, s.stderr);
    return readFileSync(out);
  };
  const a = await run('a', '7', '1');
  const b = await run('b', '7', '1');
  const c = await run('c', '8', '1');
  const d = await run('d', '7', '2');
  assert.ok(a.equals(b), 'same seeds, same bytes');
  assert.ok(!a.equals(c), 'another training seed, another file');
  assert.ok(!a.equals(d), 'another sampling seed, another file');
  const lines = a.toString('utf8').trim().split('\n');
  assert.equal(lines[0], 'sequence,step,Open,High,Low,Close,Adj_Close,Volume');
  assert.equal(lines.length, 1 + 30 * 24);
  assert.equal(lines[1].split(',').slice(0, 2).join(','), '0,0');
  assert.equal(lines.at(-1)!.split(',').slice(0, 2).join(','), '29,23');
  for (const line of lines.slice(1)) {
    const v = line.split(',').slice(2).map(Number);
    v.forEach((x, f) => assert.ok(x >= min[f] - 1e-6 * Math.abs(min[f]) && x <= max[f] * (1 + 1e-6), `feature ${f}: ${x} outside [${min[f]}, ${max[f]}]`));
  }
  const meta = JSON.parse(readFileSync(join(dir, 'model-a', 'tsgan.json'), 'utf8'));
  // Without --model: the default, TimeGAN, with --iterations in each of its three phases.
  assert.equal(meta.model, 'timegan');
  assert.equal(meta.iterations, 15);
  assert.equal(meta.config.embeddingIterations, 5);
  assert.equal(meta.seed, 7);
  assert.deepEqual(meta.features, ['Open', 'High', 'Low', 'Close', 'Adj_Close', 'Volume']);
  assert.equal(meta.history.iteration.length, 15);
  assert.equal(meta.config.hidden, 6);
  assert.equal(meta.config.batchSize, 16);
});

test('the real binary: --version, --help, and exit code 2 on bad input', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const v = runBin(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), pkg.version);
  for (const cmd of ['train', 'sample', 'demo']) {
    const h = runBin([cmd, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, new RegExp(`^Usage: tsgan ${cmd}`));
  }
  const dir = tempDir();
  const bad = runBin(['train', '--data', join(dir, 'nope.csv'), '--out', join(dir, 'm')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /nope\.csv: no such file/);
  assert.deepEqual(readdirSync(dir), []);
  const unknown = runBin(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

test('demo writes the sine data, a model and 1,000 synthetic sequences, and never overwrites', async () => {
  const dir = join(tempDir(), 'demo');
  const r = await runCli(['demo', '--out', dir, '--iterations', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /tsgan demo: trained TimeGAN, 2 iterations in each of its three phases, in /);
  assert.match(r.stdout, /sine_5 /);
  const files = listFiles(dir);
  for (const f of ['sines.csv', 'model/tsgan.json', 'model/generator/model.json', 'synthetic.csv']) assert.ok(files.includes(f), f);
  const synth = readFileSync(join(dir, 'synthetic.csv'), 'utf8').trim().split('\n');
  assert.equal(synth[0], 'sequence,step,sine_1,sine_2,sine_3,sine_4,sine_5');
  assert.equal(synth.length, 1 + 1000 * 24);
  const again = await runCli(['demo', '--out', dir, '--iterations', '2']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /exists and is not empty/);
});
