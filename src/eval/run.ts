/**
 * `tsgan eval` as one library call: load and check both files, evaluate,
 * and write the JSON and the HTML report (with its PNG charts in a folder
 * beside it, `<name>-charts/`). Every output is checked before any work and
 * written atomically; nothing is overwritten without `force`.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { checkOutDir, checkOutFile, writeDirAtomic, writeFileAtomic } from '../io/atomic.js';
import { loadModelDir, readModelMeta } from '../load.js';
import { reconstructWindows } from './reconstruction.js';
import { modelEntry, modelNames } from '../registry.js';
import { TsganError } from '../errors.js';
import { checkSeed } from '../random.js';
import { loadEvalData, EVAL_DATA_OPTIONS, type EvalDataOptions } from './data.js';
import { evaluateData, EVALUATE_OPTIONS, type EvalResult, type EvaluateOptions } from './evaluate.js';
import { declared, type OptionDecl } from '../config/options.js';
import { buildReport, type Report } from '../report/html.js';
import { toJson } from '../io/json.js';

/** Every option of evaluateFiles (and `tsgan eval`), each declared once. */
export const EVAL_FILE_OPTIONS: readonly OptionDecl[] = [
  ...EVAL_DATA_OPTIONS,
  ...EVALUATE_OPTIONS,
  { name: 'json', flag: 'json', kind: { type: 'text' }, target: 'run', metavar: 'FILE', section: 'Output', doc: 'write the metrics as JSON' },
  { name: 'report', flag: 'report', kind: { type: 'text' }, target: 'run', metavar: 'FILE.html', section: 'Output', doc: 'write an HTML report (PNG charts go to FILE-charts/ beside it)' },
  { name: 'model', flag: 'model', kind: { type: 'text' }, target: 'run', metavar: 'DIR', section: 'Output', doc: "model directory: adds its training history to the report" },
  { name: 'force', flag: 'force', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Output', doc: 'overwrite existing --json / --report files' },
  {
    name: 'reconstruction',
    flag: 'reconstruction',
    kind: { type: 'boolean' },
    target: 'run',
    default: false,
    section: 'Scores',
    doc: "with --model of a timegan or vaegan: the strong score of the real windows through the model's own encoder and decoder as well (one more classifier per repeat); near 0.5, the decoder every sample leaves through is told from real data already",
  },
];

export interface EvalFilesOptions extends EvalDataOptions, EvaluateOptions {
  /** Write the metrics as JSON here. */
  json?: string;
  /** Write the HTML report here (charts as PNG in `<name>-charts/` beside it). */
  report?: string;
  /** Model directory whose history goes into the report. */
  model?: string;
  force?: boolean;
  /** Also score the real windows through the model's autoencoder (needs `model`). */
  reconstruction?: boolean;
}

export interface EvalFilesResult {
  result: EvalResult;
  written: string[];
  /** Wall-clock time of the metrics (not in the JSON, which depends on the inputs and the seed only). */
  seconds: number;
}

/** `report.html` → `report-charts`. */
export function chartsDirFor(report: string): string {
  return join(dirname(report), basename(report).replace(/\.html?$/i, '') + '-charts');
}

/**
 * Checks `--json` and `--report` (with its charts directory) before any work:
 * never an input, nor a directory around one; --force replaces a previous
 * output of the same kind only.
 */
export function checkEvalOutputs(opts: { json?: string; report?: string }, force: boolean, inputs: [string, string | undefined][]): void {
  if (opts.json) checkOutFile(opts.json, force, '--json', { inputs });
  if (!opts.report) return;
  if (!/\.html?$/i.test(opts.report)) throw new TsganError(`--report must name an .html file, got "${opts.report}"`);
  if (opts.json && resolve(opts.json) === resolve(opts.report)) throw new TsganError(`--json and --report name the same file ${opts.report}; give two paths`);
  const all: [string, string | undefined][] = [...inputs, ['--json', opts.json]];
  checkOutFile(opts.report, force, '--report', { inputs: all });
  checkOutDir(chartsDirFor(opts.report), force, '--report', {
    inputs: all,
    previous: (entries) => entries.every((e) => e.endsWith('.png')),
    previousName: "a previous report's charts directory (PNG files only)",
  });
}

/** Writes a report's charts directory, then its page; returns both paths. */
export function writeReport(path: string, report: Report, force: boolean): string[] {
  const dir = chartsDirFor(path);
  writeDirAtomic(dir, report.images, force);
  writeFileAtomic(path, report.html, force);
  return [path, dir];
}

export async function evaluateFiles(opts: EvalFilesOptions): Promise<EvalFilesResult> {
  const force = opts.force ?? (declared(EVAL_FILE_OPTIONS, 'force').default as boolean);
  // Never an input, nor a directory around one; --force replaces a previous report's charts only.
  checkEvalOutputs(opts, force, [['--real', opts.real], ['--synthetic', opts.synthetic], ['--model', opts.model]]);
  const meta = opts.model ? readModelMeta(opts.model) : undefined;
  if (opts.seed !== undefined) checkSeed(opts.seed, '--seed');
  if (opts.reconstruction && !opts.model) throw new TsganError('--reconstruction needs --model, the model directory whose encoder and decoder to use');
  if (opts.reconstruction && opts.quick) throw new TsganError('--reconstruction is a trained score, which --quick skips; drop one of them');
  // The registry knows which models have an encoder: refused before the data are read or the model is built.
  if (opts.reconstruction && meta && !modelEntry(meta.model).encodes) {
    const encoders = modelNames().filter((n) => modelEntry(n).encodes);
    throw new TsganError(`--reconstruction: ${opts.model} holds a model without an encoder (${meta.model}); ${encoders.join(' and ')} models have one`);
  }
  // The model's panel column, unless given: its real data are read as it was trained on them.
  const data = loadEvalData({ ...opts, idColumnIfPresent: meta?.data?.idColumn });
  const t0 = performance.now();
  const reconstructed = opts.reconstruction ? reconstructionOf(opts.model!, data) : undefined;
  const result = evaluateData(data, { ...opts, reconstructed });
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  const written: string[] = [];
  // The report first (it can fail: a full disk, a chart), the JSON last, so that a failure writes no JSON.
  if (opts.report) {
    const report = await buildReport(data, result, {
      realName: opts.real,
      syntheticName: opts.synthetic,
      seed: opts.seed,
      model: meta && {
        dir: opts.model!,
        config: meta.config,
        history: meta.history,
        iterations: meta.iterations,
        trainingSeconds: meta.trainingSeconds,
        checkpoint: meta.checkpoint,
        historyNote: modelEntry(meta.model).historyNote,
      },
    });
    written.push(...writeReport(opts.report, report, force));
  }
  if (opts.json) {
    writeFileAtomic(opts.json, toJson(result), force);
    written.unshift(opts.json);
  }
  return { result, written, seconds };
}

/** The real windows through the model in `dir` (its networks built, used and released here). */
function reconstructionOf(dir: string, data: ReturnType<typeof loadEvalData>) {
  const { meta, model, scaler } = loadModelDir(dir);
  try {
    return reconstructWindows(model, scaler, meta.features, data, dir);
  } finally {
    model.dispose();
  }
}
