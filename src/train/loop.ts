/**
 * The training loop, Keras-style: a `Trainable` does one iteration and returns
 * a plain record of metrics; the loop records them in a `History` and hands
 * them to callbacks, which own every side effect (progress, NaN checks,
 * checkpoints). A callback stops training by setting `control.stop`.
 */
import type { RngState } from '../random.js';

export type Metrics = Record<string, number>;

/** A trainer's own state, for checkpoints: its iteration and its random streams. */
export interface TrainerState {
  iteration: number;
  sampler: { rng: RngState; order: Int32Array; pos: number };
  noise: RngState;
}

/** A trainer's state from its iteration and its two streams (batches, noise). */
export function streamsState(iteration: number, sampler: { getState(): TrainerState['sampler'] }, noise: { getState(): RngState }): TrainerState {
  return { iteration, sampler: sampler.getState(), noise: noise.getState() };
}

/** Puts a trainer's streams back; returns its iteration. */
export function restoreStreams(state: TrainerState, sampler: { setState(s: TrainerState['sampler']): void }, noise: { setState(s: RngState): void }): number {
  sampler.setState(state.sampler);
  noise.setState(state.noise);
  return state.iteration;
}

export interface Trainable {
  /** One training iteration (for a GAN: its D steps and its G step). */
  trainStep(): Metrics;
  /**
   * For a training in phases that run at different speeds (TimeGAN's): the
   * iteration each phase ends at, counted from 1 in this training, the last
   * one the total. A progress line then does not time a later phase at an
   * earlier one's pace.
   */
  readonly phaseEnds?: number[];
  /**
   * Share of the training that counts done, in [0, 1], as of the last step (a
   * GAN's: of its generator's training, which TimeGAN starts in its joint
   * phase). Default: iterations run over iterations asked for.
   */
  readonly progress?: number;
  /**
   * Whether the last step trained the generator (TimeGAN's is trained in its
   * joint phase only; before it, samples are an untrained network's).
   * Monitors and evaluations skip the other steps.
   */
  readonly generatorTrained?: boolean;
  /** Signals the last step measured besides its metrics, recorded as sparse history (TimeGAN's collapse check). */
  readonly measured?: Metrics;
}

/** What callbacks learn when training begins. */
export interface TrainBegin {
  iterations: number;
  startIteration: number;
  /** The model's `phaseEnds`, where it has them. */
  phaseEnds?: number[];
}

export interface TrainControl {
  /** Set by a callback to end training after the current iteration. */
  stop: boolean;
  /** The trainer's `progress` after the current iteration (read only). */
  progress: number;
  /** The trainer's `generatorTrained` after the current iteration (read only; absent: true). */
  generatorTrained?: boolean;
  /** Why training stopped early, for the user. */
  stopReason?: string;
}

export interface Callback {
  onTrainBegin?(info: TrainBegin): void | Promise<void>;
  onIterationEnd?(iteration: number, logs: Metrics, control: TrainControl, history: History): void | Promise<void>;
  onTrainEnd?(history: History, control: TrainControl): void | Promise<void>;
}

/** Metrics per iteration, columnar as Keras's `history.history`. */
export interface HistoryData {
  iteration: number[];
  metrics: Record<string, number[]>;
  /** Evaluations during training (`--eval-every`): sparse, one record per evaluation. */
  evaluations?: EvaluationRecord[];
  /** Signals measured every so many iterations (the diversity monitor's `diversity`, …). */
  sparse?: Record<string, { iteration: number[]; values: number[] }>;
  /** ‖∂L_D/∂x_t‖ per time step, measured every so many iterations (the vanishing-gradient diagnostic). */
  gradNormPerStep?: { iteration: number; norms: number[] }[];
}

export interface EvaluationRecord {
  iteration: number;
  metrics: Record<string, number>;
}

export class History implements HistoryData {
  iteration: number[] = [];
  metrics: Record<string, number[]> = {};
  evaluations: EvaluationRecord[] = [];
  sparse: Record<string, { iteration: number[]; values: number[] }> = {};
  gradNormPerStep: { iteration: number; norms: number[] }[] = [];

  static from(data?: HistoryData): History {
    const h = new History();
    if (data) {
      h.iteration = [...data.iteration];
      h.metrics = Object.fromEntries(Object.entries(data.metrics).map(([k, v]) => [k, [...v]]));
      h.evaluations = (data.evaluations ?? []).map((e) => ({ iteration: e.iteration, metrics: { ...e.metrics } }));
      h.sparse = Object.fromEntries(Object.entries(data.sparse ?? {}).map(([k, v]) => [k, { iteration: [...v.iteration], values: [...v.values] }]));
      h.gradNormPerStep = (data.gradNormPerStep ?? []).map((g) => ({ iteration: g.iteration, norms: [...g.norms] }));
    }
    return h;
  }

  record(iteration: number, logs: Metrics): void {
    const n = this.iteration.length;
    this.iteration.push(iteration);
    for (const [k, v] of Object.entries(logs)) {
      // A metric that appears late is padded with NaN (JSON: null) before it.
      (this.metrics[k] ??= new Array<number>(n).fill(NaN)).push(v);
    }
    // One that goes missing is padded too, so every column stays aligned with `iteration`.
    for (const col of Object.values(this.metrics)) if (col.length === n) col.push(NaN);
  }

  recordEvaluation(iteration: number, metrics: Record<string, number>): void {
    this.evaluations.push({ iteration, metrics });
  }

  recordSparse(name: string, iteration: number, value: number): void {
    const s = (this.sparse[name] ??= { iteration: [], values: [] });
    s.iteration.push(iteration);
    s.values.push(value);
  }

  /** The last recorded value of a metric. */
  last(metric: string): number | undefined {
    const v = this.metrics[metric];
    return v ? v[v.length - 1] : undefined;
  }

  /** The saved history: every measured value as the shortest decimal of its float32 (see float32Text). */
  toJSON(): HistoryData {
    const round = (v: number[]) => v.map(float32Text);
    return {
      iteration: this.iteration,
      metrics: Object.fromEntries(Object.entries(this.metrics).map(([k, v]) => [k, round(v)])),
      ...(this.evaluations.length > 0 ? { evaluations: this.evaluations } : {}),
      ...(Object.keys(this.sparse).length > 0
        ? { sparse: Object.fromEntries(Object.entries(this.sparse).map(([k, v]) => [k, { iteration: v.iteration, values: round(v.values) }])) }
        : {}),
      ...(this.gradNormPerStep.length > 0 ? { gradNormPerStep: this.gradNormPerStep.map((g) => ({ iteration: g.iteration, norms: round(g.norms) })) } : {}),
    };
  }
}

/**
 * The shortest decimal that reads back as the same float32. The losses and
 * norms come out of float32 tensors; written as doubles they took 17 digits
 * each, and a default TimeGAN history (30,000 iterations × 13 columns) made
 * tsgan.json 4.4 MB. NaN and ±Infinity pass through (JSON writes null).
 */
export function float32Text(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.fround(v);
  // From 6 digits: a value with a shorter decimal gets that same decimal at 6 (toPrecision pads with zeros).
  for (let p = 6; p < 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return s;
  }
  return Number(f.toPrecision(9));
}

export interface FitOptions {
  /** Iterations to run. */
  iterations: number;
  callbacks?: Callback[];
  /** Continue a history (resumed training); iterations are numbered on from it. */
  history?: History;
}

export interface FitResult {
  history: History;
  /** Iterations run in this call. */
  iterationsRun: number;
  stopReason?: string;
}

export async function fit(model: Trainable, opts: FitOptions): Promise<FitResult> {
  const callbacks = opts.callbacks ?? [];
  const history = opts.history ?? new History();
  const start = history.iteration.length > 0 ? history.iteration[history.iteration.length - 1] : 0;
  const control: TrainControl = { stop: false, progress: 0 };
  for (const cb of callbacks) await cb.onTrainBegin?.({ iterations: opts.iterations, startIteration: start, phaseEnds: model.phaseEnds });
  let run = 0;
  for (let i = 1; i <= opts.iterations && !control.stop; i++) {
    const logs = model.trainStep();
    history.record(start + i, logs);
    for (const [k, v] of Object.entries(model.measured ?? {})) history.recordSparse(k, start + i, v);
    run = i;
    control.progress = model.progress ?? i / opts.iterations;
    control.generatorTrained = model.generatorTrained ?? true;
    for (const cb of callbacks) await cb.onIterationEnd?.(start + i, logs, control, history);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(history, control);
  return { history, iterationsRun: run, stopReason: control.stopReason };
}
