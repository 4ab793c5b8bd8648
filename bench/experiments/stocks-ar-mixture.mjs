// A feasibility test, not a model of tsgan: does a recurrent network that draws each day from a learned
// conditional distribution (a mixture density network, Bishop 1994; autoregressive as in Graves 2013)
// pass the strong classifier on Stocks, where TimeGAN's deterministic next-step supervisor drifts smoothly?
// Each day t ≥ 1 is five numbers: the Close's log return, the Open's gap from the last Close, the High's
// and the Low's reach beyond the body (log(H / max(O, C) − 1 + δ), log(min(O, C) / L − 1 + δ); real bars never
// break the body), and log Volume. A 2-layer GRU reads day t's numbers and log Close level and gives a
// mixture of K diagonal Gaussians for day t + 1. Windows start from a real day (its row, as the day
// bootstrap's do) and walk on by draws; Adj_Close is the Close, as in every row of TimeGAN's file.
// Writes samples as `tsgan sample` does, for `tsgan eval`. Run from the repository root after `npx tsc`:
//   node bench/experiments/stocks-ar-mixture.mjs --data ../shared/data/stock_data.csv --out DIR [--iterations 8000] [--components 20] [--seed 1]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
const { tf, samplesToCsv, Rng, mixtureNet, drawStep } = await import('./mixture-common.mjs');

const { values: a } = parseArgs({
  options: {
    data: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' },
    iterations: { type: 'string', default: '8000' }, hidden: { type: 'string', default: '64' },
    components: { type: 'string', default: '20' }, lr: { type: 'string', default: '0.001' },
  },
});
const seed = Number(a.seed), iterations = Number(a.iterations), H = Number(a.hidden), K = Number(a.components);
const T = 24, DELTA = 1e-4, BATCH = 128;
const lines = readFileSync(a.data, 'utf8').trim().split(/\r?\n/);
const names = lines[0].split(',');
const rows = lines.slice(1).map((l) => l.split(',').map(Number));
const [O, Hi, Lo, C, , V] = [0, 1, 2, 3, 4, 5];
const N = rows.length;

// Day t's five numbers (t ≥ 1) and its log Close level: what the network reads.
const F = 5;
function dayFeatures(prevClose, r) {
  const top = Math.max(r[O], r[C]), bottom = Math.min(r[O], r[C]);
  return [Math.log(r[C] / prevClose), Math.log(r[O] / prevClose), Math.log(r[Hi] / top - 1 + DELTA), Math.log(bottom / r[Lo] - 1 + DELTA), Math.log(r[V])];
}
const feats = rows.map((r, t) => (t === 0 ? null : [...dayFeatures(rows[t - 1][C], r), Math.log(r[C])]));
// Standardised with the series' own mean and sd (inputs: 6 numbers; targets: the first 5).
const mean = [], sd = [];
for (let j = 0; j <= F; j++) {
  const v = feats.slice(1).map((f) => f[j]);
  mean[j] = v.reduce((s, x) => s + x, 0) / v.length;
  sd[j] = Math.sqrt(v.reduce((s, x) => s + (x - mean[j]) ** 2, 0) / v.length);
}
const z = (f) => f.map((x, j) => (x - mean[j]) / sd[j]);
// A draw stays within the real days' range of each number (standardised): a wide component's tail
// would otherwise give wicks and days no real bar has.
const days = feats.slice(1).map(z);
const lo = Array.from({ length: F }, (_, j) => Math.min(...days.map((d) => d[j])));
const hi = Array.from({ length: F }, (_, j) => Math.max(...days.map((d) => d[j])));
// Window starts s = 1 … N − T: rows s … s + T − 1, each with the day before.
const starts = [];
for (let s = 1; s + T <= N; s++) starts.push(s);

const rng = new Rng(seed);
const net = mixtureNet({ inputs: F + 1, outputs: F, hidden: H, components: K, lr: Number(a.lr), minLogSd: -7 }, rng);

const batchRng = rng.fork();
const t0 = Date.now();
for (let it = 1; it <= iterations; it++) {
  // [batch, T, F + 1]: days s … s + T − 1 standardised; targets days s + 1 … s + T − 1: [batch, T − 1, F].
  const x = new Float32Array(BATCH * T * (F + 1));
  for (let b = 0; b < BATCH; b++) {
    const s = starts[batchRng.int(starts.length)];
    for (let t = 0; t < T; t++) x.set(z(feats[s + t]), (b * T + t) * (F + 1));
  }
  const xs = tf.tensor3d(x, [BATCH, T, F + 1]);
  const loss = net.trainStep(() => xs.slice([0, 0, 0], [BATCH, T - 1, F + 1]), () => xs.slice([0, 1, 0], [BATCH, T - 1, F]));
  if (it % 500 === 0) console.error(`it ${it} nll ${loss.dataSync()[0].toFixed(3)} ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  tf.dispose([xs, loss]);
}
const minutes = (Date.now() - t0) / 60000;

// Sampling: as many windows as real ones, each from a random real start day, T − 1 draws.
const count = starts.length;
const sampleRng = new Rng(seed + 1000);
const out = new Float64Array(count * T * names.length);
const seq = new Float32Array(count * T * (F + 1)); // standardised inputs so far
const level = new Float64Array(count); // log Close of the last day
for (let i = 0; i < count; i++) {
  const s = starts[sampleRng.int(starts.length)];
  seq.set(z(feats[s]), i * T * (F + 1));
  level[i] = Math.log(rows[s][C]);
  out.set([rows[s][O], rows[s][Hi], rows[s][Lo], rows[s][C], rows[s][C], rows[s][V]], i * T * names.length);
}
for (let t = 1; t < T; t++) {
  const p = tf.tidy(() => net.lastStep(tf.tensor3d(seq, [count, T, F + 1]).slice([0, 0, 0], [count, t, F + 1])));
  for (let i = 0; i < count; i++) {
    const f = drawStep(p, i, K, F, lo, hi, sampleRng).map((v, j) => v * sd[j] + mean[j]);
    const prevClose = Math.exp(level[i]);
    const close = prevClose * Math.exp(f[0]), open = prevClose * Math.exp(f[1]);
    const high = Math.max(open, close) * (1 + Math.max(0, Math.exp(f[2]) - DELTA));
    const low = Math.min(open, close) / (1 + Math.max(0, Math.exp(f[3]) - DELTA));
    level[i] = Math.log(close);
    seq.set(z([...f, level[i]]), (i * T + t) * (F + 1));
    out.set([open, high, low, close, close, Math.exp(f[4])], (i * T + t) * names.length);
  }
}
mkdirSync(a.out, { recursive: true });
writeFileSync(join(a.out, 'synthetic.csv'), samplesToCsv(out, count, T, names));
writeFileSync(join(a.out, 'run.json'), JSON.stringify({ seed, iterations, hidden: H, components: K, minutes }, null, 2) + '\n');
console.error(`trained in ${minutes.toFixed(1)} min; wrote ${a.out}`);
