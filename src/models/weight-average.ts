/**
 * An exponential moving average of a network's weights, for the generator
 * (Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training",
 * ICLR 2019; the "G_ema" of ProGAN, BigGAN and StyleGAN). A GAN's generator
 * keeps circling the equilibrium with the discriminator; the average of its
 * recent weights sits closer to it, and it does not depend on where in the
 * circle training happened to stop.
 *
 * The average is kept in float32 on the JavaScript side, and the decay warms
 * up as TensorFlow's ExponentialMovingAverage with `num_updates`:
 * decay_n = min(decay, (1 + n) / (10 + n)), so that the first updates are
 * not pulled back towards the starting weights.
 */
import { tf, readFloats, tensorFromFloats } from '../engine.js';
import { TsganError } from '../errors.js';

export class WeightAverage {
  private readonly values: Float32Array[];
  private updates = 0;

  /** Starts the average at the variables' current values. */
  constructor(
    private readonly vars: tf.Variable[],
    readonly decay: number,
  ) {
    if (!(decay > 0 && decay < 1)) throw new TsganError(`the weight average's decay must be in (0, 1), got ${decay}`);
    this.values = vars.map((v) => readFloats(v).slice());
  }

  /** The decay of the next update (warmed up). */
  get currentDecay(): number {
    return Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
  }

  /** average ← d·average + (1 − d)·weights. */
  update(): void {
    const d = this.currentDecay;
    this.vars.forEach((v, i) => {
      const w = readFloats(v); // a view: no TF.js op runs in this loop
      const a = this.values[i];
      for (let k = 0; k < a.length; k++) a[k] = d * a[k] + (1 - d) * w[k];
    });
    this.updates++;
  }

  getState(): { values: Float32Array[]; updates: number } {
    return { values: this.values.map((v) => v.slice()), updates: this.updates };
  }

  setState(state: { values: Float32Array[]; updates: number }): void {
    if (state.values.length !== this.values.length) throw new Error(`the average has ${this.values.length} weights, the checkpoint ${state.values.length}`);
    state.values.forEach((v, i) => this.values[i].set(v));
    this.updates = state.updates;
  }

  /** Runs `fn` with the averaged weights in the variables, then puts the live ones back. */
  swapIn<T>(fn: () => T): T {
    const live = this.vars.map((v) => readFloats(v).slice());
    this.write(this.values);
    try {
      return fn();
    } finally {
      this.write(live);
    }
  }

  /** Puts the averaged weights into the variables for good (the end of training). */
  commit(): void {
    this.write(this.values);
  }

  private write(values: Float32Array[]): void {
    this.vars.forEach((v, i) => tf.tidy(() => v.assign(tensorFromFloats(values[i], v.shape))));
  }
}
