/**
 * A public real panel, end to end (issue 27): Gapminder's 62 countries over
 * 11 five-yearly steps, read from its JSON file as vega-datasets ships it.
 * The schema is inferred as a person would write it, a dgan model trains on
 * it, and `tsgan sample` writes the same records back (keys, JSON types,
 * years); region shares, lengths and conditional samples meet the bounds.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, tempDir, runCli, GAPMINDER_JSON } from './helpers.js';

before(engine);

const SMALL = ['--hidden', '32', '--attribute-hidden', '32,32', '--d-hidden', '64,64', '--aux-hidden', '32', '--batch-size', '31'];

test('Gapminder: the schema is inferred right, a dgan model learns it, and the samples are the same records with regions, lengths and requests near the real ones', async () => {
  const dir = tempDir();
  const inspect = await runCli(['inspect', '--data', GAPMINDER_JSON, '--schema-out', join(dir, 'schema.json')]);
  assert.equal(inspect.code, 0, inspect.stderr);
  const schema = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8'));
  const roles = Object.fromEntries(schema.columns.map((c: { name: string; role: string; type: string }) => [c.name, `${c.role} ${c.type}`]));
  assert.deepEqual(roles, {
    year: 'time integer',
    country: 'id categorical',
    cluster: 'attribute categorical',
    pop: 'feature integer',
    life_expect: 'feature continuous',
    fertility: 'feature continuous',
  });
  // 62 names are too many to mean something as a category: fresh ids.
  assert.equal(schema.columns[1].drawn, undefined);

  const model = join(dir, 'm');
  const train = await runCli(['train', '--model', 'dgan', '--data', GAPMINDER_JSON, '--out', model, '--iterations', '1500', '--seed', '1', ...SMALL]);
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stderr, /gapminder\.json: 62 entities by "country" of 11–11 rows, in the order of "year"; static attributes: cluster \(categorical\); features: pop \(integer\)/);

  const out = join(dir, 's.json');
  assert.equal((await runCli(['sample', '--model', model, '--count', '3100', '--out', out, '--seed', '1'])).code, 0);
  const real = JSON.parse(readFileSync(GAPMINDER_JSON, 'utf8')) as Record<string, unknown>[];
  const synth = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[];
  // The same records: the keys in order, each value of its JSON type, years 1955–2005 every 5, regions 0–5, counts whole.
  assert.equal(synth.length, 3100 * 11);
  for (const r of synth) {
    assert.deepEqual(Object.keys(r), Object.keys(real[0]));
    assert.ok(typeof r.country === 'string' && !real.some((x) => x.country === r.country));
    assert.ok([0, 1, 2, 3, 4, 5].includes(r.cluster as number), `cluster ${r.cluster}`);
    assert.ok(Number.isInteger(r.pop) && (r.pop as number) > 0, `pop ${r.pop}`);
    for (const k of ['life_expect', 'fertility']) assert.equal(typeof r[k], 'number');
  }
  assert.deepEqual(synth.slice(0, 11).map((r) => r.year), [1955, 1960, 1965, 1970, 1975, 1980, 1985, 1990, 1995, 2000, 2005]);

  const json = join(dir, 'cmp.json');
  const ev = await runCli(['eval', '--model', model, '--real', GAPMINDER_JSON, '--synthetic', out, '--json', json]);
  assert.equal(ev.code, 0, ev.stderr);
  const cmp = JSON.parse(readFileSync(json, 'utf8'));
  assert.ok(cmp.lengths.ks <= 0.1, `lengths KS ${cmp.lengths.ks}`);
  assert.ok(cmp.categories.cluster.maxDiff <= 0.03, `region shares off by ${cmp.categories.cluster.maxDiff}`);
  for (const [c, m] of Object.entries(cmp.missing) as [string, { diff: number }][]) assert.ok(m.diff <= 0.02, `${c} missing off by ${m.diff}`);

  // Requested regions, 50 countries each: a classifier trained on real series tells them at least as well as held-out real countries, less 5 points.
  const given = join(dir, 'given.csv');
  writeFileSync(given, ['cluster', ...[0, 1, 2, 3, 4, 5].flatMap((c) => Array<number>(50).fill(c))].join('\n') + '\n');
  const requested = join(dir, 'g.json');
  assert.equal((await runCli(['sample', '--model', model, '--given', given, '--out', requested, '--seed', '1'])).code, 0);
  const g = JSON.parse(readFileSync(requested, 'utf8')) as Record<string, unknown>[];
  assert.deepEqual(
    g.filter((_, i) => i % 11 === 0).map((r) => r.cluster),
    [0, 1, 2, 3, 4, 5].flatMap((c) => Array<number>(50).fill(c)),
  );
  const gj = join(dir, 'g-cmp.json');
  assert.equal((await runCli(['eval', '--model', model, '--real', GAPMINDER_JSON, '--synthetic', requested, '--json', gj])).code, 0);
  const rec = JSON.parse(readFileSync(gj, 'utf8')).attributes.cluster;
  assert.ok(rec.heldOut > rec.chance + 0.05, `the series carry the region in real data: ${rec.heldOut} vs chance ${rec.chance}`);
  assert.ok(rec.synthetic >= rec.heldOut - 0.05, `requested regions told ${rec.synthetic}, held-out real ${rec.heldOut}`);
});
