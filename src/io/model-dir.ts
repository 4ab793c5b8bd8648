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
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../engine.js';
import { TsganError } from '../errors.js';
import type { Gan } from '../models/gan.js';
import { MinMaxScaler, type ScalerState } from '../data/scaler.js';
import type { HistoryData } from '../train/loop.js';
import { writeDirAtomic } from './atomic.js';
import { checkNetworkDir, layersModelFiles, parseJsonFile, readLayersWeights, readRegularFile } from './layers-artifacts.js';
import { toJson } from './json.js';
import { FORMAT, FORMAT_VERSION, checkModelMeta, type FileKind } from './model-schema.js';
import { checkModelSize, type NetworkSizes, type SizedConfig } from '../models/size-check.js';
import type { ModelConfig } from '../zoo/entry.js';

export { FORMAT, FORMAT_VERSION };
/** The largest tsgan.json tsgan reads (a 15,000-iteration TimeGAN history is about 4 MB). */
export const MAX_META_BYTES = 128 * 2 ** 20;

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

/** A GAN read from a model directory: any registered model. */
export type AnyGan = Gan & { readonly config: ModelConfig; toLayersModels(): Record<string, tf.LayersModel> };

import type { CodecLayout } from '../data/table-codec.js';

export interface ModelMeta {
  format: typeof FORMAT;
  formatVersion: number;
  tsganVersion: string;
  tfjsVersion: string;
  backend: string;
  model: string;
  config: ModelConfig;
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
  /** A table model's codec layout: how its generated arrays read back as the input's table (src/io/table-layout.ts checks it). */
  table?: CodecLayout;
  /** Network name → its LayersModel file (generator and discriminator; TimeGAN also embedder and maybe critic; the VAE-GAN encoder). */
  files: Record<string, string>;
}

export interface LoadedModel {
  meta: ModelMeta;
  model: AnyGan;
  scaler: MinMaxScaler;
}

/** Writes the model directory atomically; with `force`, a previous model directory is replaced whole. */
export async function saveModelDir(dir: string, model: AnyGan, meta: ModelMeta, force: boolean): Promise<void> {
  const nets: Record<string, tf.LayersModel> = model.toLayersModels();
  try {
    const files = new Map<string, string | Uint8Array>([['tsgan.json', toJson({ ...meta, files: networkFiles(nets) })]]);
    for (const [name, net] of Object.entries(nets)) {
      const f = await layersModelFiles(net);
      files.set(`${name}/model.json`, f.json);
      files.set(`${name}/weights.bin`, f.weights);
    }
    writeDirAtomic(dir, files, force);
  } finally {
    for (const net of Object.values(nets)) net.dispose();
  }
}

export function networkFiles(nets: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(nets).map((n) => [n, `${n}/model.json`]));
}

/**
 * Reads and checks `dir/tsgan.json` of a model of one of `kinds` (every kind
 * of model file tsgan knows, by name: the registry's fileKinds()), which must
 * be one of `wanted`: a regular file, valid JSON, its format version's schema
 * after migration, and scaler, features and config agreeing (see
 * src/io/model-schema.ts). Errors name the file and the key.
 */
export function readModelMetaFile(
  dir: string,
  kinds: Readonly<Record<string, FileKind>>,
  wanted: readonly string[] = Object.keys(kinds),
  wrongKind: (model: string) => string = (m) => `${join(dir, 'tsgan.json')}: model: holds a ${m} model`,
): { format: string; formatVersion: number; model: string; [k: string]: unknown } {
  if (!existsSync(dir)) throw new TsganError(`${dir}: no such model directory`);
  if (!statSync(dir).isDirectory()) throw new TsganError(`${dir}: is not a directory (expected a model directory from tsgan train)`);
  const path = join(dir, 'tsgan.json');
  if (!existsSync(path)) throw new TsganError(`${dir}: not a tsgan model directory (no tsgan.json)`);
  const raw = parseJsonFile(path, readRegularFile(path, { max: MAX_META_BYTES }));
  return checkModelMeta(path, raw, kinds, wanted, wrongKind);
}

/**
 * Builds a model from a config read from `file`: sizes first (nothing is
 * allocated for a config over the bounds of src/models/size-check.ts), and
 * what the model's own config check refuses is named with the file.
 */
export function buildCheckedModel<T>(file: string, config: SizedConfig, sizes: NetworkSizes, build: () => T): T {
  checkModelSize(config, sizes, { file });
  try {
    return build();
  } catch (e) {
    if (e instanceof TsganError) throw new TsganError(`${file}: config: ${e.message}`);
    throw e;
  }
}

/** The weights of network `name` in `dir`, checked against the shapes of `vars` before any weight file is read. */
export function readNetworkWeights(dir: string, name: string, vars: tf.Variable[]): tf.Tensor[] {
  const netDir = join(dir, name);
  checkNetworkDir(netDir, `${join(dir, 'tsgan.json')}: files.${name}`);
  return readLayersWeights(netDir, vars.map((v) => v.shape));
}
