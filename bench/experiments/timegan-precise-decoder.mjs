// TimeGAN at its defaults but for its autoencoder: data scaled to [m, 1 − m] instead of [0, 1], the
// autoencoder phase longer and at a higher learning rate, dropped tenfold for its last third, and
// E and R trained at that lower rate in the joint phase. Writes samples as `tsgan sample` does, in
// the data's units, for `tsgan eval`. Experiment code (docs/experiments/2026-12-07-what-the-strong-classifier-sees.md),
// run from the repository root after `npx tsc`:
//   node bench/experiments/timegan-precise-decoder.mjs --data bench/reproduce-results/sines.csv --id-column id --out DIR
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
const { prepareData, Timegan, timeganConfig, TimeganTrainer, samplesToCsv, Rng, tf } = await import('./timegan-common.mjs');
const { values: a } = parseArgs({
  options: {
    data: { type: 'string' }, 'id-column': { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' },
    margin: { type: 'string', default: '0.1' }, 'lr-e': { type: 'string', default: '0.003' }, 'embedding-iterations': { type: 'string', default: '30000' },
    'supervised-iterations': { type: 'string', default: '10000' }, iterations: { type: 'string', default: '10000' }, count: { type: 'string' },
  },
});
const seed = Number(a.seed), m = Number(a.margin), lrE = Number(a['lr-e']), ne = Number(a['embedding-iterations']);
const { dataset, scaler, windows } = prepareData(a.data, { idColumn: a['id-column'], seqLen: 24, stride: 1 });
// [0, 1] → [m, 1 − m]: the sigmoid outputs of R need no extreme logits for the data's own extremes.
const w = { ...windows, data: windows.data.map((v) => m + (1 - 2 * m) * v) };
const model = new Timegan(timeganConfig({ features: w.features, seqLen: 24, lrE, embeddingIterations: ne, supervisedIterations: Number(a['supervised-iterations']) }, Number(a.iterations)), seed);
const trainer = new TimeganTrainer(model, w, seed, Number(a.iterations));
const ends = trainer.phaseEnds;
// Adam's rate is private: tsgan's fused Adam (the wasm and cpu backends) reads it on every step; a real schedule needs an API.
const opt = (name) => model['optimizer'](name);
const t0 = Date.now();
for (let it = 1; it <= ends[2]; it++) {
  if (it === Math.round((2 / 3) * ne) + 1) opt('e0').lr = lrE / 10; // the last third of the autoencoder phase
  if (it === ends[1] + 1) opt('e').lr = lrE / 10; // E and R in the joint phase
  const r = trainer.trainStep();
  if (it % 2000 === 0) console.error(`it ${it} phase ${r.phase} eLoss ${r.eLoss?.toFixed(5)} ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}
const minutes = (Date.now() - t0) / 60000;
model.commitAverage();
const count = Number(a.count ?? windows.count);
const scaled = model.sample(count, new Rng(seed));
const unmargined = scaled.map((v) => (v - m) / (1 - 2 * m));
mkdirSync(a.out, { recursive: true });
writeFileSync(join(a.out, 'synthetic.csv'), samplesToCsv(scaler.inverse(unmargined), count, 24, dataset.features));
// Real windows through E and R, the same way: what the decoder lets through.
const x = tf.tensor3d(w.data, [w.count, 24, w.features]);
const rec = model.reconstruct(x);
const recValues = rec.dataSync().map((v) => (v - m) / (1 - 2 * m));
tf.dispose([x, rec]);
writeFileSync(join(a.out, 'reconstructions.csv'), samplesToCsv(scaler.inverse(recValues), w.count, 24, dataset.features));
writeFileSync(join(a.out, 'run.json'), JSON.stringify({ seed, margin: m, lrE, embeddingIterations: ne, minutes }, null, 2) + '\n');
console.error(`trained in ${minutes.toFixed(1)} min; wrote ${a.out}`);
