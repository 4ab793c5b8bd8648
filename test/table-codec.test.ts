/**
 * The table codec (issue 27's "same table back"): a table of entities
 * encoded as attribute vectors and per-step features, and decoded to the
 * same table, cell for cell, ids aside; arrays that a generator might emit
 * decode to a table that fits the schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../src/data/csv.js';
import { mixedPanel } from '../src/data/mixed-panel.js';
import { inferSchema } from '../src/data/schema.js';
import { checkSchemaFits } from '../src/data/schema-file.js';
import { encodeTable, decodeTable, baseId } from '../src/data/table-codec.js';
import { Rng } from '../src/random.js';
import { readFileSync } from 'node:fs';
import { STOCK_CSV } from './helpers.js';

const drawn = mixedPanel({ entities: 40, minLength: 20, maxLength: 60, seed: 1 });
const panel = () => parseCsv(drawn.csv, 'panel.csv');
const longest = drawn.lengths.reduce((a, b) => Math.max(a, b));

test('encode then decode gives the same table back, cell for cell, with fresh ids', () => {
  const real = panel();
  const schema = inferSchema(real);
  const enc = encodeTable(real, schema);
  assert.equal(enc.entities, 40);
  assert.equal(enc.layout.maxLength, longest);
  assert.equal(enc.attributes.length, 40 * enc.layout.attributes.length);
  assert.equal(enc.features.length, 40 * longest * enc.layout.features.length);
  for (const x of [...enc.attributes, ...enc.features, ...enc.running]) assert.ok(x >= 0 && x <= 1 + 1e-12, `${x} outside [0, 1]`);
  // Slots: kind's two categories, length, start, each numeric feature's own min and max as attributes; temp's missing flag and rain's zero flag as features.
  const names = (slots: { column: string; kind: string; category?: string }[]) => slots.map((s) => `${s.column}:${s.kind}${s.category !== undefined ? `=${s.category}` : ''}`);
  assert.deepEqual(names(enc.layout.attributes), ['kind:category=A', 'kind:category=B', 'size:value', ':length', 'date:start', 'level:min', 'level:max', 'rain:min', 'rain:max', 'count:min', 'count:max', 'temp:min', 'temp:max']);
  assert.ok(names(enc.layout.features).includes('temp:missing') && names(enc.layout.features).includes('rain:zero') && names(enc.layout.features).includes('date:step'));

  const back = parseCsv(decodeTable(enc, enc.layout), 'back.csv');
  assert.deepEqual(back.header, real.header);
  assert.equal(back.rows.length, real.rows.length);
  const site = real.header.indexOf('site');
  const fresh = new Map<string, string>();
  real.rows.forEach((r, i) => {
    if (!fresh.has(r.fields[site])) fresh.set(r.fields[site], `e${String(fresh.size + 1).padStart(2, '0')}`);
    const expected = r.fields.map((v, j) => (j === site ? fresh.get(v)! : v));
    assert.deepEqual(back.rows[i].fields, expected, `row ${i + 2}`);
  });
});

test('arrays a generator might emit decode to a table that fits the schema: seen categories, whole numbers, real dates that increase, lengths within the real range', () => {
  const real = panel();
  const schema = inferSchema(real);
  const enc = encodeTable(real, schema);
  const rng = new Rng(7);
  const noise = (a: Float64Array) => Float64Array.from(a, () => rng.uniform());
  // Entities mostly running: the flag is above 0.5 nine times in ten.
  const L = enc.layout.maxLength;
  const generated = {
    entities: 25,
    attributes: noise(new Float64Array(25 * enc.layout.attributes.length)),
    features: noise(new Float64Array(25 * L * enc.layout.features.length)),
    running: Float64Array.from({ length: 25 * L }, () => (rng.uniform() < 0.9 ? 1 : 0)),
  };
  const text = decodeTable(generated, enc.layout);
  const table = parseCsv(text, 'generated.csv');
  assert.ok(table.rows.length >= 25 && table.rows.length <= 25 * L);
  checkSchemaFits(schema, table, 'schema.json');
  const again = inferSchema(table);
  assert.equal(again.columns.find((c) => c.name === 'kind')!.role, 'attribute');
  assert.equal(again.columns.find((c) => c.name === 'date')!.type, 'datetime');
  assert.equal(again.columns.find((c) => c.name === 'count')!.type, 'integer');
});

test('the stock data (one series, no id, no time) come back byte for byte, in the file\'s own number format', () => {
  const text = readFileSync(STOCK_CSV, 'utf8').replace(/\r/g, '');
  const real = parseCsv(text, STOCK_CSV);
  const enc = encodeTable(real, inferSchema(real));
  assert.equal(enc.entities, 1);
  assert.equal(decodeTable(enc, enc.layout), text.endsWith('\n') ? text : `${text}\n`);
});

test('a date that is not the time column round-trips as a date; a free-text column used as a feature is refused by name', () => {
  const csv = 'id,day,born,note,x\na,2021-01-01,1990-05-01,hi,1\na,2021-01-02,1990-05-01,yo,2\nb,2021-01-01,1985-12-31,hm,3\nb,2021-01-02,1985-12-31,ok,4\n';
  const real = parseCsv(csv, 'p.csv');
  const schema = inferSchema(real, { idColumn: 'id', timeColumn: 'day' });
  const born = schema.columns.find((c) => c.name === 'born')!;
  assert.equal(born.type, 'datetime');
  assert.equal(born.role, 'attribute');
  const enc = encodeTable(real, schema);
  const back = parseCsv(decodeTable(enc, enc.layout), 'back.csv');
  assert.deepEqual(back.rows.map((r) => r.fields[2]), ['1990-05-01', '1990-05-01', '1985-12-31', '1985-12-31']);
  const asFeature = { ...schema, columns: schema.columns.map((c) => (c.name === 'note' ? { ...c, role: 'feature' as const } : c)) };
  assert.throws(() => encodeTable(real, asFeature), /^TsganError: p\.csv: column "note" is free text, which tsgan cannot generate; make its role "ignored" or its type "categorical"/);
});

test('a drawn id drawn again is numbered past the names the data already hold, so no two entities share an id', () => {
  const rows = ['site,day,x'];
  for (const site of ['north', 'north-2', 'south']) for (let t = 1; t <= 3; t++) rows.push(`${site},${t},${t * 1.5}`);
  const table = parseCsv(rows.join('\n') + '\n', 'sites.csv');
  const inferred = inferSchema(table);
  // A name with a digit reads as a code, so inference leaves the id fresh; a schema file can still say it is drawn.
  assert.equal(inferred.columns[0].drawn, undefined);
  const schema = { ...inferred, columns: [{ ...inferred.columns[0], drawn: true, categories: ['north', 'north-2', 'south'] }, ...inferred.columns.slice(1)] };
  const enc = encodeTable(table, schema);
  // Every entity draws the first entity's attributes: north, three times.
  const A = enc.layout.attributes.length;
  const attributes = Float64Array.from({ length: 3 * A }, (_, i) => enc.attributes[i % A]);
  const out = parseCsv(decodeTable({ ...enc, attributes }, enc.layout), 'out.csv');
  assert.deepEqual([...new Set(out.rows.map((r) => r.fields[0]))], ['north', 'north-3', 'north-4']);
  assert.deepEqual(baseIds(out.rows.map((r) => r.fields[0]), new Set(schema.columns[0].categories)), ['north']);
});

function baseIds(ids: string[], names: Set<string>): string[] {
  return [...new Set(ids.map((id) => baseId(id, names)))];
}

test('a date attribute read back from float32 is the same day, not the day before', () => {
  const rows = ['site,day,opened,x'];
  const opened = ['2019-12-01', '2019-06-30', '2019-10-31', '2019-11-30', '2019-07-01'];
  opened.forEach((d, e) => {
    for (let t = 1; t <= 2; t++) rows.push(`s${e},${t},${d},${t}`);
  });
  const table = parseCsv(rows.join('\n') + '\n', 'dates.csv');
  const schema = inferSchema(table);
  const enc = encodeTable(table, schema);
  // What a generator hands back: float32 values.
  const out = parseCsv(decodeTable({ ...enc, attributes: Float64Array.from(enc.attributes, Math.fround) }, enc.layout), 'out.csv');
  assert.deepEqual([...new Set(out.rows.map((r) => r.fields[2]))], opened);
});
