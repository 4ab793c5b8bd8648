// What the TimeGAN experiment scripts share: tsgan's built modules (run `npx tsc` first, from the
// repository root), the wasm engine, and a training of every phase at the model's own defaults.
const D = new URL('../../dist/src/', import.meta.url).href;
export const { initEngine, tf } = await import(`${D}engine.js`);
export const { prepareData } = await import(`${D}pipeline.js`);
export const { Timegan, timeganConfig } = await import(`${D}models/timegan.js`);
export const { TimeganTrainer } = await import(`${D}train/timegan-trainer.js`);
export const { samplesToCsv } = await import(`${D}io/samples.js`);
export const { Rng } = await import(`${D}random.js`);
await initEngine('wasm');

/**
 * TimeGAN at its defaults, `iterations` a phase, trained on `windows` (from prepareData) with
 * `seed` (every phase; `skip`: none, for a check of the data path alone). Returns the model,
 * with its averaged generator committed, and the training's minutes.
 */
export function trainTimegan(windows, seed, iterations, skip = false) {
  const model = new Timegan(timeganConfig({ features: windows.features, seqLen: windows.seqLen }, iterations), seed);
  const trainer = new TimeganTrainer(model, windows, seed, iterations);
  const t0 = Date.now();
  for (let it = 1; !skip && it <= trainer.phaseEnds[2]; it++) {
    const r = trainer.trainStep();
    if (it % 1000 === 0) console.error(`it ${it} phase ${r.phase} ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  }
  model.commitAverage();
  return { model, minutes: (Date.now() - t0) / 60000 };
}
