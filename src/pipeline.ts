/**
 * The whole path as library calls, which the CLI wraps: CSV → windows →
 * trained model directory (`trainFromCsv`), and model directory → synthetic
 * CSV (`sampleToCsv`). Every check that can fail on the user's input runs
 * before any training starts or any file is written.
 */
import { tf } from './engine.js';
import { Rng, checkSeed, runStream } from './random.js';
import { TsganError } from './errors.js';
import { VERSION } from './version.js';
import { loadDataset, readDataFile, readTableFile, tableToDataset, type Dataset } from './data/table.js';
import { suggestedIdColumn } from './data/schema.js';
import { MinMaxScaler } from './data/scaler.js';
import { makeWindows, type Windows } from './data/windows.js';
import type { RganConfig } from './models/rgan.js';
import { fit, History, type Callback, type HistoryData, type Trainable, type TrainerState } from './train/loop.js';
import { nanGuard, checkFiniteWeights, nonFiniteWeight } from './train/callbacks.js';
import { checkpointer } from './train/checkpointer.js';
import { runDefaults, modelEntry, defaultModel } from './registry.js';
import type { ModelEntry, ModelTrainer } from './zoo/entry.js';
import { declared, defaultsFor, type OptionDecl, type OptionValues } from './config/options.js';
import { offeredOptions } from './models/spec.js';
import { CHECKPOINT_DIR, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, checkpointFiles } from './io/checkpoint.js';
import { fusedKernelsActive } from './kernels/fused-stack.js';
import { createHash } from 'node:crypto';
import { checkOutDir, checkOutFile, writeDirAtomic, writeFileAtomic, createStagingDir, commitDir, discardDir } from './io/atomic.js';
import { loadModelDir } from './load.js';
import { saveModelDir, networkFiles, type AnyGan, type LoadedModel, type ModelMeta, type DataInfo } from './io/model-dir.js';
import { samplesToCsv, vectorsToCsv } from './io/samples.js';
import type { DenseGanConfig } from './models/dense-gan.js';
import { imageGrid } from './io/png.js';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Gan, GanTrainingState } from './models/gan.js';
import { holdOutBlocks } from './data/split.js';
import type { TimeganConfig } from './models/timegan.js';
import { diversityMonitor, gradPerStepMonitor, MONITOR_OPTIONS } from './train/monitors.js';
import type { Items } from './data/batches.js';
import { EvalCallback, type EvalMetricName } from './train/evaluator.js';
import { sized, checkSampleSize, MAX_SAMPLE_VALUES } from './models/size-check.js';

/** A training run's options; each default is declared once (src/registry.ts and the model specs) and listed in docs/options.md. */
export interface TrainCsvOptions {
  /** CSV file with a header row. */
  data: string;
  /** Model directory to write. */
  out: string;
  /** Feature columns. */
  columns?: string[];
  /** Column naming the series of each row (panel data). */
  idColumn?: string;
  /** Window length. */
  seqLen?: number;
  /** Rows between window starts. */
  stride?: number;
  /** A registered model that learns sequences: 'rgan' (the default), 'timegan', or one added with registerModel. */
  modelType?: string;
  /** The model's options by library name (docs/options.md lists each with its default). */
  model?: Partial<Omit<RganConfig, 'features' | 'seqLen' | 'model'>> & Partial<Omit<TimeganConfig, 'features' | 'seqLen' | 'model'>> & Record<string, unknown>;
  /** Training iterations (for TimeGAN: of the joint phase; the two pre-training phases default to as many). */
  iterations?: number;
  /** Measure the generator's diversity every this many iterations, warn on collapse (0: off). */
  diversityEvery?: number;
  /** Record D's gradient per input time step every this many iterations (0: off). */
  gradStepsEvery?: number;
  /** Seed for weights, noise and batches. */
  seed?: number;
  /** Replace a previous model directory in `out`. */
  force?: boolean;
  callbacks?: Callback[];
  /** Receives one-line notices (columns left out, evaluations, ...). */
  onNotice?: (message: string) => void;
  /**
   * Evaluate every this many iterations on a held-out 20 % of the data (blocks
   * of time, see holdOutBlocks), record the metrics in the history and save
   * the best checkpoint by `evalMetric`.
   */
  evalEvery?: number;
  /** Metric that picks the best checkpoint: 'mmd', 'coverage' or 'discriminative'. */
  evalMetric?: EvalMetricName;
  /**
   * Write the whole training state to `out/checkpoint/` every this many
   * iterations, for `resumeTraining` (0: never, though `interrupt` still
   * does); 'auto': every few minutes of training.
   */
  checkpointEvery?: number | 'auto';
  /** Set `requested` (the CLI does on Ctrl-C) to write a checkpoint after the current iteration and stop. */
  interrupt?: { requested: boolean };
}

export interface PreparedData {
  dataset: Dataset;
  scaler: MinMaxScaler;
  windows: Windows;
}

/** Reads, checks, scales and windows a CSV; `onNotice` hears of a likely entity column left unnamed. */
export function prepareData(file: string, opts: Pick<TrainCsvOptions, 'columns' | 'idColumn' | 'seqLen' | 'stride' | 'onNotice'>): PreparedData {
  const table = readTableFile(file);
  const dataset = tableToDataset(table, { columns: opts.columns, idColumn: opts.idColumn });
  if (opts.idColumn === undefined && opts.onNotice) {
    const id = suggestedIdColumn(table);
    if (id !== null) opts.onNotice(`tsgan: warning: column "${id}" looks like an entity id (its values come in blocks of rows); without --id-column ${id}, windows run across entities`);
  }
  const F = dataset.features.length;
  const scaler = MinMaxScaler.fit(dataset.series.map((s) => s.values), F);
  const d = runDefaults(defaultModel('sequences').spec.name); // the window options every sequence model shares
  const windows = makeWindows(dataset.series, F, scaler, { seqLen: opts.seqLen ?? (d.seqLen as number), stride: opts.stride ?? (d.stride as number), file });
  return { dataset, scaler, windows };
}

/** A checkpoint of trainFromCsv's run, as src/resume.ts reads it back. */
export interface CsvResume {
  state: CsvCheckpointState;
  /** Where to read the data now (the options keep the path as the user gave it, for the model file). */
  dataPath: string;
}

/** What a CSV training's checkpoint holds (see src/io/checkpoint.ts for the files). */
export interface CsvCheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  tsganVersion: string;
  backend: string;
  fused: boolean;
  /** The options of the run, without its callbacks and output. */
  options: CsvCheckpointOptions;
  /** The data file's absolute path and SHA-256: a resumed run must read the same bytes. */
  dataPath: string;
  dataSha256: string;
  iteration: number;
  trainingSeconds: number;
  model: GanTrainingState;
  trainer: TrainerState;
  evaluator: ReturnType<EvalCallback['getState']> | null;
  history: HistoryData;
}

export type CsvCheckpointOptions = Omit<TrainCsvOptions, 'out' | 'force' | 'callbacks' | 'onNotice' | 'interrupt'>;

export async function trainFromCsv(opts: TrainCsvOptions, resume?: CsvResume): Promise<ModelMeta> {
  const entry = learner(opts.modelType, 'sequences');
  const defaults = runDefaults(entry.spec.name);
  const { force, seed, iterations } = runBasics(entry, opts);
  const opened = openRun(opts.out, force, opts.data, opts.checkpointEvery ?? (defaults.checkpointEvery as 'auto'), [['--data', opts.data]], resume);
  const { checkpointEvery, dataSha256 } = opened;
  const dataPath = opened.dataPath!; // a file: opts.data is one
  const { dataset, scaler, windows } = prepareData(dataPath, { ...opts, seqLen: opts.seqLen ?? (defaults.seqLen as number), stride: opts.stride ?? (defaults.stride as number) });
  if (dataset.skipped.length > 0) {
    opts.onNotice?.(`tsgan: leaving out non-numeric columns: ${dataset.skipped.join(', ')}`);
  }
  const features = dataset.features.length;
  // On resume the config is the checkpoint's: its errors name state.json.
  const statePath = resume ? join(opts.out, CHECKPOINT_DIR, 'state.json') : undefined;
  const build = () => {
    const size = { items: windows.count, file: statePath };
    // A checkpoint that names only the options given takes the defaults of its time where they have changed since.
    const given = resume ? { ...entry.saved.resumeDefaults, ...opts.model } : opts.model;
    const config = entry.config({ ...given, features, seqLen: windows.seqLen }, iterations);
    return entry.build(sized(config, entry.sizes(config), size), seed) as AnyGan;
  };
  let model: AnyGan;
  try {
    model = build();
  } catch (e) {
    if (!statePath || !(e instanceof TsganError) || e.message.startsWith(statePath)) throw e;
    throw new TsganError(`${statePath}: options.model: ${e.message}`);
  }
  let train = windows;
  let evaluator: EvalCallback | null = null;
  try {
    if (opts.evalEvery !== undefined) {
      if (!Number.isInteger(opts.evalEvery) || opts.evalEvery < 1) throw new TsganError(`--eval-every must be a positive integer, got ${opts.evalEvery}`);
      const split = holdOutBlocks(windows, dataset.series.map((s) => s.rows), opts.stride ?? (defaults.stride as number), runStream(seed, 'holdOut'));
      train = split.train;
      evaluator = new EvalCallback(model, { every: opts.evalEvery, metric: opts.evalMetric, heldOut: split.heldOut, heldOutOrigin: split.heldOutOrigin, seed, onLog: opts.onNotice });
      opts.onNotice?.(`tsgan: evaluating every ${opts.evalEvery} iterations on ${split.heldOut.count} held-out windows (training on ${split.train.count})`);
    }
    const trainer = entry.trainer(model, train, seed, iterations);
    const total = trainer.totalIterations ?? iterations;
    const batch = (model.config as { batchSize?: number }).batchSize;
    if (!resume && batch !== undefined && train.count < batch) {
      opts.onNotice?.(`tsgan: warning: ${train.count} training windows for a batch of ${batch}: every batch holds the same windows, and the model will learn them by heart; use more data, or a smaller --seq-len or --batch-size`);
    }
    // Said when the run began; on resume it would precede a broken checkpoint's one-line error.
    if (trainer.notice && !resume) opts.onNotice?.(trainer.notice);
    const monitors = ganMonitors(model, trainer.items, seed, opts);
    const stepNotices: Callback = { onIterationEnd: () => void (trainer.stepNotice && opts.onNotice?.(trainer.stepNotice)) };
    const { callbacks: _c, onNotice: _n, interrupt: _i, out: _o, force: _f, ...options } = opts;
    const run = await runCheckpointed({
      model,
      trainer,
      total,
      out: opts.out,
      source: opts.data,
      checkpointEvery,
      interrupt: opts.interrupt,
      // The model by name, with every option a user may set as resolved (defaultsFor with the config's values), so that a resumed run is the same model whatever the defaults are then.
      saved: { options: { ...options, model: defaultsFor(offeredOptions(entry.spec), 'model', model.config as unknown as OptionValues), modelType: entry.spec.name }, dataPath: resolve(dataPath), dataSha256 },
      callbacks: [...(opts.callbacks ?? []), stepNotices, ...monitors, ...(evaluator ? [evaluator] : [])],
      evaluator,
      resume: resume?.state,
    });
    model.commitAverage();
    const bestIteration = evaluator?.restoreBest() ?? null;
    const meta = modelMeta(model, run, seed, dataset.features, scaler, {
        file: opts.data,
        columns: dataset.features,
        idColumn: dataset.idColumn,
        skippedColumns: dataset.skipped,
        series: dataset.series.length,
        rows: dataset.series.reduce((n, s) => n + s.rows, 0),
        windows: windows.count,
        seqLen: windows.seqLen,
        stride: opts.stride ?? (defaults.stride as number),
        ...(evaluator ? { trainWindows: train.count } : {}),
    });
    if (evaluator?.best && bestIteration !== null) meta.checkpoint = { ...evaluator.best, lastIteration: run.iterationsRun };
    await saveCheckpointed(opts.out, model, meta, force, opts.data);
    return meta;
  } finally {
    evaluator?.dispose();
    model.dispose();
  }
}

/**
 * A checkpointed run's start, before its data are parsed: the checkpoint
 * interval checked (none for data in memory: a checkpoint finds its data
 * again by path and hash), `out` free for a new run, and on resume the data
 * file the same bytes as the checkpoint's.
 */
export function openRun(
  out: string,
  force: boolean,
  data: string | undefined,
  every: number | 'auto',
  inputs: [string, string | undefined][],
  resume?: CsvResume,
): { checkpointEvery: number | 'auto'; dataPath: string | undefined; dataSha256: string } {
  const checkpointEvery = data === undefined ? 0 : every;
  if (checkpointEvery !== 'auto' && (!Number.isInteger(checkpointEvery) || checkpointEvery < 0)) throw new TsganError(`--checkpoint-every must be a whole number, got ${checkpointEvery}`);
  const dataPath = resume?.dataPath ?? data;
  if (!resume) checkOutDir(out, force, '--out', { inputs });
  // Checked (a regular file of bounded size) and, on resume, compared before it is parsed.
  const dataSha256 = dataPath !== undefined ? fileSha256(dataPath) : '';
  if (resume && dataSha256 !== resume.state.dataSha256) throw new TsganError(`${dataPath}: is not the file this training started on (its contents changed); resume needs the same data`);
  return { checkpointEvery, dataPath, dataSha256 };
}

/** What a checkpoint holds besides the training state: the run's options, and the data it must find again. */
export interface CheckpointIdentity {
  options: Record<string, unknown>;
  /** The data file's absolute path and SHA-256. */
  dataPath: string;
  dataSha256: string;
}

export interface CheckpointedRun {
  model: AnyGan;
  trainer: ModelTrainer;
  /** The run's iterations in all, from 0. */
  total: number;
  /** The model directory, which holds the checkpoint until the finished model replaces it. */
  out: string;
  /** Names the data in messages. */
  source: string;
  checkpointEvery: number | 'auto';
  interrupt?: { requested: boolean };
  saved: CheckpointIdentity;
  callbacks: Callback[];
  evaluator?: EvalCallback | null;
  /** The checkpoint to go on from. */
  resume?: CsvCheckpointState;
}

/**
 * Trains with checkpoints (src/train/checkpointer.ts): puts a resumed run's
 * state back (the model's, the trainer's with its streams, the evaluator's,
 * the history), writes the whole state every `checkpointEvery` and on an
 * interrupt, and counts the seconds and iterations of the run before. An
 * interrupt is a TsganError (exit 130) saying how to resume.
 */
export async function runCheckpointed(r: CheckpointedRun): Promise<Awaited<ReturnType<typeof runTraining>>> {
  const { model, trainer, total, out, evaluator } = r;
  let history: History | undefined;
  let secondsBefore = 0;
  if (r.resume) {
    const st = r.resume;
    if (st.iteration > total || st.trainer.iteration !== st.iteration) throw new TsganError(`${out}: the checkpoint's iteration ${st.iteration} does not fit a run of ${total}`);
    try {
      model.restoreTrainingState(st.model);
      trainer.setState(st.trainer);
      if (evaluator && st.evaluator) evaluator.setState(st.evaluator);
    } catch (e) {
      // A state that passed the schema but does not fit this run's shapes.
      throw new TsganError(`${join(out, CHECKPOINT_DIR, 'state.json')}: ${(e as Error).message}`);
    }
    history = History.from(st.history);
    secondsBefore = st.trainingSeconds;
  }
  const done = r.resume?.iteration ?? 0;
  const t0 = performance.now();
  const ckpt = checkpointer({
    every: r.checkpointEvery,
    interrupt: r.interrupt,
    save: (iteration, h) => {
      // A diverged state is not worth resuming: the last finite checkpoint stays.
      if (nonFiniteWeight(model.networkVariables())) return;
      const state: CsvCheckpointState = {
        format: CHECKPOINT_FORMAT,
        formatVersion: CHECKPOINT_VERSION,
        tsganVersion: VERSION,
        backend: tf.getBackend(),
        fused: fusedKernelsActive(),
        options: r.saved.options as CsvCheckpointOptions,
        dataPath: r.saved.dataPath,
        dataSha256: r.saved.dataSha256,
        iteration,
        trainingSeconds: secondsBefore + (performance.now() - t0) / 1000,
        model: model.trainingState(),
        trainer: trainer.getState(),
        evaluator: evaluator?.getState() ?? null,
        history: { iteration: h.iteration, metrics: h.metrics, evaluations: h.evaluations, sparse: h.sparse, gradNormPerStep: h.gradNormPerStep },
      };
      // The directory holds only the checkpoint until the finished model replaces it.
      writeDirAtomic(out, checkpointFiles(state), true);
    },
  });
  const run = await runTraining(trainer, total - done, r.source, [...r.callbacks, ckpt], history, () =>
    ckpt.interruptedAt === null ? null : new TsganError(`interrupted at iteration ${ckpt.interruptedAt} of ${total}; the training state is in ${out}; resume with: tsgan train --resume ${out}`, 130),
  ).catch((e: unknown) => {
    throw divergedWithCheckpoint(e, out);
  });
  run.seconds += secondsBefore;
  run.iterationsRun += done;
  return run;
}

/** Saves a checkpointed run's finished model over its checkpoint, after the last check that its weights are finite. */
export async function saveCheckpointed(out: string, model: AnyGan, meta: ModelMeta, force: boolean, source: string): Promise<void> {
  try {
    checkFiniteWeights(model.networkVariables(), source);
  } catch (e) {
    throw divergedWithCheckpoint(e, out);
  }
  // A checkpoint of this run may be there: it is this run's own output, replaced whole.
  await saveModelDir(out, model, meta, force || existsSync(join(out, CHECKPOINT_DIR)));
}

/** A divergence (exit 1) that left an earlier, finite checkpoint in `out`: the message says it is there. */
function divergedWithCheckpoint(e: unknown, out: string): unknown {
  const state = join(out, CHECKPOINT_DIR, 'state.json');
  if (!(e instanceof TsganError) || e.exitCode !== 1 || !existsSync(state)) return e;
  return new TsganError(`${e.message}; ${out} keeps the last finite checkpoint (tsgan train --resume ${out} goes on from it; remove ${out} to start again)`, 1);
}

/** The SHA-256 of a file's bytes, hex. */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readDataFile(path)).digest('hex');
}

/** A run's `force`, `seed` and `iterations`: as given, else the model's defaults; each checked. */
export function runBasics(entry: ModelEntry, opts: { force?: boolean; seed?: number; iterations?: number }): { force: boolean; seed: number; iterations: number } {
  const defaults = runDefaults(entry.spec.name);
  const force = opts.force ?? (defaults.force as boolean);
  const seed = checkSeed(opts.seed ?? (defaults.seed as number));
  const iterations = opts.iterations ?? (defaults.iterations as number);
  if (!Number.isInteger(iterations) || iterations < 1) throw new TsganError(`--iterations must be a positive integer, got ${iterations}`);
  return { force, seed, iterations };
}

const TRAIN_FUNCTION: Record<ModelEntry['learns'], string> = { sequences: 'trainFromCsv', vectors: 'trainDenseGan', tables: 'trainTable' };

/** The entry of model `name` (default: the first that learns `what`), which must learn `what`. */
export function learner(name: string | undefined, what: ModelEntry['learns']): ModelEntry {
  const entry = name === undefined ? defaultModel(what) : modelEntry(name);
  if (entry.learns !== what) throw new TsganError(`model "${entry.spec.name}" learns ${entry.learns}, not ${what}: train it with ${TRAIN_FUNCTION[entry.learns]}`);
  return entry;
}

/** The diversity monitor and the per-step gradient diagnostic, at their configured intervals. */
function ganMonitors(model: Gan, items: Items, seed: number, opts: Pick<TrainCsvOptions, 'diversityEvery' | 'gradStepsEvery' | 'onNotice'>): Callback[] {
  const out: Callback[] = [];
  const every = (v: number | undefined, name: 'diversityEvery' | 'gradStepsEvery') => {
    const n = v ?? (declared(MONITOR_OPTIONS, name).default as number);
    if (!Number.isInteger(n) || n < 0) throw new TsganError(`${name} must be a whole number, got ${n}`);
    return n;
  };
  const div = every(opts.diversityEvery, 'diversityEvery');
  const grad = every(opts.gradStepsEvery, 'gradStepsEvery');
  if (div > 0) out.push(diversityMonitor(model, items, { every: div, seed, onWarn: opts.onNotice }));
  if (grad > 0) out.push(gradPerStepMonitor(model, items, { every: grad, seed }));
  return out;
}

/** `interrupted`: the error to throw when a callback stopped training on request rather than on a fault. */
export async function runTraining(trainer: Trainable, iterations: number, source: string, callbacks: Callback[] = [], history?: History, interrupted?: () => TsganError | null) {
  const t0 = performance.now();
  const result = await fit(trainer, { iterations, callbacks: [nanGuard(), ...callbacks], history });
  const stop = interrupted?.();
  if (stop) throw stop;
  if (result.stopReason) throw new TsganError(`${source}: ${result.stopReason}; no model was written`, 1);
  return { ...result, seconds: (performance.now() - t0) / 1000 };
}

export function modelMeta(
  model: AnyGan,
  run: Awaited<ReturnType<typeof runTraining>>,
  seed: number,
  features: string[],
  scaler: MinMaxScaler,
  data: DataInfo,
): ModelMeta {
  return {
    format: 'tsgan-model',
    formatVersion: 1,
    tsganVersion: VERSION,
    tfjsVersion: tf.version.tfjs,
    backend: tf.getBackend(),
    model: model.config.model,
    config: model.config,
    features,
    scaler: scaler.toJSON(),
    data,
    seed,
    iterations: run.iterationsRun,
    trainingSeconds: Math.round(run.seconds * 1000) / 1000,
    history: run.history.toJSON(),
    files: networkFiles(model.networkVariables()),
  };
}

/** A dense training run's options; defaults as for TrainCsvOptions. */
export interface TrainDenseOptions {
  /** 'mnist' for the built-in digits, or a CSV whose rows are fixed-width vectors. */
  data: string;
  /**
   * Model directory to write; progress grids go to its samples/ folder. Until
   * the model is saved they are kept in a temporary directory beside it
   * (removed on failure or interrupt), so `out` appears only complete.
   */
  out: string;
  /** Feature columns of a CSV. */
  columns?: string[];
  /** [height, width] of a CSV row seen as an image (for PNG grids). MNIST: 28 × 28. */
  imageShape?: [number, number];
  /** A registered model that learns single rows: 'dense-gan' (the default) or one added with registerModel. */
  modelType?: string;
  /** The model's options by library name (docs/options.md lists each with its default). */
  model?: Partial<Omit<DenseGanConfig, 'dataDim' | 'imageShape'>> & Record<string, unknown>;
  /** Training iterations. */
  iterations?: number;
  /** Write a PNG grid of 64 samples every this many iterations (images only; 0: never). */
  sampleEvery?: number;
  seed?: number;
  force?: boolean;
  callbacks?: Callback[];
  onNotice?: (message: string) => void;
}

/** The dense GAN on MNIST or on a CSV of vectors, scaled to [−1, 1]. */
export async function trainDenseGan(opts: TrainDenseOptions): Promise<ModelMeta> {
  const entry = learner(opts.modelType, 'vectors');
  const defaults = runDefaults(entry.spec.name);
  const { force, seed, iterations } = runBasics(entry, opts);
  const sampleEvery = opts.sampleEvery ?? (defaults.sampleEvery as number);
  if (!Number.isInteger(sampleEvery) || sampleEvery < 0) throw new TsganError(`--sample-every must be a whole number, got ${sampleEvery}`);
  const builtIn = entry.builtInData && Object.hasOwn(entry.builtInData, opts.data) ? entry.builtInData[opts.data] : null;
  checkOutDir(opts.out, force, '--out', { inputs: [['--data', builtIn ? undefined : opts.data]] });
  let values: Float32Array;
  let scaler: MinMaxScaler;
  let features: string[];
  let data: DataInfo;
  let imageShape = opts.imageShape ?? null;
  if (builtIn) {
    const set = builtIn();
    features = set.features;
    scaler = new MinMaxScaler({ min: new Array(features.length).fill(set.range[0]), max: new Array(features.length).fill(set.range[1]), target: [-1, 1] });
    values = scaler.transform(set.values);
    imageShape ??= set.imageShape;
    data = { file: opts.data, columns: [], skippedColumns: [], series: 1, rows: set.count, windows: set.count };
  } else {
    const dataset = loadDataset(opts.data, { columns: opts.columns });
    if (dataset.skipped.length > 0) opts.onNotice?.(`tsgan: leaving out non-numeric columns: ${dataset.skipped.join(', ')}`);
    features = dataset.features;
    const rows = dataset.series[0].values;
    scaler = MinMaxScaler.fit([rows], features.length, [-1, 1]);
    values = scaler.transform(rows);
    data = { file: opts.data, columns: features, skippedColumns: dataset.skipped, series: 1, rows: dataset.series[0].rows, windows: dataset.series[0].rows };
  }
  const config = entry.config({ ...opts.model, dataDim: features.length, imageShape });
  const model = entry.build(sized(config, entry.sizes(config), { items: data.windows }), seed) as AnyGan & ImageModel;
  // The progress grids are written into a staging directory beside --out (`.<out>.tmp-<pid>-…`),
  // and the model next to them there; the whole moves into place at the end. A failure,
  // a NaN stop or an interrupt removes it (a kill -9 leaves it to the next run's recovery).
  let stage: string | null = null;
  try {
    const trainer = entry.trainer(model, { data: values, count: data.windows, itemShape: [features.length] }, seed, iterations);
    const callbacks = [...(opts.callbacks ?? [])];
    if (imageShape && sampleEvery > 0) {
      stage = createStagingDir(opts.out);
      const dir = join(stage, 'samples');
      mkdirSync(dir);
      const grid = (name: string) => writeFileSync(join(dir, name), sampleGrid(model, 64, seed), { flag: 'wx' });
      grid('iter-000000.png');
      callbacks.push({
        onIterationEnd(it) {
          if (it % sampleEvery === 0) grid(`iter-${String(it).padStart(6, '0')}.png`);
        },
      });
    }
    callbacks.push(yieldToSignals());
    const run = await runTraining(trainer, iterations, opts.data, callbacks);
    model.commitAverage();
    checkFiniteWeights(model.networkVariables(), opts.data);
    const meta = modelMeta(model, run, seed, features, scaler, data);
    if (stage === null) {
      await saveModelDir(opts.out, model, meta, force);
    } else {
      const staged = join(stage, 'model');
      await saveModelDir(staged, model, meta, false);
      renameSync(join(stage, 'samples'), join(staged, 'samples'));
      commitDir(staged, opts.out, force);
    }
    return meta;
  } finally {
    if (stage !== null) discardDir(stage);
    model.dispose();
  }
}

/**
 * Lets the event loop run about every 50 ms of training, so that a SIGINT or
 * SIGTERM handler (which removes a staging directory) runs during a long
 * training instead of after it.
 */
export function yieldToSignals(): Callback {
  let last = performance.now();
  return {
    async onIterationEnd() {
      const now = performance.now();
      if (now - last < 50) return;
      last = now;
      await new Promise<void>((r) => setImmediate(r));
    },
  };
}

/** A model of single rows whose config may say they are images. */
type ImageModel = Gan & { readonly config: { imageShape?: [number, number] | null } };

/** A PNG grid of `count` generated images; the same noise seed every time, so grids over training compare. */
export function sampleGrid(model: ImageModel, count: number, seed = 0): Buffer {
  const shape = model.config.imageShape;
  if (!shape) throw new TsganError('this model was not trained on images: write CSV instead (an --out ending in .csv)');
  return imageGrid(model.sample(count, new Rng(seed)), count, { tile: shape, range: [-1, 1] });
}

/** `count` synthetic items in the data's units: [count, seqLen, features] (or [count, features]), row-major. */
export function sampleSequences(loaded: LoadedModel, count: number, seed = 0): Float64Array {
  if (!Number.isInteger(count) || count < 1) throw new TsganError(`--count must be a positive integer, got ${count}`);
  const scaled = loaded.model.sample(count, new Rng(seed));
  return loaded.scaler.inverse(scaled);
}

/** The options of sampleToCsv (and `tsgan sample`), each default declared once. */
export const SAMPLE_OPTIONS: readonly OptionDecl[] = [
  { name: 'model', flag: 'model', kind: { type: 'text' }, target: 'run', required: true, metavar: 'DIR', section: 'Options', doc: 'model directory written by tsgan train' },
  {
    name: 'count',
    flag: 'count',
    kind: { type: 'int', min: 1 },
    target: 'run',
    section: 'Options',
    doc: `number of sequences (entities, for a table model; required unless --given); at most ${MAX_SAMPLE_VALUES.toLocaleString('en-US')} values (N × steps × features) per call: run again with another --seed for more`,
  },
  { name: 'out', flag: 'out', kind: { type: 'text' }, target: 'run', required: true, metavar: 'FILE', section: 'Options', doc: 'CSV file to write (a .png for an image model: a grid of N images; a .json for a table model: an array of records)' },
  { name: 'seed', flag: 'seed', kind: { type: 'seed' }, target: 'run', default: 0, section: 'Options', doc: 'noise seed, an integer in [0, 4294967295]; the same seed gives the same file' },
  { name: 'force', flag: 'force', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Options', doc: 'overwrite an existing --out file (never a directory, a device, a link, or the model)' },
];
const SAMPLE_DEFAULTS = defaultsFor(SAMPLE_OPTIONS, 'run') as { seed: number; force: boolean };

/** Defaults in SAMPLE_OPTIONS. */
export interface SampleCsvOptions {
  model: string;
  count: number;
  out: string;
  seed?: number;
  force?: boolean;
}

/** Each feature's value where the training data held it constant, else null. */
function constantColumns(scaler: MinMaxScaler): (number | null)[] {
  const { min, max } = scaler.toJSON();
  return min.map((m, f) => (m === max[f] ? m : null));
}

export function sampleToCsv(opts: SampleCsvOptions): { rows: number; features: string[]; seqLen: number; format: 'csv' | 'png' } {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new TsganError(`--count must be a positive integer, got ${opts.count}`);
  // Never the model directory (nor a directory holding it), a device, a link or a directory.
  const force = opts.force ?? SAMPLE_DEFAULTS.force;
  checkOutFile(opts.out, force, '--out', { inputs: [['--model', opts.model]] });
  const seed = checkSeed(opts.seed ?? SAMPLE_DEFAULTS.seed);
  const loaded = loadModelDir(opts.model);
  try {
    const m = loaded.model;
    checkSampleSize(m.config, modelEntry(m.config.model).sizes(m.config), opts.count, { file: join(opts.model, 'tsgan.json') });
    if (modelEntry(m.config.model).learns === 'vectors') {
      if (opts.out.toLowerCase().endsWith('.png')) {
        writeFileAtomic(opts.out, sampleGrid(m as ImageModel, opts.count, seed), force);
        return { rows: opts.count, features: loaded.meta.features, seqLen: 1, format: 'png' };
      }
      const values = sampleSequences(loaded, opts.count, seed);
      writeFileAtomic(opts.out, vectorsToCsv(values, opts.count, loaded.meta.features, constantColumns(loaded.scaler)), force);
      return { rows: opts.count, features: loaded.meta.features, seqLen: 1, format: 'csv' };
    }
    if (opts.out.toLowerCase().endsWith('.png')) throw new TsganError(`${opts.out}: PNG grids are for image models (dense-gan); write a .csv`);
    const values = sampleSequences(loaded, opts.count, seed);
    const seqLen = m.config.seqLen!;
    writeFileAtomic(opts.out, samplesToCsv(values, opts.count, seqLen, loaded.meta.features, constantColumns(loaded.scaler)), force);
    return { rows: opts.count * seqLen, features: loaded.meta.features, seqLen, format: 'csv' };
  } finally {
    loaded.model.dispose();
  }
}
