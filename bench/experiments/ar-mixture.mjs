// The feasibility test of stocks-ar-mixture.mjs on any CSV, with no knowledge of the columns: a 2-layer GRU
// reads a window's steps so far (min-max scaled as tsgan's models see them, then standardised) and gives a
// mixture of K diagonal Gaussians for the next step's values; sampling starts each window from the first
// step of a random real window and draws on, each value kept within the real data's range. With
// --draw-first the network reads a step of zeros before the window and draws its first step too, so
// that no real value is copied. Writes samples
// as `tsgan sample` does, for `tsgan eval`. Run from the repository root after `npx tsc`:
//   node bench/experiments/ar-mixture.mjs --data FILE.csv --out DIR [--id-column id] [--columns a,b] [--iterations 8000] [--components 20] [--draw-first] [--seed 1]
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
const { tf, samplesToCsv, Rng, mixtureNet, drawStep } = await import('./mixture-common.mjs');
const { prepareData } = await import(new URL('../../dist/src/pipeline.js', import.meta.url).href);

const { values: a } = parseArgs({
  options: {
    data: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' },
    'id-column': { type: 'string' }, columns: { type: 'string' },
    iterations: { type: 'string', default: '8000' }, hidden: { type: 'string', default: '64' },
    components: { type: 'string', default: '20' }, lr: { type: 'string', default: '0.001' },
    'draw-first': { type: 'boolean', default: false },
  },
});
const seed = Number(a.seed), iterations = Number(a.iterations), H = Number(a.hidden), K = Number(a.components);
const BATCH = 128;
const first = a['draw-first'] ? 0 : 1; // the first step drawn (0) or copied (1)
const { dataset, scaler, windows } = prepareData(a.data, { seqLen: 24, stride: 1, idColumn: a['id-column'], columns: a.columns?.split(',') });
const { count: N, seqLen: T, features: F, data } = windows; // data: [N, T, F] in [0, 1]
const mean = new Float64Array(F), sd = new Float64Array(F);
for (let i = 0; i < data.length; i++) mean[i % F] += data[i] / (data.length / F);
for (let i = 0; i < data.length; i++) sd[i % F] += (data[i] - mean[i % F]) ** 2 / (data.length / F);
for (let j = 0; j < F; j++) sd[j] = Math.sqrt(sd[j]) || 1;
const std = Float32Array.from(data, (v, i) => (v - mean[i % F]) / sd[i % F]);

const rng = new Rng(seed);
const net = mixtureNet({ inputs: F, outputs: F, hidden: H, components: K, lr: Number(a.lr), minLogSd: -9 }, rng);

const batchRng = rng.fork();
const t0 = Date.now();
for (let it = 1; it <= iterations; it++) {
  const x = new Float32Array(BATCH * T * F); // [batch, T, F]
  for (let b = 0; b < BATCH; b++) {
    const w = batchRng.int(N);
    x.set(std.subarray(w * T * F, (w + 1) * T * F), b * T * F);
  }
  const xs = tf.tensor3d(x, [BATCH, T, F]);
  // Steps first − 1 … T − 2 predict first … T − 1; step −1 is zeros.
  const loss = net.trainStep(
    () => (first ? xs.slice([0, 0, 0], [BATCH, T - 1, F]) : tf.concat([tf.zeros([BATCH, 1, F]), xs.slice([0, 0, 0], [BATCH, T - 1, F])], 1)),
    () => xs.slice([0, first, 0], [BATCH, T - first, F]), // [batch, T − first, F]
  );
  if (it % 1000 === 0) console.error(`it ${it} nll ${loss.dataSync()[0].toFixed(3)} ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  tf.dispose([xs, loss]);
}
const minutes = (Date.now() - t0) / 60000;

// As many windows as real ones, each from the first step of a random real window (or drawn).
const sampleRng = new Rng(seed + 1000);
const seq = new Float32Array(N * T * F); // standardised
for (let i = 0; first && i < N; i++) {
  const w = sampleRng.int(N);
  seq.set(std.subarray(w * T * F, w * T * F + F), i * T * F);
}
const lo = Array.from(mean, (m, j) => -m / sd[j]), hi = Array.from(mean, (m, j) => (1 - m) / sd[j]); // [0, 1], standardised
for (let t = first; t < T; t++) {
  const p = tf.tidy(() => {
    const known = tf.tensor3d(seq, [N, T, F]).slice([0, 0, 0], [N, t, F]); // steps 0 … t − 1
    return net.lastStep(first ? known : tf.concat([tf.zeros([N, 1, F]), known], 1));
  });
  for (let i = 0; i < N; i++) seq.set(drawStep(p, i, K, F, lo, hi, sampleRng), (i * T + t) * F);
}
const scaled = Float32Array.from(seq, (v, i) => v * sd[i % F] + mean[i % F]);
mkdirSync(a.out, { recursive: true });
writeFileSync(join(a.out, 'synthetic.csv'), samplesToCsv(scaler.inverse(scaled), N, T, dataset.features));
writeFileSync(join(a.out, 'run.json'), JSON.stringify({ seed, iterations, hidden: H, components: K, drawFirst: !first, minutes }, null, 2) + '\n');
console.error(`trained in ${minutes.toFixed(1)} min; wrote ${a.out}`);
