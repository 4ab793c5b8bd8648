// TimeGAN's joint phase from a training checkpoint, with G started as drawn, re-drawn or fitted to
// the data: the diversity monitor's readings over the first iterations. Experiment code
// (docs/experiments/2026-12-07-weather-collapse-generator-init.md); run `npx tsc` first.
//   node bench/experiments/timegan-joint-start.mjs [--iterations 600] [--start drawn|redraw=SEED|fit] [--set key=value]... CHECKPOINT_DIR
// CHECKPOINT_DIR is `tsgan train --checkpoint-every 20000`'s directory, stopped after the checkpoint at the
// end of phase 2 (or any later one). --start redraw=K puts in the G of a model built with seed K; fit
// rescales G's head as --generator-init data does (on the first 256 windows and seeded noise), where the
// checkpoint stands (any iteration);
// --set overrides an option of the model (--set generatorInit=data: the trainer fits G itself).
import { parseArgs } from 'node:util';
const D = new URL('../../dist/src/', import.meta.url).href;
const { initEngine, tf } = await import(`${D}engine.js`);
const { readTrainingCheckpoint } = await import(`${D}resume.js`);
const { modelEntry } = await import(`${D}registry.js`);
const { prepareData } = await import(`${D}pipeline.js`);
const { Rng } = await import(`${D}random.js`);
const { fit } = await import(`${D}train/loop.js`);
const { diversityMonitor } = await import(`${D}train/monitors.js`);
await initEngine('wasm');

const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { iterations: { type: 'string', default: '600' }, start: { type: 'string', default: 'drawn' }, set: { type: 'string', multiple: true, default: [] } } });
const st = readTrainingCheckpoint(positionals[0]);
const o = st.options;
const typed = (v) => (v === 'true' ? true : v === 'false' ? false : Number.isNaN(Number(v)) ? v : Number(v));
const over = Object.fromEntries(a.set.map((s) => [s.slice(0, s.indexOf('=')), typed(s.slice(s.indexOf('=') + 1))]));
const { windows } = prepareData(st.dataPath, { columns: o.columns, idColumn: o.idColumn, seqLen: o.seqLen ?? 24, stride: o.stride ?? 1 });
const entry = modelEntry(o.modelType);
const joint = o.iterations ?? 10000; // TimeGAN's --iterations: per phase, so the joint phase's
const config = entry.config({ ...(o.model ?? {}), ...over, features: windows.features, seqLen: windows.seqLen }, joint);
const m = entry.build(config, o.seed);
m.restoreTrainingState(st.model);

const spread = (t) => tf.tidy(() => tf.mean(tf.sqrt(tf.moments(t, 0).variance)).dataSync()[0].toFixed(4)); // across windows, per step and unit
const n = Math.min(256, windows.count);
const z = m.noise(new Rng(7), n);
const x = tf.tensor3d(windows.data.slice(0, n * windows.seqLen * windows.features), [n, windows.seqLen, windows.features]); // [windows, time, features]
if (a.start.startsWith('redraw=')) {
  const other = entry.build(config, Number(a.start.slice('redraw='.length)));
  m.generatorNet.variables.forEach((v, i) => v.assign(other.generatorNet.variables[i]));
  other.dispose();
} else if (a.start === 'fit') m.initGeneratorFromData(x, z);
else if (a.start !== 'drawn') throw new Error(`--start: drawn, redraw=SEED or fit, got ${a.start}`);
console.log(`at ${st.iteration}: G's latents spread ${tf.tidy(() => spread(m.generatorNet.apply(z)))}, the embedder's ${tf.tidy(() => spread(m.embedder.apply(x)))}; samples ${tf.tidy(() => spread(m.generate(z)))}, real windows ${spread(x)}`);

const trainer = entry.trainer(m, windows, o.seed, joint);
trainer.setState(st.trainer);
const { history } = await fit(trainer, { iterations: Number(a.iterations), callbacks: [diversityMonitor(m, trainer.items, { every: 100, seed: o.seed })] });
const s = history.sparse;
const last = (k) => { const v = history.metrics[k].slice(-50); return (v.reduce((p, q) => p + q, 0) / v.length).toFixed(4); };
console.log(`--start ${a.start} ${JSON.stringify(over)}: diversity ${s.diversity.values.map((v) => v.toFixed(3)).join(' ')}; coverage ${s.coverage.values.map((v) => v.toFixed(2)).join(' ')}; last 50 iterations: gLossV ${last('gLossV')}, dAccFake ${last('dAccFake')}`);
tf.dispose([z, x]);
m.dispose();
