/** `tsgan sample`: model directory → synthetic sequences as a long-format CSV. */
import { sampleToCsv, SAMPLE_OPTIONS, type SampleCsvOptions } from '../pipeline.js';
import { BACKEND_OPTION } from '../engine.js';
import { startEngine } from './engine.js';
import { checkOutFile } from '../io/atomic.js';
import { stdout } from './io.js';
import { commandHelp, parseCommand, type Command } from './command.js';

const SAMPLE: Command = {
  name: 'sample',
  intro: `Usage: tsgan sample --model DIR --count N --out FILE.csv [options]

Generates N synthetic sequences from a trained model. The CSV has a header
"sequence,step,<features>" and N × seq-len rows, in the data's original units.
For a model of single rows (dense-gan): one row per sample ("sample,<features>"),
or, with an --out ending in .png, a grid of N images.`,
  options: [...SAMPLE_OPTIONS, { ...BACKEND_OPTION, section: 'Options' }],
};

export const SAMPLE_HELP = commandHelp(SAMPLE);

export async function sampleCommand(args: string[]): Promise<number> {
  const values = parseCommand(SAMPLE, args);
  if (values === null) return 0;
  const { backend, ...opts } = values as unknown as SampleCsvOptions & { backend?: string };
  checkOutFile(opts.out, Boolean(opts.force), '--out', { inputs: [['--model', opts.model]] });
  await startEngine({ backend });
  const r = sampleToCsv(opts);
  const { count, out } = opts;
  if (r.format === 'png') stdout().write(`wrote a grid of ${count} samples to ${out}\n`);
  else if (r.seqLen === 1) stdout().write(`wrote ${count} samples of ${r.features.length} values to ${out}\n`);
  else stdout().write(`wrote ${count} sequences (${r.rows} rows of ${r.features.join(', ')}) to ${out}\n`);
  return 0;
}
