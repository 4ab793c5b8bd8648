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
import { MinMaxScaler, type ScalerState } from '../data/scaler.js';
import type { HistoryData } from '../train/loop.js';
import { writeDirAtomic } from './atomic.js';
import { layersModelFiles, readLayersWeights } from './layers-artifacts.js';

export const FORMAT = 'tsgan-model';
export const FORMAT_VERSION = 1;

/** Where the training data came from and how it was cut. */
export interface DataInfo {
  file: string;
  columns: string[];
  idColumn?: string;
  skippedColumns: string[];
  series: number;
  rows: number;
  windows: number;
  seqLen: number;
  stride: number;
}

export interface ModelMeta {
  format: typeof FORMAT;
  formatVersion: number;
  tsganVersion: string;
  tfjsVersion: string;
  backend: string;
  model: 'rgan';
  config: RganConfig;
  /** Feature names, in the order of the model's outputs. */
  features: string[];
  scaler: ScalerState;
  data: DataInfo;
  seed: number;
  iterations: number;
  trainingSeconds: number;
  stopReason?: string;
  history: HistoryData;
  files: { generator: string; discriminator: string };
}

export interface LoadedModel {
  meta: ModelMeta;
  model: Rgan;
  scaler: MinMaxScaler;
}

export async function saveModelDir(dir: string, model: Rgan, meta: ModelMeta, force: boolean): Promise<void> {
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
    writeDirAtomic(dir, files, force);
  } finally {
    generator.dispose();
    discriminator.dispose();
  }
}

export function readModelMeta(dir: string): ModelMeta {
  if (!existsSync(dir)) throw new TsganError(`${dir}: no such model directory`);
  if (!statSync(dir).isDirectory()) throw new TsganError(`${dir}: is not a directory (expected a model directory from tsgan train)`);
  const path = join(dir, 'tsgan.json');
  if (!existsSync(path)) throw new TsganError(`${dir}: not a tsgan model directory (no tsgan.json)`);
  let meta: ModelMeta;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TsganError(`${path}: invalid JSON (${(e as Error).message})`);
  }
  if (meta.format !== FORMAT) throw new TsganError(`${path}: not a tsgan model file (format "${meta.format}")`);
  if (meta.formatVersion > FORMAT_VERSION) {
    throw new TsganError(`${path}: format version ${meta.formatVersion} is newer than this tsgan (${VERSION}) reads; upgrade tsgan`);
  }
  if (meta.model !== 'rgan') throw new TsganError(`${path}: unknown model type "${meta.model}"`);
  return meta;
}

export function loadModelDir(dir: string): LoadedModel {
  const meta = readModelMeta(dir);
  const config = rganConfig(meta.config);
  // Weights are about to be overwritten: the seed here only shapes the throwaway init.
  const model = new Rgan(config, 0);
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
