/**
 * Training monitors, as callbacks that measure every so many iterations and
 * record into the history:
 *
 * - the diversity monitor: the generator's diversity (see diversity.ts).
 *   A generator can also collapse onto a few realistic but
 *   distinct shapes and keep its spread: so the monitor also records the
 *   coverage of the same two sets (Naeem et al. 2020, as the evaluation's),
 *   and calls it collapse when coverage is low while the generated samples
 *   still look real (precision above 0.9; lower is an untrained or lost
 *   generator, not a collapsed one). Both signals count from a fifth of the
 *   generator's training on: an untrained generator covers little, and
 *   TimeGAN's is narrow for its first hundred joint iterations. On 128 Sines
 *   windows a side, trained TimeGAN models measure .85–.93, feature
 *   matching's collapse .20–.28, real against real .97–.98
 *   (docs/experiments/2026-11-27-timegan-turnover-bidirectional-d.md);
 *   a coverage that is still climbing is a generator learning, not
 *   collapsed. It warns once each time a signal falls below its threshold.
 *   It records recall too (the share of real windows inside a generated
 *   window's ball), without a warning: on 128 windows a side neither signal
 *   tells a generator crowded into the dense part of the data from a healthy
 *   one (on Stocks the crowded model, whose evaluation found coverage .49
 *   and recall .06, measured recall .48–.66 and coverage .71–.92 from a
 *   fifth of its joint phase on; two healthy ones .52–.91 and .67–.97). On
 *   1,000 windows a side, the evaluation's, they separate, at 1.3 s a
 *   measurement
 *   (docs/experiments/2026-11-28-timegan-full-table-timed-alone.md);
 *   `tsgan eval` warns of it (RECALL_WARN).
 * - the per-time-step gradient diagnostic: ‖∂L_D/∂x_t‖ of the
 *   discriminator's loss on a real batch, per input step. A curve that
 *   falls by orders of magnitude towards the first steps is the vanishing
 *   gradient of Bengio et al. (1994): D cannot judge long-range structure,
 *   so G is never taught it.
 */
import { tf } from '../engine.js';
import { runStream } from '../random.js';
import type { Gan } from '../models/gan.js';
import type { Items } from '../data/batches.js';
import { drawItems } from '../data/batches.js';
import { diversityProbe, DIVERSITY_SAMPLES, DIVERSITY_THRESHOLD } from './diversity.js';
import type { Callback, History, TrainControl } from './loop.js';
import { declared, wordList, type OptionDecl } from '../config/options.js';
import { distanceMetrics } from '../eval/distance.js';

/** How often the monitors measure, as options of a training run (0: off). */
export const MONITOR_OPTIONS: readonly OptionDecl[] = [
  { name: 'diversityEvery', flag: 'diversity-every', kind: { type: 'int', min: 0 }, target: 'run', default: 100, section: 'Monitors', doc: "measure the generator's diversity, coverage and recall every N iterations and warn of mode collapse (0: off)" },
  { name: 'gradStepsEvery', flag: 'grad-steps-every', kind: { type: 'int', min: 0 }, target: 'run', default: 100, section: 'Monitors', doc: 'record the gradient reaching each time step every N iterations (0: off)' },
];

export interface DiversityOptions {
  /** Measure every this many iterations (default: MONITOR_OPTIONS). */
  every?: number;
  /** Samples a side. */
  samples?: number;
  /** Warn below this ratio. */
  threshold?: number;
  /** Warn below this coverage, while precision is above 0.9 and coverage is not rising. */
  coverageThreshold?: number;
  seed?: number;
  onWarn?: (message: string) => void;
}

/** Measurements over which a learning generator's coverage must rise by 0.1 (at the default `every`, 1,000 iterations). */
const RISE_CHECKS = 10;

export function diversityMonitor(model: Gan, real: Items, opts: DiversityOptions = {}): Callback {
  const every = opts.every ?? (declared(MONITOR_OPTIONS, 'diversityEvery').default as number);
  const threshold = opts.threshold ?? DIVERSITY_THRESHOLD;
  const coverageThreshold = opts.coverageThreshold ?? 0.4;
  const probe = diversityProbe(real, opts.samples ?? DIVERSITY_SAMPLES, opts.seed ?? 0);
  const seqLen = real.itemShape[0]!;
  const windows = (data: Float32Array) => ({ data, count: probe.n, seqLen, features: probe.size / seqLen });
  const realSet = windows(probe.real);
  let warned = false;
  return {
    onIterationEnd(it: number, _logs: Record<string, number>, control: TrainControl, history: History) {
      if (it % every !== 0) return;
      if (control.generatorTrained === false) return;
      const fake = probe.sample(model);
      const ratio = probe.ratio(fake);
      const { coverage, precision, recall } = distanceMetrics(realSet, windows(fake));
      history.recordSparse('diversity', it, ratio);
      history.recordSparse('coverage', it, coverage);
      history.recordSparse('recall', it, recall);
      // An untrained or still-learning generator covers little too (TimeGAN's, over pretrained
      // S and R: 12 % at 59 % precision at its first joint iteration; with a bidirectional D,
      // .12–.21 → .26–.34 → .42–.59 over its first 2,000 joint iterations, then .89–.92):
      // coverage counts as collapse only while nearly every sample looks real, from a fifth
      // of G's training on, and while it is not climbing (by 0.1 since RISE_CHECKS
      // measurements ago; one measurement on 128 windows varies by about ±0.04).
      const past = history.sparse.coverage!.values; // this measurement last
      const rising = coverage - past[Math.max(0, past.length - 1 - RISE_CHECKS)]! >= 0.1;
      // The spread, too, counts from a fifth of G's training on: TimeGAN's default generator on
      // Sines measured .20 and .53 at its first joint measurement and .97–1.02 a hundred
      // iterations later — a generator not yet trained, not a collapsed one.
      const settled = control.progress >= 0.2;
      const collapsed = settled && (ratio < threshold || (coverage < coverageThreshold && precision > 0.9 && !rising));
      if (collapsed && !warned) {
        warned = true;
        opts.onWarn?.(
          ratio < threshold
            ? `tsgan: warning: generator diversity ${ratio.toFixed(3)} at iteration ${it} (generated samples are ${(100 * ratio).toFixed(0)} % as spread out as real ones): mode collapse; try ${wordList(model.collapseRemedies('spread'), 'or')}`
            : `tsgan: warning: generator coverage ${coverage.toFixed(2)} at iteration ${it} (${(100 * coverage).toFixed(0)} % of real windows have a generated neighbour, though ${(100 * precision).toFixed(0)} % of generated ones look real): mode collapse onto a few shapes; try ${wordList(model.collapseRemedies('coverage'), 'or')}${model.config.featureMatching ? ' (feature matching, which this run uses, can cause this)' : ''}`,
        );
      } else if (!collapsed) warned = false;
    },
  };
}

export interface GradStepOptions {
  /** Measure every this many iterations, and at the first (default: MONITOR_OPTIONS). */
  every?: number;
  /** Real windows in the measured batch. */
  samples?: number;
  seed?: number;
}

export function gradPerStepMonitor(model: Gan, real: Items, opts: GradStepOptions = {}): Callback {
  const every = opts.every ?? (declared(MONITOR_OPTIONS, 'gradStepsEvery').default as number);
  const n = Math.min(opts.samples ?? 128, real.count);
  const rng = runStream(opts.seed ?? 0, 'gradSteps');
  const count = n - (n % model.config.pac); // D reads packs of `pac` windows
  const batch = drawItems(real, count, rng);
  return {
    onIterationEnd(it: number, _logs: unknown, _control: unknown, history: History) {
      if (it !== 1 && it % every !== 0) return;
      const x = tf.tensor(batch, [count, ...real.itemShape]);
      const norms = model.discriminatorGradPerStep(x);
      x.dispose();
      if (norms.length > 0) history.gradNormPerStep.push({ iteration: it, norms });
    },
  };
}
