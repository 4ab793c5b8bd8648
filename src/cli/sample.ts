/** `tsgan sample`: model directory → synthetic sequences as a long-format CSV, or, for a table model, the training table back. */
import { sampleToCsv, SAMPLE_OPTIONS, type SampleCsvOptions } from '../pipeline.js';
import { sampleTable, MAX_DRAWS } from '../table-pipeline.js';
import { readModelMeta } from '../load.js';
import { modelEntry } from '../registry.js';
import { readTableFile } from '../data/table.js';
import { BACKEND_OPTION } from '../engine.js';
import { TsganError } from '../errors.js';
import { showCell } from '../data/csv.js';
import type { OptionDecl } from '../config/options.js';
import { startEngine } from './engine.js';
import { checkOutFile } from '../io/atomic.js';
import { stdout, stderr } from './io.js';
import { commandHelp, parseCommand, type Command } from './command.js';

/** Sampling on request, for table models (src/table-pipeline.ts). */
const REQUEST_OPTIONS: readonly OptionDecl[] = [
  { name: 'where', flag: 'where', kind: { type: 'text' }, target: 'run', metavar: 'COL=VALUE[,COL=VALUE]', section: 'Table models', doc: 'every entity has these static attributes (a category, a number, a date, as the data write them); the rest of each entity is generated to fit' },
  { name: 'given', flag: 'given', kind: { type: 'text' }, target: 'run', metavar: 'FILE', section: 'Table models', doc: 'a CSV or JSON file of static attributes, one entity per row (its columns: some of the model\'s static attributes; a blank cell leaves one to the generator); replaces --count' },
];

const SAMPLE: Command = {
  name: 'sample',
  intro: `Usage: tsgan sample --model DIR --count N --out FILE.csv [options]

Generates N synthetic sequences from a trained model. The CSV has a header
"sequence,step,<features>" and N × seq-len rows, in the data's original units.
For a model of single rows (dense-gan): one row per sample ("sample,<features>"),
or, with an --out ending in .png, a grid of N images.
For a table model (dgan): N entities written as the training table — its
columns, names, types and formats, fresh (or drawn) ids, each entity its own
length — optionally with static attributes asked for (--where, --given); as a
JSON array of records when --out ends in .json.`,
  options: [...SAMPLE_OPTIONS, { ...BACKEND_OPTION, section: 'Options' }, ...REQUEST_OPTIONS],
};

export const SAMPLE_HELP = commandHelp(SAMPLE);

/** "kind=A,size=3" → { kind: 'A', size: '3' }. */
function parseWhere(text: string): Record<string, string> {
  // No prototype: "__proto__=1" is a column name like any other (and not one of the model's).
  const out: Record<string, string> = Object.create(null);
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new TsganError(`--where: expected COLUMN=VALUE, got ${showCell(part)}`);
    const column = part.slice(0, eq).trim();
    if (Object.hasOwn(out, column)) throw new TsganError(`--where: column ${showCell(column)} is given twice`);
    out[column] = part.slice(eq + 1);
  }
  return out;
}

export async function sampleCommand(args: string[]): Promise<number> {
  const values = parseCommand(SAMPLE, args);
  if (values === null) return 0;
  const { backend, where, given, ...opts } = values as unknown as SampleCsvOptions & { backend?: string; where?: string; given?: string };
  if (opts.count === undefined && given === undefined) throw new TsganError('tsgan sample: --count is required; see tsgan sample --help');
  if (where !== undefined && given !== undefined) throw new TsganError('--where and --given both ask for attributes; give one (put the common ones in each row of --given)');
  checkOutFile(opts.out, Boolean(opts.force), '--out', { inputs: [['--model', opts.model], ['--given', given]] });
  const learns = modelEntry(readModelMeta(opts.model).model).learns;
  if (learns !== 'tables' && (where !== undefined || given !== undefined)) throw new TsganError(`--${where !== undefined ? 'where' : 'given'} is for table models (dgan); ${opts.model} holds a model of ${learns}`);
  if (learns !== 'tables' && /\.json$/i.test(opts.out)) throw new TsganError(`--out ${opts.out}: JSON is written for table models (dgan); ${opts.model} holds a model of ${learns}, whose samples are CSV`);
  await startEngine({ backend });
  if (learns === 'tables') {
    const table = given === undefined ? undefined : readTableFile(given);
    // A blank cell (or a key a JSON record lacks) leaves that attribute to the generator; NA asks for a missing one.
    const rows = table?.rows.map((r) => Object.fromEntries(table.header.map((h, j) => [h, r.fields[j]]).filter(([, v]) => v.trim() !== '')));
    const request = table ? { rows: rows!, source: given!, lines: table.rows.map((r) => r.line) } : undefined;
    const r = sampleTable({ ...opts, where: where === undefined ? undefined : parseWhere(where), given: request });
    if (r.forced > 0) stderr().write(`tsgan: warning: ${r.forced} of ${r.entities} entities did not come up with the requested categories in ${MAX_DRAWS} draws each; their categories were set by hand\n`);
    stdout().write(`wrote ${r.entities} ${r.entities === 1 ? 'entity' : 'entities'} (${r.rows} rows) to ${opts.out}\n`);
    return 0;
  }
  const r = sampleToCsv(opts);
  const { count, out } = opts;
  if (r.format === 'png') stdout().write(`wrote a grid of ${count} samples to ${out}\n`);
  else if (r.seqLen === 1) stdout().write(`wrote ${count} samples of ${r.features.length} values to ${out}\n`);
  else stdout().write(`wrote ${count} sequences (${r.rows} rows of ${r.features.join(', ')}) to ${out}\n`);
  return 0;
}
