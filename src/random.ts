/**
 * Seeded random numbers, owned by tsgan.
 *
 * TF.js random ops do not share a global seed and its orthogonal initialiser
 * ignores seeds, so every random choice in tsgan (weights, noise, batches,
 * data splits) draws from an `Rng` built from the user's seed. Same seed, same
 * stream, on every platform: the generator is integer-only (xoshiro128**,
 * Blackman & Vigna 2018, seeded through splitmix32).
 */
import { TsganError } from './errors.js';

/** The largest seed a user can give: seeds 0 … 2³² − 1 each start their own stream (splitmix32 takes 32 bits). */
export const MAX_SEED = 2 ** 32 - 1;

/** Refuses a user's seed outside 0 … 2³² − 1: larger or negative ones would fold onto another seed's stream. */
export function checkSeed(seed: number, name = 'seed'): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new TsganError(`${name} must be an integer in [0, ${MAX_SEED}], got ${seed}`);
  return seed;
}

/**
 * The seed of a stream derived from a user's seed by a constant tag, as an
 * unsigned 32-bit integer: distinct seeds give distinct derived seeds (a
 * signed xor folded seeds s and 2³² − 1 − s together), and below 2³¹ the
 * value is the plain xor, so those streams are unchanged.
 */
export function deriveSeed(seed: number, tag: number): number {
  return (seed ^ tag) >>> 0;
}

/**
 * Every random stream a run draws from, by name, with the tag that derives
 * its seed from the user's: one table, so that no two parts share a stream
 * and a new part takes a new name. The model's weights use the seed itself.
 * The tags are part of the reproducibility contract (changing one changes
 * every result that uses it).
 */
export const STREAMS = {
  /** A trainer's batches and noise (each trainer forks its two from it). */
  trainer: 0x5eed,
  /** The blocks of windows held out for --eval-every. */
  holdOut: 0x401d,
  /** The diversity monitor's real windows and noise (TimeGAN's collapse check reads the same). */
  diversity: 0xd1e5,
  /** The per-step gradient diagnostic's real batch. */
  gradSteps: 0x9a5,
  /** TimeGAN's windows and noise for fitting G's head (--generator-init data, and the collapse check's refit). */
  generatorInit: 0x6e17,
  /** The evaluator's subsamples during training. */
  evaluator: 0xe7a1,
  /** tsgan eval's subsamples for the distance metrics. */
  evaluation: 0xd15,
  /** tsgan eval's subsets of stretches for the replayed-stretches check. */
  replay: 0x7e91,
  /** The report's PCA / t-SNE subsamples. */
  report: 0x4e9,
  /** tsgan sample's draws of static attributes for --where and --given. */
  conditions: 0xc0d1,
  /** tsgan sample's draws of a table's missing and zero flags from their generated probabilities. */
  flags: 0xf1a9,
} as const;

/** The generator of stream `name` of a run seeded `seed`. */
export function runStream(seed: number, name: keyof typeof STREAMS): Rng {
  return new Rng(deriveSeed(seed, STREAMS[name]));
}

/** A generator's whole state, for checkpoints: the four words and the Box–Muller spare. */
export interface RngState {
  s: [number, number, number, number];
  spare: number | null;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
    // splitmix32 expands one 32-bit seed into four words of state.
    let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next() | 0;
    this.s1 = next() | 0;
    this.s2 = next() | 0;
    this.s3 = next() | 0;
  }

  getState(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  setState(state: RngState): void {
    [this.s0, this.s1, this.s2, this.s3] = state.s.map((v) => v | 0) as RngState['s'];
    this.spare = state.spare;
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    // The state is kept as int32 (| 0): values over 2³¹ kept as uint32 are
    // heap numbers in V8, and every draw then cost ~30 ns instead of ~3.
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller; the second value is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A new independent stream, so that one consumer cannot shift another's draws. */
  fork(): Rng {
    return new Rng(this.nextUint32() * 4294967296 + this.nextUint32());
  }

  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** k distinct indices from 0..n-1 (k ≤ n), in random order. */
  sample(n: number, k: number): Int32Array {
    if (k > n) throw new Error(`cannot draw ${k} distinct indices from ${n}`);
    return this.permutation(n).subarray(0, k);
  }
}

/** 32-bit rotate left, as an int32. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
