/**
 * Callbacks for `fit`: a progress bar (or, off a terminal, a plain line every
 * few seconds) that can print lines above itself, as tqdm's `write` does, and
 * a guard that stops training when a loss turns NaN or infinite, instead of
 * saving a broken model.
 */
import type { Callback, Metrics, TrainControl } from './loop.js';
import { tf } from '../engine.js';
import { TsganError } from '../errors.js';

export interface ProgressOptions {
  /** Where to write. Default process.stderr. */
  stream?: Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean; columns?: number };
  /** Metrics to show, in order. Default: every metric. */
  show?: string[];
  /** Seconds between plain lines when the stream is not a terminal. */
  plainEverySeconds?: number;
  /** Label in front of the bar. */
  label?: string;
  /** Clock in milliseconds. Default performance.now (tests pass their own). */
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface ProgressBar extends Callback {
  /**
   * Prints `message` as a line of its own. On a terminal the bar is cleared
   * first and drawn again below the line: written straight to the stream, a
   * warning during training (the diversity monitor's) was glued to the end of
   * the bar's line and left that stale bar on screen above the new one.
   */
  write(message: string): void;
}

export function progressBar(opts: ProgressOptions = {}): ProgressBar {
  const stream = opts.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const every = (opts.plainEverySeconds ?? 5) * 1000;
  const label = opts.label ?? 'train';
  const now = opts.now ?? (() => performance.now());
  let total = 0;
  let first = 0;
  let t0 = 0;
  let lastDraw = 0;
  let lastLine = 0;
  // The bar as it stands on the terminal, between its first draw and the end of training.
  let drawn: string | null = null;
  // The rate is measured since the current phase began (a metric named 'phase', as TimeGAN's
  // trainer logs): its joint phase runs ~10x slower than the first two, so a rate averaged
  // from the start would promise minutes where tens are left.
  let phase: number | undefined;
  let phaseIt = 0;
  let phaseT = 0;
  // Where the model's phases end (TrainBegin.phaseEnds): before the last phase, the
  // line gives the time left in the current one only, as a later phase has no pace yet.
  let phaseEnds: number[] | undefined;
  const line = (it: number, logs: Metrics): string => {
    const done = it - first;
    const t = now();
    const elapsed = (t - t0) / 1000;
    const phaseDone = it - phaseIt;
    const phaseElapsed = (t - phaseT) / 1000;
    const rate = phaseDone > 0 && phaseElapsed > 0 ? phaseDone / phaseElapsed : done / Math.max(elapsed, 1e-9);
    const end = phaseEnds?.find((e) => done <= e) ?? total;
    const left = end < total ? `left ${formatDuration((end - done) / rate)} in this phase, later phases not timed yet` : `left ${formatDuration((total - done) / rate)}`;
    const keys = opts.show ?? Object.keys(logs);
    const ms = keys.filter((k) => k in logs).map((k) => `${k} ${fmt(logs[k])}`).join('  ');
    return `${label} ${done}/${total}  ${ms}  ${rate.toFixed(2)} it/s  elapsed ${formatDuration(elapsed)}  ${left}`;
  };
  return {
    onTrainBegin({ iterations, startIteration, phaseEnds: ends }) {
      total = iterations;
      phaseEnds = ends;
      first = startIteration;
      t0 = now();
      lastLine = t0;
      phase = undefined;
      phaseIt = startIteration;
      phaseT = t0;
    },
    onIterationEnd(it, logs) {
      const t = now();
      const done = it - first;
      if (logs.phase !== undefined && logs.phase !== phase) {
        // The rate of a new phase is measured from the end of its first iteration.
        if (phase !== undefined) {
          phaseIt = it;
          phaseT = t;
        }
        phase = logs.phase;
      }
      if (tty) {
        if (t - lastDraw < 100 && done < total) return;
        lastDraw = t;
        const width = 20;
        const filled = Math.round((done / total) * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        const text = `${bar} ${line(it, logs)}`;
        const cols = stream.columns ?? 120;
        drawn = text.slice(0, cols - 1);
        stream.write(`\r${drawn}\x1b[K`);
      } else if (t - lastLine >= every || done === total) {
        lastLine = t;
        stream.write(line(it, logs) + '\n');
      }
    },
    onTrainEnd() {
      if (tty) stream.write('\n');
      drawn = null;
    },
    write(message) {
      stream.write(drawn === null ? `${message}\n` : `\r\x1b[K${message}\n${drawn}`);
    },
  };
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1000) return String(v); // phase numbers, counts, accuracies of exactly 0 or 1
  return Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}

/** Stops training at the first NaN or infinite metric, saying which and when. */
export function nanGuard(): Callback {
  return {
    onIterationEnd(it: number, logs: Metrics, control: TrainControl) {
      for (const [k, v] of Object.entries(logs)) {
        if (!Number.isFinite(v)) {
          control.stop = true;
          control.stopReason = `${k} became ${v} at iteration ${it}; training stopped (try lower learning rates)`;
          return;
        }
      }
    },
  };
}

/**
 * Refuses to go on with weights that hold NaN or ±Infinity: the losses of
 * the last iteration are measured before its update, so a diverging last
 * step would otherwise be saved as a model (exit 1; `source` names the data).
 */
export function checkFiniteWeights(networks: Record<string, tf.Variable[]>, source: string): void {
  const bad = nonFiniteWeight(networks);
  if (bad) throw new TsganError(`${source}: the trained ${bad.network} network's weight ${bad.index} holds NaN or Infinity (training diverged; try lower learning rates); no model was written`, 1);
}

/** The first weight holding a NaN or an infinity, or null when every weight is finite. */
export function nonFiniteWeight(networks: Record<string, tf.Variable[]>): { network: string; index: number } | null {
  for (const [network, vars] of Object.entries(networks)) {
    for (let index = 0; index < vars.length; index++) {
      if (tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(vars[index]))).dataSync()[0])) return { network, index };
    }
  }
  return null;
}
