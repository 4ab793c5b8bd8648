/**
 * Adam (Kingma & Ba 2015) as every tsgan model trains with it, with
 * optional gradient clipping by global norm (Pascanu et al. 2013).
 *
 * Two paths, one update rule: on the backends where the fused recurrent
 * kernels run ('cpu', 'wasm'), one pass over Float32Arrays in JavaScript
 * updates every variable, where tf.train.adam runs about ten TF.js ops per
 * variable (with the clipping's norm, some 350 ops per training iteration of
 * a small recurrent GAN: a quarter of its time went into op dispatch). On
 * other backends (WebGL, WebGPU), data stays on the device and tf.train.adam
 * runs. The fused pass repeats tf.train.adam's arithmetic operation by
 * operation in float32 (Math.fround after each), so both paths give the same
 * weights: bit for bit without clipping; with it, to float32 rounding, as
 * the global norm is summed here in float64 (tested).
 */
import { tf, readFloats, tensorFromFloats } from '../engine.js';
import { fusedKernelsActive } from '../kernels/fused-stack.js';

export interface AdamArgs {
  /** Step size. */
  learningRate: number;
  /** Decay of the first-moment estimate (tf.train.adam's default). */
  beta1?: number;
  /** Decay of the second-moment estimate (tf.train.adam's default). */
  beta2?: number;
  /** Rescale the gradients to this global norm when it is exceeded; 0 = never (default). */
  clipNorm?: number;
}

/** √(Σ‖g‖²) over a list of gradients. */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/** One variable's moments, by its index in the model's list of variables (names differ between processes). */
export interface MomentState {
  index: number;
  m: Float32Array;
  v: Float32Array;
}

/** An optimiser's whole state, for checkpoints: either path's moments and its β powers. */
export interface AdamState {
  fused: boolean | null;
  accBeta1: number;
  accBeta2: number;
  moments: MomentState[];
  /** tf.train.adam's step count (the TF.js path only). */
  iterations?: number;
}

/** tf.train.adam's state fields (tfjs-core 4.x src/optimizers/adam_optimizer.ts), read for checkpoints. */
interface TfAdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  iterations_: number;
}

// tf.train.adam's ε on the float32 backends ('cpu', 'wasm'): backend.epsilon().
const EPSILON = 1e-7;

export class Adam {
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly clipNorm: number;
  /** Chosen at the first step and kept: the two paths hold their moments in different places. */
  private fused: boolean | null = null;
  private tfAdam: tf.Optimizer | null = null;
  private readonly moments = new Map<string, { m: Float32Array; v: Float32Array; out: Float32Array }>();
  // β₁ᵗ and β₂ᵗ, in float32 as tf.train.adam keeps them.
  private accBeta1: number;
  private accBeta2: number;

  constructor(args: AdamArgs) {
    this.lr = args.learningRate;
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.clipNorm = args.clipNorm ?? 0;
    this.accBeta1 = Math.fround(this.beta1);
    this.accBeta2 = Math.fround(this.beta2);
  }

  /**
   * One update of the variables named in `grads` (tf.variableGrads' names).
   * Returns the gradients' global norm before clipping. `grads` stay the
   * caller's to dispose.
   */
  step(grads: tf.NamedTensorMap): tf.Scalar {
    this.fused ??= fusedKernelsActive();
    return this.fused ? tf.scalar(this.fusedStep(grads)) : this.tfStep(grads);
  }

  private tfStep(grads: tf.NamedTensorMap): tf.Scalar {
    this.tfAdam ??= tf.train.adam(this.lr, this.beta1, this.beta2); // ε: the backend's
    const opt = this.tfAdam;
    return tf.tidy(() => {
      const norm = globalNorm(Object.values(grads));
      let g = grads;
      if (this.clipNorm > 0) {
        const scale = tf.minimum(1, tf.div(this.clipNorm, tf.add(norm, 1e-12)));
        g = Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, tf.mul(v, scale)]));
      }
      opt.applyGradients(g);
      return norm;
    });
  }

  private fusedStep(grads: tf.NamedTensorMap): number {
    const f = Math.fround;
    // Views, not copies (readFloats): valid until the next TF.js op, so every
    // variable's new values are computed before the first is assigned.
    const named = Object.entries(grads).map(([name, g]) => ({ name, g: readFloats(g) }));
    let sq = 0;
    for (const { g } of named) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    const norm = Math.sqrt(sq);
    const scale = this.clipNorm > 0 && norm > this.clipNorm ? f(this.clipNorm / (norm + 1e-12)) : 1;
    const b1 = f(this.beta1), b2 = f(this.beta2);
    const c1 = f(1 - this.beta1), c2 = f(1 - this.beta2);
    const bias1 = f(1 - this.accBeta1), bias2 = f(1 - this.accBeta2);
    const eps = f(EPSILON), negLr = f(-this.lr);
    const variables = tf.engine().registeredVariables;
    const updated: [tf.Variable, Float32Array][] = [];
    for (const { name, g } of named) {
      const variable = variables[name];
      if (!variable) throw new Error(`Adam: no variable named ${name}`);
      const n = g.length;
      let st = this.moments.get(name);
      if (!st) {
        st = { m: new Float32Array(n), v: new Float32Array(n), out: new Float32Array(n) };
        this.moments.set(name, st);
      }
      const { m, v, out } = st;
      const w = readFloats(variable);
      for (let i = 0; i < n; i++) {
        const gi = scale === 1 ? g[i] : f(g[i] * scale);
        // m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  w ← w − lr · m̂ / (√v̂ + ε)
        const mi = f(f(m[i] * b1) + f(gi * c1));
        const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
        m[i] = mi;
        v[i] = vi;
        const mh = f(mi / bias1);
        const vh = f(vi / bias2);
        out[i] = f(f(f(mh / f(f(Math.sqrt(vh)) + eps)) * negLr) + w[i]);
      }
      updated.push([variable, out]);
    }
    for (const [variable, out] of updated) tf.tidy(() => variable.assign(tensorFromFloats(out, variable.shape)));
    this.accBeta1 = f(this.accBeta1 * b1);
    this.accBeta2 = f(this.accBeta2 * b2);
    return norm;
  }

  /** The state, with each variable named by its index in `vars`. */
  getState(vars: tf.Variable[]): AdamState {
    const index = new Map(vars.map((v, i) => [v.name, i]));
    const at = (name: string) => {
      const i = index.get(name);
      if (i === undefined) throw new Error(`Adam: variable ${name} is not among the model's`);
      return i;
    };
    if (this.tfAdam) {
      const t = this.tfAdam as unknown as TfAdamInternals;
      const moments = t.accumulatedFirstMoment.map((first, k) => ({
        index: at(first.originalName.replace(/\/m$/, '')),
        m: first.variable.dataSync().slice() as Float32Array,
        v: t.accumulatedSecondMoment[k].variable.dataSync().slice() as Float32Array,
      }));
      return { fused: this.fused, accBeta1: t.accBeta1.dataSync()[0], accBeta2: t.accBeta2.dataSync()[0], moments, iterations: t.iterations_ };
    }
    const moments = [...this.moments].map(([name, st]) => ({ index: at(name), m: st.m.slice(), v: st.v.slice() }));
    return { fused: this.fused, accBeta1: this.accBeta1, accBeta2: this.accBeta2, moments };
  }

  /** Restores a state from getState, on the same path it was taken on. */
  setState(state: AdamState, vars: tf.Variable[]): void {
    if (state.fused !== null && state.fused !== fusedKernelsActive()) {
      throw new Error(`the checkpoint's optimiser ran with the fused kernels ${state.fused ? 'on' : 'off'}; resume it the same way (TSGAN_FUSED)`);
    }
    this.fused = state.fused;
    const variable = (i: number) => {
      if (!vars[i]) throw new Error(`Adam: the checkpoint names variable ${i}, the model has ${vars.length}`);
      return vars[i];
    };
    // An optimiser that has stepped holds moments; without them a resumed run would restart them at zero and drift from a run straight through.
    const stepped = state.fused === false ? (state.iterations ?? 0) > 0 : state.accBeta1 !== Math.fround(this.beta1);
    if (stepped && state.moments.length === 0) throw new Error(`Adam: the checkpoint's optimiser has taken steps (β1 power ${state.accBeta1}) but holds no moments`);
    const seen = new Set<number>();
    for (const s of state.moments) {
      const size = variable(s.index).size;
      if (s.m.length !== size || s.v.length !== size) throw new Error(`Adam: the moments of variable ${s.index} hold ${s.m.length} and ${s.v.length} values, the variable ${size}`);
      if (seen.has(s.index)) throw new Error(`Adam: the moments of variable ${s.index} are listed twice`);
      seen.add(s.index);
    }
    if (state.fused === false) {
      this.tfAdam?.dispose();
      this.tfAdam = tf.train.adam(this.lr, this.beta1, this.beta2);
      const t = this.tfAdam as unknown as TfAdamInternals;
      const slot = (name: string, values: Float32Array, like: tf.Variable) => ({ originalName: name, variable: tf.tidy(() => tf.tensor(values, like.shape).variable(false)) });
      t.accumulatedFirstMoment = state.moments.map((s) => slot(`${variable(s.index).name}/m`, s.m, variable(s.index)));
      t.accumulatedSecondMoment = state.moments.map((s) => slot(`${variable(s.index).name}/v`, s.v, variable(s.index)));
      tf.tidy(() => {
        t.accBeta1.assign(tf.scalar(state.accBeta1));
        t.accBeta2.assign(tf.scalar(state.accBeta2));
      });
      t.iterations_ = state.iterations ?? 0;
      return;
    }
    this.accBeta1 = state.accBeta1;
    this.accBeta2 = state.accBeta2;
    this.moments.clear();
    for (const s of state.moments) this.moments.set(variable(s.index).name, { m: s.m.slice(), v: s.v.slice(), out: new Float32Array(s.m.length) });
  }

  dispose(): void {
    this.tfAdam?.dispose();
    this.tfAdam = null;
    this.moments.clear();
  }
}
