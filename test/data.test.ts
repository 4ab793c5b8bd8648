/** CSV reading, column selection, panel data, windows and scaling. */
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { parseCsv, parseNumber } from '../src/data/csv.js';
import { tableToDataset, loadDataset, decodeUtf8, firstInvalidUtf8 } from '../src/data/table.js';
import { MinMaxScaler } from '../src/data/scaler.js';
import { makeWindows } from '../src/data/windows.js';
import { sineData } from '../src/data/sines.js';
import { peakTurnover, sinesCoupling, sinesPredictiveFloor } from '../src/eval/sines.js';
import { Rng, deriveSeed, STREAMS } from '../src/random.js';
import { samplesToCsv } from '../src/io/samples.js';
import { STOCK_CSV } from './helpers.js';

const ds = (text: string, opts = {}) => tableToDataset(parseCsv(text, 'f.csv'), opts);

test('numbers are parsed strictly', () => {
  for (const ok of ['1', '-2.5', '+3', '.5', '1e3', '1.5E-2', ' 7 ']) assert.notEqual(parseNumber(ok), null, ok);
  for (const bad of ['2012-01-01', '12abc', '', 'NaN', 'Infinity', '-inf', '0x10', '1,5', '1e999', '1e308', '-1e39']) assert.equal(parseNumber(bad), null, bad);
  // The bound is float32's range: 1e38 is a number, beyond it is not.
  assert.equal(parseNumber('-1e38'), -1e38);
});

test('column types are judged over the whole column: an overflow in the first row is the error a later one is', () => {
  assert.throws(() => ds('a,b\n1e999,1\n2,2\n3,3\n'), /^TsganError: f\.csv:2:1: "1e999" is out of the range of a number in feature column "a"$/);
  assert.throws(() => ds('a,b\n1,1\n2,2\n1e999,3\n'), /^TsganError: f\.csv:4:1: "1e999" is out of the range of a number in feature column "a"$/);
  assert.throws(() => ds('a,b\n1e308,1\n-1e308,2\n'), /f\.csv:2:1: "1e308" is beyond ±1e38/);
  // Text in the first row of a mostly numeric column: an error there, not a dropped column.
  assert.throws(() => ds('a,b\nx,1\n2,2\n3,3\n'), /f\.csv:2:1: "x" is not a number in feature column "a"/);
  // Mostly text (an id or label column with a few numbers): left out, as before; blanks and NA do not vote.
  const d = ds('a,label,empty\n1,x,\n2,7,NA\n3,y,\n');
  assert.deepEqual(d.features, ['a']);
  assert.deepEqual(d.skipped, ['label', 'empty']);
  // --columns naming a text column: the error names a text cell, not a blank before it.
  assert.throws(() => ds('a,b\n1,\n2,x\n3,y\n', { columns: ['b'] }), /^TsganError: f\.csv:3:2: column "b" is not numeric: "x" is not a number$/);
});

test('a byte that is not UTF-8 is an error with its offset and line; the offsets agree with TextDecoder', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(decodeUtf8(enc('a,é\n€,𝄞\n'), 'f.csv'), 'a,é\n€,𝄞\n');
  assert.throws(() => decodeUtf8(Uint8Array.from([0x61, 0xe9, 0x2c, 0x62]), 'f.csv'), /^TsganError: f\.csv: invalid UTF-8 at byte 1 \(0xE9\) \(line 1,/);
  assert.throws(() => decodeUtf8(Uint8Array.from([0x61, 0x0a, 0x31, 0x0a, 0xc3]), 'f.csv'), /at byte 4 \(0xC3\) \(line 3,/);
  const rng = new Rng(5);
  const pool = [0x41, 0x0a, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x90, 0x8f];
  for (let k = 0; k < 3000; k++) {
    const b = Uint8Array.from({ length: 1 + rng.int(6) }, () => pool[rng.int(pool.length)]);
    const at = firstInvalidUtf8(b);
    let fatal = false;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      fatal = true;
    }
    assert.equal(at < b.length || fatal, fatal, `${Array.from(b)}`);
    // Everything before the offset is valid UTF-8, by the standard decoder too.
    new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, at));
  }
});

test('quoted fields, CRLF, BOM and blank lines are read; line numbers are kept', () => {
  const t = parseCsv('\ufeffa,"b,c"\r\n1,"x ""y"""\r\n\r\n3,"multi\nline"\n', 'f.csv');
  assert.deepEqual(t.header, ['a', 'b,c']);
  assert.deepEqual(t.rows.map((r) => r.line), [2, 4]);
  assert.deepEqual(t.rows[0].fields, ['1', 'x "y"']);
  assert.deepEqual(t.rows[1].fields, ['3', 'multi\nline']);
});

test('numeric columns are the features; dates and text are left out and named', () => {
  const d = ds('Date,Open,Name,Close\n2012-01-01,1,x,2\n2012-01-02,3,y,4\n');
  assert.deepEqual(d.features, ['Open', 'Close']);
  assert.deepEqual(d.skipped, ['Date', 'Name']);
  assert.deepEqual(Array.from(d.series[0].values), [1, 2, 3, 4]);
});

test('--columns picks and orders features', () => {
  const d = ds('a,b,c\n1,2,3\n4,5,6\n', { columns: ['c', 'a'] });
  assert.deepEqual(d.features, ['c', 'a']);
  assert.deepEqual(Array.from(d.series[0].values), [3, 1, 6, 4]);
});

test('--id-column splits panel data into series in order of first appearance, rows in file order', () => {
  const d = ds('id,v\nb,1\na,2\nb,3\na,4\nb,5\n', { idColumn: 'id' });
  assert.deepEqual(d.series.map((s) => s.id), ['b', 'a']);
  assert.deepEqual(Array.from(d.series[0].values), [1, 3, 5]);
  assert.deepEqual(Array.from(d.series[1].values), [2, 4]);
  assert.deepEqual(d.features, ['v']);
});

test('every bad cell names file, line and column', () => {
  assert.throws(() => ds('a,b\n1,2\n3,\n'), /^TsganError: f\.csv:3:2: empty cell in feature column "b"$/);
  assert.throws(() => ds('a,b\n1,2\nNaN,4\n'), /f\.csv:3:1: "NaN" is not a finite number in feature column "a"/);
  assert.throws(() => ds('a,b\n1,2\n3,inf\n'), /f\.csv:3:2: "inf" is not a finite number/);
  assert.throws(() => ds('a,b\n1,2\n3,12abc\n'), /f\.csv:3:2: "12abc" is not a number/);
  assert.throws(() => ds('a,b\n1,2\n3\n'), /f\.csv:3: row has 1 fields, the header has 2/);
  assert.throws(() => ds('d,e\nx,y\n'), /f\.csv: no numeric column \(a column is numeric when at least half of its cells, blanks and NA aside, are numbers\)$/);
  // A file separated by semicolons or tabs reads as one column: the error says so.
  assert.throws(() => ds('d;e\n1;2\n'), /f\.csv: no numeric column .*; the header is one field, so the file looks separated by ";", and tsgan reads comma-separated values$/);
  assert.throws(() => ds('d;e\n1,5;2\n'), /f\.csv:2: row has 2 fields, the header has 1; the header is one field, so the file looks separated by ";"/);
  assert.throws(() => ds('d\te\n1\t2\n', { columns: ['e'] }), /unknown column "e" in --columns; the columns are d\te; the header is one field, so the file looks separated by tabs/);
  assert.throws(() => ds('a,b\n1,2\n', { columns: ['a', 'zz'] }), /f\.csv: unknown column "zz" in --columns; the columns are a, b/);
  assert.throws(() => ds('a,b\nx,2\n', { columns: ['a'] }), /f\.csv:2:1: column "a" is not numeric/);
  assert.throws(() => ds('a,b\n1,2\n', { idColumn: 'nope' }), /unknown column "nope" in --id-column/);
  assert.throws(() => parseCsv('a,b\n', 'f.csv'), /f\.csv: no data rows/);
  assert.throws(() => parseCsv('a,a\n1,2\n', 'f.csv'), /f\.csv:1:2: duplicate column name "a"/);
  assert.throws(() => parseCsv('a,b\n1,"2\n', 'f.csv'), /f\.csv:2:2: unterminated quoted field/);
  assert.throws(() => loadDataset('/nonexistent/x.csv'), /\/nonexistent\/x\.csv: no such file/);
});

test('min-max scaling maps to [0, 1] and back; a constant column does not divide by zero', () => {
  const s = MinMaxScaler.fit([Float64Array.from([1, 5, 3, 5, 5, 5])], 2); // [rows 3, features 2]
  assert.deepEqual(Array.from(s.transform([1, 5, 3, 5, 5, 5])), [0, 0, 0.5, 0, 1, 0]);
  assert.deepEqual(Array.from(s.inverse([0, 0, 0.5, 0, 1, 0])), [1, 5, 3, 5, 5, 5]);
  assert.deepEqual(new MinMaxScaler(s.toJSON()).toJSON(), s.toJSON());
  // Whatever the generator outputs for a constant feature, it comes back as the constant, exactly.
  assert.deepEqual(Array.from(s.inverse([0, 0.0013, 0.5, 0.1087, 1, -0.3])), [1, 5, 3, 5, 5, 5]);
  assert.deepEqual(Array.from(new MinMaxScaler({ min: [5.1], max: [5.1], target: [-1, 1] }).inverse([0.7, -1, 1])), [5.1, 5.1, 5.1]);
});

test('windows: seqLen and stride within each series, never across ids; too-short series are named', () => {
  const d = ds('id,v\na,0\na,1\na,2\na,3\na,4\nb,10\nb,11\nb,12\n', { idColumn: 'id' });
  const scaler = new MinMaxScaler({ min: [0], max: [1] });
  const w = makeWindows(d.series, 1, scaler, { seqLen: 3, stride: 2 });
  assert.equal(w.count, 3);
  assert.deepEqual(Array.from(w.data), [0, 1, 2, 2, 3, 4, 10, 11, 12]);
  assert.throws(() => makeWindows(d.series, 1, scaler, { seqLen: 4, stride: 1, file: 'f.csv' }), /f\.csv: series "b" has 3 rows, fewer than --seq-len 4/);
});

test('the stock data loads in file order with its six numeric features', () => {
  const d = loadDataset(STOCK_CSV);
  assert.deepEqual(d.features, ['Open', 'High', 'Low', 'Close', 'Adj_Close', 'Volume']);
  assert.equal(d.series[0].rows, 3685);
  assert.equal(d.skipped.length, 0);
  // First data row of the file stays first (TimeGAN's loader reverses the rows).
  const first = parseCsv(readFileSync(STOCK_CSV, 'utf8'), STOCK_CSV).rows[0].fields.map(Number);
  assert.deepEqual(Array.from(d.series[0].values.subarray(0, 6)), first);
});

test('sines follow TimeGAN: values in [0, 1], seeded', () => {
  const a = sineData({ count: 10, seqLen: 24, features: 5, seed: 3 });
  assert.equal(a.data.length, 10 * 24 * 5);
  assert.ok(a.data.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(sineData({ count: 10, seed: 3 }).data, a.data);
  assert.notDeepEqual(sineData({ count: 10, seed: 4 }).data, a.data);
});

test('peakTurnover: real sines that reach their top turn over; waves held at their peak do not', () => {
  const s = sineData({ count: 2000, seqLen: 24, features: 5, seed: 1 });
  const scaler = MinMaxScaler.fit([s.data], 5);
  const real = peakTurnover(scaler.transform(s.data), 24, 5);
  // sin(f·t + φ) reaches π/2 inside 24 steps only for the faster waves; most of those are past it by the end.
  assert.ok(real.reached > 0.3 && real.reached < 0.5, `reached ${real.reached}`);
  assert.ok(real.turned > 0.6 && real.turned < 0.8, `turned ${real.turned}`);
  // The failure mode: each wave rises as before but stays at its running maximum.
  const held = Float32Array.from(s.data);
  for (let i = 0; i < 2000; i++) {
    for (let f = 0; f < 5; f++) {
      for (let t = 1; t < 24; t++) {
        const k = (i * 24 + t) * 5 + f;
        held[k] = Math.max(held[k], held[k - 5]);
      }
    }
  }
  const h = peakTurnover(scaler.transform(held), 24, 5);
  assert.equal(h.reached, real.reached);
  assert.equal(h.turned, 0);
  assert.deepEqual(peakTurnover(new Float32Array(0), 24, 5), { reached: 0, turned: 0 });
});

test("sinesPredictiveFloor: the per-step median's error of the last feature; on TimeGAN's Sines above the paper's .093", () => {
  // 3 sequences × 2 steps × 2 features: only the last feature at t = 1 is scored (0.1, 0.5, 0.9; median 0.5).
  const tiny = Float32Array.from([0, 0.7, 9, 0.1, 0, 0.2, 9, 0.5, 0, 0.3, 9, 0.9]);
  assert.ok(Math.abs(sinesPredictiveFloor(tiny, 2, 2) - 0.8 / 3) < 1e-6);
  const s = sineData({ count: 10000, seqLen: 24, features: 5, seed: 0 });
  const floor = sinesPredictiveFloor(s.data, 24, 5);
  assert.ok(floor > 0.093 && floor < 0.095, `floor ${floor}`);
  // Another value per step does worse: the per-step mean (what a squared-error predictor learns).
  let meanError = 0;
  for (let t = 1; t < 24; t++) {
    const at = (i: number) => s.data[(i * 24 + t) * 5 + 4];
    let m = 0;
    for (let i = 0; i < 10000; i++) m += at(i) / 10000;
    for (let i = 0; i < 10000; i++) meanError += Math.abs(at(i) - m) / (10000 * 23);
  }
  assert.ok(meanError > floor + 0.001, `per-step mean ${meanError}, floor ${floor}`);
  assert.equal(sinesPredictiveFloor(new Float32Array(0), 24, 5), 0);
});

test('sinesCoupling: real sines near 0; a last wave that follows another one step behind near 1', () => {
  const s = sineData({ count: 10000, seqLen: 24, features: 5, seed: 0 });
  const real = sinesCoupling(s.data, 24, 5);
  assert.ok(real < 0.015, `real ${real}`);
  // The last wave copies feature 0 of the step before (its first step stays as drawn):
  // one of four (step, feature) pairs is then perfectly coupled, the others by chance.
  const follow = Float32Array.from(s.data);
  for (let i = 0; i < 10000; i++) for (let t = 1; t < 24; t++) follow[(i * 24 + t) * 5 + 4] = s.data[(i * 24 + t - 1) * 5];
  const c = sinesCoupling(follow, 24, 5);
  assert.ok(Math.abs(c - (1 + 3 * real) / 4) < 0.01, `copied ${c}, real ${real}`);
  assert.equal(sinesCoupling(new Float32Array(24 * 5), 24, 5), 0, 'one sequence');
});

test('the seeded generator: uniformArray draws the same numbers as uniform() one at a time, and the stream goes on from there', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const many = a.uniformArray(1000, -2, 3);
  for (let i = 0; i < 1000; i++) assert.equal(many[i], Math.fround(-2 + 5 * b.uniform()));
  assert.equal(a.nextUint32(), b.nextUint32());
  // Pinned values: the same seed gives the same stream on every platform and version.
  const r = new Rng(7);
  assert.deepEqual([r.nextUint32(), r.nextUint32()], [1004282400, 2200021487]);
  assert.deepEqual(Array.from(new Rng(7).uniformArray(2)), [0.23382771015167236, 0.5122324228286743]);
});

test('derived random streams stay distinct for every seed: s and 2³² − 1 − s no longer share one', () => {
  const a = new Rng(deriveSeed(0, 0x5eed)).uniform();
  const b = new Rng(deriveSeed(4294967295, 0x5eed)).uniform();
  assert.notEqual(a, b);
  // Below 2³¹ a derived seed is the plain xor: the streams of published runs are unchanged.
  assert.equal(deriveSeed(7, 0x5eed), 7 ^ 0x5eed);
  // No two parts of a run share a stream: every name has its own tag.
  const tags = Object.values(STREAMS);
  assert.equal(new Set(tags).size, tags.length, `tags ${tags.join(', ')}`);
});

test('a constant column comes back exactly, whatever its digits', () => {
  const csv = samplesToCsv(new Float32Array([0.5, 20240101, 0.25, 20240101]), 1, 2, ['x', 'K'], [null, 20240101]);
  assert.equal(csv, 'sequence,step,x,K\n0,0,0.5,20240101\n0,1,0.25,20240101\n');
});
