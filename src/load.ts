/**
 * Model directories → built models, through the registry: the file is
 * checked against its kind's schema, the config filled by its entry, its
 * networks sized against the bounds before anything is built, then built
 * and given the saved weights (src/io/model-dir.ts does the reading).
 */
import { join } from 'node:path';
import { tf } from './engine.js';
import { TsganError } from './errors.js';
import { MinMaxScaler } from './data/scaler.js';
import { buildCheckedModel, readModelMetaFile, readNetworkWeights, type AnyGan, type LoadedModel, type ModelMeta } from './io/model-dir.js';
import { fileKinds, modelEntry, modelNames } from './registry.js';
import type { ModelConfig } from './zoo/entry.js';

/** The model a config describes, with weights drawn from `seed`, by its registry entry. */
export function buildGan(config: ModelConfig, seed: number): AnyGan {
  const entry = modelEntry(config.model);
  return entry.build(entry.config(config), seed) as AnyGan;
}

/** Reads and checks the metadata of a GAN model directory (nothing is built). */
export function readModelMeta(dir: string): ModelMeta {
  const path = join(dir, 'tsgan.json');
  const meta = readModelMetaFile(dir, fileKinds(), modelNames(), (m) => `${path}: model: holds a ${m} model, not a GAN (for a classifier use tsgan classify predict)`);
  // checkModelMeta has checked every key ModelMeta describes.
  return meta as unknown as ModelMeta;
}

export function loadModelDir(dir: string): LoadedModel {
  const meta = readModelMeta(dir);
  const file = join(dir, 'tsgan.json');
  const entry = modelEntry(meta.model);
  let config: ModelConfig;
  try {
    config = entry.config(meta.config);
  } catch (e) {
    throw e instanceof TsganError ? new TsganError(`${file}: config: ${e.message}`) : e;
  }
  // Weights are about to be overwritten: the seed here only shapes the throwaway init.
  const model = buildCheckedModel(file, config, entry.sizes(config), () => entry.build(config, 0) as AnyGan);
  const weights: Record<string, tf.Tensor[]> = {};
  try {
    for (const [name, vars] of Object.entries(model.networkVariables())) weights[name] = readNetworkWeights(dir, name, vars);
    model.setNetworkWeights(weights);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(weights).flat());
  }
  return { meta, model, scaler: new MinMaxScaler(meta.scaler) };
}
