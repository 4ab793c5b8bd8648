/**
 * Replayed stretches: memorisation of short runs, which the whole-window
 * check (distance.ts) misses. A generator can replay real runs of a few
 * steps from a new level, and no whole window need come near a real one: the
 * day bootstrap of docs/experiments/2026-12-07-what-stocks-strong-score-reads.md
 * replays real five-day runs, and 2.9–3.8 % of its windows count as memorised.
 *
 * A stretch of `steps` steps is taken as its moves from its first step
 * ([steps − 1, features] in the evaluation's units): a level added to it does
 * not count, a factor does. A stretch counts as replayed when it lies closer
 * to its nearest stretch r of a pool of real ones than REPLAY_RATIO × the
 * distance from r to r's nearest pool stretch that shares no row with it: a
 * test relative to how crowded the real stretches are there (after the
 * authenticity test of Alaa et al. 2022, which uses a ratio of 1), so that a
 * generator that keeps to the densest part of the data is not taken for one
 * that copies. How often a new stretch of the real process passes it depends
 * on the data (about 1 / (1 + 3^d) for stretches of d free parameters), so
 * real stretches held out from the pool (blocks of time, or whole series, as
 * the strong score holds them out) are tested the same way, and the warning
 * is for synthetic stretches that replay more often than those.
 */
import { blockParts } from './blocks.js';
import { shareRows, type WindowSet } from './data.js';
import { sqDistance } from './distance.js';
import { runStream, type Rng } from '../random.js';

/** Steps per stretch: a trading week, a fifth of TimeGAN's 24-step window. */
export const REPLAY_STEPS = 5;
/** A stretch this much closer to a real one than that real one is to any other counts as replayed. */
export const REPLAY_RATIO = 1 / 3;
/** The pool's share of the real windows; the rest are held out as the real data's own level. */
const POOL_SHARE = 3 / 4;
/** Stretches tested per side, one per window (the share to about ±1 % at 5 %). */
const MAX_TESTED = 500;
/** The pool's values at most (16 MB): every distinct stretch of a series as long as Stocks, 200,000 of Sines'. */
const MAX_POOL_VALUES = 4_000_000;
/** The warning needs at least this excess over the held-out real stretches' share, and three standard errors. */
const REPLAY_MARGIN = 0.01;

export interface ReplayResult {
  /** Steps per stretch. */
  steps: number;
  /** Share of the synthetic stretches tested that replay a pool stretch; NaN when no two pool stretches share no row. */
  share: number;
  /** The same for real stretches held out from the pool: the level a new sample of the real process has. */
  realShare: number;
  /** Stretches tested (synthetic, held-out real) and the pool's size. */
  synthetic: number;
  heldOut: number;
  pool: number;
  warning: boolean;
}

/** Stretch moves [count, (steps − 1) · features] with each stretch's origin [series, first row]. */
interface Stretches {
  moves: Float32Array;
  count: number;
  origin: Int32Array;
}

/** Appends the moves of window i's stretch at offset o to `out`. */
function writeMoves(w: WindowSet, i: number, o: number, steps: number, out: number[]): void {
  const F = w.features;
  const base = (i * w.seqLen + o) * F; // [window, step, feature]
  for (let t = 1; t < steps; t++) for (let f = 0; f < F; f++) out.push(w.data[base + t * F + f]! - w.data[base + f]!);
}

/** Every distinct stretch (by origin) of windows `windows`, up to `max`. */
function allStretches(w: WindowSet, origin: Int32Array, windows: number[], steps: number, max: number): Stretches {
  const seen = new Set<string>();
  const moves: number[] = [];
  const from: number[] = [];
  for (const i of windows) {
    for (let o = 0; o + steps <= w.seqLen && from.length < 2 * max; o++) {
      const key = `${origin[2 * i]}:${origin[2 * i + 1]! + o}`;
      if (seen.has(key)) continue; // overlapping windows of one series hold the same stretch
      seen.add(key);
      writeMoves(w, i, o, steps, moves);
      from.push(origin[2 * i]!, origin[2 * i + 1]! + o);
    }
  }
  return { moves: Float32Array.from(moves), count: from.length / 2, origin: Int32Array.from(from) };
}

/** One stretch at a random offset from each of up to MAX_TESTED windows `windows` (drawn in random order). */
function sampledStretches(w: WindowSet, windows: number[], steps: number, rng: Rng): Stretches {
  const moves: number[] = [];
  const chosen = windows.slice(0, MAX_TESTED);
  for (const i of chosen) writeMoves(w, i, Math.floor(rng.uniform() * (w.seqLen - steps + 1)), steps, moves);
  return { moves: Float32Array.from(moves), count: chosen.length, origin: new Int32Array(0) };
}

/** Shares of `queries` that replay a stretch of `pool` (see the file's comment); `nn` caches each pool stretch's nearest disjoint one. */
function replayShare(queries: Stretches, pool: Stretches, nn: Float64Array, steps: number, dim: number): number {
  const nearestOther = (j: number) => {
    if (nn[j]! < 0) {
      let best = Infinity;
      for (let k = 0; k < pool.count; k++) {
        if (k === j || shareRows(pool.origin, j, k, steps)) continue;
        const d = sqDistance(pool.moves, j, pool.moves, k, dim, best);
        if (d < best) best = d;
      }
      nn[j] = best;
    }
    return nn[j]!;
  };
  let replayed = 0;
  let judged = 0;
  for (let i = 0; i < queries.count; i++) {
    let best = Infinity;
    let nearest = -1;
    for (let j = 0; j < pool.count; j++) {
      const d = sqDistance(queries.moves, i, pool.moves, j, dim, best);
      if (d < best) [best, nearest] = [d, j];
    }
    const other = nearest < 0 ? Infinity : nearestOther(nearest);
    if (!Number.isFinite(other)) continue; // no other pool stretch to compare with
    judged++;
    if (best < REPLAY_RATIO * REPLAY_RATIO * other) replayed++; // squared distances: the ratio squared
  }
  return judged > 0 ? replayed / judged : NaN;
}

/**
 * Replayed stretches of `synthetic` against `real` (see the file's comment).
 * `realOrigin`: [series, first row] per real window (EvalData.realOrigin);
 * without it, real windows are taken to share no rows (overlapping windows
 * then hide replays: give origins). The pool, the held-out windows and the
 * stretches tested are drawn from stream `replay` of `seed`.
 */
export function replayedStretches(real: WindowSet, synthetic: WindowSet, opts: { seed: number; realOrigin?: Int32Array; steps?: number }): ReplayResult {
  const T = real.seqLen;
  const steps = Math.min(opts.steps ?? REPLAY_STEPS, T);
  const dim = (steps - 1) * real.features;
  const rng = runStream(opts.seed, 'replay');
  const origin = opts.realOrigin ?? Int32Array.from({ length: 2 * real.count }, (_, k) => (k & 1 ? 0 : k >> 1));
  const { part } = blockParts(origin, T, [POOL_SHARE, 1 - POOL_SHARE], rng);
  const inPart = (p: number) => Array.from(rng.permutation(real.count)).filter((i) => part[i] === p);
  const pool = allStretches(real, origin, inPart(0), steps, Math.floor(MAX_POOL_VALUES / Math.max(1, dim)));
  const heldOut = sampledStretches(real, inPart(1), steps, rng);
  const tested = sampledStretches(synthetic, Array.from(rng.permutation(synthetic.count)), steps, rng);
  const nn = new Float64Array(pool.count).fill(-1);
  const share = replayShare(tested, pool, nn, steps, dim);
  const realShare = replayShare(heldOut, pool, nn, steps, dim);
  // More replays than new real stretches show, by the margin and by three standard errors of the difference.
  const base = Number.isFinite(realShare) ? realShare : 0;
  const p = (share * tested.count + base * heldOut.count) / Math.max(1, tested.count + heldOut.count);
  const se = Math.sqrt(p * (1 - p) * (1 / Math.max(1, tested.count) + 1 / Math.max(1, heldOut.count)));
  const warning = share - base > Math.max(REPLAY_MARGIN, 3 * se);
  return { steps, share, realShare, synthetic: tested.count, heldOut: heldOut.count, pool: pool.count, warning };
}
