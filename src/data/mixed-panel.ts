/**
 * A mixed-type panel data set made in code, with known ground truth, for
 * tests and the benchmark of whole-entity generation: entities ("sites")
 * with a static class that changes their dynamics, a static size, their own
 * lengths from a known distribution and start dates, and per day a
 * continuous AR(1) level, a categorical Markov chain, a zero-inflated rain
 * amount, a count, a boolean and a temperature with missing cells.
 */
import { Rng } from '../random.js';

export interface MixedPanelOptions {
  entities: number;
  /** Each entity's length is uniform in [minLength, maxLength]. */
  minLength: number;
  maxLength: number;
  seed: number;
}

/** The ground truth a test checks inference and generation against. */
export const MIXED_PANEL_TRUTH = {
  roles: { site: 'id', date: 'time', kind: 'attribute', size: 'attribute', level: 'feature', state: 'feature', rain: 'feature', count: 'feature', flag: 'feature', temp: 'feature' },
  types: { site: 'categorical', date: 'datetime', kind: 'categorical', size: 'continuous', level: 'continuous', state: 'categorical', rain: 'continuous', count: 'integer', flag: 'boolean', temp: 'continuous' },
  /** P(kind = 'B'). */
  kindB: 0.5,
  /** Share of rain cells that are exactly 0. */
  rainZero: 0.6,
  /** Share of temp cells that are missing ('NA'). */
  tempMissing: 0.05,
  states: ['low', 'mid', 'high'],
  /** Each kind's transition matrix of `state` (rows: from, columns: to, in `states` order). */
  transitions: {
    A: [
      [0.8, 0.15, 0.05],
      [0.2, 0.6, 0.2],
      [0.05, 0.15, 0.8],
    ],
    B: [
      [0.2, 0.4, 0.4],
      [0.4, 0.2, 0.4],
      [0.4, 0.4, 0.2],
    ],
  },
  /** Each kind's AR(1) mean and coefficient of `level`. */
  level: { A: { mean: 10, phi: 0.9 }, B: { mean: 20, phi: 0.2 } },
} as const;

const DAY = 86_400_000;

/** The data set as CSV text (entity by entity, each in date order), with each entity's kind and length. */
export function mixedPanel(opts: MixedPanelOptions): { csv: string; kinds: string[]; lengths: number[] } {
  const T = MIXED_PANEL_TRUTH;
  const rng = new Rng(opts.seed);
  const lines = ['site,date,kind,size,level,state,rain,count,flag,temp'];
  const kinds: string[] = [];
  const lengths: number[] = [];
  const pick = (p: readonly number[]) => {
    let u = rng.uniform();
    for (let k = 0; k < p.length; k++) if ((u -= p[k]) < 0) return k;
    return p.length - 1;
  };
  for (let e = 0; e < opts.entities; e++) {
    const kind = rng.uniform() < T.kindB ? 'B' : 'A';
    const n = opts.minLength + rng.int(opts.maxLength - opts.minLength + 1);
    const size = Math.exp(1 + 0.5 * rng.normal());
    const start = Date.UTC(2020, 0, 1) + rng.int(366) * DAY;
    const { mean, phi } = T.level[kind];
    let level = mean + rng.normal();
    let state = rng.int(3);
    kinds.push(kind);
    lengths.push(n);
    for (let t = 0; t < n; t++) {
      level = mean + phi * (level - mean) + rng.normal();
      state = pick(T.transitions[kind][state]);
      const rain = rng.uniform() < T.rainZero ? 0 : -5 * Math.log(1 - rng.uniform());
      const count = Math.floor(-Math.log(1 - rng.uniform()) * (1 + 3 * state));
      const flag = rng.uniform() < (kind === 'A' ? 0.3 : 0.7);
      const temp = rng.uniform() < T.tempMissing ? 'NA' : (15 + 10 * Math.sin((2 * Math.PI * t) / 365) + rng.normal()).toFixed(2);
      const date = new Date(start + t * DAY).toISOString().slice(0, 10);
      lines.push([`s${String(e + 1).padStart(4, '0')}`, date, kind, size.toFixed(2), level.toFixed(3), T.states[state], rain.toFixed(1), count, flag, temp].join(','));
    }
  }
  return { csv: lines.join('\n') + '\n', kinds, lengths };
}
