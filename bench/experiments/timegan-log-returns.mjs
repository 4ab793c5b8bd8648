// TimeGAN (its defaults, --iterations a phase) on a price series re-expressed as log levels beside log returns: each
// row t holds log x_t and log x_t − log x_{t−1} per column. A sample's window is rebuilt from its
// first step's log level and the cumulative sum of its returns, so that its day-to-day changes are
// the ones G made (a share of the level, as for real prices; QuantGAN, Wiese et al. 2020, models
// returns for this reason). Every column walks on its own, Adj_Close too (in TimeGAN's data it equals
// Close: a tell that timegan-price-bars.mjs avoids). Writes samples as `tsgan sample` does, in the data's units, for
// `tsgan eval`. Experiment code (docs/experiments/2026-12-07-what-stocks-strong-score-reads.md), run from the
// repository root after `npx tsc`:
//   node bench/experiments/timegan-log-returns.mjs --data ../shared/data/stock_data.csv --out DIR [--iterations 3000 (default 10000)] [--squash 3] [--vol-norm] [--seed 1]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
const { prepareData, trainTimegan, samplesToCsv, Rng } = await import('./timegan-common.mjs');
const { values: a } = parseArgs({
  options: {
    data: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' },
    iterations: { type: 'string', default: '10000' }, squash: { type: 'string', default: '3' }, 'vol-norm': { type: 'boolean', default: false },
  },
});
const seed = Number(a.seed), iterations = Number(a.iterations), seqLen = 24;
const lines = readFileSync(a.data, 'utf8').trim().split(/\r?\n/);
const names = lines[0].split(',');
const rows = lines.slice(1).map((l) => l.split(',').map(Number));
const k = names.length;
// Row 0 has no return; the series starts at row 1. [rows − 1, 2k]: log levels, then log returns.
let raw = rows.slice(1).map((r, i) => {
  const lv = r.map(Math.log), prev = rows[i].map(Math.log);
  return [...lv, ...lv.map((v, j) => v - prev[j])];
});
// --vol-norm: the price columns' returns divided by the Close's volatility before the day (RiskMetrics'
// EWMA, λ = 0.94), which becomes a column of its own (its log): a smooth regime beside the level.
const volNorm = a['vol-norm'], C = names.indexOf('Close'), priceCols = names.map((n, j) => j).filter((j) => names[j] !== 'Volume');
if (volNorm) {
  // σ starts from the first 20 returns' mean square: a look-ahead of at most 20 days at the series' start.
  let v = raw.slice(0, 20).reduce((s, r) => s + r[k + C] ** 2, 0) / 20;
  raw = raw.map((r) => {
    const sigma = Math.sqrt(v);
    v = 0.94 * v + 0.06 * r[k + C] ** 2;
    return [...r.slice(0, k), ...r.slice(k).map((x, j) => (priceCols.includes(j) ? x / sigma : x)), Math.log(sigma)];
  });
}
// Returns bunch near 0 with rare large days; min-max scaling would leave most of them in a narrow band.
// tanh(r / (3 sd)) spreads them over (−1, 1) and is inverted exactly below (--squash 0: raw returns).
const squash = Number(a.squash);
const sd = names.map((_, j) => Math.sqrt(raw.reduce((s, r) => s + r[k + j] ** 2, 0) / raw.length));
const F = 2 * k + (volNorm ? 1 : 0);
const derived = squash > 0 ? raw.map((r) => r.map((v, c) => (c < k || c >= 2 * k ? v : Math.tanh(v / (squash * sd[c - k]))))) : raw;
const unsquash = (v, j) => (squash > 0 ? squash * sd[j] * Math.atanh(Math.max(-0.999999, Math.min(0.999999, v))) : v);
mkdirSync(a.out, { recursive: true });
const derivedPath = join(a.out, 'derived.csv');
const header = [...names.map((n) => `log_${n}`), ...names.map((n) => `ret_${n}`), ...(volNorm ? ['log_vol'] : [])];
writeFileSync(derivedPath, [header.join(','), ...derived.map((r) => r.join(','))].join('\n') + '\n');
const { scaler, windows } = prepareData(derivedPath, { seqLen, stride: 1 });
const { model, minutes } = trainTimegan(windows, seed, iterations);
const count = windows.count;
const d = scaler.inverse(model.sample(count, new Rng(seed))); // [count, seqLen, F]: log levels, returns (, log volatility)
const out = new Float64Array(count * seqLen * k);
for (let s = 0; s < count; s++) {
  for (let j = 0; j < k; j++) {
    let lv = d[s * seqLen * F + j];
    for (let t = 0; t < seqLen; t++) {
      const at = (s * seqLen + t) * F;
      const scale = volNorm && priceCols.includes(j) ? Math.exp(d[at + 2 * k]) : 1;
      if (t > 0) lv += scale * unsquash(d[at + k + j], j);
      out[(s * seqLen + t) * k + j] = Math.exp(lv);
    }
  }
}
writeFileSync(join(a.out, 'synthetic.csv'), samplesToCsv(out, count, seqLen, names));
writeFileSync(join(a.out, 'run.json'), JSON.stringify({ seed, iterations, squash, volNorm, minutes }, null, 2) + '\n');
console.error(`trained in ${minutes.toFixed(1)} min; wrote ${a.out}`);
