/** `tsgan train`: CSV → trained model directory. */
import { trainFromCsv } from '../pipeline.js';
import { CELL_TYPES } from '../nn/recurrent.js';
import { progressBar } from '../train/callbacks.js';
import { parse, noPositionals, required, str, int, num, oneOf, list } from './args.js';
import { startEngine } from './engine.js';

export const TRAIN_HELP = `Usage: tsgan train --data FILE.csv --out DIR [options]

Trains a recurrent GAN on the numeric columns of a CSV and writes a model directory.

Data:
  --data FILE          CSV with a header row (required)
  --columns a,b,c      feature columns (default: every numeric column)
  --id-column NAME     column that names the series of each row (panel data)
  --seq-len N          steps per window (default 24)
  --stride N           rows between window starts (default 1)
Model:
  --model rgan         model type (default rgan)
  --cell gru|lstm|rnn  recurrent cell (default gru)
  --layers N           recurrent layers (default 3)
  --hidden N           units per layer (default 24)
  --noise-dim N        noise values per step (default: number of features)
  --noise uniform|normal  noise distribution (default uniform)
Training:
  --iterations N       training iterations (default 1000)
  --batch-size N       sequences per batch (default 128)
  --d-steps N          discriminator steps per generator step (default 1)
  --lr-g X             generator learning rate (default 0.001)
  --lr-d X             discriminator learning rate (default 0.001)
  --beta1 X            Adam β1 of both optimisers (default 0.5)
  --seed N             seed for weights, noise and batches (default 0)
Output:
  --out DIR            model directory to write (required)
  --force              overwrite a non-empty --out
  --backend wasm|cpu   TF.js backend (default wasm)
`;

export async function trainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('train', args, {
    data: { type: 'string' },
    out: { type: 'string' },
    columns: { type: 'string' },
    'id-column': { type: 'string' },
    'seq-len': { type: 'string' },
    stride: { type: 'string' },
    model: { type: 'string' },
    cell: { type: 'string' },
    layers: { type: 'string' },
    hidden: { type: 'string' },
    'noise-dim': { type: 'string' },
    noise: { type: 'string' },
    iterations: { type: 'string' },
    'batch-size': { type: 'string' },
    'd-steps': { type: 'string' },
    'lr-g': { type: 'string' },
    'lr-d': { type: 'string' },
    beta1: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  noPositionals('train', positionals);
  const data = required('train', values, 'data');
  const out = required('train', values, 'out');
  oneOf(values, 'model', ['rgan'] as const);
  const opts = {
    data,
    out,
    columns: list(values, 'columns'),
    idColumn: str(values, 'id-column'),
    seqLen: int(values, 'seq-len'),
    stride: int(values, 'stride'),
    iterations: int(values, 'iterations'),
    seed: int(values, 'seed', -(2 ** 31)),
    force: Boolean(values.force),
    model: {
      cell: oneOf(values, 'cell', CELL_TYPES),
      layers: int(values, 'layers'),
      hidden: int(values, 'hidden'),
      noiseDim: int(values, 'noise-dim'),
      noise: oneOf(values, 'noise', ['uniform', 'normal'] as const),
      batchSize: int(values, 'batch-size'),
      dSteps: int(values, 'd-steps'),
      lrG: num(values, 'lr-g'),
      lrD: num(values, 'lr-d'),
      beta1: num(values, 'beta1'),
    },
  };
  await startEngine(oneOf(values, 'backend', ['wasm', 'cpu'] as const));
  const meta = await trainFromCsv({
    ...opts,
    onNotice: (m) => process.stderr.write(m + '\n'),
    callbacks: [progressBar({ show: ['dLoss', 'gLoss', 'dAccReal', 'dAccFake'] })],
  });
  const last = (k: string) => meta.history.metrics[k]?.at(-1)?.toFixed(4);
  process.stdout.write(
    `trained ${meta.model} on ${meta.data.windows} windows of ${meta.data.seqLen} × ${meta.features.length} (${meta.features.join(', ')}) ` +
      `for ${meta.iterations} iterations in ${meta.trainingSeconds.toFixed(1)} s; dLoss ${last('dLoss')}, gLoss ${last('gLoss')}\n` +
      `model written to ${out}\n`,
  );
  return 0;
}
