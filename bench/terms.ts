/**
 * The cost of TimeGAN's data-space terms for the generator
 * (src/losses/distribution.ts), in the shape of Stocks (batch 128, 24 steps,
 * 6 features, GRU 3×24): milliseconds per joint G step with each term, and
 * the quantile targets' sort on its own (JavaScript against the kernels'
 * WebAssembly). Measured in this process, in alternating rounds; the best
 * round of each is reported.
 */
import { tf } from '../src/engine.js';
import { Timegan, timeganConfig, type TimeganConfig } from '../src/models/timegan.js';
import { quantileTargets as jsTargets } from '../src/losses/distribution.js';
import { quantileTargets as kernelTargets, kernelThreads, setKernelThreads } from '../src/kernels/wasm-kernels.js';
import { Rng } from '../src/random.js';

const B = 128;
const T = 24;
const F = 6;

/** Best milliseconds per call of each function over `rounds` alternating rounds of about `seconds` each. */
export function race(fns: Record<string, () => void>, rounds: number, seconds: number): Record<string, number> {
  const best: Record<string, number> = {};
  for (const fn of Object.values(fns)) for (let i = 0; i < 3; i++) fn(); // compiled and warm before any is timed
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < seconds * 1000) {
        fn();
        n++;
      }
      best[name] = Math.min(best[name] ?? Infinity, (performance.now() - t0) / n);
    }
  }
  return best;
}

export function termsTable(seconds: number, rounds: number): string[] {
  const variants: Record<string, Partial<TimeganConfig>> = {
    'moments (the reference)': {},
    quantiles: { momentLoss: 'quantiles' },
    sliced: { momentLoss: 'sliced' },
    'sliced + increments': { momentLoss: 'sliced', incrementLoss: 100 },
  };
  const rng = new Rng(1);
  const x = tf.randomUniform([B, T, F], 0, 1, 'float32', 1) as tf.Tensor3D;
  const models = Object.values(variants).map((p) => new Timegan(timeganConfig({ features: F, seqLen: T, correlationLoss: 0, ...p }, 10), 1));
  const steps = Object.fromEntries(
    Object.keys(variants).map((name, i) => [
      name,
      () => {
        const z = models[i].noise(rng, B);
        models[i].jointGeneratorStep(x, z, rng);
        z.dispose();
      },
    ]),
  );
  const stepMs = race(steps, rounds, seconds);
  // The sliced term's sort: 36 slices × 24 steps = 864 columns of 128 values, real and synthetic.
  const C = T * F * F;
  const draw = () => Float32Array.from({ length: B * C }, () => rng.uniform());
  const [real, fake] = [draw(), draw()];
  const threads = kernelThreads();
  const sortMs = race(
    {
      JavaScript: () => jsTargets(real, fake, B, C),
      'kernels, 1 thread': () => {
        setKernelThreads(1);
        kernelTargets(real, fake, B, C);
      },
      'kernels, 2 threads': () => {
        setKernelThreads(2);
        kernelTargets(real, fake, B, C);
      },
    },
    rounds,
    seconds / 2,
  );
  setKernelThreads(threads);
  for (const m of models) m.dispose();
  x.dispose();
  const base = stepMs['moments (the reference)'];
  return [
    `TimeGAN's data-space terms (Stocks' shape: batch ${B}, ${T} steps, ${F} features, GRU 3×24), ms per joint G step (forward and backward of G, S, R, D; ${threads} kernel thread(s)); a joint iteration makes 2:`,
    '',
    '| G term | ms per G step | over the reference |',
    '| --- | --- | --- |',
    ...Object.entries(stepMs).map(([name, ms]) => `| ${name} | ${ms.toFixed(1)} | ${name === 'moments (the reference)' ? '—' : `${ms >= base ? '+' : '−'}${Math.abs(ms - base).toFixed(1)}`} |`),
    '',
    `The sliced term's quantile targets alone (${C} columns of ${B} values, real and synthetic sorted), ms per call: ` +
      Object.entries(sortMs)
        .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
        .join(', ') +
      '.',
  ];
}
