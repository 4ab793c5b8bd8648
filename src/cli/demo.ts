/** `tsgan demo`: the main job on built-in data, end to end. */
import { runDemo } from '../demo.js';
import { progressBar } from '../train/callbacks.js';
import { parse, noPositionals, str, int, seed } from './args.js';
import { checkOutDir } from '../io/atomic.js';
import { startEngine } from './engine.js';
import { stdout, stderr } from './io.js';

export const DEMO_HELP = `Usage: tsgan demo [options]

Makes TimeGAN's Sines data set (1,000 sequences of 24 steps, 5 features),
trains a recurrent GAN on it briefly, samples 1,000 synthetic sequences, and
prints real and synthetic statistics side by side.

  --out DIR            where to write (default: ./tsgan-demo, or the next free ./tsgan-demo-N)
  --iterations N       training iterations (default 600)
  --seed N             seed, an integer in [0, 4294967295] (default 0)
  --force              replace a previous demo's files in --out
  --backend wasm|cpu   TF.js backend (default wasm)
`;

/** What a demo directory holds. */
const DEMO_FILES = ['sines.csv', 'model', 'synthetic.csv'];

export async function demoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('demo', args, {
    out: { type: 'string' },
    iterations: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    stdout().write(DEMO_HELP);
    return 0;
  }
  noPositionals('demo', positionals);
  const opts = { out: str(values, 'out'), iterations: int(values, 'iterations'), seed: seed(values), force: Boolean(values.force) };
  // --force replaces only a previous demo's files (sines.csv, model/, synthetic.csv).
  if (opts.out !== undefined) checkOutDir(opts.out, opts.force, '--out', { previous: (entries) => entries.every((e) => DEMO_FILES.includes(e)), previousName: 'a previous tsgan demo directory' });
  await startEngine(values);
  const bar = progressBar({ stream: stderr(), show: ['dLoss', 'gLoss', 'dAccReal', 'dAccFake'] });
  const r = await runDemo({ ...opts, callbacks: [bar], onNotice: (m) => bar.write(m) });
  const rows = r.summary.map((s) =>
    [s.feature, s.real.mean, s.synthetic.mean, s.real.std, s.synthetic.std, s.real.meanStep, s.synthetic.meanStep]
      .map((v, i) => (i === 0 ? String(v).padEnd(8) : (v as number).toFixed(3).padStart(9)))
      .join(' '),
  );
  stdout().write(
    [
      `tsgan demo: trained ${r.iterations} iterations in ${r.trainingSeconds.toFixed(1)} s`,
      '',
      `feature   mean:real  synthetic  std:real  synthetic  |Δ|:real  synthetic`,
      ...rows,
      '',
      `real data        ${r.dataFile}`,
      `model            ${r.modelDir}   (generator/model.json loads with tf.loadLayersModel)`,
      `synthetic data   ${r.syntheticFile}`,
      '',
      `next: tsgan eval --real ${r.dataFile} --id-column id --scale none --synthetic ${r.syntheticFile} --report report.html`,
      `      tsgan train --model timegan --data ${r.dataFile} --id-column id --out my-model`,
      '',
    ].join('\n'),
  );
  return 0;
}
