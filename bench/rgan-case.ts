/**
 * One benchmark case in its own process (so that its peak memory is its own):
 * trains the recurrent GAN on random data for a number of seconds and prints
 * one JSON line with iterations per second and peak resident memory.
 */
import { initEngine, tf } from '../src/engine.js';
import { Rgan, rganConfig } from '../src/models/rgan.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { Rng } from '../src/random.js';
import { kernelMemoryBytes } from '../src/kernels/wasm-kernels.js';
import type { CellType } from '../src/nn/recurrent.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const cellArg = process.argv.indexOf('--cell');
const cell = (cellArg >= 0 ? process.argv[cellArg + 1] : 'gru') as CellType;

await initEngine('wasm');
const [B, T, F, H, L] = [arg('batch', 128), arg('seq', 24), arg('features', 6), arg('hidden', 24), arg('layers', 3)];
const seconds = arg('seconds', 10);
const model = new Rgan(rganConfig({ features: F, noiseDim: arg('noise', F), seqLen: T, hidden: H, layers: L, batchSize: B, cell }), 1);
const W = Math.max(B, 1024);
const trainer = new GanTrainer(model, { data: new Rng(3).uniformArray(W * T * F), count: W, seqLen: T, features: F }, 1);
for (let i = 0; i < arg('warmup', 2); i++) trainer.trainStep();
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < seconds * 1000 || n < 2) {
  trainer.trainStep();
  n++;
}
const dt = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    engine: 'tsgan',
    fused: process.env.TSGAN_FUSED !== '0',
    backend: tf.getBackend(),
    iterations: n,
    seconds: dt,
    its_per_s: n / dt,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    kernel_memory_mb: kernelMemoryBytes() / 2 ** 20,
  }),
);
model.dispose();
