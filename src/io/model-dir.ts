/**
 * The model directory written by `tsgan train`:
 *
 *   tsgan.json                  format version, versions, config, features,
 *                               scaler, seed, iterations, loss history
 *   generator/model.json        TF.js LayersModel (+ weights.bin)
 *   discriminator/model.json    TF.js LayersModel (+ weights.bin)
 *
 * Written atomically (see atomic.ts). The two LayersModels need nothing of
 * tsgan: `tf.loadLayersModel('.../generator/model.json')` works in a browser.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../engine.js';
import { TsganError } from '../errors.js';
import { VERSION } from '../version.js';
import { Rgan, rganConfig, type RganConfig } from '../models/rgan.js';
import { DenseGan, denseGanConfig, type DenseGanConfig } from '../models/dense-gan.js';
import { Timegan, timeganConfig, type TimeganConfig } from '../models/timegan.js';
import { MinMaxScaler, type ScalerState } from '../data/scaler.js';
import type { HistoryData } from '../train/loop.js';
import { writeDirAtomic } from './atomic.js';
import { layersModelFiles, readLayersWeights } from './layers-artifacts.js';
import { toJson } from './json.js';

export const FORMAT = 'tsgan-model';
export const FORMAT_VERSION = 1;

/** Where the training data came from and how it was cut. */
export interface DataInfo {
  /** A CSV path, or a built-in set ('mnist'). */
  file: string;
  columns: string[];
  idColumn?: string;
  skippedColumns: string[];
  series: number;
  rows: number;
  /** Training items (windows for rgan, vectors for dense-gan). */
  windows: number;
  seqLen?: number;
  stride?: number;
  /** Windows trained on when part was held out for evaluation (`--eval-every`). */
  trainWindows?: number;
}

/** The GANs a model directory can hold. */
export type AnyGan = Rgan | DenseGan | Timegan;
export type AnyGanConfig = RganConfig | DenseGanConfig | TimeganConfig;
export const GAN_MODELS = ['rgan', 'dense-gan', 'timegan'] as const;

/** Builds the model a config describes, with weights drawn from `seed`. */
export function buildGan(config: AnyGanConfig, seed: number): AnyGan {
  if (config.model === 'dense-gan') return new DenseGan(denseGanConfig(config), seed);
  // A TimeGAN saved before `bidirectional` (or a G term) existed has no such key: its D reads
  // forward only, and it was trained with the reference's moments and without the other terms.
  if (config.model === 'timegan') {
    const old = config as Partial<TimeganConfig>;
    return new Timegan(
      timeganConfig({
        ...config,
        bidirectional: old.bidirectional ?? false,
        correlationLoss: old.correlationLoss ?? 0,
        momentLoss: old.momentLoss ?? 'moments',
        slicedLoss: old.slicedLoss ?? 0,
        incrementLoss: old.incrementLoss ?? 0,
      }),
      seed,
    );
  }
  return new Rgan(rganConfig(config), seed);
}

export interface ModelMeta {
  format: typeof FORMAT;
  formatVersion: number;
  tsganVersion: string;
  tfjsVersion: string;
  backend: string;
  model: AnyGanConfig['model'];
  config: AnyGanConfig;
  /** Feature names, in the order of the model's outputs. */
  features: string[];
  scaler: ScalerState;
  data: DataInfo;
  seed: number;
  iterations: number;
  trainingSeconds: number;
  stopReason?: string;
  history: HistoryData;
  /** With `--eval-every`: the saved weights are those of this evaluation, the best by `metric`. */
  checkpoint?: { iteration: number; metric: string; value: number; lastIteration: number };
  /** Network name → its LayersModel file (generator and discriminator; TimeGAN also embedder). */
  files: Record<string, string>;
}

export interface LoadedModel {
  meta: ModelMeta;
  model: AnyGan;
  scaler: MinMaxScaler;
}

/**
 * Writes the model directory. With `merge`, `dir` already holds this run's
 * progress samples and the model files join them, tsgan.json last.
 */
export async function saveModelDir(dir: string, model: AnyGan, meta: ModelMeta, force: boolean, merge = false): Promise<void> {
  const nets: Record<string, tf.LayersModel> = model.toLayersModels();
  try {
    const files = new Map<string, string | Uint8Array>([['tsgan.json', toJson({ ...meta, files: networkFiles(nets) })]]);
    for (const [name, net] of Object.entries(nets)) {
      const f = await layersModelFiles(net);
      files.set(`${name}/model.json`, f.json);
      files.set(`${name}/weights.bin`, f.weights);
    }
    writeDirAtomic(dir, files, force, merge ? { last: 'tsgan.json' } : undefined);
  } finally {
    for (const net of Object.values(nets)) net.dispose();
  }
}

export function networkFiles(nets: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(nets).map((n) => [n, `${n}/model.json`]));
}

/** Reads and checks `dir/tsgan.json` of any tsgan model (GAN or classifier). */
export function readModelMetaFile(dir: string): { format: string; formatVersion: number; model: string; [k: string]: unknown } {
  if (!existsSync(dir)) throw new TsganError(`${dir}: no such model directory`);
  if (!statSync(dir).isDirectory()) throw new TsganError(`${dir}: is not a directory (expected a model directory from tsgan train)`);
  const path = join(dir, 'tsgan.json');
  if (!existsSync(path)) throw new TsganError(`${dir}: not a tsgan model directory (no tsgan.json)`);
  let meta: { format: string; formatVersion: number; model: string };
  try {
    meta = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TsganError(`${path}: invalid JSON (${(e as Error).message})`);
  }
  if (meta.format !== FORMAT) throw new TsganError(`${path}: not a tsgan model file (format "${meta.format}")`);
  if (meta.formatVersion > FORMAT_VERSION) {
    throw new TsganError(`${path}: format version ${meta.formatVersion} is newer than this tsgan (${VERSION}) reads; upgrade tsgan`);
  }
  return meta;
}

/** Reads the metadata of a GAN model directory. */
export function readModelMeta(dir: string): ModelMeta {
  const meta = readModelMetaFile(dir) as unknown as ModelMeta;
  if (!(GAN_MODELS as readonly string[]).includes(meta.model)) {
    throw new TsganError(`${join(dir, 'tsgan.json')}: holds a ${meta.model} model, not a GAN (for a classifier use tsgan classify predict)`);
  }
  return meta;
}

export function loadModelDir(dir: string): LoadedModel {
  const meta = readModelMeta(dir);
  // Weights are about to be overwritten: the seed here only shapes the throwaway init.
  const model = buildGan(meta.config, 0);
  const weights: Record<string, tf.Tensor[]> = {};
  try {
    for (const name of Object.keys(model.networkVariables())) weights[name] = readLayersWeights(join(dir, name));
    model.setNetworkWeights(weights);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(weights).flat());
  }
  return { meta, model, scaler: new MinMaxScaler(meta.scaler) };
}
