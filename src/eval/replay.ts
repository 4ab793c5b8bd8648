/**
 * Replayed stretches: memorisation of short runs, which the whole-window
 * check (distance.ts) misses. A generator can replay real runs of a few
 * steps, each from a new level, and no whole window need come near a real
 * one: the day bootstrap of docs/experiments/2026-12-07-what-stocks-strong-score-reads.md
 * replays real five-day runs, and 2.9–3.8 % of its windows count as memorised.
 *
 * A stretch of `steps` steps is taken as its moves from its first step
 * ([steps − 1, features] in the evaluation's units), so its level is left out.
 * A synthetic stretch counts as replayed when it lies closer to its nearest
 * real stretch r than REPLAY_RATIO × the distance from r to r's nearest real
 * stretch that shares no row with it: a test relative to how crowded the real
 * stretches are there (after the authenticity test of Alaa et al. 2022, which
 * uses a ratio of 1), so that a generator that keeps to the densest part of
 * the data is not taken for one that copies.
 */
import type { WindowSet } from './data.js';
import { runStream } from '../random.js';

/** Steps per stretch: a trading week, a fifth of TimeGAN's 24-step window. */
export const REPLAY_STEPS = 5;
/** A synthetic stretch this much closer to a real one than that real one is to any other counts as replayed. */
export const REPLAY_RATIO = 1 / 3;
/** A replayed share above this raises the warning. */
export const REPLAY_WARN = 0.05;
/** Real stretches compared at most (the data's distinct ones, or a random subset of them). */
const MAX_REAL = 8000;
/** Synthetic stretches tested at most (a share to about ±1 %). */
const MAX_SYNTHETIC = 2000;

export interface ReplayResult {
  /** Steps per stretch. */
  steps: number;
  /** Share of the synthetic stretches that replay a real one (see REPLAY_RATIO); NaN when no two real stretches share no row. */
  share: number;
  /** Synthetic stretches tested, and the real ones they were tested against. */
  synthetic: number;
  real: number;
  warning: boolean;
}

/** Stretch moves, [count, (steps − 1) · features], with each real stretch's origin [series, first row]. */
interface Stretches {
  moves: Float32Array;
  count: number;
  origin: Int32Array;
}

/** Up to `max` stretches of windows `w` at `offsets`, deduplicated by origin when `origin` ([series, first row] per window) is given. */
function stretches(w: WindowSet, steps: number, windows: ArrayLike<number>, offsets: number[], max: number, origin?: Int32Array): Stretches {
  const F = w.features;
  const dim = (steps - 1) * F;
  const seen = new Set<string>();
  const moves: number[] = [];
  const from: number[] = [];
  for (let k = 0; k < windows.length && from.length < 2 * max; k++) {
    const i = windows[k]!;
    for (const o of offsets) {
      if (from.length === 2 * max) break;
      const series = origin ? origin[2 * i]! : i;
      const row = origin ? origin[2 * i + 1]! + o : o;
      const key = `${series}:${row}`;
      if (seen.has(key)) continue; // overlapping windows of one series hold the same stretch
      seen.add(key);
      const base = (i * w.seqLen + o) * F; // [window, step, feature]
      for (let t = 1; t < steps; t++) for (let f = 0; f < F; f++) moves.push(w.data[base + t * F + f]! - w.data[base + f]!);
      from.push(series, row);
    }
  }
  return { moves: Float32Array.from(moves), count: moves.length / Math.max(1, dim), origin: Int32Array.from(from) };
}

/** Squared distance from row a of `A` to row b of `B`, both [*, dim]. */
function sq(A: Float32Array, a: number, B: Float32Array, b: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const v = A[a * dim + d]! - B[b * dim + d]!;
    s += v * v;
  }
  return s;
}

/**
 * The share of `synthetic`'s stretches of `steps` steps that replay a stretch
 * of `real` (see the file's comment). `realOrigin`: [series, first row] per
 * real window (EvalData.realOrigin); without it, real windows share no rows.
 * Where there are too many stretches, the subsets are drawn from stream
 * `replay` of `seed`.
 */
export function replayedStretches(real: WindowSet, synthetic: WindowSet, opts: { seed: number; realOrigin?: Int32Array; steps?: number }): ReplayResult {
  const { realOrigin, steps = REPLAY_STEPS } = opts;
  const rng = runStream(opts.seed, 'replay');
  const order = rng.permutation(real.count);
  const syntheticOrder = rng.permutation(synthetic.count);
  const T = real.seqLen;
  const L = Math.min(steps, T);
  const dim = (L - 1) * real.features;
  const every = Array.from({ length: T - L + 1 }, (_, o) => o);
  // Every distinct real stretch, from windows in random order until there are enough.
  const r = stretches(real, L, order, every, MAX_REAL, realOrigin);
  const s = stretches(synthetic, L, syntheticOrder, every, MAX_SYNTHETIC);
  const [R, S] = [r.count, s.count];
  const disjoint = (i: number, j: number) => r.origin[2 * i] !== r.origin[2 * j] || Math.abs(r.origin[2 * i + 1]! - r.origin[2 * j + 1]!) >= L;
  // Each real stretch's distance to its nearest disjoint real one, computed when first needed.
  const realNn = new Float64Array(R).fill(-1);
  const nnOf = (j: number) => {
    if (realNn[j]! < 0) {
      let best = Infinity;
      for (let k = 0; k < R; k++) if (k !== j && disjoint(j, k)) best = Math.min(best, sq(r.moves, j, r.moves, k, dim));
      realNn[j] = best;
    }
    return realNn[j]!;
  };
  let replayed = 0;
  let judged = 0;
  for (let i = 0; i < S; i++) {
    let best = Infinity;
    let nearest = -1;
    for (let j = 0; j < R; j++) {
      const d = sq(s.moves, i, r.moves, j, dim);
      if (d < best) [best, nearest] = [d, j];
    }
    const nn = nearest < 0 ? Infinity : nnOf(nearest);
    if (!Number.isFinite(nn)) continue; // no other real stretch to compare with
    judged++;
    if (best < REPLAY_RATIO * REPLAY_RATIO * nn) replayed++; // squared distances: the ratio squared
  }
  const share = judged > 0 ? replayed / judged : NaN;
  return { steps: L, share, synthetic: S, real: R, warning: share > REPLAY_WARN };
}
