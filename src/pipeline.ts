/**
 * The whole path as library calls, which the CLI wraps: CSV → windows →
 * trained model directory (`trainFromCsv`), and model directory → synthetic
 * CSV (`sampleToCsv`). Every check that can fail on the user's input runs
 * before any training starts or any file is written.
 */
import { tf } from './engine.js';
import { Rng } from './random.js';
import { TsganError } from './errors.js';
import { VERSION } from './version.js';
import { loadDataset, type Dataset } from './data/table.js';
import { MinMaxScaler } from './data/scaler.js';
import { makeWindows, type Windows } from './data/windows.js';
import { Rgan, rganConfig, type RganConfig } from './models/rgan.js';
import { RganTrainer } from './train/rgan-trainer.js';
import { fit, type Callback } from './train/loop.js';
import { nanGuard } from './train/callbacks.js';
import { checkOutDir, checkOutFile, writeFileAtomic } from './io/atomic.js';
import { loadModelDir, saveModelDir, type LoadedModel, type ModelMeta } from './io/model-dir.js';
import { samplesToCsv } from './io/samples.js';

export interface TrainCsvOptions {
  /** CSV file with a header row. */
  data: string;
  /** Model directory to write. */
  out: string;
  /** Feature columns. Default: every numeric column. */
  columns?: string[];
  /** Column naming the series of each row (panel data). */
  idColumn?: string;
  /** Window length. Default 24. */
  seqLen?: number;
  /** Rows between window starts. Default 1. */
  stride?: number;
  /** Model options; see RganConfig for each default. */
  model?: Partial<Omit<RganConfig, 'features' | 'seqLen'>>;
  /** Training iterations. Default 1000. */
  iterations?: number;
  /** Seed for weights, noise and batches. Default 0. */
  seed?: number;
  /** Overwrite a non-empty `out`. Default false. */
  force?: boolean;
  callbacks?: Callback[];
  /** Receives one-line notices (columns left out, ...). */
  onNotice?: (message: string) => void;
}

export interface PreparedData {
  dataset: Dataset;
  scaler: MinMaxScaler;
  windows: Windows;
}

/** Reads, checks, scales and windows a CSV. */
export function prepareData(file: string, opts: Pick<TrainCsvOptions, 'columns' | 'idColumn' | 'seqLen' | 'stride'>): PreparedData {
  const dataset = loadDataset(file, { columns: opts.columns, idColumn: opts.idColumn });
  const F = dataset.features.length;
  const scaler = MinMaxScaler.fit(dataset.series.map((s) => s.values), F);
  const windows = makeWindows(dataset.series, F, scaler, { seqLen: opts.seqLen ?? 24, stride: opts.stride ?? 1, file });
  return { dataset, scaler, windows };
}

export async function trainFromCsv(opts: TrainCsvOptions): Promise<ModelMeta> {
  const force = opts.force ?? false;
  const seed = opts.seed ?? 0;
  const iterations = opts.iterations ?? 1000;
  if (!Number.isInteger(iterations) || iterations < 1) throw new TsganError(`--iterations must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(seed)) throw new TsganError(`--seed must be an integer, got ${seed}`);
  checkOutDir(opts.out, force);
  const { dataset, scaler, windows } = prepareData(opts.data, opts);
  if (dataset.skipped.length > 0) {
    opts.onNotice?.(`tsgan: leaving out non-numeric columns: ${dataset.skipped.join(', ')}`);
  }
  const config = rganConfig({ ...opts.model, features: dataset.features.length, seqLen: windows.seqLen });
  const model = new Rgan(config, seed);
  try {
    const trainer = new RganTrainer(model, windows, seed);
    const t0 = performance.now();
    const result = await fit(trainer, { iterations, callbacks: [nanGuard(), ...(opts.callbacks ?? [])] });
    const seconds = (performance.now() - t0) / 1000;
    if (result.stopReason) throw new TsganError(`${opts.data}: ${result.stopReason}; no model was written`, 1);
    const meta: ModelMeta = {
      format: 'tsgan-model',
      formatVersion: 1,
      tsganVersion: VERSION,
      tfjsVersion: tf.version.tfjs,
      backend: tf.getBackend(),
      model: 'rgan',
      config,
      features: dataset.features,
      scaler: scaler.toJSON(),
      data: {
        file: opts.data,
        columns: dataset.features,
        idColumn: dataset.idColumn,
        skippedColumns: dataset.skipped,
        series: dataset.series.length,
        rows: dataset.series.reduce((n, s) => n + s.rows, 0),
        windows: windows.count,
        seqLen: windows.seqLen,
        stride: opts.stride ?? 1,
      },
      seed,
      iterations: result.iterationsRun,
      trainingSeconds: Math.round(seconds * 1000) / 1000,
      history: result.history.toJSON(),
      files: { generator: 'generator/model.json', discriminator: 'discriminator/model.json' },
    };
    await saveModelDir(opts.out, model, meta, force);
    return meta;
  } finally {
    model.dispose();
  }
}

/** `count` synthetic sequences in the data's units: [count, seqLen, features], row-major. */
export function sampleSequences(loaded: LoadedModel, count: number, seed = 0): Float64Array {
  if (!Number.isInteger(count) || count < 1) throw new TsganError(`--count must be a positive integer, got ${count}`);
  const scaled = loaded.model.sample(count, new Rng(seed));
  return loaded.scaler.inverse(scaled);
}

export interface SampleCsvOptions {
  /** Model directory from trainFromCsv / `tsgan train`. */
  model: string;
  /** Number of sequences. */
  count: number;
  /** CSV file to write. */
  out: string;
  /** Default 0. */
  seed?: number;
  force?: boolean;
}

export function sampleToCsv(opts: SampleCsvOptions): { rows: number; features: string[]; seqLen: number } {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new TsganError(`--count must be a positive integer, got ${opts.count}`);
  checkOutFile(opts.out, opts.force ?? false);
  const loaded = loadModelDir(opts.model);
  try {
    const values = sampleSequences(loaded, opts.count, opts.seed ?? 0);
    const { seqLen } = loaded.model.config;
    writeFileAtomic(opts.out, samplesToCsv(values, opts.count, seqLen, loaded.meta.features), opts.force ?? false);
    return { rows: opts.count * seqLen, features: loaded.meta.features, seqLen };
  } finally {
    loaded.model.dispose();
  }
}
