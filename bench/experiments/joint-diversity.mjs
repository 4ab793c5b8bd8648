// The diversity monitor's readings in each saved TimeGAN's history, by joint iteration: what the
// collapse check (--collapse-refit) would read. Experiment code
// (docs/experiments/2026-12-07-timegan-collapse-check.md).
//   node bench/experiments/joint-diversity.mjs [--at 100,300,500,1000,2000] MODEL_DIR_OR_TSGAN_JSON...
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: a, positionals } = parseArgs({ options: { at: { type: 'string', default: '100,300,500,1000,2000' } }, allowPositionals: true });
const at = a.at.split(',').map(Number);
console.log(['model', ...at.map((k) => `joint ${k}`), 'lowest'].join('\t'));
for (const p of positionals) {
  const file = existsSync(join(p, 'tsgan.json')) ? join(p, 'tsgan.json') : p;
  const meta = JSON.parse(readFileSync(file, 'utf8'));
  const s = meta.history?.sparse?.diversity;
  if (!s) {
    console.log(`${p}\t(no diversity readings)`);
    continue;
  }
  const { embeddingIterations: ne, supervisedIterations: ns } = meta.config;
  if (!Number.isInteger(ne) || !Number.isInteger(ns)) throw new Error(`${file}: config.embeddingIterations and config.supervisedIterations must be integers (a TimeGAN's tsgan.json)`);
  const start = ne + ns;
  const read = (k) => {
    const i = s.iteration.indexOf(start + k);
    return i < 0 ? '-' : s.values[i].toFixed(3);
  };
  console.log([p, ...at.map(read), Math.min(...s.values).toFixed(3)].join('\t'));
}
