/**
 * Hostile and broken CSV files, as a careless exporter or an attacker would
 * write them, through `tsgan train` and `tsgan eval`: every one is refused
 * with exit code 2 and exactly one line `tsgan: error: FILE:LINE:COL: …` (or
 * FILE and the byte offset, for bytes that are not text; FILE alone for a
 * problem of the whole file), and nothing is written. A constant column is
 * not hostile: it trains and samples back exactly its value. A set of
 * identical windows evaluates without failing.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, listFiles, runCli, tempDir } from './helpers.js';

before(engine);

const TINY = ['--layers', '1', '--hidden', '4', '--batch-size', '8', '--iterations', '2', '--seq-len', '6'];

/** `rows` data rows of two numeric columns a, b; `edit` changes cells: [line, column (1-based), text]. */
function table(rows: number, edits: [number, number, string][] = [], header = 'a,b', eol = '\n'): string {
  const lines = [header, ...Array.from({ length: rows }, (_, i) => `${i},${(i * 1.5).toFixed(1)}`)];
  for (const [line, col, text] of edits) {
    const cells = lines[line - 1].split(',');
    cells[col - 1] = text;
    lines[line - 1] = cells.join(',');
  }
  return lines.join(eol) + eol;
}

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

interface Case {
  name: string;
  /** The file's content. */
  data: string | Buffer;
  /** What the single error line must say after `tsgan: error: FILE` (FILE is put in front). */
  expect: RegExp;
  /** Extra options. */
  args?: string[];
  /** Which command reads the file: train --data (default), eval --real, or eval --synthetic. */
  as?: 'data' | 'real' | 'synthetic';
}

const good = table(12);
/** A well-formed synthetic file (tsgan sample's long format), 12 sequences of 6 steps. */
const goodSynth =
  'sequence,step,a,b\n' + Array.from({ length: 12 * 6 }, (_, k) => `${Math.floor(k / 6)},${k % 6},${(k % 7) + 0.5},${(k % 5) * 1.5}`).join('\n') + '\n';
const synthEdit = (line: number, col: number, text: string) => {
  const lines = goodSynth.split('\n');
  const cells = lines[line - 1].split(',');
  cells[col - 1] = text;
  lines[line - 1] = cells.join(',');
  return lines.join('\n');
};

const CASES: Case[] = [
  // Numbers that overflow, in the first row or later: the same error, naming the cell.
  { name: 'overflow in the first row', data: table(12, [[2, 1, '1e999']]), expect: /:2:1: "1e999" is out of the range of a number in feature column "a"$/ },
  { name: 'overflow in a later row', data: table(12, [[9, 2, '-1e999']]), expect: /:9:2: "-1e999" is out of the range of a number in feature column "b"$/ },
  { name: 'overflow in every row', data: 'a,b\n' + '1e400,1\n'.repeat(12), expect: /:2:1: "1e400" is out of the range/ },
  { name: '1e308 and -1e308: the range overflows', data: table(12, [[3, 1, '1e308'], [7, 1, '-1e308']]), expect: /:3:1: "1e308" is beyond ±1e38, the largest magnitude tsgan accepts in feature column "a"$/ },
  { name: '-1e308 in the first row', data: table(12, [[2, 2, '-1e308']]), expect: /:2:2: "-1e308" is beyond ±1e38/ },
  { name: 'just beyond float32', data: table(12, [[5, 2, '3.5e38']]), expect: /:5:2: "3\.5e38" is beyond ±1e38/ },
  { name: 'Inf in the first row', data: table(12, [[2, 2, 'Inf']]), expect: /:2:2: "Inf" is not a finite number in feature column "b"$/ },
  { name: 'NaN in the first row', data: table(12, [[2, 1, 'NaN']]), expect: /:2:1: "NaN" is not a finite number/ },
  // Columns typed over the whole column: one text cell in a numeric column is an error at that cell.
  { name: 'a numeric column with one text cell', data: table(12, [[7, 2, 'oops']]), expect: /:7:2: "oops" is not a number in feature column "b"$/ },
  { name: 'a numeric column whose first cell is text', data: table(12, [[2, 1, 'n/a?']]), expect: /:2:1: "n\/a\?" is not a number in feature column "a"$/ },
  { name: 'hexadecimal', data: table(12, [[4, 1, '0x10']]), expect: /:4:1: "0x10" is not a number/ },
  { name: 'decimal comma', data: table(12, [[4, 2, '"1,5"']]), expect: /:4:2: "1,5" is not a number/ },
  { name: 'whitespace-only cell', data: table(12, [[4, 2, '   ']]), expect: /:4:2: empty cell in feature column "b"$/ },
  { name: 'NA cell', data: table(12, [[6, 1, 'NA']]), expect: /:6:1: "NA" is not a number in feature column "a"$/ },
  { name: 'a line break inside a quoted numeric cell', data: table(12, [[5, 2, '"1\n2"']]), expect: /:5:2: "1\\x0a2" is not a number/ },
  { name: 'a terminal escape in a cell', data: table(12, [[5, 1, '\x1b[2Jx']]), expect: /:5:1: "\\x1b\[2Jx" is not a number/ },
  { name: 'a huge field', data: table(12, [[3, 2, '9'.repeat(40) + 'x'.repeat(2_000_000)]]), expect: /:3:2: "9{40}…" \(2000040 characters\) is not a number in feature column "b"$/ },
  // Bytes that are not UTF-8 text: the byte offset and its line.
  { name: 'Latin-1 byte in the header', data: bytes('a', [0xe9], ',b\n', good.split('\n').slice(1).join('\n')), expect: /: invalid UTF-8 at byte 1 \(0xE9\) \(line 1, counting bytes from 0\)/ },
  { name: 'Latin-1 byte in the body', data: bytes('a,b\n1,2\n3,4\n5,', [0xb5], '\n7,8\n'), expect: /: invalid UTF-8 at byte 14 \(0xB5\) \(line 4,/ },
  { name: 'UTF-8 cut off at the end', data: bytes(good, '1,2', [0xe2, 0x82]), expect: new RegExp(`: invalid UTF-8 at byte ${Buffer.byteLength(good) + 3} \\(0xE2\\) \\(line 14,`) },
  { name: 'overlong UTF-8 encoding', data: bytes('a,b\n', [0xc0, 0xaf], ',1\n'), expect: /: invalid UTF-8 at byte 4 \(0xC0\) \(line 2,/ },
  { name: 'UTF-16 surrogate encoded in UTF-8', data: bytes('a,b\n1,', [0xed, 0xa0, 0x80], '\n'), expect: /: invalid UTF-8 at byte 6 \(0xED\)/ },
  { name: 'a UTF-16 file', data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good, 'utf16le')]), expect: /: invalid UTF-8 at byte 0 \(0xFF\) \(line 1,/ },
  { name: 'NUL bytes in the body', data: bytes('a,b\n1,2\n3,', [0], '4\n'), expect: /:3:2: NUL byte in a field/ },
  { name: 'a NUL byte in the header', data: bytes('a', [0], ',b\n1,2\n'), expect: /:1:1: NUL byte in a field/ },
  // Byte-order mark and CRLF are read; the locations of later errors stay right.
  { name: 'BOM, then a bad cell', data: '\ufeff' + table(12, [[3, 2, 'x']]), expect: /:3:2: "x" is not a number/ },
  { name: 'CRLF, then a bad cell', data: table(12, [[4, 1, 'y']], 'a,b', '\r\n'), expect: /:4:1: "y" is not a number/ },
  // Structure.
  { name: 'unterminated quote', data: table(12, [[8, 2, '"12']]), expect: /:8:2: unterminated quoted field$/ },
  { name: 'text after a closing quote', data: table(12, [[6, 1, '"1"2']]), expect: /:6:1: text after a closing quote$/ },
  { name: 'duplicate header names', data: table(12, [], 'a,a'), expect: /:1:2: duplicate column name "a" \(also column 1\)$/ },
  { name: 'empty header name', data: table(12, [], 'a,'), expect: /:1:2: empty column name in the header$/ },
  { name: 'a line break in a header name', data: table(12, [], 'a,"b\nc"'), expect: /:1:2: column name "b\\x0ac" holds a control character$/ },
  { name: 'ragged row', data: table(12, [[5, 2, '1,2']]), expect: /:5: row has 3 fields, the header has 2$/ },
  { name: 'only a header', data: 'a,b\n', expect: /: no data rows after the header$/ },
  { name: 'only blank lines', data: '\n\n  \n', expect: /: empty file/ },
  { name: 'no numeric column', data: 'a,b\n' + 'x,y\n'.repeat(12), expect: /: no numeric column \(a column is numeric when at least half of its cells, blanks and NA aside, are numbers\)$/ },
  // Options that name columns.
  { name: '--columns naming a text column', data: 'a,name\n' + Array.from({ length: 12 }, (_, i) => `${i},n${i}`).join('\n'), args: ['--columns', 'a,name'], expect: /:2:2: column "name" is not numeric: "n0" is not a number$/ },
  { name: '--id-column missing', data: good, args: ['--id-column', 'id'], expect: /: unknown column "id" in --id-column; the columns are a, b$/ },
  // The same reader behind tsgan eval, on either side.
  { name: 'eval: overflow in the real data', as: 'real', data: table(20, [[2, 2, '1e999']]), expect: /:2:2: "1e999" is out of the range of a number/ },
  { name: 'eval: 1e308 in the real data', as: 'real', data: table(20, [[11, 1, '-1e308']]), expect: /:11:1: "-1e308" is beyond ±1e38/ },
  { name: 'eval: Latin-1 in the synthetic header', as: 'synthetic', data: bytes('sequence,step,a,b', [0xe9], '\n0,0,1,2\n'), expect: /: invalid UTF-8 at byte 17 \(0xE9\) \(line 1,/ },
  { name: 'eval: overflow in the synthetic data', as: 'synthetic', data: synthEdit(2, 3, '1e999'), expect: /:2:3: "1e999" is out of the range of a number in feature column "a"$/ },
  { name: 'eval: text in a synthetic numeric column', as: 'synthetic', data: synthEdit(30, 4, 'abc'), expect: /:30:4: "abc" is not a number in feature column "b"$/ },
  { name: 'eval: a line break in a synthetic step cell', as: 'synthetic', data: synthEdit(3, 2, '"x\ny"'), expect: /:3:2: sequence 0 has step "x\\x0ay" where step 1 was expected$/ },
  { name: 'eval: NUL in the synthetic data', as: 'synthetic', data: synthEdit(10, 3, '1\u00002'), expect: /:10:3: NUL byte in a field/ },
];

test(`${CASES.length} hostile CSV files: exit code 2, one line naming the file and the place, nothing written`, async () => {
  assert.ok(CASES.length >= 30);
  const dir = tempDir();
  const realGood = join(dir, 'real-good.csv');
  writeFileSync(realGood, table(20));
  const synthGood = join(dir, 'synth-good.csv');
  writeFileSync(synthGood, goodSynth);
  for (const c of CASES) {
    const slug = c.name.replace(/\W+/g, '-');
    const file = join(dir, `${slug}.csv`);
    writeFileSync(file, c.data);
    const out = join(dir, `out-${slug}`);
    const json = join(dir, `out-${slug}.json`);
    const report = join(dir, `out-${slug}.html`);
    const as = c.as ?? 'data';
    const args =
      as === 'data'
        ? ['train', ...TINY, '--data', file, ...(c.args ?? []), '--out', out]
        : ['eval', '--quick', '--real', as === 'real' ? file : realGood, '--synthetic', as === 'synthetic' ? file : synthGood, '--json', json, '--report', report, ...(c.args ?? [])];
    const r = await runCli(args);
    assert.equal(r.code, 2, `${c.name}: exit code (stderr: ${r.stderr.slice(0, 500)})`);
    const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('tsgan: TensorFlow.js'));
    assert.equal(lines.length, 1, `${c.name}: one line, got ${JSON.stringify(r.stderr.slice(0, 500))}`);
    assert.ok(lines[0].startsWith(`tsgan: error: ${file}`), `${c.name}: names the file: ${lines[0].slice(0, 300)}`);
    assert.match(lines[0].slice(`tsgan: error: ${file}`.length), c.expect, c.name);
    assert.ok(lines[0].length < 400, `${c.name}: a short line (${lines[0].length} characters)`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${c.name}: no stack trace`);
    assert.equal(r.stdout, '', `${c.name}: nothing on stdout`);
    assert.deepEqual(listFiles(out), [], `${c.name}: nothing written`);
    assert.ok(!existsSync(json) && !existsSync(report) && !existsSync(join(dir, `out-${slug}-charts`)), `${c.name}: no eval output`);
  }
  // Nothing in the directory but the fixtures: no temporary directory left behind either.
  assert.deepEqual(readdirSync(dir).filter((f) => !f.endsWith('.csv')), []);
});

test('a constant column trains and samples back exactly its value', async () => {
  const dir = tempDir();
  const data = join(dir, 'constant.csv');
  writeFileSync(data, 'a,level\n' + Array.from({ length: 40 }, (_, i) => `${Math.sin(i / 3).toFixed(4)},5`).join('\n') + '\n');
  const model = join(dir, 'model');
  const t = await runCli(['train', ...TINY, '--data', data, '--out', model, '--seed', '2']);
  assert.equal(t.code, 0, t.stderr);
  const out = join(dir, 'sample.csv');
  const s = await runCli(['sample', '--model', model, '--count', '20', '--out', out, '--seed', '3']);
  assert.equal(s.code, 0, s.stderr);
  const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
  const cols = header.split(',');
  const level = cols.indexOf('level');
  const a = cols.indexOf('a');
  assert.ok(level >= 0 && a >= 0, header);
  assert.equal(rows.length, 20 * 6);
  for (const r of rows) assert.equal(r.split(',')[level], '5', r);
  // The varying column still varies: only the constant one is pinned.
  assert.ok(new Set(rows.map((r) => r.split(',')[a])).size > 1);
});

test('identical windows evaluate: the full evaluation, several seeds, and the report', async () => {
  const dir = tempDir();
  // A constant series and a periodic one whose period is the window length (stride = length in the synthetic file).
  const realConst = join(dir, 'const.csv');
  writeFileSync(realConst, 'a,b\n' + '5,7\n'.repeat(30));
  const synthConst = join(dir, 'const-synth.csv');
  writeFileSync(synthConst, 'sequence,step,a,b\n' + Array.from({ length: 12 * 4 }, (_, k) => `${Math.floor(k / 4)},${k % 4},5,7`).join('\n') + '\n');
  const realPeriodic = join(dir, 'periodic.csv');
  writeFileSync(realPeriodic, 'a,b\n' + Array.from({ length: 40 }, (_, i) => `${i % 4},${2 * (i % 4)}`).join('\n') + '\n');
  const synthPeriodic = join(dir, 'periodic-synth.csv');
  writeFileSync(synthPeriodic, 'sequence,step,a,b\n' + Array.from({ length: 12 * 4 }, (_, k) => `${Math.floor(k / 4)},${k % 4},${k % 4},${2 * (k % 4)}`).join('\n') + '\n');
  for (const [real, synth] of [[realConst, synthConst], [realPeriodic, synthPeriodic]]) {
    const q = await runCli(['eval', '--real', real, '--synthetic', synth, '--quick']);
    assert.equal(q.code, 0, q.stderr);
    for (const seed of ['0', '1', '2']) {
      const json = join(dir, `m-${seed}.json`);
      const report = join(dir, `r-${seed}.html`);
      const r = await runCli(['eval', '--real', real, '--synthetic', synth, '--repeats', '1', '--disc-iterations', '20', '--pred-iterations', '20', '--seed', seed, '--json', json, '--report', report, '--force']);
      assert.equal(r.code, 0, `${real} seed ${seed}: ${r.stderr}`);
      const m = JSON.parse(readFileSync(json, 'utf8'));
      assert.equal(typeof m.discriminative.mean, 'number');
      assert.ok(Number.isFinite(m.predictive.mean), JSON.stringify(m.predictive));
      assert.match(readFileSync(report, 'utf8'), /<section id="tsne">/);
    }
  }
  // Sequences of one step have no next step to predict: refused before any training, one line.
  const one = join(dir, 'one-step.csv');
  writeFileSync(one, 'sequence,step,a,b\n' + Array.from({ length: 12 }, (_, s) => `${s},0,5,7`).join('\n') + '\n');
  const r = await runCli(['eval', '--real', realConst, '--synthetic', one, '--json', join(dir, 'one.json')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^tsgan: error: the predictive score needs sequences of at least 2 steps, these have 1; pass --quick/m);
  assert.ok(!existsSync(join(dir, 'one.json')));
});
