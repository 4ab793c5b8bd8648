/**
 * The whole-entity GAN (`--model dgan`, issue 27): a table of entities in,
 * the same table back — its columns, types and formats, fresh ids, each
 * entity its own length — learnt from the mixed-type panel with known truth;
 * sampling on request; the model file checked like any other; no leaks; a
 * 1,461-step entity generated in one pass.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../src/engine.js';
import { Dgan, dganConfig } from '../src/models/dgan.js';
import { dganShape } from '../src/zoo/dgan.js';
import { mixedPanel } from '../src/data/mixed-panel.js';
import { parseCsv } from '../src/data/csv.js';
import { inferSchema } from '../src/data/schema.js';
import { checkSchemaFits } from '../src/data/schema-file.js';
import { encodeTable, decodeTable, flatItems, splitItems } from '../src/data/table-codec.js';
import { compareTables } from '../src/eval/table.js';
import { sampleTable } from '../src/table-pipeline.js';
import { Rng } from '../src/random.js';
import { engine, tempDir, runCli, listFiles } from './helpers.js';

before(engine);

const drawn = mixedPanel({ entities: 120, minLength: 10, maxLength: 30, seed: 5 });
// Small networks, so that the suite stays in minutes on two loaded cores.
const SMALL = ['--hidden', '32', '--attribute-hidden', '32,32', '--d-hidden', '64,64', '--aux-hidden', '32', '--batch-size', '60'];

/** The drawn panel as a CSV in a new directory, and a dgan model of it trained for `iterations` with the small networks. */
async function panelModel(iterations: number, seed?: string): Promise<{ dir: string; data: string; model: string; train: Awaited<ReturnType<typeof runCli>> }> {
  const dir = tempDir();
  const data = join(dir, 'panel.csv');
  writeFileSync(data, drawn.csv);
  const model = join(dir, 'm');
  const train = await runCli(['train', '--model', 'dgan', '--data', data, '--out', model, '--iterations', String(iterations), ...(seed ? ['--seed', seed] : []), ...SMALL]);
  assert.equal(train.code, 0, train.stderr);
  return { dir, data, model, train };
}

test('dgan learns the mixed panel and writes the same table back: its columns and formats, lengths, categories and missing cells near the real ones', async () => {
  const { dir, data, model, train } = await panelModel(1500, '3');
  const real = parseCsv(drawn.csv, data);
  const schema = inferSchema(real);
  assert.match(train.stderr, /panel\.csv: 120 entities by "site" of 10–30 rows, in the order of "date"; static attributes: kind \(categorical\), size \(continuous\); features: level/);
  assert.match(train.stdout, /trained dgan on 120 entities/);
  assert.ok(listFiles(model).includes('tsgan.json'));

  // An untrained model of the same shape: the yardstick that learning happened.
  const untrained = join(dir, 'u');
  assert.equal((await runCli(['train', '--model', 'dgan', '--data', data, '--out', untrained, '--iterations', '1', '--seed', '3', ...SMALL])).code, 0);

  const out = join(dir, 's.csv');
  const s = await runCli(['sample', '--model', model, '--count', '300', '--out', out, '--seed', '1']);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^wrote 300 entities \(\d+ rows\) to /);
  const text = readFileSync(out, 'utf8');
  const synth = parseCsv(text, out);
  // The same table: header, every cell of its column's type and format, categories from the seen set, dates increasing within entities.
  assert.deepEqual(synth.header, real.header);
  checkSchemaFits(schema, synth, 'inferred');
  const again = inferSchema(synth);
  for (const c of schema.columns) assert.equal(again.columns.find((x) => x.name === c.name)!.type, c.type, c.name);
  // Fresh ids: none of the real ones.
  const realIds = new Set(real.rows.map((r) => r.fields[0]));
  assert.ok(synth.rows.every((r) => !realIds.has(r.fields[0])));

  const r = compareTables(real, synth, schema);
  const u = compareTables(real, parseCsv(sampleTable({ model: untrained, count: 300, seed: 1 }).csv, 'untrained.csv'), schema);
  // Learning happened: the trained model's lengths and numbers are closer to the data's than the untrained one's.
  assert.ok(r.lengths!.ks < u.lengths!.ks, `length KS ${r.lengths!.ks} trained, ${u.lengths!.ks} untrained`);
  assert.ok(r.numeric.level.ks < u.numeric.level.ks, `level KS ${r.numeric.level.ks} trained, ${u.numeric.level.ks} untrained`);
  assert.ok(r.lengths!.ks <= 0.1, `length KS ${r.lengths!.ks}`);
  for (const [c, shares] of Object.entries(r.categories)) assert.ok(shares.maxDiff <= 0.03, `${c} category shares off by ${shares.maxDiff}`);
  for (const [c, m] of Object.entries(r.missing)) assert.ok(Math.abs(m.diff) <= 0.02, `${c} missing ${m.synthetic} vs ${m.real}`);

  // Seeded: the same seed writes the same bytes, through the CLI and the library.
  assert.equal(sampleTable({ model, count: 300, seed: 1 }).csv, text);

  // Requested kinds, 100 each: the series carry them (the kind sets the level's mean and the state's chain) as held-out real entities' do, less 5 points.
  const given = join(dir, 'given.csv');
  writeFileSync(given, ['kind', ...Array.from({ length: 200 }, (_, i) => (i % 2 ? 'B' : 'A'))].join('\n') + '\n');
  const requested = join(dir, 'g.csv');
  assert.equal((await runCli(['sample', '--model', model, '--given', given, '--out', requested, '--seed', '1'])).code, 0);
  const json = join(dir, 'g.json');
  const ev = await runCli(['eval', '--model', model, '--real', data, '--synthetic', requested, '--json', json]);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, /\nkind +category shares ±0\.\d{3}; told from the series [01]\.\d{3} synthetic, [01]\.\d{3} held-out real \(chance 0\.\d{3}\)\n/);
  const kind = JSON.parse(readFileSync(json, 'utf8')).attributes.kind;
  assert.ok(kind.heldOut > 0.95, `held-out real ${kind.heldOut}`);
  assert.ok(kind.synthetic >= kind.heldOut - 0.05, `requested kinds told ${kind.synthetic}, held-out real ${kind.heldOut}`);
});

test('sampling on request: --where and --given set static attributes and the rest follows; bad requests are one line, exit 2, nothing written', async () => {
  const { dir, model } = await panelModel(20);
  const out = join(dir, 'b.csv');
  const w = await runCli(['sample', '--model', model, '--count', '40', '--out', out, '--where', 'kind=B']);
  assert.equal(w.code, 0, w.stderr);
  const b = parseCsv(readFileSync(out, 'utf8'), out);
  const kind = b.header.indexOf('kind');
  assert.ok(b.rows.every((r) => r.fields[kind] === 'B'));
  assert.equal(new Set(b.rows.map((r) => r.fields[0])).size, 40);

  const given = join(dir, 'given.csv');
  writeFileSync(given, 'kind,size\nA,1.5\nB,3\nA,2.25\n');
  const g = await runCli(['sample', '--model', model, '--given', given, '--out', join(dir, 'g.csv')]);
  assert.equal(g.code, 0, g.stderr);
  const gt = parseCsv(readFileSync(join(dir, 'g.csv'), 'utf8'), 'g.csv');
  const firstOf = new Map<string, string[]>();
  for (const r of gt.rows) if (!firstOf.has(r.fields[0])) firstOf.set(r.fields[0], r.fields);
  assert.deepEqual([...firstOf.values()].map((f) => [f[kind], f[gt.header.indexOf('size')]]), [['A', '1.50'], ['B', '3.00'], ['A', '2.25']]);

  const bad: [string[], RegExp][] = [
    [['--where', 'kind=C'], /^tsgan: error: --where: "kind=C" is not one of its categories \("A", "B"\)$/],
    [['--where', 'level=3'], /^tsgan: error: --where: "level" is not a static attribute of this model's table; its static attributes are "kind", "size"$/],
    [['--where', 'size=abc'], /^tsgan: error: --where: size=abc is not a number$/],
    [['--where', 'size=1e9'], /^tsgan: error: --where: size=1e9 is outside the range the model learnt/],
    [['--where', 'kind'], /^tsgan: error: --where: expected COLUMN=VALUE, got "kind"$/],
    [['--where', '__proto__=1'], /^tsgan: error: --where: "__proto__" is not a static attribute of this model's table; its static attributes are "kind", "size"$/],
    [['--where', 'kind=A', '--given', given], /^tsgan: error: --where and --given both ask for attributes; give one \(put the common ones in each row of --given\)$/],
  ];
  for (const [args, error] of bad) {
    const r = await runCli(['sample', '--model', model, ...(args.includes('--given') ? [] : ['--count', '5']), '--out', join(dir, 'x.csv'), ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr.split('\n').filter((l) => !l.startsWith('tsgan: TensorFlow')).join('\n').trim(), error, args.join(' '));
  }
  assert.ok(!listFiles(dir).includes('x.csv'));
});

test('a table model file is checked before it samples: a tampered layout or a config that does not fit it is one line naming the key', async () => {
  const { dir, model } = await panelModel(2);
  const file = join(model, 'tsgan.json');
  const original = readFileSync(file, 'utf8');
  const cases: [string, (m: any) => void, RegExp][] = [
    ['no layout', (m) => delete m.table, /tsgan\.json: table: must be a JSON object/],
    ['a slot of an unknown kind', (m) => (m.table.features[0].kind = 'weird'), /tsgan\.json: table\.features\[0\]\.kind: must be one of value, missing/],
    ['a slot of a column not in the schema', (m) => (m.table.features[0].column = 'nope'), /tsgan\.json: table\.features\[0\]: column "nope" is not a feature column of table\.schema/],
    ['a static column without its slots', (m) => (m.table.attributes = m.table.attributes.filter((s: { column: string }) => s.column !== 'kind')), /tsgan\.json: table\.attributes: has no slot for column "kind" of table\.schema/],
    ['a range that is not numbers', (m) => (m.table.ranges.level = ['a', 1]), /tsgan\.json: table\.ranges\.level\[0\]: must be a finite number/],
    ['a schema with a bad type', (m) => (m.table.schema.columns[2].type = 'words'), /tsgan\.json: table\.schema: columns\[2\]\.type: must be one of/],
    // Caught by the weights' shapes, before the layout is compared.
    ['a config that does not fit', (m) => (m.config.maxLength = 7), /discriminator[\\/]model\.json: weightsManifest\[0\]\.weights\[0\]\.shape: "discriminator_dense_0\/kernel" has shape \[\d+, 64\], the model in tsgan\.json expects \[\d+, 64\]/],
    ['softmax groups that do not fit', (m) => (m.config.featureSoftmax = [[0, 1]]), /tsgan\.json: config\.featureSoftmax: does not fit the table layout/],
  ];
  for (const [name, edit, error] of cases) {
    const meta = JSON.parse(original);
    edit(meta);
    writeFileSync(file, JSON.stringify(meta));
    const r = await runCli(['sample', '--model', model, '--count', '3', '--out', join(dir, 'x.csv')]);
    assert.equal(r.code, 2, name);
    assert.match(r.stderr, error, name);
    assert.doesNotMatch(r.stderr, /\n\s+at /, name);
  }
  assert.ok(!listFiles(dir).includes('x.csv'));
});

test('dgan: a training step leaks no tensors, and a 1,461-step entity is generated in one pass (30 steps per recurrent step)', () => {
  const real = parseCsv(drawn.csv, 'panel.csv');
  const enc = encodeTable(real, inferSchema(real));
  const m = new Dgan(dganConfig({ ...dganShape(enc.layout), hidden: 16, attributeHidden: [16], dHidden: [32], auxHidden: [16], batchSize: 20 }), 1);
  const items = flatItems(enc);
  const size = items.length / enc.entities;
  const batch = tf.tensor2d(items.subarray(0, 20 * size), [20, size]);
  m.discriminatorStep(batch, new Rng(1));
  m.generatorStep(20, new Rng(2));
  const n = tf.memory().numTensors;
  m.discriminatorStep(batch, new Rng(3));
  m.generatorStep(20, new Rng(4));
  assert.equal(tf.memory().numTensors, n);
  // Its collapse warnings offer only what it takes: no packing, no feature matching, and wgan-gp is already its objective.
  assert.deepEqual(m.collapseRemedies('spread'), ['a lower --lr-g']);
  batch.dispose();
  m.dispose();

  // Four years of days: one generator pass, then the codec writes all 1,461 rows at their spacing.
  const days = 1461;
  const lines = ['site,date,x'];
  for (const site of ['a', 'b']) for (let t = 0; t < days; t++) lines.push(`${site},${new Date(Date.UTC(2020, 0, 1 + t)).toISOString().slice(0, 10)},${(Math.sin(t / 30) + (site === 'a' ? 0 : 2)).toFixed(3)}`);
  const long = parseCsv(lines.join('\n') + '\n', 'long.csv');
  const lenc = encodeTable(long, inferSchema(long));
  const c = dganConfig({ ...dganShape(lenc.layout), hidden: 16, attributeHidden: [16], dHidden: [32], auxHidden: [16] });
  assert.deepEqual([c.maxLength, c.sampleLen], [days, 30]);
  const lm = new Dgan(c, 2);
  assert.equal(lm.recurrentSteps, 49);
  const z = lm.noise(new Rng(5), 2);
  const x = lm.generate(z);
  assert.deepEqual(x.shape, [2, lenc.layout.attributes.length + days * (lenc.layout.features.length + 1)]);
  const gen = splitItems(x.dataSync(), 2, lenc.layout);
  tf.dispose([z, x]);
  lm.dispose();
  // Whole length asked for: every step is written, at one-day steps from the start.
  const L = lenc.layout.attributes.findIndex((s) => s.kind === 'length');
  gen.attributes[L] = 1;
  gen.running.fill(1, 0, days);
  gen.features.forEach((_, i) => {
    if (lenc.layout.features[i % lenc.layout.features.length].kind === 'step') gen.features[i] = 0;
  });
  const back = parseCsv(decodeTable({ ...gen, entities: 1 }, lenc.layout), 'back.csv');
  assert.equal(back.rows.length, days);
  const dates = back.rows.map((r) => Date.parse(r.fields[1]));
  assert.ok(dates.every((d, i) => i === 0 || d - dates[i - 1] === 86_400_000));
});

test('an id of a few names (sites north, south, …) is drawn like an attribute: --where asks for one, a name drawn twice gets a running number', async () => {
  const dir = tempDir();
  const names = ['north', 'south', 'east', 'west', 'coast', 'hills'];
  const data = join(dir, 'sites.csv');
  writeFileSync(data, mixedPanel({ entities: 6, minLength: 20, maxLength: 30, seed: 2 }).csv.replace(/^s000(\d)/gm, (_, k) => names[Number(k) - 1]));
  const inspect = await runCli(['inspect', '--data', data, '--schema-out', join(dir, 'schema.json')]);
  assert.equal(inspect.code, 0, inspect.stderr);
  const schema = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8'));
  assert.deepEqual([schema.columns[0].role, schema.columns[0].drawn, schema.columns[0].categories], ['id', true, names]);
  assert.match(inspect.stdout, /site +id +categorical .*6 names, so synthetic entities draw them like an attribute/);

  const model = join(dir, 'm');
  const train = await runCli(['train', '--model', 'dgan', '--data', data, '--out', model, '--iterations', '20', ...SMALL]);
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stderr, /6 entities by "site" \(names, drawn like an attribute\)/);

  const idsOf = (file: string) => [...new Set(parseCsv(readFileSync(file, 'utf8'), file).rows.map((r) => r.fields[0]))];
  const out = join(dir, 's.csv');
  assert.equal((await runCli(['sample', '--model', model, '--count', '12', '--out', out])).code, 0);
  const ids = idsOf(out);
  assert.equal(ids.length, 12, 'every entity its own id');
  for (const id of ids) assert.ok(names.includes(id.replace(/-\d+$/, '')), id);

  const north = join(dir, 'north.csv');
  assert.equal((await runCli(['sample', '--model', model, '--count', '3', '--out', north, '--where', 'site=north'])).code, 0);
  assert.deepEqual(idsOf(north), ['north', 'north-2', 'north-3']);
  const cmp = compareTables(parseCsv(readFileSync(data, 'utf8'), data), parseCsv(readFileSync(north, 'utf8'), north), inferSchema(parseCsv(readFileSync(data, 'utf8'), data)));
  assert.deepEqual({ ...cmp.categories.site.synthetic }, { north: 1 });

  const bad = await runCli(['sample', '--model', model, '--count', '3', '--out', join(dir, 'x.csv'), '--where', 'site=nowhere']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--where: "site=nowhere" is not one of its categories \("north", "south", "east", "west", "coast", "hills"\)\n$/);

  // Only an id is drawn: the flag on an attribute is refused by name.
  schema.columns[2].drawn = true;
  writeFileSync(join(dir, 'bad-schema.json'), JSON.stringify(schema));
  const refused = await runCli(['train', '--model', 'dgan', '--data', data, '--schema', join(dir, 'bad-schema.json'), '--out', join(dir, 'm2'), '--iterations', '2', ...SMALL]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /bad-schema\.json: columns\[2\]\.drawn: only an id column of type categorical, with its categories listed, is drawn like an attribute\n$/);
});
