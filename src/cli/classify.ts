/** `tsgan classify train|predict`: a deep recurrent sequence classifier. */
import { trainClassifier, predictToCsv, CLASSIFY_TRAIN_OPTIONS, CLASSIFY_PREDICT_OPTIONS, type ClassifyTrainOptions } from '../classify.js';
import { progressBar } from '../train/callbacks.js';
import { TsganError } from '../errors.js';
import { BACKEND_OPTION } from '../engine.js';
import type { OptionDecl, OptionValues } from '../config/options.js';
import { commandHelp, parseCommand, type Command } from './command.js';
import { checkOutDir, checkOutFile } from '../io/atomic.js';
import { startEngine } from './engine.js';
import { stdout, stderr } from './io.js';

const TRAIN: Command = {
  name: 'classify train',
  intro: `Usage: tsgan classify train --data FILE.csv --label-column L --out DIR [options]

A deep recurrent network (stacked RNN / LSTM / GRU) with a softmax head on the
last step, softmax cross-entropy, Adam. The CSV is long format: one sequence
per id, its label on each of its rows (without --id-column: consecutive blocks
of --seq-len rows). A share is held out; its accuracy and confusion matrix are
printed at the end and saved in DIR/tsgan.json.`,
  options: [...CLASSIFY_TRAIN_OPTIONS, BACKEND_OPTION],
};

const PREDICT: Command = {
  name: 'classify predict',
  intro: `Usage: tsgan classify predict --model DIR --data FILE.csv --out PRED.csv

One row per sequence: the id, predicted, and p_<class> per class.`,
  options: [...CLASSIFY_PREDICT_OPTIONS, { ...BACKEND_OPTION, section: 'Options' }],
};

export const CLASSIFY_HELP = `${commandHelp(TRAIN)}\n${commandHelp(PREDICT)}`;

export async function classifyCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    stdout().write(CLASSIFY_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'train') return train(rest);
  if (sub === 'predict') return predict(rest);
  throw new TsganError(`tsgan classify: unknown subcommand "${sub}"; use train or predict`);
}

async function train(args: string[]): Promise<number> {
  const values = parseCommand(TRAIN, args);
  if (values === null) return 0;
  const { backend, ...run } = byTarget(values, TRAIN.options, 'run') as unknown as ClassifyTrainOptions & { backend?: string };
  const opts = { ...run, force: Boolean(run.force), model: byTarget(values, TRAIN.options, 'model') };
  checkOutDir(opts.out, opts.force, '--out', { inputs: [['--data', opts.data === 'mnist' ? undefined : opts.data]], previous: 'model' });
  await startEngine({ backend });
  const bar = progressBar({ stream: stderr(), show: ['loss', 'acc'], label: 'classify' });
  const meta = await trainClassifier({ ...opts, onLog: (l) => bar.write(l), callbacks: [bar] });
  const { accuracy, confusion } = meta.evaluation;
  const w = Math.max(5, ...meta.classes.map((c) => c.length), ...confusion.flat().map((v) => String(v).length)) + 1;
  const rows = [
    `${'true \\ predicted'.padEnd(w + 10)}${meta.classes.map((c) => c.padStart(w)).join('')}`,
    ...confusion.map((r, i) => `${meta.classes[i].padEnd(w + 10)}${r.map((v) => String(v).padStart(w)).join('')}`),
  ];
  stdout().write(
    `trained a ${meta.config.layers}-layer ${meta.config.cell.toUpperCase()} (hidden ${meta.config.hidden}) on ${meta.data.train} sequences ` +
      `for ${meta.iterations} steps in ${meta.trainingSeconds.toFixed(1)} s\n` +
      `held-out accuracy: ${(accuracy * 100).toFixed(2)}% on ${meta.data.heldOut} sequences\n\n${rows.join('\n')}\n\nmodel written to ${opts.out}\n`,
  );
  return 0;
}

/** The given values of the options of `target` (the run's, or the network's). */
function byTarget(values: OptionValues, decls: readonly OptionDecl[], target: OptionDecl['target']): OptionValues {
  return Object.fromEntries(Object.entries(values).filter(([k]) => decls.find((d) => d.name === k)?.target === target));
}

async function predict(args: string[]): Promise<number> {
  const values = parseCommand(PREDICT, args);
  if (values === null) return 0;
  const { backend, ...opts } = values as { model: string; data: string; out: string; force?: boolean; backend?: string };
  checkOutFile(opts.out, Boolean(opts.force), '--out', { inputs: [['--model', opts.model], ['--data', opts.data]] });
  await startEngine({ backend });
  const r = predictToCsv({ ...opts, force: Boolean(opts.force) });
  stdout().write(`wrote predictions for ${r.sequences} sequences to ${opts.out}\n`);
  return 0;
}
