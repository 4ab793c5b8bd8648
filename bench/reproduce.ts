/**
 * `npm run reproduce`: every model of tsgan on TimeGAN's Table 2 (Yoon et
 * al. 2019) and on the strong score, in one table. Trains each model
 * (`tsgan train --model M` at its defaults; VARIANTS) on Sines and Stocks
 * (several seeds), samples as many sequences as there are real windows,
 * evaluates with `tsgan eval` (TimeGAN's metric definitions beside the strong
 * classifier), and prints the models side by side with the published
 * numbers, the real-data floors, the training time, and issue 28's targets
 * for the default model. Every step goes through the CLI, as a user would
 * run it.
 *
 *   npm run reproduce -- [--models rgan,timegan,timegan-short,timegan-attention,vaegan] [--iterations N] [--seeds 1,2,3] [--data sines,stocks,weather] [--repeats 10] [--extra "--flag value"] [--out DIR] [--resume | --kept]
 *
 * `--kept` prints the table of what DIR holds and trains or evaluates
 * nothing (a kept model's samples are drawn again to check their hash);
 * runs it lacks are listed as left out. `--extra` adds options to every
 * model's training (each model must take them).
 *
 * A full run takes hours (TimeGAN on 2 cores: 26–29 minutes of training
 * alone per data set and seed, about 45 beside another training, and 10–20
 * of evaluation; rgan and vaegan minutes).
 * `--resume` goes on where an earlier run into the same DIR stopped: a model
 * already trained there for that data set and seed is reused (its recorded
 * training time with it), and its samples and evaluation too where they
 * exist and come from that model (and, where --repeats is given, with that
 * number of repeats). Resume with the options the models were trained with:
 * only the model, its attention, the seed and the iterations are checked.
 * Separate runs (for example one per data set, side by side) can share a
 * DIR and a last `--resume` run then prints the whole table. A DIR need not
 * keep the samples (tens of megabytes): a kept model draws them again, byte
 * for byte, and its evaluation is kept when they hash as the evaluated ones
 * did (synthetic.sha256). So a DIR can be kept, or committed, with its
 * models and evaluations only, and a later `--resume` prints the table again
 * in minutes (deleting a seed's directory trains that seed again);
 * bench/reproduce-results/ is such a DIR, committed (DIR/MODEL/SET-seedN).
 *
 * The table leads with the strong discriminative score (tsgan eval's
 * headline: values and changes, real test windows from held-out blocks of
 * time) and how many of its runs told the sides apart, then TimeGAN's two
 * scores as published. Sines' floor is an ideal generator's; Stocks' and
 * Weather's are real periods against other real periods (realPeriods).
 *
 * Sines is TimeGAN's: 10,000 sequences of 24 steps, 5 features, each
 * sin(f·t + φ) with f, φ ~ U(0, 0.1), scaled to [0, 1]. Stocks is the GOOG
 * data shipped in data/stock_data.csv (rows in file order, not reversed).
 * Weather, a third real set that TimeGAN's paper did not use, is Seattle's
 * daily weather 2012–2015 from the npm package vega-datasets (NOAA, public
 * domain; data/seattle-weather.csv): precipitation (57 % dry days), the
 * day's highest and lowest temperature and wind, one series of 1,461 days.
 * For Sines it adds a shape check the two scores miss (peakTurnover: do the
 * generated waves turn over after their peak, as real ones do).
 * A new evaluation runs each metric 10 times, as the reference code's
 * main.py (metric_iteration = 10).
 * Writes a Markdown table to DIR/reproduce.md (default reproduce-runs/).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sineData, sinesToCsv } from '../src/data/sines.js';
import { peakTurnover, sinesCoupling, sinesPredictiveFloor } from '../src/eval/sines.js';
import { loadEvalData, pickOrigins, pickWindows, realWindows, type WindowSet } from '../src/eval/data.js';
import { readTableFile, tableToDataset } from '../src/data/table.js';
import { blockParts } from '../src/eval/blocks.js';
import { discriminativeScore } from '../src/eval/posthoc.js';
import { replayedStretches } from '../src/eval/replay.js';
import { repeated, toldRuns, TOLD_Z, type Repeated } from '../src/eval/evaluate.js';
import { defaultModel, modelEntry, runDefaults } from '../src/registry.js';
import { initEngine } from '../src/engine.js';
import { Rng } from '../src/random.js';
import { VERSION } from '../src/version.js';
import { TsganError } from '../src/errors.js';
import { parseOption, type OptionKind } from '../src/config/options.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const bin = join(root, 'bin/tsgan.js');

const DATA_SETS = ['sines', 'stocks', 'weather'] as const;
type DataSet = (typeof DATA_SETS)[number];

/** TimeGAN's Table 2; Weather is not in it. */
const PUBLISHED: Partial<Record<DataSet, { disc: string; pred: string; discTarget: number; predTarget: number }>> = {
  sines: { disc: '.011 ± .008', pred: '.093 ± .019', discTarget: 0.011, predTarget: 0.093 },
  stocks: { disc: '.102 ± .021', pred: '.038 ± .001', discTarget: 0.102, predTarget: 0.038 },
};

/**
 * TimeVAE on TimeGAN's Sines and Stocks, as Diffusion-TS (Yuan & Qiao, ICLR
 * 2024) Table 1 has it, ± a 95 % interval over 5 runs (its metric_utils.py);
 * TimeVAE's own paper (Desai et al. 2021) used other Sines and Stocks data.
 */
const PUBLISHED_TIMEVAE: Partial<Record<DataSet, { disc: string; pred: string }>> = {
  sines: { disc: '.041 ± .044', pred: '.093 ± .000' },
  stocks: { disc: '.145 ± .120', pred: '.039 ± .000' },
};

/**
 * The models compared, each a `tsgan train --model` and its options: its
 * defaults, bar the attention variant's one flag and the iterations some
 * set (the short TimeGAN: issue 28's model within 10 minutes; these win
 * over --iterations). Each has its own directory in DIR.
 */
const VARIANTS: Record<string, { model: string; args: string[]; iterations?: number; what: string }> = {
  rgan: { model: 'rgan', args: [], what: 'recurrent GAN (RCGAN style)' },
  timegan: { model: 'timegan', args: [], what: 'TimeGAN' },
  'timegan-short': { model: 'timegan', args: [], iterations: 3000, what: "TimeGAN at 3,000 iterations a phase, a candidate for issue 28's 10-minute model" },
  'timegan-attention': { model: 'timegan', args: ['--attention', 'g'], what: 'TimeGAN, a causal self-attention block on its generator' },
  vaegan: { model: 'vaegan', args: [], iterations: 10000, what: 'VAE-GAN (a variational autoencoder whose decoder is also a generator), 10,000 iterations (its default is 1,000)' },
};
/** The variant `tsgan train` runs without --model: the registry's default at its defaults. */
const DEFAULT_VARIANT = Object.keys(VARIANTS).find((v) => VARIANTS[v].model === defaultModel().spec.name && VARIANTS[v].args.length === 0 && VARIANTS[v].iterations === undefined)!;

// A bad flag or a failed step ends in one line, as tsgan's own errors do (TSGAN_DEBUG=1 for the stack).
/** The user's input: a flag, a --resume that does not match DIR, an --extra that tsgan refused. Exit 2; any other failure exits 1. */
class InputError extends TsganError {}
process.on('uncaughtException', (thrown: unknown) => {
  const e: Error & { code?: string; path?: string } = thrown instanceof Error ? thrown : new Error(String(thrown));
  const input = e instanceof InputError || (e.code ?? '').startsWith('ERR_PARSE_ARGS');
  // TsganError: a known failure (a file reproduce wrote that tsgan cannot read); a system error names its path.
  const known = input || e instanceof TsganError || e.path !== undefined;
  const line = e.message.split('\n')[0];
  process.stderr.write(known ? `reproduce: error: ${line}\n` : `reproduce: internal error: ${line} (set TSGAN_DEBUG=1 for the stack trace)\n`);
  if (process.env.TSGAN_DEBUG === '1') process.stderr.write(`${e.stack}\n`);
  process.exit(input ? 2 : 1);
});
/** A JSON file that reproduce wrote (or a kept DIR holds), or one line naming it; as untyped as JSON.parse. */
function readJson(file: string): ReturnType<typeof JSON.parse> {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TsganError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
}
const USAGE = `Usage: npm run reproduce -- [--models ${Object.keys(VARIANTS).join(',')}] [--iterations N] [--seeds 1,2,3] [--data ${DATA_SETS.join(',')}] [--repeats 10] [--extra "--flag value"] [--out DIR] [--resume | --kept]
Trains, samples and evaluates every model with tsgan's CLI and prints one table (bench/reproduce.ts says more; docs/timegan.md#results the results).\n`;
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    iterations: { type: 'string' },
    seeds: { type: 'string', default: '1,2,3' },
    data: { type: 'string', default: 'sines,stocks' },
    repeats: { type: 'string' },
    out: { type: 'string', default: 'reproduce-runs' },
    extra: { type: 'string', default: '' },
    resume: { type: 'boolean', default: false },
    kept: { type: 'boolean', default: false },
  },
});
// --kept: the table of what DIR holds, nothing trained or evaluated (samples are drawn again to check their hash).
if (values.kept) values.resume = true;
const variants = values.models!.split(',');
for (const v of variants) if (!VARIANTS[v]) throw new InputError(`--models: unknown model "${v}" (${Object.keys(VARIANTS).join(', ')})`);
/** A variant's own iterations, else --iterations, else its model's default (`tsgan train --model M`; timegan: per phase). */
const iterationsOf = (variant: string): number => VARIANTS[variant].iterations ?? (values.iterations ? Number(values.iterations) : (runDefaults(VARIANTS[variant].model).iterations as number));
/** The default model's row stands for `tsgan train` without options only when no option changed it. */
const defaultsChanged = Boolean(values.iterations || values.extra);
/** A flag's value checked as tsgan checks its own options, or one line naming the flag (the user's input). */
function flagValue(kind: OptionKind, text: string, flag: string): number {
  try {
    return parseOption({ kind }, text, `--${flag}`) as number;
  } catch (e) {
    throw e instanceof TsganError ? new InputError(e.message) : e;
  }
}
if (values.iterations !== undefined) values.iterations = String(flagValue({ type: 'int', min: 1 }, values.iterations, 'iterations'));
if (values.repeats !== undefined) values.repeats = String(flagValue({ type: 'int', min: 1 }, values.repeats, 'repeats'));
const seeds = values.seeds!.split(',').map((x) => flagValue({ type: 'seed' }, x, 'seeds'));
const sets = values.data!.split(',') as DataSet[];
for (const s of sets) if (!DATA_SETS.includes(s)) throw new InputError(`--data: unknown data set "${s}" (${DATA_SETS.join(', ')})`);
/** Metric runs of a new evaluation (the reference code's metric_iteration); a kept one keeps its own unless --repeats is given. */
const REPEATS = 10;
const repeats = String(values.repeats ?? REPEATS);
const out = values.out!;
mkdirSync(out, { recursive: true });

function tsgan(args: string[]): { stdout: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  // tsgan's own exit 2 is the user's input (an --extra flag, a file); a signal or a failed spawn is not.
  if (r.status !== 0) throw new (r.status === 2 ? InputError : TsganError)(`tsgan ${args.join(' ')} failed (${r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit ${r.status}; its message is above`})`);
  return { stdout: r.stdout, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Sines' shape checks of the real windows and of a `tsgan sample` CSV, both
 * scaled with the real data's range (`tsgan eval --scale minmax`):
 * peakTurnover, and sinesCoupling (correlation does not see the scaling).
 */
function sinesShape(real: string, synthetic: string): { real: Shape; synthetic: Shape } {
  const d = loadEvalData({ real, synthetic, idColumn: 'id', scale: 'minmax' });
  const check = (w: WindowSet) => ({ ...peakTurnover(w.data, w.seqLen, w.features), coupling: sinesCoupling(w.data, w.seqLen, w.features) });
  return { real: check(d.real), synthetic: check(d.synthetic) };
}

/** Replayed stretches as `tsgan eval --seed SEED` measures them, for evaluations made before the check. */
function replayedShare(set: DataSet, d: ReturnType<typeof dataFor>, samples: string, seed: number): number {
  const e = loadEvalData({ real: d.file, synthetic: samples, columns: d.columns, idColumn: set === 'sines' ? 'id' : undefined, scale: d.scale });
  return replayedStretches(e.real, e.synthetic, { seed, realOrigin: e.realOrigin }).share;
}

/** The data, its options, the windows to sample, and how TimeGAN's evaluation scales it (min-max for Stocks and Weather; Sines as generated). */
function dataFor(set: DataSet): { file: string; extra: string[]; columns?: string[]; windows: number; scale: 'none' | 'minmax' } {
  if (set === 'stocks') return { file: join(root, 'data/stock_data.csv'), extra: [], windows: 3662, scale: 'minmax' };
  if (set === 'weather') {
    // The numeric columns; the categorical weather label is not a TimeGAN feature.
    const columns = ['precipitation', 'temp_max', 'temp_min', 'wind'];
    return { file: join(root, 'data/seattle-weather.csv'), extra: ['--columns', columns.join(',')], columns, windows: 1438, scale: 'minmax' };
  }
  const file = join(out, 'sines.csv');
  if (!existsSync(file)) writeFileSync(file, sinesToCsv(sineData({ count: 10000, seqLen: 24, features: 5, seed: 0 })));
  return { file, extra: ['--id-column', 'id'], windows: 10000, scale: 'none' };
}

interface Row {
  variant: string;
  set: string;
  seed: number;
  /** Training iterations (timegan: per phase). */
  iterations: number;
  /** Runs of each metric. */
  repeats: number;
  trainSeconds: number;
  strong: number;
  strongStd: number;
  /** The strong score's runs that told the sides apart (toldRuns), of `repeats`. */
  told: number;
  memorised: number;
  /** Replayed stretches (tsgan eval's): the share of synthetic 5-step stretches that repeat a real one's moves. */
  replayed: number;
  disc: number;
  discStd: number;
  pred: number;
  predStd: number;
  predBaseline: number;
  coverage: number;
  recall: number;
  /** The strong score of the real windows through the model's own encoder and decoder (tsgan eval --reconstruction); absent for a model without an encoder, or metrics made before it. */
  reconstruction?: number;
  warnings: string[];
  /** Sines only: the shape checks (peakTurnover, sinesCoupling) of the real and the synthetic waves. */
  shape?: { real: Shape; synthetic: Shape };
}

type Shape = ReturnType<typeof peakTurnover> & { coupling: number };

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * `--resume`: an evaluation in `file` with today's strong score (held-out
 * blocks), and with the asked number of repeats where --repeats is given
 * (not for a floor: `anyRepeats`, kept as first measured).
 */
function evaluated(file: string, anyRepeats = false): boolean {
  if (!existsSync(file)) return false;
  const m = readJson(file);
  if (!anyRepeats && values.repeats !== undefined && m.repeats !== Number(values.repeats)) return false;
  // Per-run block sizes and per-class accuracies came with the current protocol (values and changes, held-out blocks).
  return Array.isArray(m.discriminativeStrong?.testWindows) && Array.isArray(m.discriminativeStrong?.blockRows) && typeof m.discriminativeStrong?.accuracyReal === 'number';
}

/** `--resume`: a finished model of this variant, seed (and of the asked iterations) in `modelDir`. */
function reusableModel(modelDir: string, variant: string, seed: number): boolean {
  const file = join(modelDir, 'tsgan.json');
  if (!existsSync(file)) return false;
  const meta = readJson(file);
  const v = VARIANTS[variant];
  if (meta.seed !== seed) throw new InputError(`--resume: ${file} was trained with seed ${meta.seed}, not ${seed}`);
  if (meta.model !== v.model) throw new InputError(`--resume: ${file} is a ${meta.model} model, not ${v.model}`);
  const attention = v.args.includes('--attention') ? v.args[v.args.indexOf('--attention') + 1] : 'none';
  if ((meta.config.attention ?? 'none') !== attention) throw new InputError(`--resume: ${file} has attention "${meta.config.attention ?? 'none'}", not "${attention}" as ${variant}`);
  const per = meta.config.embeddingIterations ?? meta.iterations;
  const asked = iterationsOf(variant);
  if (per !== asked) {
    throw new InputError(`--resume: ${file} was trained with ${per} iterations${meta.config.embeddingIterations !== undefined ? ' per phase' : ''}, not ${asked}`);
  }
  return true;
}

/** One variant on one data set and seed: trained, sampled and evaluated, each step only where --resume has no result of it. */
async function runOne(variant: string, set: DataSet, seed: number): Promise<Row | null> {
  const v = VARIANTS[variant];
  const d = dataFor(set);
  const dir = join(out, variant, `${set}-seed${seed}`);
  mkdirSync(dir, { recursive: true });
  const extra = [...v.args, ...(values.extra ? values.extra.split(' ') : [])];
  const iterations = iterationsOf(variant);
  const iterationArgs = ['--iterations', String(iterations)];
  const how = [`${iterations} iterations${v.model === 'timegan' ? ' per phase' : ''}`, extra.join(' ')].filter(Boolean);
  process.stderr.write(`\n== ${set}, seed ${seed}: ${variant} (${how.join(', ')})\n`);
  const modelDir = join(dir, 'model');
  const reusable = values.resume && reusableModel(modelDir, variant, seed);
  if (values.kept && !(reusable && evaluated(join(dir, 'metrics.json')))) {
    process.stderr.write(`--kept: no evaluated model in ${dir}: left out\n`);
    return null;
  }
  // Each step reruns when its output is missing or an earlier step ran again (its input changed).
  let rerun = !reusable;
  let trainSeconds: number | undefined;
  if (rerun) trainSeconds = tsgan(['train', '--model', v.model, '--data', d.file, ...d.extra, ...iterationArgs, '--seed', String(seed), '--out', modelDir, '--force', ...extra]).seconds;
  else process.stderr.write(`reusing the model trained in ${modelDir}\n`);
  const meta = readJson(join(modelDir, 'tsgan.json'));
  const samples = join(dir, 'synthetic.csv');
  const samplesHash = join(dir, 'synthetic.sha256');
  let hash: string | undefined;
  if (rerun || !existsSync(samples)) {
    tsgan(['sample', '--model', modelDir, '--count', String(d.windows), '--seed', String(seed), '--out', samples, '--force']);
    // A kept model samples again byte for byte (same weights, seed and kernels), so its evaluation still holds: the
    // samples need not be kept, only their hash. Another engine or CPU may round differently: then it is evaluated again.
    if (!rerun) {
      hash = sha256(samples);
      const same = existsSync(samplesHash) && readFileSync(samplesHash, 'utf8').trim() === hash;
      process.stderr.write(same ? 'the samples drawn again are the evaluated ones, byte for byte\n' : `the samples drawn again are not known to be the evaluated ones (${samplesHash}): evaluating again\n`);
      rerun = !same;
      if (rerun && values.kept) {
        process.stderr.write(`--kept: ${dir} would need evaluating again: left out\n`);
        return null;
      }
    }
  }
  rerun ||= !evaluated(join(dir, 'metrics.json'));
  if (rerun) {
    tsgan([
      'eval', '--real', d.file, ...d.extra, '--scale', d.scale, '--synthetic', samples, '--repeats', repeats, '--seed', String(seed),
      '--json', join(dir, 'metrics.json'), '--report', join(dir, 'report.html'), '--model', modelDir, '--force',
      // A model with an encoder: its decoder's own reconstructions are scored too (timegan, vaegan).
      ...(modelEntry(meta.config.model).encodes ? ['--reconstruction'] : []),
    ]);
  }
  // Evaluating does not touch the samples: a hash taken above still holds.
  writeFileSync(samplesHash, `${hash ?? sha256(samples)}\n`);
  const m = readJson(join(dir, 'metrics.json'));
  process.stderr.write(`${variant}, ${set} seed ${seed}: strong ${m.discriminativeStrong.mean.toFixed(3)}, discriminative ${m.discriminative.mean.toFixed(3)}, predictive ${m.predictive.mean.toFixed(3)}, coverage ${m.coverage.value.toFixed(2)}, ${(meta.trainingSeconds / 60).toFixed(1)} min\n`);
  return {
    variant,
    set,
    seed,
    iterations: meta.config.embeddingIterations ?? meta.iterations,
    repeats: m.repeats,
    trainSeconds: meta.trainingSeconds ?? trainSeconds,
    strong: m.discriminativeStrong.mean,
    strongStd: m.discriminativeStrong.std,
    told: toldRuns(m.discriminativeStrong),
    memorised: m.memorisation.share,
    replayed: m.replay?.share ?? replayedShare(set, d, samples, seed),
    disc: m.discriminative.mean,
    discStd: m.discriminative.std,
    pred: m.predictive.mean,
    predStd: m.predictive.std,
    predBaseline: m.predictive.baseline.mean,
    coverage: m.coverage.value,
    recall: m.coverage.recall,
    reconstruction: m.reconstruction?.mean,
    warnings: m.warnings,
    shape: set === 'sines' ? sinesShape(d.file, samples) : undefined,
  };
}

const rows: Row[] = [];
const missing: string[] = [];
for (const variant of variants) for (const set of sets) for (const seed of seeds) {
  const row = await runOne(variant, set, seed);
  if (row) rows.push(row);
  else missing.push(`${variant} ${set} seed ${seed}`);
}

/**
 * Sines only: the scores of an ideal generator, 10,000 fresh draws of the
 * same process (another seed) in place of synthetic data. The paper does not
 * report it; it is the floor each score can reach on this data (a classifier
 * on two samples of one process still scores above 0 by chance). Beside it,
 * the predictive score's exact floor on the real windows it is scored on
 * (sinesPredictiveFloor: no predictor does better).
 */
function idealSines(): { strong: number; strongStd: number; disc: number; discStd: number; pred: number; predFloor: number } | undefined {
  if (!sets.includes('sines')) return undefined;
  const d = dataFor('sines');
  const dir = join(out, 'sines-ideal');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'fresh-sines.csv');
  if (!existsSync(file)) writeFileSync(file, sinesToCsv(sineData({ count: 10000, seqLen: 24, features: 5, seed: 1000 }), { asSample: true }));
  const metrics = join(dir, 'metrics.json');
  if (values.kept && !evaluated(metrics, true)) return undefined;
  if (!(values.resume && evaluated(metrics, true))) {
    process.stderr.write('\n== sines: an ideal generator (fresh draws of the same process)\n');
    tsgan(['eval', '--real', d.file, ...d.extra, '--scale', d.scale, '--synthetic', file, '--repeats', repeats, '--seed', '1', '--json', metrics, '--force']);
  }
  const m = readJson(metrics);
  const real = loadEvalData({ real: d.file, synthetic: file, idColumn: 'id', scale: d.scale }).real;
  const predFloor = sinesPredictiveFloor(real.data, real.seqLen, real.features);
  return { strong: m.discriminativeStrong.mean, strongStd: m.discriminativeStrong.std, disc: m.discriminative.mean, discStd: m.discriminative.std, pred: m.predictive.mean, predFloor };
}
const ideal = idealSines();

/**
 * A data set of one long series (Stocks, Weather): the strong score of real
 * data against real data from other periods, the level a generator of one
 * long series can hope for. Blocks of 10 windows are dealt at random to two
 * sides (dealings 11, 12, 13), and the strong classifier (seed 0) tells one
 * side from the other, both split in held-out blocks as tsgan eval splits
 * real data. Kept in DIR/SET-periods/.
 */
async function realPeriods(set: DataSet): Promise<Repeated> {
  const file = join(out, `${set}-periods`, 'metrics.json');
  if (values.resume && existsSync(file)) return readJson(file);
  process.stderr.write(`\n== ${set}: real periods against other real periods (the strong score's floor)\n`);
  await initEngine();
  const d = dataFor(set);
  const T = 24;
  const { real: w, realOrigin } = realWindows(tableToDataset(readTableFile(d.file), { columns: d.columns }), T, { real: d.file, scale: 'minmax' });
  const runs = [11, 12, 13].map((dealing) => {
    const b = blockParts(realOrigin, T, [1, 1], new Rng(dealing), 10 * T);
    const side = (p: number) => {
      const idx = Int32Array.from(b.part.keys()).filter((i) => b.part[i] === p);
      return { set: pickWindows(w, idx), origin: pickOrigins(realOrigin, idx) };
    };
    const [a, c] = [side(0), side(1)];
    return discriminativeScore(a.set, c.set, { seed: 0, variant: 'strong', realOrigin: a.origin, syntheticOrigin: c.origin }).score;
  });
  const r = repeated(runs);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return r;
}
const periods = new Map<DataSet, Repeated>();
for (const set of sets) if (set !== 'sines' && !(values.kept && !existsSync(join(out, `${set}-periods`, 'metrics.json')))) periods.set(set, await realPeriods(set));

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
const f3 = (x: number) => x.toFixed(3).replace(/^0/, '');
// The predictive scores sit within a thousandth of their targets: shown to four places, so that a miss does not print as the target.
const f4 = (x: number) => x.toFixed(4).replace(/^0/, '');
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
// One seed: the spread of the metric's own repeats; several: the spread over seeds.
const spread = (v: number[], within: number[]) => (v.length > 1 ? std(v) : within[0]);
/** Issue 28's target for the strong score, on every seed. */
const STRONG_TARGET = 0.25;
/** Issue 28's targets for TimeGAN's discriminative score: Sines at an ideal generator's level (its mean + std), Stocks at or below Diffusion-TS's .067 (ICLR 2024). */
const weakTarget = (set: DataSet) => (set === 'sines' && ideal ? ideal.disc + ideal.discStd : set === 'stocks' ? 0.067 : NaN);
const PREDICTIVE_MARGIN = 0.001;
const TIME_TARGET_MINUTES = 30;

/** A model's seeds on one data set, as the targets judge them: means over seeds, the predictive gap to real data, the fastest seed's minutes. */
function figures(r: Row[]) {
  return {
    disc: mean(r.map((x) => x.disc)),
    predGap: Math.abs(mean(r.map((x) => x.pred)) - mean(r.map((x) => x.predBaseline))),
    // The fastest seed, not the mean: a recorded time is longer when the training shared the machine
    // (seeds trained side by side), never shorter, so the fastest is the nearest to a training alone.
    fastestMinutes: Math.min(...r.map((x) => x.trainSeconds)) / 60,
  };
}

/** A model's seeds on one data set, summarised: mean ± spread, told runs summed, the fastest seed's time. */
function summary(r: Row[]) {
  const n = figures(r);
  return {
    strong: `**${f3(mean(r.map((x) => x.strong)))} ± ${f3(spread(r.map((x) => x.strong), r.map((x) => x.strongStd)))}**`,
    told: `${r.reduce((a, x) => a + x.told, 0)} of ${r.reduce((a, x) => a + x.repeats, 0)}`,
    disc: `${f3(n.disc)} ± ${f3(spread(r.map((x) => x.disc), r.map((x) => x.discStd)))}`,
    pred: `${f4(mean(r.map((x) => x.pred)))} ± ${f4(spread(r.map((x) => x.pred), r.map((x) => x.predStd)))}`,
    coverage: f3(mean(r.map((x) => x.coverage))),
    recall: f3(mean(r.map((x) => x.recall))),
    memorised: pct(mean(r.map((x) => x.memorised))),
    replayed: pct(mean(r.map((x) => x.replayed))),
    time: `${n.fastestMinutes.toFixed(1)} min`,
    seeds: r.map((x) => x.seed).join(', '),
  };
}

const lines = [
  `## Every model on TimeGAN's scores and the strong one (tsgan ${VERSION}, ${new Date().toISOString().slice(0, 10)})`,
  '',
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}. Each model at its defaults (\`tsgan train --model M\`${values.iterations ? `, --iterations ${values.iterations}` : ''}${values.extra ? `, extra options \`${values.extra}\`` : ''}); iterations and metric repeats per seed in the second table. **${DEFAULT_VARIANT}** is what \`tsgan train\` runs without --model. Lower is better, except coverage and recall; mean ± std over seeds (one seed: over the metric's repeats). Told: the strong classifier's runs whose accuracy is beyond ${TOLD_Z} standard errors of chance, summed over seeds.`,
  '',
  "| data | model | discriminative (strong) | told | discriminative (TimeGAN's) | predictive | coverage | recall | memorisation | replayed stretches | training time (fastest seed) | seeds |",
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const set of sets) {
  for (const variant of variants) {
    const r = rows.filter((x) => x.set === set && x.variant === variant);
    if (r.length === 0) continue;
    const s = summary(r);
    lines.push(`| ${set} | ${variant === DEFAULT_VARIANT ? `**${variant}** (default)` : variant} | ${s.strong} | ${s.told} | ${s.disc} | ${s.pred} | ${s.coverage} | ${s.recall} | ${s.memorised} | ${s.replayed} | ${s.time} | ${s.seeds} |`);
  }
  const p = PUBLISHED[set];
  if (p) lines.push(`| ${set} | TimeGAN (published) | not reported | | ${p.disc} | ${p.pred} | | | | | | |`);
  const vae = PUBLISHED_TIMEVAE[set];
  if (vae) lines.push(`| ${set} | TimeVAE (published in Diffusion-TS's Table 1; ± a 95 % interval) | not reported | | ${vae.disc} | ${vae.pred} | | | | | | |`);
  const period = periods.get(set);
  const base = f4(mean(rows.filter((x) => x.set === set).map((x) => x.predBaseline)));
  if (set === 'sines' && ideal) lines.push(`| ${set} | ideal generator (fresh draws) | ${f3(ideal.strong)} ± ${f3(ideal.strongStd)} | | ${f3(ideal.disc)} ± ${f3(ideal.discStd)} | ${f4(ideal.pred)} | | | | | | |`);
  else if (period) lines.push(`| ${set} | real periods against others (floor) | ${f3(period.mean)} ± ${f3(period.std)} | | | | | | | | | |`);
  lines.push(`| ${set} | real data (predictive baseline) | | | | ${base} | | | | | | |`);
}

// The issue's targets, for the model a user gets without --model.
const defaults = rows.filter((x) => x.variant === DEFAULT_VARIANT);
if (defaults.length > 0 && defaultsChanged) lines.push('', `Issue 28's targets are for the default model at its defaults: not judged here (--iterations or --extra changed ${DEFAULT_VARIANT}).`);
if (defaults.length > 0 && !defaultsChanged) {
  lines.push(
    '',
    `Issue 28's targets, by the default model (${DEFAULT_VARIANT}):`,
    '',
    "| data | strong ≤ .25 on every seed | TimeGAN's discriminative | predictive within .001 of real data | default training ≤ 30 min |",
    '| --- | --- | --- | --- | --- |',
  );
  for (const set of sets) {
    const r = defaults.filter((x) => x.set === set);
    if (r.length === 0) continue;
    const yes = (ok: boolean) => (ok ? 'yes' : 'no');
    const worst = Math.max(...r.map((x) => x.strong));
    const { disc, predGap: gap, fastestMinutes: fastest } = figures(r);
    const wt = weakTarget(set);
    lines.push(
      `| ${set} | ${yes(worst <= STRONG_TARGET)} (worst seed ${f3(worst)}) | ${Number.isNaN(wt) ? `${f3(disc)} (no target)` : `${yes(disc <= wt)} (${f3(disc)}, target ≤ ${f3(wt)})`} | ${yes(gap <= PREDICTIVE_MARGIN)} (${f4(gap)} apart) | ${yes(fastest <= TIME_TARGET_MINUTES)} (${fastest.toFixed(1)} min) |`,
    );
  }
}

// The issue's fast target: any model, trained within 10 minutes, at the published discriminative score with predictive at the real level.
const FAST_MINUTES = 10;
const fast = sets.filter((set) => PUBLISHED[set]).flatMap((set) =>
  variants.flatMap((variant) => {
    const r = rows.filter((x) => x.set === set && x.variant === variant);
    if (r.length === 0) return [];
    const { disc, predGap: gap, fastestMinutes: minutesTaken } = figures(r);
    const met = minutesTaken <= FAST_MINUTES && disc <= PUBLISHED[set]!.discTarget && gap <= PREDICTIVE_MARGIN;
    return minutesTaken <= FAST_MINUTES ? [`${variant} on ${set}: ${met ? 'yes' : 'no'} (${minutesTaken.toFixed(1)} min, discriminative ${f3(disc)} against ${f3(PUBLISHED[set]!.discTarget)}, predictive ${f4(gap)} from real data)`] : [];
  }),
);
if (fast.length > 0) lines.push('', `Issue 28's ${FAST_MINUTES}-minute target (TimeGAN's published discriminative score, predictive within ${PREDICTIVE_MARGIN} of real data, training within ${FAST_MINUTES} minutes), by the models that trained within ${FAST_MINUTES} minutes: ${fast.join('; ')}.`);

// Per seed: the seeds' spread above hides which seed missed, and training times differ when runs shared the machine.
lines.push(
  '',
  "| data | model | seed | iterations | discriminative (strong) (± over repeats) | told | the decoder's own reconstructions (strong) | discriminative (TimeGAN's) | predictive | coverage | recall | memorisation | replayed stretches | training time |",
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const r of rows) {
  lines.push(
    `| ${r.set} | ${r.variant} | ${r.seed} | ${r.iterations}${VARIANTS[r.variant].model === 'timegan' ? ' per phase' : ''} | ${f3(r.strong)} ± ${f3(r.strongStd)} | ${r.told} of ${r.repeats} | ${r.reconstruction === undefined ? '—' : f3(r.reconstruction)} | ${f3(r.disc)} ± ${f3(r.discStd)} | ${f4(r.pred)} | ${f3(r.coverage)} | ${f3(r.recall)} | ${pct(r.memorised)} | ${pct(r.replayed)} | ${minutes(r.trainSeconds)} |`,
  );
}
lines.push('', `The models: ${variants.map((v) => `${v}, ${VARIANTS[v].what} (\`${['--model', VARIANTS[v].model, ...VARIANTS[v].args].join(' ')}\`)`).join('; ')}.`);
lines.push('', "The decoder's own reconstructions: real windows through the model's encoder and the decoder its samples leave through, scored by the strong classifier (`tsgan eval --reconstruction`); near .5, no generator in front of that decoder can pass. — where the model has no encoder, or its metrics were made before the column.");
lines.push('', "Memorisation: synthetic windows closer to a real one than real windows are to each other. Replayed stretches: synthetic 5-step stretches that repeat a real stretch's moves, at any level, far more closely than the real data repeats it (tsgan eval's; for an evaluation made before the check, measured here on the same samples with the same seed): fresh draws of Sines 0.2 % (real stretches held out: 0.6 %), real five-day runs replayed on Stocks 12.2 % (0.0 %) (docs/evaluation.md).");
lines.push('', 'Training times are as each model recorded them: a training that shared the machine with other jobs took longer than one alone would.');
if (ideal) {
  lines.push(
    '',
    `An ideal Sines generator (10,000 fresh draws of the same process, seed 1000, in place of synthetic data) scores strong ${f3(ideal.strong)} ± ${f3(ideal.strongStd)}, TimeGAN's discriminative ${f3(ideal.disc)} ± ${f3(ideal.discStd)} and predictive ${f4(ideal.pred)}: the floor of each score on this data. No predictor at all can score below ${f4(ideal.predFloor)} here: its inputs, the other sine waves, are independent of the last one it predicts, so the best it can do is each step's median (\`sinesPredictiveFloor\`).`,
  );
}
for (const [set, period] of periods) {
  lines.push(
    '',
    `${set[0].toUpperCase()}${set.slice(1)}${set.endsWith('s') ? "'" : "'s"} real-data floor for the strong score: real periods against other real periods (blocks of 240 rows dealt at random to two sides, dealings 11, 12, 13, both sides split in held-out blocks) score ${period.runs.map(f3).join(', ')}. Regimes (volatility, seasons) outlast a window, so a held-out block resembles its neighbours; a generator of this one series cannot be expected to score lower.`,
  );
}
const sines = rows.filter((r) => r.set === 'sines');
if (sines.length > 0) {
  const pc = (x: number) => `${(100 * x).toFixed(0)} %`;
  const real = sines[0].shape!.real;
  const synthetic = sines.map((r) => `${pc(r.shape!.synthetic.reached)} reach it and ${pc(r.shape!.synthetic.turned)} of those turn over (${r.variant}, seed ${r.seed})`);
  const coupling = sines.map((r) => `${f3(r.shape!.synthetic.coupling)} (${r.variant}, seed ${r.seed})`);
  lines.push(
    '',
    `Sines' shape check (\`peakTurnover\`, src/data/sines.ts): ${pc(real.reached)} of the real waves reach the top of the range and ${pc(real.turned)} of those turn over within the window; of the synthetic waves ${synthetic.join('; ')}.`,
    '',
    `Sines' coupling check (\`sinesCoupling\`: mean |correlation| of the last wave with each other wave one step earlier, which the predictive score's predictor can learn and real data does not have): real ${f3(real.coupling)}; synthetic ${coupling.join(', ')}.`,
  );
}
if (missing.length > 0) lines.push('', `Not in ${out} (--kept left them out): ${missing.join('; ')}.`);
const warnings = rows.flatMap((r) => r.warnings.map((w) => `- ${r.variant}, ${r.set}, seed ${r.seed}: ${w}`));
if (warnings.length > 0) lines.push('', 'Warnings of the evaluation:', '', ...warnings);
const md = lines.join('\n') + '\n';
writeFileSync(join(out, 'reproduce.md'), md);
process.stdout.write('\n' + md);
