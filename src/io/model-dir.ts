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
import { MinMaxScaler, type ScalerState } from '../data/scaler.js';
import type { HistoryData } from '../train/loop.js';
import { writeDirAtomic } from './atomic.js';
import { layersModelFiles, readLayersWeights } from './layers-artifacts.js';

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
export type AnyGan = Rgan | DenseGan;
export type AnyGanConfig = RganConfig | DenseGanConfig;

/** Builds the model a config describes, with weights drawn from `seed`. */
export function buildGan(config: AnyGanConfig, seed: number): AnyGan {
  return config.model === 'dense-gan' ? new DenseGan(denseGanConfig(config), seed) : new Rgan(rganConfig(config), seed);
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
  files: { generator: string; discriminator: string };
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
  const { generator, discriminator } = model.toLayersModels();
  try {
    const g = await layersModelFiles(generator);
    const d = await layersModelFiles(discriminator);
    const files = new Map<string, string | Uint8Array>([
      ['tsgan.json', JSON.stringify(meta, null, 2) + '\n'],
      ['generator/model.json', g.json],
      ['generator/weights.bin', g.weights],
      ['discriminator/model.json', d.json],
      ['discriminator/weights.bin', d.weights],
    ]);
    writeDirAtomic(dir, files, force, merge ? { last: 'tsgan.json' } : undefined);
  } finally {
    generator.dispose();
    discriminator.dispose();
  }
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
  if (meta.model !== 'rgan' && meta.model !== 'dense-gan') {
    throw new TsganError(`${join(dir, 'tsgan.json')}: holds a ${meta.model} model, not a GAN (for a classifier use tsgan classify predict)`);
  }
  return meta;
}

export function loadModelDir(dir: string): LoadedModel {
  const meta = readModelMeta(dir);
  // Weights are about to be overwritten: the seed here only shapes the throwaway init.
  const model = buildGan(meta.config, 0);
  const g = readLayersWeights(join(dir, 'generator'));
  const d = readLayersWeights(join(dir, 'discriminator'));
  try {
    model.setWeights(g, d);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose([...g, ...d]);
  }
  return { meta, model, scaler: new MinMaxScaler(meta.scaler) };
}
