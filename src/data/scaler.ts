/**
 * Per-feature min-max scaling to [0, 1] (or another target range), fitted on the training data and saved
 * with the model, as in TimeGAN's reference (`MinMaxScaler` in its
 * utils/data_loading). A constant feature has range 0: it is scaled by 1
 * instead, so it maps to 0 without dividing by zero, and `inverse` gives back
 * exactly its value, whatever the generator output for it.
 */
import { TsganError } from '../errors.js';

export interface ScalerState {
  min: number[];
  max: number[];
  /** Target range; default [0, 1] (the dense GAN's tanh output uses [−1, 1]). */
  target?: [number, number];
}

export class MinMaxScaler {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly target: [number, number];
  private readonly range: Float64Array;
  /** Features whose training data held one value only. */
  private readonly constant: boolean[];

  constructor(state: ScalerState) {
    if (state.min.length !== state.max.length) throw new Error('scaler min and max differ in length');
    // Last line of defence (files are checked before this): a non-finite or inverted range would turn every value into NaN or ±Infinity.
    state.min.forEach((lo, f) => {
      const hi = state.max[f];
      if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(hi - lo) || hi < lo) {
        throw new TsganError(`scaler: feature ${f + 1} has min ${String(lo)} and max ${String(hi)}; both must be finite numbers, min ≤ max, with a finite range`);
      }
    });
    this.min = Float64Array.from(state.min);
    this.max = Float64Array.from(state.max);
    this.target = state.target ?? [0, 1];
    const span = this.target[1] - this.target[0];
    // Data range per unit of the target range.
    this.range = this.min.map((lo, f) => (this.max[f] - lo > 0 ? this.max[f] - lo : 1) / span);
    this.constant = Array.from(this.min, (lo, f) => this.max[f] === lo);
  }

  get features(): number {
    return this.min.length;
  }

  /** Fits on row-major [rows, features] blocks. */
  static fit(blocks: ArrayLike<number>[], features: number, target?: [number, number]): MinMaxScaler {
    const min = new Array<number>(features).fill(Infinity);
    const max = new Array<number>(features).fill(-Infinity);
    for (const b of blocks) {
      for (let i = 0; i < b.length; i++) {
        const f = i % features;
        if (b[i] < min[f]) min[f] = b[i];
        if (b[i] > max[f]) max[f] = b[i];
      }
    }
    if (min.some((v) => !Number.isFinite(v))) throw new Error('cannot fit a scaler on no data');
    return new MinMaxScaler({ min, max, target });
  }

  /** Scales a row-major block into a new Float32Array. */
  transform(values: ArrayLike<number>): Float32Array {
    const F = this.features;
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const f = i % F;
      out[i] = (values[i] - this.min[f]) / this.range[f] + this.target[0];
    }
    return out;
  }

  /** Back to the data's units, in float64. */
  inverse(values: ArrayLike<number>): Float64Array {
    const F = this.features;
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const f = i % F;
      // A constant feature has no spread to learn: any generated value stands for the constant.
      out[i] = this.constant[f] ? this.min[f] : (values[i] - this.target[0]) * this.range[f] + this.min[f];
    }
    return out;
  }

  toJSON(): ScalerState {
    const state: ScalerState = { min: Array.from(this.min), max: Array.from(this.max) };
    if (this.target[0] !== 0 || this.target[1] !== 1) state.target = this.target;
    return state;
  }
}
