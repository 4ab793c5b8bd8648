/** `tsgan sample`: model directory → synthetic sequences as a long-format CSV. */
import { sampleToCsv } from '../pipeline.js';
import { parse, noPositionals, required, int, seed } from './args.js';
import { startEngine } from './engine.js';
import { checkOutFile } from '../io/atomic.js';
import { stdout } from './io.js';
import { MAX_SAMPLE_VALUES } from '../models/size-check.js';

export const SAMPLE_HELP = `Usage: tsgan sample --model DIR --count N --out FILE.csv [options]

Generates N synthetic sequences from a trained model. The CSV has a header
"sequence,step,<features>" and N × seq-len rows, in the data's original units.
For a dense GAN: one row per sample ("sample,<features>"), or, with an --out
ending in .png, a grid of N images.

  --model DIR          model directory written by tsgan train (required)
  --count N            number of sequences (required); at most ${MAX_SAMPLE_VALUES.toLocaleString('en-US')} values
                       (N × steps × features) per call: run again with another
                       --seed for more
  --out FILE           CSV file to write (required)
  --seed N             noise seed, an integer in [0, 4294967295] (default 0); the
                       same seed gives the same file
  --force              overwrite an existing --out file (never a directory, a
                       device, a link, or the model)
  --backend wasm|cpu   TF.js backend (default wasm)
`;

export async function sampleCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('sample', args, {
    model: { type: 'string' },
    count: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    stdout().write(SAMPLE_HELP);
    return 0;
  }
  noPositionals('sample', positionals);
  const model = required('sample', values, 'model');
  required('sample', values, 'count');
  const count = int(values, 'count')!;
  const out = required('sample', values, 'out');
  const sampleSeed = seed(values);
  checkOutFile(out, Boolean(values.force), '--out', { inputs: [['--model', model]] });
  await startEngine(values);
  const r = sampleToCsv({ model, count, out, seed: sampleSeed, force: Boolean(values.force) });
  if (r.format === 'png') stdout().write(`wrote a grid of ${count} samples to ${out}\n`);
  else if (r.seqLen === 1) stdout().write(`wrote ${count} samples of ${r.features.length} values to ${out}\n`);
  else stdout().write(`wrote ${count} sequences (${r.rows} rows of ${r.features.join(', ')}) to ${out}\n`);
  return 0;
}
