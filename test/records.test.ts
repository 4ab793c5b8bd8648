/**
 * Tables that do not start as CSV (issue 27): JSON files of records, records
 * and columns in memory. They read as the same table a CSV does, bad ones are
 * one line naming the record and key, and a table model fits on them and
 * samples back records typed as the data were.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../src/data/csv.js';
import { inferSchema, missingTest, NA_TOKENS } from '../src/data/schema.js';
import { parseJsonTable, tableFromColumns, tableFromRecords, tableToRecords } from '../src/data/records.js';
import { trainTable, sampleRecords } from '../src/table-pipeline.js';
import { mixedPanel } from '../src/data/mixed-panel.js';
import { engine, tempDir, runCli, listFiles, STOCK_CSV } from './helpers.js';

before(engine);

test('a JSON array of records reads as the CSV of the same table: keys in first-seen order, a lacking key or null is missing', () => {
  const json = '[\n{"id":"a","t":1,"x":0.5,"ok":true},\n{"id":"a","t":2,"x":null,"ok":false},\n{"id":"b","t":1,"ok":true,"note":"hi"}\n]\n';
  const t = parseJsonTable(json, 'd.json');
  assert.deepEqual(t.header, ['id', 't', 'x', 'ok', 'note']);
  assert.deepEqual(
    t.rows.map((r) => [r.line, r.fields]),
    [
      [2, ['a', '1', '0.5', 'true', '']],
      [3, ['a', '2', '', 'false', '']],
      [4, ['b', '1', '', 'true', 'hi']],
    ],
  );
  const csv = parseCsv('id,t,x,ok,note\na,1,0.5,true,\na,2,,false,\nb,1,,true,hi\n', 'd.csv');
  assert.deepEqual(inferSchema(t).columns, inferSchema(csv).columns);
  // Back to records, typed by the schema: numbers, booleans, strings, and null where missing.
  assert.deepEqual(tableToRecords(t, inferSchema(t), missingTest(NA_TOKENS))[1], { id: 'a', t: 2, x: null, ok: false, note: null });
});

test('columns and records in memory: a Date is its ISO string, NaN is missing; uneven columns, nesting and infinities are one line naming the place', () => {
  const t = tableFromColumns({ when: [new Date(Date.UTC(2020, 0, 2))], v: [NaN] }, 'records');
  assert.deepEqual(t.rows[0].fields, ['2020-01-02T00:00:00.000Z', '']);
  assert.throws(() => tableFromColumns({ a: [1, 2], b: [1] }, 'records'), /^TsganError: records: column "b" has 1 values, column "a" has 2$/);
  assert.throws(() => tableFromRecords([{ a: 1 }, { a: { b: 2 } }], 'records'), /^TsganError: records:2:1: record 2, key "a": expected a string, number, boolean or null, got an object$/);
  assert.throws(() => tableFromRecords([{ a: Infinity }], 'records'), /^TsganError: records:1:1: record 1, key "a": Infinity is not a finite number$/);
  assert.throws(() => tableFromRecords({ a: 1 }, 'records'), /^TsganError: records: expected an array of records \(objects of column → value\), got object$/);
  assert.throws(() => tableFromRecords([], 'records'), /^TsganError: records: no records$/);
  assert.throws(() => tableFromRecords([{ '': 1 }], 'records'), /^TsganError: records:1: record 1, key "": empty column name$/);
});

test('JSON edge cases: small numbers keep their decimals, keys are trimmed, numeric codes stay strings, and unsafe or sparse input is refused by name', () => {
  assert.deepEqual(tableFromRecords([{ p: 1e-7, q: -2.5e-8, r: 3e21 }], 'r').rows[0].fields, ['0.0000001', '-0.000000025', '3e+21']);
  assert.deepEqual(tableFromRecords([{ ' a ': 1, b: 2 }], 'r').header, ['a', 'b']);
  assert.throws(() => tableFromRecords([{ a: 1 }, { ' a': 2 }], 'r'), /^TsganError: r:2: record 2: key " a" is the column "a" again \(keys are compared trimmed\)$/);
  assert.throws(() => tableFromRecords(JSON.parse('[{"__proto__": 1}]'), 'r'), /^TsganError: r:1: record 1, key "__proto__": column name "__proto__" is reserved; rename the column$/);
  assert.throws(() => tableFromRecords([{ id: 9007199254740993 }], 'r'), /^TsganError: r:1:1: record 1, key "id": 9007199254740992 is a whole number beyond 2\^53, which JavaScript cannot hold exactly; write it as a string$/);
  assert.throws(() => tableFromRecords([{}, {}], 'r'), /^TsganError: r: no record has a key; expected records of column → value$/);
  const sparse = Array.from({ length: 2000 }, (_, i) => ({ [`k${i}`]: i }));
  assert.throws(() => tableFromRecords(sparse, 'r'), /^TsganError: r: 2000 records hold 2000 different keys, most of them absent from most records; give every record the same keys$/);
  // Codes written with leading zeros are categories written as strings, and come back so; plain numbers come back as numbers.
  const t = tableFromRecords(Array.from({ length: 60 }, (_, i) => ({ code: ['01', '02', '03'][i % 3], level: [1, 2, 3][i % 3], x: i / 7 })), 'r');
  const back = tableToRecords(t, inferSchema(t), missingTest(NA_TOKENS));
  assert.deepEqual([back[0].code, back[0].level], ['01', 1]);
});

test('a bad JSON file is one line naming the file (and the record\'s line), exit 2', async () => {
  const dir = tempDir();
  const cases: [string, RegExp][] = [
    ['[{"a":1},', /bad\.json: not valid JSON \(/],
    ['{"a":[1,2]}', /bad\.json: expected an array of records \(objects of column → value\), got object$/],
    ['[\n{"a":1},\n  [1, 2]\n]', /bad\.json:3: record 2 is not an object of column → value$/],
    ['[{"a":1},\n5,\n{"a":2}]', /bad\.json:2: record 2 is not an object of column → value$/],
    ['[\n{"a":1},\n{"a":2},\n{"a":3,"b\\u0007":4}\n]', /bad\.json:4: record 3, key "b\\x07": column name "b\\x07" holds a control character$/],
    ['[\n{"a":1},\n{"a":{"deep":true}}\n]', /bad\.json:3:1: record 2, key "a": expected a string, number, boolean or null, got an object$/],
    ['  ', /bad\.json: empty file \(expected a JSON array of records\)$/],
  ];
  for (const [text, error] of cases) {
    writeFileSync(join(dir, 'bad.json'), text);
    const r = await runCli(['inspect', '--data', join(dir, 'bad.json')]);
    assert.equal(r.code, 2, text);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], error, text);
  }
});

test('the library fits a table model on records in memory and samples records typed as the data were', async () => {
  const dir = tempDir();
  const csv = parseCsv(mixedPanel({ entities: 30, minLength: 5, maxLength: 8, seed: 4 }).csv, 'panel');
  // The panel as records a program would hold: numbers as numbers, missing as null.
  const records = tableToRecords(csv, inferSchema(csv), missingTest(NA_TOKENS));
  assert.equal(typeof records[0].level, 'number');
  const out = join(dir, 'm');
  const meta = await trainTable({ data: records, out, iterations: 3, seed: 1, model: { hidden: 8, attributeHidden: [8], dHidden: [16], auxHidden: [8], batchSize: 10 } });
  assert.equal(meta.data?.file, 'records');
  assert.ok(listFiles(out).includes('tsgan.json'));
  const samples = sampleRecords({ model: out, count: 4, seed: 2, where: { kind: 'B' } });
  assert.deepEqual(Object.keys(samples[0]), csv.header);
  assert.ok(samples.every((r) => r.kind === 'B' && typeof r.size === 'number' && typeof r.count === 'number' && Number.isInteger(r.count) && typeof r.flag === 'boolean'));
  assert.ok(samples.every((r) => typeof r.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r.date as string)));
  assert.deepEqual(sampleRecords({ model: out, count: 4, seed: 2, where: { kind: 'B' } }), samples);
});

test('JSON samples are for table models: a window model refuses --out *.json before it samples', async () => {
  const dir = tempDir();
  const model = join(dir, 'm');
  assert.equal((await runCli(['train', '--data', STOCK_CSV, '--iterations', '2', '--seq-len', '4', '--batch-size', '8', '--out', model])).code, 0);
  const r = await runCli(['sample', '--model', model, '--count', '3', '--out', join(dir, 's.json')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out .*s\.json: JSON is written for table models \(dgan\); .* holds a model of sequences, whose samples are CSV\n$/);
  assert.ok(!listFiles(dir).includes('s.json'));
});
