// A generator with no learning, as a yardstick for the strong score on Stocks: each window starts
// at a random real day and walks on by real days drawn at random (whole days: the Close's return
// and the day's Open, High, Low relative to its Close and its Volume), from days within --near of
// the start day (the same volatility regime) and in blocks of --block consecutive days. It replays
// real runs of at most --block days, never a window. Experiment code (docs/experiments/2026-12-07-what-stocks-strong-score-reads.md):
//   node bench/experiments/stocks-day-bootstrap.mjs --data ../shared/data/stock_data.csv --out FILE [--near 250 (default 0: every day)] [--block 5 (default 1)] [--seed 1] [--count N]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
const D = new URL('../../dist/src/', import.meta.url).href;
const { samplesToCsv } = await import(`${D}io/samples.js`);
const { Rng } = await import(`${D}random.js`);
const { values: a } = parseArgs({
  options: {
    data: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' },
    near: { type: 'string', default: '0' }, block: { type: 'string', default: '1' }, count: { type: 'string' },
  },
});
const lines = readFileSync(a.data, 'utf8').trim().split(/\r?\n/);
const names = lines[0].split(',');
const rows = lines.slice(1).map((l) => l.split(',').map(Number));
const col = (n) => names.indexOf(n);
const [O, H, L, C, A, V] = ['Open', 'High', 'Low', 'Close', 'Adj_Close', 'Volume'].map(col);
const N = rows.length, T = 24, count = Number(a.count ?? N - T + 1), near = Number(a.near), block = Number(a.block);
if (!(Number.isInteger(block) && block >= 1 && block < T - 1)) throw new Error(`--block must be an integer in [1, ${T - 2}], got ${a.block}`);
if (!(Number.isInteger(near) && (near === 0 || near >= T + block))) throw new Error(`--near must be 0 (every day) or an integer ≥ ${T + block}, got ${a.near}`);
const rng = new Rng(Number(a.seed));
const pick = (lo, hi) => lo + Math.floor(rng.uniform() * (hi - lo)); // an integer in [lo, hi)
const out = new Float64Array(count * T * names.length);
for (let s = 0; s < count; s++) {
  const start = pick(0, N - T + 1);
  const lo = near > 0 ? Math.max(1, start - near) : 1, hi = near > 0 ? Math.min(N - block, start + near) : N - block;
  let close = rows[start][C], day = -1, left = 0;
  for (let t = 0; t < T; t++) {
    let r;
    if (t === 0) r = rows[start];
    else {
      // A block never continues the run before it, so no real stretch longer than --block is replayed.
      if (left === 0) {
        const next = t === 1 ? start + 1 : day;
        let d;
        do d = pick(lo, hi); while (d === next);
        [day, left] = [d, block];
      }
      r = rows[day];
      close *= r[C] / rows[day - 1][C];
      day++;
      left--;
    }
    const k = close / r[C];
    const at = (s * T + t) * names.length;
    out[at + O] = r[O] * k; out[at + H] = r[H] * k; out[at + L] = r[L] * k; out[at + C] = close; out[at + A] = r[A] * k; out[at + V] = r[V];
  }
}
writeFileSync(a.out, samplesToCsv(out, count, T, names));
console.error(`wrote ${a.out}`);
