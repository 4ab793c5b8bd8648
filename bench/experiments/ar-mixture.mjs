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
const D = new URL('../../dist/src/', import.meta.url).href;
const { initEngine, tf } = await import(`${D}engine.js`);
const { prepareData } = await import(`${D}pipeline.js`);
const { RecurrentStack } = await import(`${D}nn/recurrent.js`);
const { DenseHead } = await import(`${D}nn/dense.js`);
const { Adam } = await import(`${D}models/adam.js`);
const { samplesToCsv } = await import(`${D}io/samples.js`);
const { Rng } = await import(`${D}random.js`);
await initEngine('wasm');

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
const stack = new RecurrentStack({ cell: 'gru', layers: 2, hidden: H, inputSize: F }, rng.fork());
const head = new DenseHead({ inputSize: H, units: K * (1 + 2 * F) }, rng.fork());
const opt = new Adam({ learningRate: Number(a.lr), clipNorm: 1 });
const vars = [...stack.variables, ...head.variables];

/** The mixture's log-weights, means and log-sds (standardised units): [B, T', K], [B, T', K, F] twice. */
function mixture(x) {
  const out = stack.applyWithHead(x, head); // [batch, time, K·(1 + 2F)]
  const [B, Tt] = out.shape;
  const logits = out.slice([0, 0, 0], [B, Tt, K]);
  const mu = out.slice([0, 0, K], [B, Tt, K * F]).reshape([B, Tt, K, F]);
  const logSd = tf.clipByValue(out.slice([0, 0, K + K * F], [B, Tt, K * F]).reshape([B, Tt, K, F]), -9, 3);
  return { logW: tf.logSoftmax(logits), mu, logSd };
}

const batchRng = rng.fork();
const t0 = Date.now();
for (let it = 1; it <= iterations; it++) {
  const x = new Float32Array(BATCH * T * F); // [batch, T, F]
  for (let b = 0; b < BATCH; b++) {
    const w = batchRng.int(N);
    x.set(std.subarray(w * T * F, (w + 1) * T * F), b * T * F);
  }
  const xs = tf.tensor3d(x, [BATCH, T, F]);
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      // Steps first − 1 … T − 2 predict first … T − 1; step −1 is zeros.
      const inp = first ? xs.slice([0, 0, 0], [BATCH, T - 1, F]) : tf.concat([tf.zeros([BATCH, 1, F]), xs.slice([0, 0, 0], [BATCH, T - 1, F])], 1);
      const { logW, mu, logSd } = mixture(inp);
      const y = xs.slice([0, first, 0], [BATCH, T - first, F]).expandDims(2); // [batch, T − first, 1, F]
      const zz = tf.div(tf.sub(y, mu), tf.exp(logSd));
      const logN = tf.sum(tf.sub(tf.mul(-0.5, tf.square(zz)), tf.add(logSd, 0.5 * Math.log(2 * Math.PI))), 3); // [batch, T − 1, K]
      return tf.neg(tf.mean(tf.logSumExp(tf.add(logW, logN), 2)));
    }, vars);
    opt.step(grads);
    return value;
  });
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
  const [w, mu, sg] = tf.tidy(() => {
    const known = tf.tensor3d(seq, [N, T, F]).slice([0, 0, 0], [N, t, F]); // steps 0 … t − 1
    const inp = first ? known : tf.concat([tf.zeros([N, 1, F]), known], 1);
    const { logW, mu, logSd } = mixture(inp);
    const last = (m) => m.slice([0, inp.shape[1] - 1], [N, 1]);
    return [tf.exp(last(logW)), last(mu), tf.exp(last(logSd))].map((m) => m.dataSync());
  });
  for (let i = 0; i < N; i++) {
    let u = sampleRng.uniform(), k = 0;
    while (k < K - 1 && (u -= w[i * K + k]) > 0) k++;
    for (let j = 0; j < F; j++) {
      const d = mu[(i * K + k) * F + j] + sg[(i * K + k) * F + j] * sampleRng.normal();
      seq[(i * T + t) * F + j] = Math.min(hi[j], Math.max(lo[j], d));
    }
  }
}
const scaled = Float32Array.from(seq, (v, i) => v * sd[i % F] + mean[i % F]);
mkdirSync(a.out, { recursive: true });
writeFileSync(join(a.out, 'synthetic.csv'), samplesToCsv(scaler.inverse(scaled), N, T, dataset.features));
writeFileSync(join(a.out, 'run.json'), JSON.stringify({ seed, iterations, hidden: H, components: K, drawFirst: !first, minutes }, null, 2) + '\n');
console.error(`trained in ${minutes.toFixed(1)} min; wrote ${a.out}`);
