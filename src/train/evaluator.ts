/**
 * Evaluation during training (`tsgan train --eval-every N`), as a callback:
 * every N iterations the generator samples a fixed-noise batch, which is
 * measured against held-out real windows (MMD, coverage, precision, recall,
 * spread, memorisation, marginal W1; TimeGAN's discriminative score when it
 * is the chosen metric, which costs seconds each time). The records go into
 * the model's history; the weights of the best evaluation by the chosen
 * metric are kept, so that the saved model is the best checkpoint rather
 * than the last — GAN quality does not improve monotonically.
 */
import { tf } from '../engine.js';
import { Rng, runStream } from '../random.js';
import type { Gan } from '../models/gan.js';
import { pickOrigins, pickWindows, type WindowSet } from '../eval/data.js';
import { distanceMetrics } from '../eval/distance.js';
import { marginalStats } from '../eval/stats.js';
import { discriminativeScore, subsample } from '../eval/posthoc.js';
import type { Callback, History, Metrics, TrainControl } from './loop.js';
import { declared, type OptionDecl } from '../config/options.js';

export const EVAL_METRICS = { mmd: 'lower', coverage: 'higher', discriminative: 'lower' } as const;

/** Evaluation during training, as options of a run. */
export const EVAL_OPTIONS: readonly OptionDecl[] = [
  { name: 'evalEvery', flag: 'eval-every', kind: { type: 'int', min: 1 }, target: 'run', defaultText: 'off', section: 'Evaluation', doc: 'every N iterations, measure samples against a held-out 20 % of the data (blocks of time), record it in the history, and save the best checkpoint instead of the last' },
  { name: 'evalMetric', flag: 'eval-metric', kind: { type: 'choice', choices: Object.keys(EVAL_METRICS) }, target: 'run', default: 'mmd', section: 'Evaluation', doc: "what best means; discriminative is TimeGAN's score (a few seconds per evaluation)" },
];
export type EvalMetricName = keyof typeof EVAL_METRICS;

export interface EvalEveryOptions {
  /** Evaluate every this many iterations. */
  every: number;
  /** Metric that picks the best checkpoint (default: EVAL_OPTIONS). */
  metric?: EvalMetricName;
  /** Held-out real windows (scaled). */
  heldOut: WindowSet;
  /** [series, first row] per held-out window, for the overlap-aware neighbour metrics. */
  heldOutOrigin?: Int32Array;
  /** Windows a side. */
  samples?: number;
  seed?: number;
  onLog?: (message: string) => void;
}

export class EvalCallback implements Callback {
  best: { iteration: number; metric: EvalMetricName; value: number } | null = null;
  private bestWeights: Record<string, tf.Tensor[]> | null = null;
  private readonly metric: EvalMetricName;
  private readonly real: WindowSet;
  private readonly origin?: Int32Array;

  constructor(private readonly model: Gan, private readonly opts: EvalEveryOptions) {
    this.metric = opts.metric ?? (declared(EVAL_OPTIONS, 'evalMetric').default as EvalMetricName);
    if (!(this.metric in EVAL_METRICS)) throw new Error(`unknown evaluation metric "${this.metric}"; use ${Object.keys(EVAL_METRICS).join(', ')}`);
    const rng = runStream(opts.seed ?? 0, 'evaluator');
    const n = Math.min(opts.samples ?? 500, opts.heldOut.count);
    const idx = rng.permutation(opts.heldOut.count).subarray(0, n);
    this.real = pickWindows(opts.heldOut, idx);
    if (opts.heldOutOrigin) this.origin = pickOrigins(opts.heldOutOrigin, idx);
  }

  /** Metrics of the generator as it is now. */
  evaluate(): Record<string, number> {
    const { seqLen, features } = this.real;
    // The same noise at every evaluation, so that changes are the model's.
    const data = this.model.sample(this.real.count, new Rng(this.opts.seed ?? 0));
    const synthetic: WindowSet = { data, count: this.real.count, seqLen, features };
    const d = distanceMetrics(this.real, synthetic, this.origin);
    const m = marginalStats(this.real, synthetic);
    const out: Record<string, number> = {
      mmd: d.mmd,
      coverage: d.coverage,
      precision: d.precision,
      recall: d.recall,
      spread: d.spread,
      memorisation: d.memorisation.share,
      marginalW1: m.wasserstein.reduce((a, b) => a + b, 0) / m.wasserstein.length,
    };
    if (this.metric === 'discriminative') {
      out.discriminative = discriminativeScore(this.real, subsample(synthetic, synthetic.count, new Rng(1)), { seed: this.opts.seed }).score;
    }
    return out;
  }

  onIterationEnd(it: number, _logs: Metrics, control: TrainControl, history: History): void {
    if (it % this.opts.every !== 0) return;
    if (control.generatorTrained === false) return;
    const metrics = this.evaluate();
    history.recordEvaluation(it, metrics);
    const value = metrics[this.metric];
    const better = this.best === null || (EVAL_METRICS[this.metric] === 'lower' ? value < this.best.value : value > this.best.value);
    if (better) {
      this.best = { iteration: it, metric: this.metric, value };
      this.dropSnapshot();
      // Every network (TimeGAN's embedder too), so that the saved model is one consistent checkpoint.
      // With `ema`, the generator's averaged weights: the ones that were evaluated.
      this.bestWeights = this.model.withAverage(() =>
        Object.fromEntries(Object.entries(this.model.networkVariables()).map(([k, vs]) => [k, vs.map((v) => tf.clone(v))])),
      );
    }
    this.opts.onLog?.(
      `eval at ${it}: mmd ${metrics.mmd.toFixed(4)}, coverage ${metrics.coverage.toFixed(3)}, spread ${metrics.spread.toFixed(3)}` +
        (metrics.discriminative !== undefined ? `, discriminative ${metrics.discriminative.toFixed(3)}` : '') +
        (better ? ' (best so far)' : ''),
    );
  }

  /** Puts the best checkpoint's weights into the model; returns its iteration, or null if none was taken. */
  restoreBest(): number | null {
    if (!this.bestWeights || !this.best) return null;
    this.model.setNetworkWeights(this.bestWeights);
    return this.best.iteration;
  }

  /** The best evaluation so far and its weights, for checkpoints. */
  getState(): { best: EvalCallback['best']; weights: Record<string, Float32Array[]> | null } {
    const weights = this.bestWeights && Object.fromEntries(Object.entries(this.bestWeights).map(([k, ts]) => [k, ts.map((t) => t.dataSync().slice() as Float32Array)]));
    return { best: this.best && { ...this.best }, weights };
  }

  setState(state: ReturnType<EvalCallback['getState']>): void {
    this.dropSnapshot();
    this.best = state.best && { ...state.best };
    if (!state.weights) return;
    const nets = this.model.networkVariables();
    this.bestWeights = Object.fromEntries(
      Object.entries(nets).map(([k, vars]) => {
        const ws = state.weights![k];
        if (!ws || ws.length !== vars.length || ws.some((w, i) => w.length !== vars[i].size)) throw new Error(`the checkpoint's best ${k} weights do not fit the model`);
        return [k, ws.map((w, i) => tf.tensor(w, vars[i].shape))];
      }),
    );
  }

  private dropSnapshot(): void {
    if (this.bestWeights) tf.dispose(Object.values(this.bestWeights).flat());
    this.bestWeights = null;
  }

  dispose(): void {
    this.dropSnapshot();
  }
}
