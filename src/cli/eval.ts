/** `tsgan eval`: real CSV + synthetic CSV → metrics table, JSON and an HTML report. */
import { evaluateFiles, EVAL_FILE_OPTIONS, type EvalFilesOptions } from '../eval/run.js';
import { formatEvalTable } from '../eval/evaluate.js';
import { BACKEND_OPTION } from '../engine.js';
import { startEngine } from './engine.js';
import { stdout, stderr } from './io.js';
import { commandHelp, parseCommand, type Command } from './command.js';
import { evaluateTableFiles, formatTableComparison, type TableEvalOptions } from '../eval/table-run.js';
import { TsganError } from '../errors.js';
import type { OptionValues } from '../config/options.js';
import { readModelMeta } from '../load.js';

const EVAL: Command = {
  name: 'eval',
  intro: `Usage: tsgan eval --real REAL.csv --synthetic SYNTH.csv [options]

Measures how close synthetic sequences are to real ones. Both are scaled by
REAL's per-feature min and max first, as in TimeGAN's evaluation.

Metrics, headline first: the strong discriminative score (a two-layer GRU
on values and changes, trained to convergence, tested on real windows from
held-out blocks of time) with memorisation beside it (whole windows
copied, and short real runs replayed from new levels); TimeGAN's
discriminative and predictive scores (mean ± std over --repeats seeds), as
papers report them; MMD, coverage / precision / recall and spread (mode
collapse); marginal, autocorrelation and cross-correlation errors; and the
texture of the changes (their autocorrelation, wiggles).

With --model of a table model (dgan), or with --table, REAL and SYNTH are
compared as whole tables in the input's own shape (CSV or JSON): entities,
lengths, category and transition shares, missing and zero shares, numeric KS,
pairs of static attributes, and whether the series carry their attributes.`,
  options: [
    ...EVAL_FILE_OPTIONS,
    BACKEND_OPTION,
    { name: 'table', flag: 'table', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Whole tables', doc: "compare REAL and SYNTH as tables in the input's own shape (entities, lengths, category and transition shares, missing and zero shares, numeric KS) instead of windows; takes --id-column, --schema (or --model), --json and --report; implied by --model of a table model" },
    { name: 'schema', flag: 'schema', kind: { type: 'text' }, target: 'run', metavar: 'FILE', section: 'Whole tables', doc: "with --table: the schema (tsgan inspect --schema-out); default: inferred from REAL" },
  ],
};

/** The flags --table takes; the window measures' others do not apply to it. */
const TABLE_TAKES = ['real', 'synthetic', 'idColumn', 'schema', 'model', 'json', 'report', 'seed', 'force', 'table', 'backend'];

export const EVAL_HELP = commandHelp(EVAL);

/** `tsgan eval --table`: whole tables, no training, no engine. */
async function tableCommand(values: OptionValues): Promise<number> {
  const other = Object.keys(values).find((k) => !TABLE_TAKES.includes(k));
  if (other !== undefined) throw new TsganError(`--${EVAL.options.find((d) => d.name === other)!.flag} does not apply with --table`);
  const v = values as unknown as TableEvalOptions;
  const { result, written } = await evaluateTableFiles(v);
  stdout().write(formatTableComparison(result));
  for (const w of written) stdout().write(`wrote ${w}\n`);
  return 0;
}

export async function evalCommand(args: string[]): Promise<number> {
  const values = parseCommand(EVAL, args);
  if (values === null) return 0;
  // A table model's evaluation is of tables: --model says so without --table.
  const tableModel = typeof values.model === 'string' && readModelMeta(values.model).table !== undefined;
  if (tableModel && values.reconstruction) throw new TsganError(`--reconstruction: ${values.model as string} holds a table model; it applies to sequence models with an encoder (timegan, vaegan)`);
  if (values.table || tableModel) return tableCommand(values);
  if (values.schema !== undefined) throw new TsganError('--schema applies to --table only');
  const { backend, ...opts } = values as unknown as EvalFilesOptions & { backend?: string };
  await startEngine({ backend });
  const { result, written, seconds } = await evaluateFiles({ ...opts, onProgress: (m: string) => stderr().write(`eval: ${m}\n`) });
  stdout().write(
    `${result.syntheticSequences} synthetic sequences against ${result.realSequences} real windows, ${result.seqLen} steps × ${result.features.length} features (${seconds} s)\n`,
  );
  stdout().write(formatEvalTable(result));
  for (const w of written) stdout().write(`wrote ${w}\n`);
  return 0;
}
