/** `tsgan eval`: real CSV + synthetic CSV → metrics table, JSON and an HTML report. */
import { evaluateFiles, EVAL_FILE_OPTIONS, type EvalFilesOptions } from '../eval/run.js';
import { formatEvalTable } from '../eval/evaluate.js';
import { BACKEND_OPTION } from '../engine.js';
import { startEngine } from './engine.js';
import { stdout, stderr } from './io.js';
import { commandHelp, parseCommand, type Command } from './command.js';

const EVAL: Command = {
  name: 'eval',
  intro: `Usage: tsgan eval --real REAL.csv --synthetic SYNTH.csv [options]

Measures how close synthetic sequences are to real ones. Both are scaled by
REAL's per-feature min and max first, as in TimeGAN's evaluation.

Metrics: TimeGAN's discriminative and predictive scores (mean ± std over
--repeats seeds) and a stronger discriminator, MMD, coverage / precision /
recall and spread (mode collapse), memorisation (privacy), marginal,
autocorrelation and cross-correlation errors.`,
  options: [...EVAL_FILE_OPTIONS, BACKEND_OPTION],
};

export const EVAL_HELP = commandHelp(EVAL);

export async function evalCommand(args: string[]): Promise<number> {
  const values = parseCommand(EVAL, args);
  if (values === null) return 0;
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
