// Where a TimeGAN's first generated step loses its spread: each stage of the sampling chain
// x̂ = R(S(G(z))), and the same stages on real windows (R(E(x)), R(S(E(x)))). Experiment code
// (docs/experiments/2026-12-07-sines-first-step-window-noise.md); run `npx tsc` first.
//   node bench/experiments/timegan-first-step.mjs --real sines.csv [--count 2000] [--steps 0,1,12] MODEL_DIR...
// Prints, per model, each stage's spread over windows at each step (mean over features, in the model's scaled units).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
const D = new URL('../../dist/src/', import.meta.url).href;
const { initEngine, tf } = await import(`${D}engine.js`);
const { loadModelDir } = await import(`${D}load.js`);
const { Rng } = await import(`${D}random.js`);
await initEngine('wasm');

const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { real: { type: 'string' }, count: { type: 'string', default: '2000' }, steps: { type: 'string', default: '0,1,12' } } });
const n = Number(a.count), steps = a.steps.split(',').map(Number);
// The real CSV (id, then the features; each id's rows one window, as `npm run reproduce` writes Sines): its first `n` windows.
const rows = readFileSync(a.real, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
const F = rows[0].length - 1, T = rows.filter((r) => r[0] === rows[0][0]).length;
const raw = Float32Array.from(rows.slice(0, n * T).flatMap((r) => r.slice(1)));

console.log(`| model | stage | ${steps.map((t) => `sd at step ${t}`).join(' | ')} |\n| --- | --- |${' --- |'.repeat(steps.length)}`);
for (const dir of positionals) {
  const { model, scaler } = loadModelDir(dir);
  // The real windows in the model's own scaled units, as it was trained on them.
  const x = tf.tensor3d(scaler.transform(raw), [n, T, F]); // [windows, time, features]
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
