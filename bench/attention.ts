/**
 * The cost of self-attention blocks (src/nn/portable-layers.ts) in TimeGAN,
 * in the shape of Stocks (batch 128, 24 steps, 6 features, GRU 3×24, 4
 * heads): milliseconds per joint iteration (two G steps and one D step) with
 * blocks in no network, in G, in D and in both. Measured in this process in
 * alternating rounds; the best round of each is reported.
 */
import { tf } from '../src/engine.js';
import { Timegan, timeganConfig, type TimeganConfig } from '../src/models/timegan.js';
import { kernelThreads } from '../src/kernels/wasm-kernels.js';
import { Rng } from '../src/random.js';
import { race } from './terms.js';

const B = 128;
const T = 24;
const F = 6;

export function attentionTable(seconds: number, rounds: number): string[] {
  const variants: Record<string, Partial<TimeganConfig>> = {
    none: {},
    'G (causal)': { attention: 'g' },
    'D (bidirectional D: width 48)': { attention: 'd' },
    both: { attention: 'both' },
  };
  const rng = new Rng(1);
  const x = tf.randomUniform([B, T, F], 0, 1, 'float32', 1) as tf.Tensor3D;
  const models = Object.values(variants).map((p) => new Timegan(timeganConfig({ features: F, seqLen: T, correlationLoss: 0, ...p }, 10), 1));
  const iterations = Object.fromEntries(
    Object.keys(variants).map((name, i) => [
      name,
      () => {
        const m = models[i]!;
        for (let k = 0; k < 2; k++) {
          const z = m.noise(rng, B);
          m.jointGeneratorStep(x, z, rng);
          z.dispose();
        }
        const z = m.noise(rng, B);
        m.jointDiscriminatorStep(x, z, rng);
        z.dispose();
      },
    ]),
  );
  const ms = race(iterations, rounds, seconds);
  for (const m of models) m.dispose();
  x.dispose();
  const base = ms.none!;
  return [
    `Self-attention blocks in TimeGAN (Stocks' shape: batch ${B}, ${T} steps, ${F} features, GRU 3×24, one block of 4 heads; ${kernelThreads()} kernel thread(s)), ms per joint iteration (2 G steps and 1 D step); the blocks run on TF.js's wasm ops:`,
    '',
    '| attention in | ms per joint iteration | × none | 10,000 joint iterations |',
    '| --- | --- | --- | --- |',
    ...Object.entries(ms).map(([name, v]) => `| ${name} | ${v.toFixed(0)} | ${(v / base).toFixed(2)} | ${((v * 10000) / 60000).toFixed(0)} min |`),
  ];
}
