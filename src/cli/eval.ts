/** `tsgan eval`: real CSV + synthetic CSV → metrics table, JSON and an HTML report. */
import { evaluateFiles } from '../eval/run.js';
import { formatEvalTable } from '../eval/evaluate.js';
import { parse, flags, noPositionals, required, str, int, seed, list, oneOf } from './args.js';
import { startEngine } from './engine.js';
import { stdout, stderr } from './io.js';

export const EVAL_HELP = `Usage: tsgan eval --real REAL.csv --synthetic SYNTH.csv [options]

Measures how close synthetic sequences are to real ones. REAL is a CSV as
tsgan train reads it (cut into windows of --seq-len steps); SYNTH is what
tsgan sample writes ("sequence,step,<features>"). Both are scaled by REAL's
per-feature min and max first, as in TimeGAN's evaluation.

Metrics: TimeGAN's discriminative and predictive scores (mean ± std over
--repeats seeds) and a stronger discriminator, MMD, coverage / precision /
recall and spread (mode collapse), memorisation (privacy), marginal,
autocorrelation and cross-correlation errors.

  --real FILE          real data CSV (required)
  --synthetic FILE     synthetic sequences from tsgan sample (required)
  --seq-len N          steps per sequence (default: the synthetic sequences' length)
  --columns a,b,c      features to compare (default: every numeric column of REAL)
  --id-column NAME     column that names the series of each REAL row (panel data)
  --scale minmax|none  scale both by REAL's per-feature range (default), or compare raw values
  --repeats N          runs of each trained score (default 3)
  --quick              skip the trained scores (seconds instead of minutes)
  --disc-iterations N  steps of the discriminative classifier (default 2000, TimeGAN's;
                       the strong variant stops early, at most 2.5 × N)
  --pred-iterations N  steps of the predictive model (default 5000, TimeGAN's)
  --seed N             seed of every random choice, an integer in [0, 4294967295] (default 0)
  --json FILE          write the metrics as JSON
  --report FILE.html   write an HTML report (PNG charts go to FILE-charts/ beside it)
  --model DIR          model directory: adds its training history to the report
  --force              overwrite existing --json / --report files
  --backend wasm|cpu   TF.js backend (default wasm)
`;

export async function evalCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('eval', args, flags(
    ['real', 'synthetic', 'seq-len', 'columns', 'id-column', 'scale', 'repeats', 'disc-iterations', 'pred-iterations', 'seed', 'json', 'report', 'model', 'backend'],
    ['quick', 'force'],
  ));
  if (values.help) {
    stdout().write(EVAL_HELP);
    return 0;
  }
  noPositionals('eval', positionals);
  const opts = {
    real: required('eval', values, 'real'),
    synthetic: required('eval', values, 'synthetic'),
    seqLen: int(values, 'seq-len', 2),
    columns: list(values, 'columns'),
    idColumn: str(values, 'id-column'),
    scale: oneOf(values, 'scale', ['minmax', 'none'] as const),
    repeats: int(values, 'repeats'),
    quick: Boolean(values.quick),
    discriminativeIterations: int(values, 'disc-iterations'),
    predictiveIterations: int(values, 'pred-iterations'),
    seed: seed(values),
    json: str(values, 'json'),
    report: str(values, 'report'),
    model: str(values, 'model'),
    force: Boolean(values.force),
    onProgress: (m: string) => stderr().write(`eval: ${m}\n`),
  };
  await startEngine(values);
  const { result, written, seconds } = await evaluateFiles(opts);
  stdout().write(
    `${result.syntheticSequences} synthetic sequences against ${result.realSequences} real windows, ${result.seqLen} steps × ${result.features.length} features (${seconds} s)\n`,
  );
  stdout().write(formatEvalTable(result));
  for (const w of written) stdout().write(`wrote ${w}\n`);
  return 0;
}
