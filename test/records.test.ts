/**
 * Tables that do not start as CSV (issue 27): JSON files of records, records
 * and columns in memory. They read as the same table a CSV does, bad ones are
 * one line naming the record and key, and a table model fits on them and
 * samples back records typed as the data were.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

test('--force replaces a previous output of the same kind only: never a model\'s file, nor a schema with eval JSON, nor a CSV with a schema', async () => {
  const dir = tempDir();
  const data = join(dir, 'p.csv');
  writeFileSync(data, mixedPanel({ entities: 12, minLength: 4, maxLength: 6, seed: 1 }).csv);
  const schema = join(dir, 'schema.json');
  assert.equal((await runCli(['inspect', '--data', data, '--schema-out', schema])).code, 0);
  assert.equal((await runCli(['inspect', '--data', data, '--schema-out', schema, '--force'])).code, 0, 'a schema over a schema');
  const model = join(dir, 'm');
  mkdirSync(model);
  writeFileSync(join(model, 'tsgan.json'), '{"format":"tsgan-model"}');
  const samples = join(dir, 's.csv');
  writeFileSync(samples, 'a,b\n1,2\n');
  const cases: [string[], RegExp][] = [
    [['eval', '--table', '--real', data, '--synthetic', data, '--json', schema, '--force'], /schema\.json: is a tsgan-schema file; --force replaces only a previous output of the same kind \(choose another --json\)$/],
    [['eval', '--table', '--real', data, '--synthetic', data, '--json', join(model, 'tsgan.json'), '--force'], /tsgan\.json: is a file of the model directory .*m; --json never replaces it, even with --force$/],
    [['inspect', '--data', data, '--schema-out', samples, '--force'], /s\.csv: is not a tsgan-schema file; --force replaces only a previous output of the same kind \(choose another --schema-out\)$/],
  ];
  for (const [args, error] of cases) {
    const snapshot = () => listFiles(dir).filter((f) => statSync(join(dir, f)).isFile()).map((f) => `${f}:${readFileSync(join(dir, f), 'utf8')}`).join('|');
    const before = snapshot();
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr.trim(), error);
    assert.equal(snapshot(), before, 'nothing changed');
  }
});

test('a table is checked against the schema it is read with: an attribute that changes within an entity, a repeated category, a synthetic cell of the wrong kind', async () => {
  const dir = tempDir();
  const data = join(dir, 'p.csv');
  const text = mixedPanel({ entities: 12, minLength: 4, maxLength: 6, seed: 1 }).csv;
  writeFileSync(data, text);
  const schemaFile = join(dir, 'schema.json');
  assert.equal((await runCli(['inspect', '--data', data, '--schema-out', schemaFile])).code, 0);
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const edit = (f: (s: any) => void) => {
    const s = structuredClone(schema);
    f(s);
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(s));
    return join(dir, 'edited.json');
  };
  const level = schema.columns.findIndex((c: { name: string }) => c.name === 'level');
  const asAttribute = edit((s) => (s.columns[level].role = 'attribute'));
  const r1 = await runCli(['inspect', '--data', data, '--schema', asAttribute]);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /p\.csv:3:5: column "level" is a static attribute in .*edited\.json, but it changes within its entity here \("[\d.]+" after "[\d.]+"\); make it a feature\n$/);
  const state = schema.columns.findIndex((c: { name: string }) => c.name === 'state');
  const twice = edit((s) => s.columns[state].categories.push(s.columns[state].categories[0]));
  const r2 = await runCli(['inspect', '--data', data, '--schema', twice]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, new RegExp(`edited\\.json: columns\\[${state}\\]\\.categories: "\\w+" is listed twice\\n$`));
  const synthetic = join(dir, 'synthetic.csv');
  writeFileSync(synthetic, text.replace(/,mid,/, ',zzz,'));
  const r3 = await runCli(['eval', '--table', '--real', data, '--synthetic', synthetic]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /synthetic\.csv:\d+:6: column "state" is categorical in the schema inferred from .*p\.csv, but "zzz" is not one of its categories/);
});

test('a table without an id column samples one entity per file: two would read back as one', async () => {
  const dir = tempDir();
  const data = join(dir, 'one.csv');
  writeFileSync(data, ['day,x,y', ...Array.from({ length: 20 }, (_, t) => `${t + 1},${(t * 0.3).toFixed(1)},${t % 3}`)].join('\n') + '\n');
  const model = join(dir, 'm');
  const small = ['--hidden', '8', '--attribute-hidden', '8', '--d-hidden', '16', '--aux-hidden', '8', '--batch-size', '1'];
  assert.equal((await runCli(['train', '--model', 'dgan', '--data', data, '--out', model, '--iterations', '2', ...small])).code, 0);
  assert.equal((await runCli(['sample', '--model', model, '--count', '1', '--out', join(dir, 'a.csv')])).code, 0);
  const r = await runCli(['sample', '--model', model, '--count', '2', '--out', join(dir, 'b.csv')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /tsgan\.json: the table this model learnt has no id column, so 2 entities in one file would read back as one; sample one at a time \(--count 1\), or train on data with an id column\n$/);
});
