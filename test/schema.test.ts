/**
 * The schema of a table (issue 27): roles and types inferred from whole
 * columns on a mixed-type panel with known ground truth, `tsgan inspect`'s
 * table, and the schema file a user edits and passes back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, STOCK_CSV } from './helpers.js';
import { mixedPanel, MIXED_PANEL_TRUTH } from '../src/data/mixed-panel.js';
import { inferSchema, parseDatetime } from '../src/data/schema.js';
import { parseCsv } from '../src/data/csv.js';
import { readTableFile } from '../src/data/table.js';

function panel(dir: string, entities = 40): { file: string; lengths: number[]; kinds: string[] } {
  const { csv, lengths, kinds } = mixedPanel({ entities, minLength: 20, maxLength: 60, seed: 1 });
  const file = join(dir, 'panel.csv');
  writeFileSync(file, csv);
  return { file, lengths, kinds };
}

/** Writes an edited copy of `schema` into `dir` (a new file each time) and returns its path. */
function editor(dir: string, schema: any): (f: (s: any) => void) => string {
  let n = 0;
  return (f) => {
    const copy = structuredClone(schema);
    f(copy);
    const p = join(dir, `edited-${++n}.json`);
    writeFileSync(p, JSON.stringify(copy));
    return p;
  };
}

test('every column of a mixed-type panel gets its true role and type, judged over the whole column', () => {
  const dir = tempDir();
  const { file, lengths } = panel(dir);
  const s = inferSchema(readTableFile(file));
  const byName = Object.fromEntries(s.columns.map((c) => [c.name, c]));
  for (const [name, role] of Object.entries(MIXED_PANEL_TRUTH.roles)) assert.equal(byName[name].role, role, `${name}: ${byName[name].why}`);
  for (const [name, type] of Object.entries(MIXED_PANEL_TRUTH.types)) assert.equal(byName[name].type, type, `${name}: ${byName[name].why}`);
  assert.equal(byName.date.format, 'YYYY-MM-DD');
  assert.deepEqual([...byName.state.categories!].sort(), [...MIXED_PANEL_TRUTH.states].sort());
  assert.deepEqual(byName.kind.categories!.slice().sort(), ['A', 'B']);
  assert.ok(Math.abs(byName.rain.zeroShare! - MIXED_PANEL_TRUTH.rainZero) < 0.03, `rain zeros ${byName.rain.zeroShare}`);
  assert.equal(byName.level.zeroShare, undefined);
  assert.ok(Math.abs(byName.temp.missing - MIXED_PANEL_TRUTH.tempMissing) < 0.02, `temp missing ${byName.temp.missing}`);
  assert.equal(byName.rain.decimals, 1);
  const rows = lengths.reduce((a, b) => a + b, 0);
  assert.equal(readTableFile(file).rows.length, rows);
});

test('a blank or NA anywhere in a column does not change its type; integers stay integers; few-level codes are categories', () => {
  const lines = ['year,month,sales,code,note'];
  for (let i = 0; i < 60; i++) lines.push(`${2000 + Math.floor(i / 12)},${(i % 12) + 1},${i === 0 ? '' : i === 7 ? 'NA' : (i * 1.5).toFixed(1)},${i % 3},${i === 5 ? 'late' : ''}`);
  const s = inferSchema(parseCsv(lines.join('\n') + '\n', 't.csv'));
  const t = Object.fromEntries(s.columns.map((c) => [c.name, c]));
  assert.equal(t.year.type, 'integer');
  assert.equal(t.month.type, 'integer');
  assert.equal(t.sales.type, 'continuous');
  assert.ok(Math.abs(t.sales.missing - 2 / 60) < 1e-4);
  assert.equal(t.code.type, 'categorical');
  assert.deepEqual(t.code.categories, ['0', '1', '2']);
  // One series: a year that only grows down the file is not an entity id.
  assert.equal(s.columns.find((c) => c.role === 'id'), undefined);
  assert.equal(t.note.role, 'ignored');
});

test('datetimes are checked for real dates, and a time column that goes back is named by its cell', () => {
  assert.ok(Number.isNaN(parseDatetime('2021-02-30')));
  assert.equal(parseDatetime('2021-03-01'), Date.UTC(2021, 2, 1));
  assert.equal(parseDatetime('2021-03'), Date.UTC(2021, 2, 1));
  const table = parseCsv('id,day,x\na,2021-01-02,1\na,2021-01-01,2\nb,2021-01-01,3\n', 'd.csv');
  assert.throws(() => inferSchema(table, { idColumn: 'id', timeColumn: 'day' }), /^TsganError: d\.csv:3:2: the time column "day" does not increase within its entity here \("2021-01-01" after "2021-01-02"\)/);
  // A missing or unreadable time cell is named as such, at its own row.
  const gap = parseCsv('id,day,x\na,2021-01-01,1\na,,2\na,2021-01-03,3\n', 'g.csv');
  assert.throws(() => inferSchema(gap, { idColumn: 'id', timeColumn: 'day' }), /^TsganError: g\.csv:3:2: the time column "day" is missing here; every row needs its time$/);
  assert.throws(() => inferSchema(table, { idColumn: 'nope' }), /d\.csv: unknown column "nope" in --id-column; the columns are id, day, x/);
});

test('tsgan inspect prints the schema, writes it as JSON, and checks an edited schema against the data', async () => {
  const dir = tempDir();
  const { file } = panel(dir);
  const out = join(dir, 'schema.json');
  const r = await runCli(['inspect', '--data', file, '--schema-out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^.*panel\.csv: \d+ rows, 40 entities \(id column "site"\), \d+–\d+ rows each\n/);
  assert.match(r.stdout, /\nsite +id +categorical +0\.0% +suggested: its values come in blocks/);
  assert.match(r.stdout, /\nrain +feature +continuous +0\.0% +numbers; (59|6\d)\.\d% zeros \(a point mass\)/);
  assert.match(r.stdout, /\nkind +attribute +categorical +0\.0% +constant within each entity; 2 distinct values; 2 categories/);
  assert.match(r.stdout, /wrote the schema to .*schema\.json\n$/);

  // Passed back unedited: the same table.
  const again = await runCli(['inspect', '--data', file, '--schema', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, r.stdout.replace(/wrote the schema to .*\n$/, ''));

  // Not overwritten without --force.
  const twice = await runCli(['inspect', '--data', file, '--schema-out', out]);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /schema\.json: exists; choose another --schema-out or pass --force/);

  // An edit that contradicts the data names the cell; one that does not is taken.
  const schema = JSON.parse(readFileSync(out, 'utf8'));
  const edit = editor(dir, schema);
  const col = (s: typeof schema, name: string) => s.columns.find((c: { name: string }) => c.name === name);
  const wrongType = await runCli(['inspect', '--data', file, '--schema', edit((s) => (col(s, 'level').type = 'integer'))]);
  assert.equal(wrongType.code, 2);
  assert.match(wrongType.stderr, /panel\.csv:2:5: column "level" is integer in .*edited-\w+\.json, but "[-\d.]+" is not a whole number\n$/);
  const ignored = await runCli(['inspect', '--data', file, '--schema', edit((s) => (col(s, 'temp').role = 'ignored'))]);
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.match(ignored.stdout, /\ntemp +ignored +continuous/);
  const badKey = await runCli(['inspect', '--data', file, '--schema', edit((s) => (col(s, 'state').type = 'words'))]);
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /edited-\w+\.json: columns\[5\]\.type: must be one of continuous, integer, categorical, boolean, datetime, text\n$/);
  const missingCol = await runCli(['inspect', '--data', file, '--schema', edit((s) => s.columns.splice(9, 1))]);
  assert.equal(missingCol.code, 2);
  assert.match(missingCol.stderr, /column "temp" of .*panel\.csv is not in the schema; add it \(role "ignored" leaves it out\)\n$/);
});

test('tsgan inspect on the stock data: one series of continuous prices and an integer volume', async () => {
  const r = await runCli(['inspect', '--data', STOCK_CSV]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /stock_data\.csv: 3685 rows, one series/);
  assert.match(r.stdout, /\nOpen +feature +continuous/);
  assert.match(r.stdout, /\nVolume +feature +integer/);
});

test('train warns of a likely entity column left unnamed and of too few windows for a batch; eval reads the model\'s entity column', async () => {
  const dir = tempDir();
  const panelFile = join(dir, 'p.csv');
  const lines = ['id,x,y'];
  for (const id of ['a', 'b', 'c']) for (let t = 0; t < 30; t++) lines.push(`${id},${Math.sin(t / 3).toFixed(4)},${Math.cos(t / 5).toFixed(4)}`);
  writeFileSync(panelFile, lines.join('\n') + '\n');
  const args = ['--iterations', '2', '--seq-len', '4', '--batch-size', '8'];
  const unnamed = await runCli(['train', '--data', panelFile, '--out', join(dir, 'm1'), ...args]);
  assert.equal(unnamed.code, 0, unnamed.stderr);
  assert.match(unnamed.stderr, /tsgan: warning: column "id" looks like an entity id \(its values come in blocks of rows\); without --id-column id, windows run across entities\n/);
  const named = await runCli(['train', '--data', panelFile, '--out', join(dir, 'm2'), '--id-column', 'id', ...args]);
  assert.equal(named.code, 0, named.stderr);
  assert.doesNotMatch(named.stderr, /looks like an entity id/);

  // eval --model: the real data are cut per entity, as the model was trained (3 × 27 windows, not 87 across entities).
  const synth = join(dir, 's.csv');
  assert.equal((await runCli(['sample', '--model', join(dir, 'm2'), '--count', '20', '--out', synth])).code, 0);
  const ev = await runCli(['eval', '--real', panelFile, '--synthetic', synth, '--model', join(dir, 'm2'), '--quick']);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, /^20 synthetic sequences against 81 real windows, 4 steps × 2 features/);
  // A model file without its data record (the schema allows it), and real data without the model's id column: windows of the whole file.
  const meta = JSON.parse(readFileSync(join(dir, 'm2', 'tsgan.json'), 'utf8'));
  delete meta.data;
  writeFileSync(join(dir, 'm2', 'tsgan.json'), JSON.stringify(meta));
  const noData = await runCli(['eval', '--real', panelFile, '--synthetic', synth, '--model', join(dir, 'm2'), '--quick']);
  assert.equal(noData.code, 0, noData.stderr);
  assert.match(noData.stdout, /against 87 real windows/);

  const small = join(dir, 'small.csv');
  writeFileSync(small, ['x,y', ...Array.from({ length: 10 }, (_, t) => `${t},${t * t}`)].join('\n') + '\n');
  const few = await runCli(['train', '--data', small, '--out', join(dir, 'm3'), ...args]);
  assert.equal(few.code, 0, few.stderr);
  assert.match(few.stderr, /tsgan: warning: 7 training windows for a batch of 8: every batch holds the same windows/);
});

test('sorted number ids with a counter that starts again are entities; dates with offsets and a stray bad date are still dates; long columns do not overflow', () => {
  const lines = ['unit,cycle,s1'];
  for (let u = 1; u <= 30; u++) for (let c = 1; c <= 5; c++) lines.push(`${u},${c},${(u * 0.1 + c).toFixed(2)}`);
  const s = inferSchema(parseCsv(lines.join('\n') + '\n', 'cmapss.csv'));
  const t = Object.fromEntries(s.columns.map((c) => [c.name, c]));
  assert.equal(t.unit.role, 'id');
  assert.equal(t.cycle.role, 'time');
  assert.equal(t.cycle.type, 'integer');

  const dates = ['id,when,x'];
  for (let i = 0; i < 40; i++) dates.push(`a,2021-01-${String(1 + (i % 28)).padStart(2, '0')}T23:00:00+05:00,${i}`);
  assert.equal(inferSchema(parseCsv(dates.join('\n') + '\n', 'tz.csv')).columns[1].type, 'datetime');
  const typo = ['when,x', ...Array.from({ length: 40 }, (_, i) => `${i === 7 ? '2021-02-30' : `2021-03-${String(1 + (i % 28)).padStart(2, '0')}`},${i}`)];
  const w = inferSchema(parseCsv(typo.join('\n') + '\n', 'typo.csv')).columns[0];
  assert.equal(w.type, 'datetime');
  assert.match(w.why, /1 cell is not, first typo\.csv:9:1 "2021-02-30"/);

  const big = ['x', ...Array.from({ length: 130_000 }, (_, i) => `${i}.25`)];
  assert.equal(inferSchema(parseCsv(big.join('\n') + '\n', 'big.csv')).columns[0].decimals, 2);
});

test('a schema file must agree with itself and with the data: categories listed, id and time of fitting types, names without control characters, no other flags', async () => {
  const dir = tempDir();
  const { file } = panel(dir);
  const out = join(dir, 'schema.json');
  assert.equal((await runCli(['inspect', '--data', file, '--schema-out', out])).code, 0);
  const schema = JSON.parse(readFileSync(out, 'utf8'));
  const write = editor(dir, schema);
  const cases: [string, (s: typeof schema) => void, RegExp][] = [
    ['boolean without categories', (s) => delete s.columns[8].categories, /columns\[8\]\.categories: a boolean column lists its categories$/],
    ['time on a category', (s) => ((s.columns[1].role = 'feature'), (s.columns[5].role = 'time')), /columns\[5\]\.type: a time column is datetime, integer or continuous, not categorical$/],
    ['an unknown key', (s) => (s.columns[0].colour = 'red'), /columns\[0\]: unknown key "colour"$/],
    ['a control character in a name', (s) => (s.columns[0].name = 'si\u001bte'), /columns\[0\]\.name: must not hold control characters$/],
    ['a time column that goes back', (s) => ((s.columns[1].role = 'feature'), (s.columns[4].role = 'time')), /panel\.csv:\d+:5: the time column "level" does not increase within its entity here/],
  ];
  for (const [name, edit, error] of cases) {
    const r = await runCli(['inspect', '--data', file, '--schema', write(edit)]);
    assert.equal(r.code, 2, name);
    assert.match(r.stderr.trim(), error, name);
  }
  const both = await runCli(['inspect', '--data', file, '--schema', out, '--id-column', 'site']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /schema\.json: a schema file holds the id and time columns and the missing-value tokens; give it alone, without --id-column\n$/);
  const evalBoth = await runCli(['eval', '--table', '--real', file, '--synthetic', file, '--schema', out, '--id-column', 'site']);
  assert.equal(evalBoth.code, 2);
  assert.match(evalBoth.stderr, /schema\.json: a schema file holds the id and time columns .* without --id-column\n$/);
});

test('what inference writes, a schema file accepts: a yes/no id is a label, decimals stop at 20', async () => {
  const dir = tempDir();
  const lines = ['flag,x'];
  for (let i = 0; i < 30; i++) lines.push(`${i < 15 ? 'yes' : 'no'},${i}.${'1'.repeat(25)}`);
  const file = join(dir, 'odd.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const out = join(dir, 'odd.json');
  assert.equal((await runCli(['inspect', '--data', file, '--id-column', 'flag', '--schema-out', out])).code, 0);
  const written = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(written.columns[0].type, 'categorical');
  assert.equal(written.columns[1].decimals, 20);
  const back = await runCli(['inspect', '--data', file, '--schema', out]);
  assert.equal(back.code, 0, back.stderr);
});
