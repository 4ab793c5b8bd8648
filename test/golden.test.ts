/**
 * Golden outputs: the files that fixed-seed runs of each model write, as
 * SHA-256 digests recorded from the code before the model seam's redesign
 * (issue 26). A change that moves code must leave them byte-identical; the
 * order in which random streams are forked is part of this contract.
 * `GOLDEN_UPDATE=1 npm test` rewrites test/golden.json (only on purpose).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, tempDir, runCli, listFiles, STOCK_CSV, ROOT } from './helpers.js';
import { Rng } from '../src/random.js';

before(engine);

const GOLDEN = join(ROOT, 'test/golden.json');

/** A file's digest; tsgan.json without what depends on the clock or the machine. */
function digest(path: string): string {
  let data: string | Buffer = readFileSync(path);
  if (path.endsWith('tsgan.json')) {
    const meta = JSON.parse(data.toString('utf8'));
    for (const k of ['trainingSeconds', 'tsganVersion', 'tfjsVersion', 'formatVersion']) delete meta[k];
    if (meta.data) delete meta.data.file; // where the clone is
    data = JSON.stringify(meta);
  }
  return createHash('sha256').update(data).digest('hex').slice(0, 32);
}

function digests(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir)
      .filter((f) => /\.(json|bin|csv)$/.test(f))
      .map((f) => [f, digest(join(dir, f))]),
  );
}

async function ok(args: string[]): Promise<void> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
}

/** A labelled long-format CSV for the classifier. */
function labelled(path: string): string {
  const rng = new Rng(4);
  const lines = ['id,t,a,b,label'];
  for (let i = 0; i < 24; i++) {
    const up = i % 2 === 0;
    for (let t = 0; t < 8; t++) lines.push(`s${i},${t},${((up ? t : 8 - t) + rng.normal() * 0.3).toFixed(4)},${rng.normal().toFixed(4)},${up ? 'up' : 'down'}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

test('fixed-seed runs of rgan, timegan, vaegan, dense-gan and the classifier write the recorded files, byte for byte', async () => {
  const dir = tempDir();
  const small = ['--layers', '2', '--hidden', '6', '--batch-size', '16', '--seq-len', '8', '--seed', '7'];
  const runs: Record<string, Record<string, string>> = {};

  await ok(['train', '--model', 'rgan', '--data', STOCK_CSV, '--out', join(dir, 'rgan'), ...small, '--iterations', '12', '--ema', '0.9', '--diversity-every', '5', '--grad-steps-every', '5']);
  await ok(['sample', '--model', join(dir, 'rgan'), '--count', '5', '--seed', '3', '--out', join(dir, 'rgan', 'samples.csv')]);
  runs.rgan = digests(join(dir, 'rgan'));

  await ok(['train', '--model', 'timegan', '--data', STOCK_CSV, '--out', join(dir, 'timegan'), ...small, '--iterations', '6', '--embedding-iterations', '4', '--supervised-iterations', '4', '--diversity-every', '3']);
  await ok(['sample', '--model', join(dir, 'timegan'), '--count', '5', '--seed', '3', '--out', join(dir, 'timegan', 'samples.csv')]);
  runs.timegan = digests(join(dir, 'timegan'));

  // The VAE-GAN with attention blocks in G and D (recorded when they were added, issue 28).
  await ok(['train', '--model', 'vaegan', '--data', STOCK_CSV, '--out', join(dir, 'vaegan'), ...small, '--iterations', '8', '--attention', 'both', '--attention-heads', '2']);
  await ok(['sample', '--model', join(dir, 'vaegan'), '--count', '5', '--seed', '3', '--out', join(dir, 'vaegan', 'samples.csv')]);
  runs.vaegan = digests(join(dir, 'vaegan'));

  await ok(['train', '--model', 'dense-gan', '--data', STOCK_CSV, '--out', join(dir, 'dense'), '--g-hidden', '8', '--d-hidden', '8', '--batch-size', '16', '--iterations', '10', '--seed', '7']);
  await ok(['sample', '--model', join(dir, 'dense'), '--count', '5', '--seed', '3', '--out', join(dir, 'dense', 'samples.csv')]);
  runs['dense-gan'] = digests(join(dir, 'dense'));

  const csv = labelled(join(dir, 'labelled.csv'));
  await ok(['classify', 'train', '--data', csv, '--label-column', 'label', '--id-column', 'id', '--columns', 'a,b', '--hidden', '6', '--iterations', '20', '--batch-size', '8', '--seed', '7', '--out', join(dir, 'clf')]);
  await ok(['classify', 'predict', '--model', join(dir, 'clf'), '--data', csv, '--out', join(dir, 'clf', 'pred.csv')]);
  runs.classifier = digests(join(dir, 'clf'));

  if (process.env.GOLDEN_UPDATE === '1') {
    writeFileSync(GOLDEN, JSON.stringify(runs, null, 2) + '\n');
    return;
  }
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8'));
  for (const name of Object.keys(golden)) assert.deepEqual(runs[name], golden[name], `${name}: files differ from the recorded ones`);
});
