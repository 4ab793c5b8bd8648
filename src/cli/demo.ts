/** `tsgan demo`: the main job on built-in data, end to end. */
import { runDemo, DEMO_OPTIONS, type DemoOptions } from '../demo.js';
import { BACKEND_OPTION } from '../engine.js';
import { commandHelp, parseCommand, type Command } from './command.js';
import { progressBar } from '../train/callbacks.js';
import { checkOutDir } from '../io/atomic.js';
import { startEngine } from './engine.js';
import { stdout, stderr } from './io.js';

const DEMO: Command = {
  name: 'demo',
  intro: `Usage: tsgan demo [options]

Makes TimeGAN's Sines data set (1,000 sequences of 24 steps, 5 features),
trains the default model (TimeGAN) on it briefly, samples 1,000 synthetic
sequences, and prints real and synthetic statistics side by side.`,
  options: [...DEMO_OPTIONS, { ...BACKEND_OPTION, section: 'Options' }],
};

export const DEMO_HELP = commandHelp(DEMO);

/** What a demo directory holds. */
const DEMO_FILES = ['sines.csv', 'model', 'synthetic.csv'];

export async function demoCommand(args: string[]): Promise<number> {
  const values = parseCommand(DEMO, args);
  if (values === null) return 0;
  const { backend, ...given } = values as DemoOptions & { backend?: string };
  const opts = { ...given, force: Boolean(given.force) };
  // --force replaces only a previous demo's files (sines.csv, model/, synthetic.csv).
  if (opts.out !== undefined) checkOutDir(opts.out, opts.force, '--out', { previous: (entries) => entries.every((e) => DEMO_FILES.includes(e)), previousName: 'a previous tsgan demo directory' });
  await startEngine({ backend });
  const bar = progressBar({ stream: stderr(), show: ['phase', 'eLoss', 'sLoss', 'dLoss', 'gLoss'] });
  const r = await runDemo({ ...opts, callbacks: [bar], onNotice: (m) => bar.write(m) });
  const rows = r.summary.map((s) =>
    [s.feature, s.real.mean, s.synthetic.mean, s.real.std, s.synthetic.std, s.real.meanStep, s.synthetic.meanStep]
      .map((v, i) => (i === 0 ? String(v).padEnd(8) : (v as number).toFixed(3).padStart(9)))
      .join(' '),
  );
  stdout().write(
    [
      `tsgan demo: trained TimeGAN, ${r.phaseIterations} iterations in each of its three phases, in ${r.trainingSeconds.toFixed(1)} s`,
      '',
      `feature   mean:real  synthetic  std:real  synthetic  |Δ|:real  synthetic`,
      ...rows,
      '',
      `real data        ${r.dataFile}`,
      `model            ${r.modelDir}   (generator/model.json loads with tf.loadLayersModel)`,
      `synthetic data   ${r.syntheticFile}`,
      '',
      `next: tsgan eval --real ${r.dataFile} --id-column id --scale none --synthetic ${r.syntheticFile} --report report.html`,
      `      tsgan train --data ${r.dataFile} --id-column id --out my-model   # the same model at its full length`,
      '',
    ].join('\n'),
  );
  return 0;
}
