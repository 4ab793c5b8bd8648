/** `tsgan classify train|predict`: a deep recurrent sequence classifier. */
import { trainClassifier, predictToCsv } from '../classify.js';
import { CELL_TYPES } from '../nn/recurrent.js';
import { progressBar } from '../train/callbacks.js';
import { TsganError } from '../errors.js';
import { parse, noPositionals, required, str, int, seed, num, oneOf, list } from './args.js';
import { checkOutDir, checkOutFile } from '../io/atomic.js';
import { startEngine } from './engine.js';
import { stdout, stderr } from './io.js';

export const CLASSIFY_HELP = `Usage: tsgan classify train --data FILE.csv --label-column L --out DIR [options]
       tsgan classify predict --model DIR --data FILE.csv --out PRED.csv

train: a deep recurrent network (stacked RNN / LSTM / GRU) with a softmax head
on the last step, softmax cross-entropy, Adam. The CSV is long format: one
sequence per id, its label on each of its rows (without --id-column:
consecutive blocks of --seq-len rows). A share is held out; its accuracy and
confusion matrix are printed at the end and saved in DIR/tsgan.json.
--data mnist is sequential MNIST (each digit as 28 steps of 28 pixels).

  --data FILE          CSV, or mnist (required)
  --label-column L     the label column (required for a CSV)
  --id-column ID       the column naming each sequence
  --columns a,b        feature columns (default: every numeric column but label and id)
  --seq-len N          rows per sequence (default: the first sequence's length)
  --cell gru|lstm|rnn  recurrent cell (default gru)
  --layers N           stacked layers (default 1)
  --hidden N           units per layer (default 128)
  --iterations N       training steps (default 1000); the loss is logged every 100
  --batch-size N       (default 128)
  --lr X               Adam learning rate (default 0.001)
  --held-out X         share held out for the accuracy (default 0.2)
  --seed N             weights, split and batches, an integer in [0, 4294967295] (default 0)
  --out DIR            model directory to write (required)
  --force              replace a previous model directory in --out (one holding a
                       tsgan.json; never another directory or the data)

predict: one row per sequence: the id, predicted, and p_<class> per class.
  --model DIR --data FILE.csv --out PRED.csv [--force]
`;

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
  const { values, positionals } = parse('classify train', args, {
    data: { type: 'string' },
    out: { type: 'string' },
    'label-column': { type: 'string' },
    'id-column': { type: 'string' },
    columns: { type: 'string' },
    'seq-len': { type: 'string' },
    cell: { type: 'string' },
    layers: { type: 'string' },
    hidden: { type: 'string' },
    iterations: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    'held-out': { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    stdout().write(CLASSIFY_HELP);
    return 0;
  }
  noPositionals('classify train', positionals);
  const opts = {
    data: required('classify train', values, 'data'),
    out: required('classify train', values, 'out'),
    labelColumn: str(values, 'label-column'),
    idColumn: str(values, 'id-column'),
    columns: list(values, 'columns'),
    seqLen: int(values, 'seq-len'),
    iterations: int(values, 'iterations'),
    heldOut: num(values, 'held-out'),
    seed: seed(values),
    force: Boolean(values.force),
    model: {
      cell: oneOf(values, 'cell', CELL_TYPES),
      layers: int(values, 'layers'),
      hidden: int(values, 'hidden'),
      batchSize: int(values, 'batch-size'),
      lr: num(values, 'lr'),
    },
  };
  checkOutDir(opts.out, opts.force, '--out', { inputs: [['--data', opts.data === 'mnist' ? undefined : opts.data]], previous: 'model' });
  await startEngine(values);
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

async function predict(args: string[]): Promise<number> {
  const { values, positionals } = parse('classify predict', args, {
    model: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    stdout().write(CLASSIFY_HELP);
    return 0;
  }
  noPositionals('classify predict', positionals);
  const model = required('classify predict', values, 'model');
  const data = required('classify predict', values, 'data');
  const out = required('classify predict', values, 'out');
  checkOutFile(out, Boolean(values.force), '--out', { inputs: [['--model', model], ['--data', data]] });
  await startEngine(values);
  const r = predictToCsv({ model, data, out, force: Boolean(values.force) });
  stdout().write(`wrote predictions for ${r.sequences} sequences to ${out}\n`);
  return 0;
}
