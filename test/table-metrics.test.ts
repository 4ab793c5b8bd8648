/**
 * Calibration of the table measures (issue 27's yardstick): two draws of the
 * same process score near 0 on each, and a table that breaks one property
 * (lengths, point mass, transitions, missing cells) is caught on that one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, type CsvTable } from '../src/data/csv.js';
import { mixedPanel } from '../src/data/mixed-panel.js';
import { inferSchema } from '../src/data/schema.js';
import { compareTables } from '../src/eval/table.js';
import { Rng } from '../src/random.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, listFiles } from './helpers.js';

const draw = (seed: number, minLength = 20, maxLength = 60) => parseCsv(mixedPanel({ entities: 300, minLength, maxLength, seed }).csv, `panel-${seed}.csv`);
const maxOf = (r: Record<string, { maxDiff?: number; diff?: number; ks?: number }>) => Math.max(...Object.values(r).map((v) => v.maxDiff ?? v.diff ?? v.ks ?? 0));

/** `t` with column `name`'s cells mapped by `f(cell, rowIndex)`. */
function mapColumn(t: CsvTable, name: string, f: (cell: string, i: number) => string): CsvTable {
  const j = t.header.indexOf(name);
  return { ...t, rows: t.rows.map((r, i) => ({ ...r, fields: r.fields.map((c, k) => (k === j ? f(c, i) : c)) })) };
}

test('a table against itself scores 0 everywhere; two draws of the same process score near 0', () => {
  const real = draw(1);
  const schema = inferSchema(real);
  const self = compareTables(real, real, schema);
  assert.equal(self.lengths!.ks, 0);
  for (const part of [self.categories, self.transitions, self.missing, self.zeros, self.numeric, self.pairs]) assert.equal(maxOf(part), 0);

  // Bounds at the sampling noise of 300 entities (about 12,000 rows), over four other draws.
  for (const seed of [2, 3, 4, 5]) {
    const other = compareTables(real, draw(seed), schema);
    const at = `draw ${seed}`;
    assert.equal(other.entities.synthetic, 300);
    assert.ok(other.lengths!.ks < 0.12, `${at}: lengths KS ${other.lengths!.ks}`);
    assert.ok(other.categories.kind.maxDiff < 0.1, `${at}: kind ${other.categories.kind.maxDiff}`);
    assert.ok(Math.max(other.categories.state.maxDiff, other.categories.flag.maxDiff) < 0.05, `${at}: feature categories`);
    assert.ok(maxOf(other.transitions) < 0.06, `${at}: transitions ${maxOf(other.transitions)}`);
    assert.ok(maxOf(other.missing) < 0.01, `${at}: missing ${maxOf(other.missing)}`);
    assert.ok(maxOf(other.zeros) < 0.03, `${at}: zeros ${maxOf(other.zeros)}`);
    assert.ok(other.numeric.size.ks < 0.2 && other.numeric.level.ks < 0.1, `${at}: numeric ${JSON.stringify(other.numeric)}`);
    assert.equal(other.pairs['kind × size'].measure, 'means by category');
    assert.ok(other.pairs['kind × size'].diff < 0.35, `${at}: kind × size ${other.pairs['kind × size'].diff}`);
  }
});

test('each broken property is caught by its own measure', () => {
  const real = draw(1);
  const schema = inferSchema(real);

  // Every entity 55–60 steps long: the length distribution, nothing else.
  const long = compareTables(real, draw(2, 55, 60), schema);
  assert.ok(long.lengths!.ks > 0.7, `lengths KS ${long.lengths!.ks}`);

  // Rain never exactly 0: the point mass.
  const noZeros = compareTables(real, mapColumn(draw(2), 'rain', (c) => (c === '0.0' ? '0.1' : c)), schema);
  assert.ok(noZeros.zeros.rain.diff > 0.55, `zeros ${noZeros.zeros.rain.diff}`);

  // States shuffled across the table: the same frequencies, no transitions left.
  const other = draw(2);
  const j = other.header.indexOf('state');
  const states = other.rows.map((r) => r.fields[j]);
  const order = new Rng(3).permutation(states.length);
  const shuffled = compareTables(real, mapColumn(other, 'state', (_, i) => states[order[i]]), schema);
  assert.ok(shuffled.categories.state.maxDiff < 0.06, `state frequencies ${shuffled.categories.state.maxDiff}`);
  assert.ok(shuffled.transitions.state.maxDiff > 0.12, `state transitions ${shuffled.transitions.state.maxDiff}`);

  // Missing temperatures filled in; all sites of one kind: the missing rate, and the attribute's frequency (counted per entity).
  const filled = compareTables(real, mapColumn(draw(2), 'temp', (c) => (c === 'NA' ? '15.00' : c)), schema);
  assert.ok(filled.missing.temp.diff > 0.04 && filled.missing.temp.real > 0.04, `missing ${JSON.stringify(filled.missing.temp)}`);
  // Sites of kind B twice as large: the joint distribution of the attributes, while each marginal of kind holds.
  const other2 = draw(2);
  const kindCol = other2.header.indexOf('kind');
  const bigB = compareTables(real, mapColumn(other2, 'size', (c, i) => (other2.rows[i].fields[kindCol] === 'B' ? (2 * Number(c)).toFixed(2) : c)), schema);
  assert.ok(bigB.pairs['kind × size'].diff > 1, `kind × size ${bigB.pairs['kind × size'].diff}`);
  assert.ok(bigB.categories.kind.maxDiff < 0.1);
  const oneKind = compareTables(real, mapColumn(draw(2), 'kind', () => 'A'), schema);
  assert.ok(Math.abs(oneKind.categories.kind.maxDiff - oneKind.categories.kind.real.B) < 1e-9 && oneKind.categories.kind.maxDiff > 0.4);
});

test('the attribute classifier: a fresh draw carries its attributes as held-out real entities do; swapped or blind attributes do not', () => {
  const real = draw(1);
  const schema = inferSchema(real);
  // The kind changes the level's mean and the state's chain: told from the series almost always.
  const fresh = compareTables(real, draw(2), schema).attributes.kind;
  assert.ok(fresh.heldOut > 0.95, `held-out real ${fresh.heldOut}`);
  assert.ok(Math.abs(fresh.synthetic - fresh.heldOut) < 0.05, `fresh draw ${fresh.synthetic} vs held-out ${fresh.heldOut}`);
  assert.ok(fresh.chance > 0.4 && fresh.chance < 0.65, `chance ${fresh.chance}`);
  // Series that say the other kind: recovered almost never.
  const swapped = compareTables(real, mapColumn(draw(2), 'kind', (c) => (c === 'A' ? 'B' : 'A')), schema).attributes.kind;
  assert.ok(swapped.synthetic < 0.05, `swapped ${swapped.synthetic}`);
  // Attributes drawn at random, whatever the series: about half right, as from a generator that ignores its attributes.
  const other = draw(2, 20, 60);
  const kinds = new Rng(9);
  const coin = new Map<string, string>();
  const site = other.header.indexOf('site');
  const blind = mapColumn(other, 'kind', (_, i) => {
    const id = other.rows[i].fields[site];
    if (!coin.has(id)) coin.set(id, kinds.uniform() < 0.5 ? 'A' : 'B');
    return coin.get(id)!;
  });
  const b = compareTables(real, blind, schema).attributes.kind;
  assert.ok(Math.abs(b.synthetic - 0.5) < 0.1, `blind ${b.synthetic}`);
  // The deterministic classifier: the same score twice.
  assert.deepEqual({ ...compareTables(real, draw(2), schema).attributes }, { kind: fresh });
});

test('a synthetic table without one of the schema\'s columns is one line naming it', () => {
  const real = draw(1);
  const schema = inferSchema(real);
  const t = parseCsv('site,date\ns1,2020-01-01\n', 'synth.csv');
  assert.throws(() => compareTables(real, t, schema), /^TsganError: synth\.csv: the synthetic table has no column "kind"; its columns are site, date$/);
});

test('tsgan eval --table scores two CSVs in the input\'s own shape; window flags are refused beside it', async () => {
  const dir = tempDir();
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  writeFileSync(a, mixedPanel({ entities: 100, minLength: 20, maxLength: 60, seed: 1 }).csv);
  writeFileSync(b, mixedPanel({ entities: 100, minLength: 55, maxLength: 60, seed: 2 }).csv);
  const self = await runCli(['eval', '--table', '--real', a, '--synthetic', a]);
  assert.equal(self.code, 0, self.stderr);
  assert.match(self.stdout, /^entities +100 real, 100 synthetic\nlengths +KS 0\.000 /);
  assert.match(self.stdout, /\nrain +KS 0\.000; zeros 0\.\d{3} real, 0\.\d{3} synthetic\n/);
  const json = join(dir, 'cmp.json');
  const other = await runCli(['eval', '--table', '--real', a, '--synthetic', b, '--json', json]);
  assert.equal(other.code, 0, other.stderr);
  const saved = JSON.parse(readFileSync(json, 'utf8'));
  assert.ok(saved.lengths.ks > 0.7, `lengths KS ${saved.lengths.ks}`);
  assert.equal(saved.schema.columns[0].role, 'id');
  // The report: the measures and the table's charts, written beside each other; the JSON after it.
  const report = join(dir, 'r.html');
  const withReport = await runCli(['eval', '--table', '--real', a, '--synthetic', b, '--report', report, '--json', json, '--force']);
  assert.equal(withReport.code, 0, withReport.stderr);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /<h1>Synthetic table evaluation<\/h1>/);
  assert.match(html, /<td>kind&#58; told from the series<\/td><td class="num">\d\.\d{3} synthetic, \d\.\d{3} held-out real \(chance \d\.\d{3}\)<\/td>/);
  for (const chart of ['lengths', 'categories', 'histograms', 'entities']) assert.ok(html.includes(`<section id="${chart}">`), chart);
  assert.deepEqual(listFiles(join(dir, 'r-charts')), ['categories.png', 'entities.png', 'histograms.png', 'lengths.png']);
  assert.match(withReport.stdout, /wrote .*r\.html\nwrote .*r-charts\nwrote .*cmp\.json\n$/);
  const wrong = await runCli(['eval', '--table', '--real', a, '--synthetic', b, '--repeats', '2']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--repeats does not apply with --table\n$/);
});
