/**
 * The whole evaluation of synthetic sequences against real ones: TimeGAN's
 * discriminative and predictive scores (repeated with several seeds, mean ±
 * std), the strong discriminative variant, MMD, nearest-neighbour coverage
 * and spread (mode collapse), memorisation of whole windows and of replayed
 * stretches (privacy), marginal distances,
 * autocorrelation and cross-correlation errors. Lower is better for every
 * score except coverage, precision, recall and density (higher) and spread
 * (1 is right).
 */
import { TsganError } from '../errors.js';
import { runStream } from '../random.js';
import { pickOrigins, pickWindows, type EvalData, type WindowSet } from './data.js';
import { discriminativeScore, predictiveScore, subsample, DISCRIMINATIVE_ITERATIONS, PREDICTIVE_ITERATIONS, STRONG_CAP } from './posthoc.js';
import { defaultsFor, type OptionDecl } from '../config/options.js';
import { distanceMetrics } from './distance.js';
import { replayedStretches, type ReplayResult } from './replay.js';
import { autocorrelation, correlationMatrix, marginalStats, meanAbsDiff, texture } from './stats.js';

/** The evaluation's options, each default declared once (EvaluateOptions' keys). */
export const EVALUATE_OPTIONS: readonly OptionDecl[] = [
  { name: 'repeats', flag: 'repeats', kind: { type: 'int', min: 1 }, target: 'run', default: 3, section: 'Scores', doc: 'runs of each trained score, with seeds seed, seed + 1, …' },
  { name: 'quick', flag: 'quick', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Scores', doc: 'skip the trained scores (seconds instead of minutes)' },
  { name: 'discriminativeIterations', flag: 'disc-iterations', kind: { type: 'int', min: 1 }, target: 'run', default: DISCRIMINATIVE_ITERATIONS, section: 'Scores', doc: `steps of the discriminative classifier (TimeGAN's; the strong variant stops early, at most ${STRONG_CAP} × N)` },
  { name: 'predictiveIterations', flag: 'pred-iterations', kind: { type: 'int', min: 1 }, target: 'run', default: PREDICTIVE_ITERATIONS, section: 'Scores', doc: "steps of the predictive model (TimeGAN's)" },
  { name: 'maxSamples', kind: { type: 'int', min: 1 }, target: 'run', default: 1000, section: 'Scores', doc: 'windows per side for the distance metrics' },
  { name: 'seed', flag: 'seed', kind: { type: 'seed' }, target: 'run', default: 0, section: 'Scores', doc: 'seed of every random choice, an integer in [0, 4294967295]' },
];
const DEFAULTS = defaultsFor(EVALUATE_OPTIONS, 'run') as { repeats: number; discriminativeIterations: number; predictiveIterations: number; maxSamples: number; seed: number };

/** Defaults in EVALUATE_OPTIONS. */
export interface EvaluateOptions {
  repeats?: number;
  seed?: number;
  quick?: boolean;
  discriminativeIterations?: number;
  /** Step cap of the strong discriminator (it stops early on its validation loss). Default STRONG_CAP × discriminativeIterations. */
  strongIterations?: number;
  predictiveIterations?: number;
  maxSamples?: number;
  /** Largest autocorrelation lag. */
  maxLag?: number;
  /** One line per finished part. */
  onProgress?: (message: string) => void;
  /**
   * [series, first row] per real window (EvalData.realOrigin): the strong
   * score's held-out blocks of time and the overlap-aware neighbour metrics
   * need it; without it every real window counts as its own series.
   */
  realOrigin?: Int32Array;
  /** Real windows through the model's autoencoder (reconstruction.ts): their strong score is measured too. */
  reconstructed?: WindowSet;
}

export interface Repeated {
  mean: number;
  std: number;
  runs: number[];
}

export interface EvalResult {
  features: string[];
  seqLen: number;
  realSequences: number;
  syntheticSequences: number;
  seed: number;
  repeats: number;
  /** |0.5 − held-out accuracy| of TimeGAN's post-hoc GRU classifier (random 80/20 windows, as its reference code). */
  discriminative?: Repeated & { accuracy: number; iterations: number };
  /**
   * The headline: the same score of a two-layer classifier trained to
   * convergence, tested on real windows from held-out blocks of `blockRows`
   * rows per run (0: split by window); `testWindows` per run and side.
   */
  discriminativeStrong?: StrongResult;
  /**
   * The strong score of the real windows through the model's own
   * autoencoder (`--reconstruction`): where it is near 0.5, the decoder
   * every sample passes through is already told from real data.
   */
  reconstruction?: StrongResult;
  /** MAE on real data of a next-step predictor trained on synthetic data; `baseline`: trained on real. */
  predictive?: Repeated & { baseline: Repeated; iterations: number };
  mmd: { value: number; bandwidth: number; samples: number };
  coverage: { value: number; precision: number; recall: number; density: number; spread: number; k: number };
  memorisation: { share: number; threshold: number; exactCopies: number; warning: boolean };
  /** Memorisation of short runs: synthetic stretches that repeat a real stretch's moves (replay.ts). */
  replay: ReplayResult;
  marginal: { wasserstein: number; ks: number; perFeature: Record<string, { wasserstein: number; ks: number }> };
  autocorrelation: { error: number; lags: number; real: number[][]; synthetic: number[][] };
  crossCorrelation: { error: number; real: number[][]; synthetic: number[][] };
  /** Per feature, real and synthetic: lag-1 autocorrelation of the step-to-step changes, and wiggles per window (stats.texture). */
  texture: { real: ReturnType<typeof texture>; synthetic: ReturnType<typeof texture> };
  warnings: string[];
}

/**
 * The strong score's runs: a two-layer classifier trained to convergence,
 * tested on real windows from held-out blocks of `blockRows` rows per run
 * (0: split by window); `testWindows` per run and side.
 */
export type StrongResult = Repeated & {
  accuracy: number;
  /** Held-out accuracy on the real and on the synthetic test windows alone (mean over runs): a score from real windows called synthetic shows here. */
  accuracyReal: number;
  accuracySynthetic: number;
  iterations: number[];
  /** Per run, the step whose weights were scored (best validation loss). */
  bestSteps: number[];
  blockRows: number[];
  testWindows: number[];
  /** Per run, the real test windows that share no row (DiscriminativeResult.testIndependent); absent in evaluations made before it. */
  testIndependent?: number[];
};

/**
 * A run "tells" the two sides apart when its held-out accuracy is further
 * from 0.5 than TOLD_Z standard errors of a fair coin tossed once per
 * independent test window (real windows that share no row, and as many
 * synthetic ones): chance alone does that in 3 runs of 1,000.
 */
export const TOLD_Z = 3;

/**
 * The runs of a strong score that told the sides apart (TOLD_Z). The mean
 * hides a classifier that finds a difference in some runs and not in others
 * (near its resolution, which depends on its seed): "told in k of n" does not.
 * Evaluations made before testIndependent count every test window, which
 * overstates the evidence where windows overlap (one long series).
 */
export function toldRuns(r: Pick<StrongResult, 'runs' | 'testWindows' | 'testIndependent'>): number {
  return r.runs.filter((score, i) => score > (TOLD_Z * 0.5) / Math.sqrt(2 * (r.testIndependent?.[i] ?? r.testWindows[i]))).length;
}

/** Coverage below this, or spread below SPREAD_WARN, flags mode collapse. */
export const COVERAGE_WARN = 0.2;
export const SPREAD_WARN = 0.5;
/**
 * Recall below this while precision is above 0.9 flags a generator crowded into part of the
 * data (every synthetic window looks real, few real windows lie among them). On tsgan's
 * TimeGAN models: crowded Stocks generators .004–.062 (coverage .49–.58, no other warning),
 * healthy defaults on Sines and Stocks .26–.89
 * (docs/experiments/2026-11-28-timegan-full-table-timed-alone.md).
 */
export const RECALL_WARN = 0.1;

export function repeated(runs: number[]): Repeated {
  const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
  const std = Math.sqrt(runs.reduce((a, b) => a + (b - mean) ** 2, 0) / runs.length); // np.std, as the paper
  return { mean, std, runs };
}

export function evaluateWindows(
  real: WindowSet,
  synthetic: WindowSet,
  features: string[],
  opts: EvaluateOptions = {},
): EvalResult {
  const seed = opts.seed ?? DEFAULTS.seed;
  const repeats = opts.repeats ?? DEFAULTS.repeats;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`repeats must be a positive integer, got ${repeats}`);
  const log = opts.onProgress ?? (() => {});
  const T = real.seqLen;
  const warnings: string[] = [];
  const result: Partial<EvalResult> = { features, seqLen: T, realSequences: real.count, syntheticSequences: synthetic.count, seed, repeats };

  // Refused before any training: with one step there is no next step to predict, and the predictive score would fail after the discriminator's minutes.
  if (!opts.quick && T < 2) {
    throw new TsganError(`the predictive score needs sequences of at least 2 steps, these have ${T}; pass --quick for the untrained metrics only, or use longer sequences`);
  }
  if (!opts.quick) {
    const disc = [];
    const discIterations = opts.discriminativeIterations ?? DEFAULTS.discriminativeIterations;
    // The strong score first: it is the one that says whether the data can be told from real data.
    const cap = opts.strongIterations ?? Math.round(STRONG_CAP * discIterations);
    const strongRuns = (other: WindowSet, paired = false): StrongResult => {
      const runs = Array.from({ length: repeats }, (_, r) => discriminativeScore(real, other, { seed: seed + r, variant: 'strong', iterations: cap, realOrigin: opts.realOrigin, paired }));
      return {
        ...repeated(runs.map((d) => d.score)),
        accuracy: mean(runs.map((d) => d.accuracy)),
        accuracyReal: mean(runs.map((d) => d.accuracyReal)),
        accuracySynthetic: mean(runs.map((d) => d.accuracySynthetic)),
        iterations: runs.map((d) => d.iterations),
        bestSteps: runs.map((d) => d.bestStep ?? d.iterations),
        blockRows: runs.map((d) => d.blockRows ?? 0),
        testWindows: runs.map((d) => d.testWindows),
        testIndependent: runs.map((d) => d.testIndependent ?? d.testWindows),
      };
    };
    result.discriminativeStrong = strongRuns(synthetic);
    log(`discriminative (strong) ${fmtStrong(result.discriminativeStrong)}`);
    if (opts.reconstructed) {
      result.reconstruction = strongRuns(opts.reconstructed, true);
      log(`discriminative (strong) of the model's reconstructions ${fmtStrong(result.reconstruction)}`);
    }
    const byWindow = result.discriminativeStrong.blockRows.filter((b) => b === 0).length;
    if (byWindow > 0) {
      warnings.push(
        `the strong classifier was tested on real windows split at random, not in held-out blocks of time, in ${byWindow} of ${repeats} runs (too little real data for a block in every part${opts.realOrigin ? '' : ', or no origins given'}): windows that overlap its training windows can overstate its score`,
      );
    }
    for (let r = 0; r < repeats; r++) disc.push(discriminativeScore(real, synthetic, { seed: seed + r, iterations: discIterations }));
    result.discriminative = { ...repeated(disc.map((d) => d.score)), accuracy: mean(disc.map((d) => d.accuracy)), iterations: disc[0].iterations };
    log(`discriminative (TimeGAN's) ${fmt(result.discriminative)}`);
    const it = opts.predictiveIterations ?? DEFAULTS.predictiveIterations;
    const pred = Array.from({ length: repeats }, (_, r) => predictiveScore(synthetic, real, { seed: seed + r, iterations: it }));
    const base = Array.from({ length: repeats }, (_, r) => predictiveScore(real, real, { seed: seed + r, iterations: it }));
    result.predictive = { ...repeated(pred), baseline: repeated(base), iterations: it };
    log(`predictive ${fmt(result.predictive)} (real data: ${fmt(result.predictive.baseline)})`);
  }

  // Distance metrics on up to maxSamples windows a side; the real subsample keeps its origins.
  const maxSamples = opts.maxSamples ?? DEFAULTS.maxSamples;
  const rng = runStream(seed, 'evaluation');
  const idx = rng.permutation(real.count).subarray(0, Math.min(maxSamples, real.count));
  const realSub = pickWindows(real, idx);
  const origin = opts.realOrigin ? pickOrigins(opts.realOrigin, idx) : undefined;
  const synthSub = subsample(synthetic, maxSamples, rng);
  const d = distanceMetrics(realSub, synthSub, origin);
  result.mmd = { value: d.mmd, bandwidth: d.mmdBandwidth, samples: Math.min(realSub.count, synthSub.count) };
  result.coverage = { value: d.coverage, precision: d.precision, recall: d.recall, density: d.density, spread: d.spread, k: 5 };
  result.memorisation = d.memorisation;
  log(`mmd ${d.mmd.toFixed(4)}, coverage ${d.coverage.toFixed(3)}, memorised ${(100 * d.memorisation.share).toFixed(1)} %`);
  if (d.spread < SPREAD_WARN || (d.coverage < COVERAGE_WARN && d.precision > 0.5)) {
    warnings.push(
      `mode collapse suspected: coverage ${d.coverage.toFixed(2)} (real windows with a synthetic neighbour), spread ${d.spread.toFixed(2)} (synthetic / real standard deviation)`,
    );
  } else if (d.coverage < COVERAGE_WARN) {
    warnings.push(`synthetic windows miss the real data: coverage ${d.coverage.toFixed(2)}, precision ${d.precision.toFixed(2)}`);
  } else if (d.recall < RECALL_WARN && d.precision > 0.9) {
    warnings.push(
      `crowded: recall ${d.recall.toFixed(2)} (real windows among the synthetic ones) though precision is ${d.precision.toFixed(2)}: the synthetic windows pile up in part of the data (a partial mode collapse)`,
    );
  }
  // Replayed stretches, over every real window: the distinct stretches of the data.
  const replay = replayedStretches(real, synthetic, { seed, realOrigin: opts.realOrigin });
  result.replay = replay;
  log(`replayed stretches ${replayValue(replay)}`);
  if (d.memorisation.warning) {
    warnings.push(
      `memorisation: ${(100 * d.memorisation.share).toFixed(0)} % of synthetic windows are closer to a real window than real windows are to each other` +
        (d.memorisation.exactCopies > 0 ? ` (${(100 * d.memorisation.exactCopies).toFixed(0)} % are exact copies)` : '') +
        '; do not share them as private data',
    );
  }
  if (replay.warning) {
    warnings.push(
      `replayed stretches: ${(100 * replay.share).toFixed(1)} % of synthetic ${replay.steps}-step stretches repeat a real stretch's moves (perhaps from another level) far more closely than real stretches repeat each other, against ${(100 * replay.realShare).toFixed(1)} % of real stretches held out from the comparison; do not share them as private data`,
    );
  }

  const m = marginalStats(realSub, synthSub);
  result.marginal = {
    wasserstein: mean(m.wasserstein),
    ks: mean(m.ks),
    perFeature: Object.fromEntries(features.map((f, i) => [f, { wasserstein: m.wasserstein[i], ks: m.ks[i] }])),
  };
  const lags = Math.max(1, Math.min(opts.maxLag ?? 10, T - 1));
  const acfR = T > 1 ? autocorrelation(realSub, lags) : [];
  const acfS = T > 1 ? autocorrelation(synthSub, lags) : [];
  result.autocorrelation = { error: T > 1 ? meanAbsDiff(acfR, acfS) : 0, lags: T > 1 ? lags : 0, real: acfR, synthetic: acfS };
  const cR = correlationMatrix(realSub);
  const cS = correlationMatrix(synthSub);
  result.crossCorrelation = { error: meanAbsDiff(cR, cS, true), real: cR, synthetic: cS };
  result.texture = { real: texture(realSub), synthetic: texture(synthSub) };
  result.warnings = warnings;
  return result as EvalResult;
}

/** The evaluation of loaded data (see loadEvalData). */
export function evaluateData(data: EvalData, opts: EvaluateOptions = {}): EvalResult {
  return evaluateWindows(data.real, data.synthetic, data.features, { ...opts, realOrigin: data.realOrigin });
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function memorised(r: EvalResult): string {
  return `${(100 * r.memorisation.share).toFixed(1)} %`;
}

/** "2.0 % (real 0.4 %)": the synthetic and the held-out real share. */
function replayValue(r: ReplayResult): string {
  const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : 'n/a');
  return `${pct(r.share)} (real ${pct(r.realShare)})`;
}

function replayRow(r: EvalResult): [string, string, string] {
  return [
    'replayed stretches',
    replayValue(r.replay),
    `synthetic ${r.replay.steps}-step stretches that repeat a real stretch's moves far more closely than the real data repeats it (copied runs show here); in brackets, real stretches held out from the comparison: the level to match`,
  ];
}

export function fmt(r: Repeated): string {
  return `${r.mean.toFixed(4)} ± ${r.std.toFixed(4)}`;
}

/** A strong score with the runs that told the sides apart: "0.4898 ± 0.0083, told in 10 of 10". */
export function fmtStrong(r: StrongResult): string {
  return `${fmt(r)}, told in ${toldRuns(r)} of ${r.runs.length}`;
}

/** [metric, value, one-line meaning] rows, for the printed table and the report. */
export function formatEvalRows(r: EvalResult): [string, string, string][] {
  const rows: [string, string, string][] = [];
  if (r.discriminativeStrong) {
    const blocks = r.discriminativeStrong.blockRows;
    const test = blocks.every((b) => b > 0) ? `real test windows from held-out blocks of ${blocks[0]} rows` : 'real test windows partly at random (see the warning)';
    rows.push(['discriminative (strong)', fmtStrong(r.discriminativeStrong), `|0.5 − accuracy| of a two-layer GRU trained to convergence, ${test}; 0 = indistinguishable, 0.5 = always told; told: runs beyond ${TOLD_Z} standard errors of chance`]);
    rows.push(['memorisation', memorised(r), 'synthetic windows closer to a real one than real ones are to each other (a low score by copying shows here)']);
    rows.push(replayRow(r));
  }
  if (r.reconstruction) rows.push(['reconstruction (strong)', fmtStrong(r.reconstruction), "the strong score of the real windows through the model's own encoder and decoder: near 0.5, the decoder every sample leaves through is told already"]);
  if (r.discriminative) rows.push([r.discriminativeStrong ? "discriminative (TimeGAN's)" : 'discriminative', fmt(r.discriminative), "the same for TimeGAN's post-hoc classifier (one small GRU, 2,000 steps): the score papers report"]);
  if (r.predictive) {
    rows.push(['predictive', fmt(r.predictive), 'MAE on real data of a next-step predictor trained on synthetic data']);
    rows.push(['predictive (real data)', fmt(r.predictive.baseline), 'the same predictor trained on real data: the score to match']);
  }
  rows.push(['mmd', r.mmd.value.toFixed(4), 'maximum mean discrepancy (Gaussian kernel); 0 = same distribution']);
  rows.push(['coverage', r.coverage.value.toFixed(3), 'share of real windows with a synthetic neighbour (higher is better; low = parts of the data missed)']);
  rows.push(['precision / recall', `${r.coverage.precision.toFixed(3)} / ${r.coverage.recall.toFixed(3)}`, 'synthetic inside the real data / real inside the synthetic data (higher is better)']);
  rows.push(['spread', r.coverage.spread.toFixed(3), 'synthetic / real standard deviation; 1 = right, near 0 = collapse']);
  if (!r.discriminativeStrong) rows.push(['memorisation', memorised(r), 'synthetic windows closer to a real one than real ones are to each other']);
  if (!r.discriminativeStrong) rows.push(replayRow(r));
  rows.push(['marginal W1 / KS', `${r.marginal.wasserstein.toFixed(4)} / ${r.marginal.ks.toFixed(4)}`, 'per-feature value distributions (mean over features)']);
  rows.push(['autocorrelation error', r.autocorrelation.error.toFixed(4), `mean |ACF real − ACF synthetic|, lags 1..${r.autocorrelation.lags}`]);
  rows.push(['cross-correlation error', r.crossCorrelation.error.toFixed(4), 'mean |corr real − corr synthetic| between features']);
  if (r.seqLen > 2) {
    const pair = (k: 'changeAutocorrelation' | 'wiggles', digits: number) => `${mean(r.texture.real[k]).toFixed(digits)} / ${mean(r.texture.synthetic[k]).toFixed(digits)}`;
    rows.push(["changes' autocorrelation", pair('changeAutocorrelation', 3), 'real / synthetic: lag-1 autocorrelation of step-to-step changes, mean over features (a random walk ≈ 0; too smooth = higher)']);
    rows.push(['wiggles', pair('wiggles', 2), 'real / synthetic: sign changes of the second difference per window, mean over features (noise adds them)']);
  }
  return rows;
}

/** The metrics as a plain-text table, then the warnings. */
export function formatEvalTable(r: EvalResult): string {
  const rows = formatEvalRows(r);
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  return lines.join('\n') + '\n' + r.warnings.map((w) => `warning: ${w}\n`).join('');
}
