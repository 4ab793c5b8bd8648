// Where a TimeGAN's first generated step loses its spread: each stage of the sampling chain
// x̂ = R(S(G(z))), and the same stages on real windows (R(E(x)), R(S(E(x)))). Experiment code
// (docs/experiments/2026-12-07-sines-first-step-window-noise.md); run `npx tsc` first.
//   node bench/experiments/timegan-first-step.mjs --real sines.csv [--count 2000] [--steps 0,1,12] MODEL_DIR...
// Prints, per model, each stage's spread over windows at each step (mean over features, in the model's scaled units).
import { parseArgs } from 'node:util';
const D = new URL('../../dist/src/', import.meta.url).href;
const { initEngine, tf } = await import(`${D}engine.js`);
const { loadModelDir } = await import(`${D}load.js`);
const { Rng } = await import(`${D}random.js`);
const { loadDataset } = await import(`${D}data/table.js`);
const { makeWindows } = await import(`${D}data/windows.js`);
await initEngine('wasm');

const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { real: { type: 'string' }, count: { type: 'string', default: '2000' }, steps: { type: 'string', default: '0,1,12' } } });
const n = Number(a.count), steps = a.steps.split(',').map(Number);
const real = loadDataset(a.real, { idColumn: 'id' }); // Sines as `npm run reproduce` writes it: one series per id

console.log(`| model | stage | ${steps.map((t) => `sd at step ${t}`).join(' | ')} |\n| --- | --- |${' --- |'.repeat(steps.length)}`);
for (const dir of positionals) {
  const { model, scaler } = loadModelDir(dir);
  // The real windows in the model's own scaled units and length, as it was trained on them; the first n.
  const T = model.config.seqLen, F = real.features.length;
  const w = makeWindows(real.series, F, scaler, { seqLen: T, stride: T, file: a.real });
  const x = tf.tensor3d(w.data.subarray(0, n * T * F), [n, T, F]); // [windows, time, features]
  const sd = (s) => steps.map((t) => tf.tidy(() => tf.mean(tf.sqrt(tf.moments(s.slice([0, t, 0], [-1, 1, -1]), 0).variance)).dataSync()[0].toFixed(4)));
  const z = model.noise(new Rng(1), n);
  const e = model.generatorNet.apply(z), h = model.embedder.apply(x);
  const stages = {
    'real x': x,
    'R(E(x)), the autoencoder': model.recovery.apply(h),
    'R(S(E(x))), the supervisor on real latents': model.recovery.apply(model.supervisor.apply(h)),
    'R(G(z)), without the supervisor': model.recovery.apply(e),
    'R(S(G(z))), the samples': model.recovery.apply(model.supervisor.apply(e)),
  };
  for (const [name, s] of Object.entries(stages)) console.log(`| ${dir.split('/').slice(-3, -1).join('/')} | ${name} | ${sd(s).join(' | ')} |`);
  tf.dispose([x, z, e, h, ...Object.values(stages)]);
  model.dispose();
}
