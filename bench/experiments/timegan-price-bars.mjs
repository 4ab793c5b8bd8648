// TimeGAN (its defaults, --iterations a phase) on daily price bars (Open, High, Low, Close, Adj_Close, Volume) re-expressed
// so that every sample is a valid bar series with prices that move by a share of their level:
//   log C_t                                   the level
//   z_t = (log C_t − log C_{t−1}) / σ_t       the day's return in units of the volatility before it
//   log σ_t                                   that volatility (RiskMetrics' EWMA of the Close's returns, λ = 0.94)
//   (log O_t − log C_t) / σ_t                 the bar's body
//   (log H_t − log max(O_t, C_t)) / σ_t ≥ 0   its upper wick
//   (log min(O_t, C_t) − log L_t) / σ_t ≥ 0   its lower wick
//   log V_t                                   the volume
// Adj_Close is the Close times its median ratio (equal in TimeGAN's stock data). A sample's window is
// rebuilt from its first step's level and the cumulative sum of its returns. Returns and the bar's
// parts are spread by tanh(x / (3 sd)) before min-max scaling and inverted exactly after sampling.
// Experiment code (docs/experiments/2026-12-07-what-stocks-strong-score-reads.md), run from the
// repository root after `npx tsc`:
//   node bench/experiments/timegan-price-bars.mjs --data ../shared/data/stock_data.csv --out DIR [--iterations 3000 (default 10000)] [--seed 1] [--gap] [--check]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
const { prepareData, trainTimegan, samplesToCsv, Rng } = await import('./timegan-common.mjs');
const { values: a } = parseArgs({
  options: { data: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' }, iterations: { type: 'string', default: '10000' }, check: { type: 'boolean', default: false }, gap: { type: 'boolean', default: false } },
});
const seed = Number(a.seed), iterations = Number(a.iterations), seqLen = 24;
const lines = readFileSync(a.data, 'utf8').trim().split(/\r?\n/);
const names = lines[0].split(',');
const rows = lines.slice(1).map((l) => l.split(',').map(Number));
const [O, H, L, C, A, V] = ['Open', 'High', 'Low', 'Close', 'Adj_Close', 'Volume'].map((n) => names.indexOf(n));
const ratios = rows.map((r) => r[A] / r[C]).sort((x, y) => x - y);
const adj = ratios[ratios.length >> 1];
// [rows − 1, 7]: the representation above; row 0 has no return.
// σ starts from the first 20 returns' mean square: a look-ahead of at most 20 days at the series' start, the same both ways.
let v = rows.slice(1, 21).reduce((s, r, i) => s + Math.log(r[C] / rows[i][C]) ** 2, 0) / 20;
const rep = rows.slice(1).map((r, i) => {
  const ret = Math.log(r[C] / rows[i][C]), sigma = Math.sqrt(v);
  v = 0.94 * v + 0.06 * ret ** 2;
  const top = Math.max(r[O], r[C]), bottom = Math.min(r[O], r[C]);
  const bar = [Math.log(r[C]), ret / sigma, Math.log(sigma), Math.log(r[O] / r[C]) / sigma, Math.log(r[H] / top) / sigma, Math.log(bottom / r[L]) / sigma, Math.log(r[V])];
  // --gap: the return split into the night's gap (Open against the day before's Close) and the day's move
  // (Close against Open), and the volume's log change beside its level.
  return a.gap ? [bar[0], bar[2], Math.log(r[O] / rows[i][C]) / sigma, Math.log(r[C] / r[O]) / sigma, bar[4], bar[5], bar[6], Math.log(r[V] / rows[i][V])] : bar;
});
const SPREAD = a.gap ? [2, 3, 4, 5, 7] : [1, 3, 4, 5]; // the columns spread by tanh(x / (3 sd))
const sd = SPREAD.map((c) => Math.sqrt(rep.reduce((s, r) => s + r[c] ** 2, 0) / rep.length));
const derived = rep.map((r) => r.map((x, c) => (SPREAD.includes(c) ? Math.tanh(x / (3 * sd[SPREAD.indexOf(c)])) : x)));
const unspread = (x, c) => 3 * sd[SPREAD.indexOf(c)] * Math.atanh(Math.max(-0.999999, Math.min(0.999999, x)));
mkdirSync(a.out, { recursive: true });
const derivedPath = join(a.out, 'derived.csv');
writeFileSync(derivedPath, [a.gap ? 'log_close,log_sigma,gap,day,upper,lower,log_volume,volume_change' : 'log_close,z,log_sigma,body,upper,lower,log_volume', ...derived.map((r) => r.join(','))].join('\n') + '\n');
const { scaler, windows } = prepareData(derivedPath, { seqLen, stride: 1 });
const { model, minutes } = trainTimegan(windows, seed, iterations, a.check);
const count = windows.count, F = windows.features;
const d = scaler.inverse(a.check ? windows.data : model.sample(count, new Rng(seed))); // [count, seqLen, F]
const out = new Float64Array(count * seqLen * names.length);
for (let s = 0; s < count; s++) {
  let logC = 0, logV = 0;
  for (let t = 0; t < seqLen; t++) {
    const at = (s * seqLen + t) * F, x = d.subarray(at, at + F);
    const sigma = Math.exp(x[a.gap ? 1 : 2]);
    let close, open;
    if (a.gap) {
      // The first day from its level and its own move; later days from the day before's Close.
      open = t === 0 ? Math.exp(x[0] - unspread(x[3], 3) * sigma) : Math.exp(logC + unspread(x[2], 2) * sigma);
      logC = t === 0 ? x[0] : Math.log(open) + unspread(x[3], 3) * sigma;
      close = Math.exp(logC);
      logV = t === 0 ? x[6] : logV + unspread(x[7], 7);
    } else {
      logC = t === 0 ? x[0] : logC + unspread(x[1], 1) * sigma;
      close = Math.exp(logC);
      open = close * Math.exp(unspread(x[3], 3) * sigma);
      logV = x[6];
    }
    const w = 4; // the wicks' columns
    const high = Math.max(open, close) * Math.exp(Math.max(0, unspread(x[w], w)) * sigma);
    const low = Math.min(open, close) * Math.exp(-Math.max(0, unspread(x[w + 1], w + 1)) * sigma);
    const o = (s * seqLen + t) * names.length;
    out[o + O] = open; out[o + H] = high; out[o + L] = low; out[o + C] = close; out[o + A] = close * adj; out[o + V] = Math.exp(logV);
  }
}
if (a.check) {
  // Window w is real rows w + 1 … w + seqLen (the derived series starts at row 1).
  let worst = 0;
  for (let s = 0; s < count; s++) for (let t = 0; t < seqLen; t++) for (let j = 0; j < names.length; j++) worst = Math.max(worst, Math.abs(out[(s * seqLen + t) * names.length + j] / rows[s + 1 + t][j] - 1));
  console.error(`--check: largest relative error of the real windows through the inverse ${worst.toExponential(2)}`);
  if (worst > 1e-5) process.exit(1);
}
writeFileSync(join(a.out, 'synthetic.csv'), samplesToCsv(out, count, seqLen, names));
writeFileSync(join(a.out, 'run.json'), JSON.stringify({ seed, iterations, minutes }, null, 2) + '\n');
console.error(`trained in ${minutes.toFixed(1)} min; wrote ${a.out}`);
