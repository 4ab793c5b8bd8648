/**
 * Real windows through a model's own autoencoder (timegan: recovery ∘
 * embedder; vaegan: decoder at the posterior mean), for the strong score of
 * the reconstructions against the real data. A TimeGAN sample leaves through
 * the same recovery network, so a reconstruction the strong classifier tells
 * from real data says that the decoder, not the generator, is what it sees
 * (docs/experiments/2026-12-07-what-the-strong-classifier-sees.md).
 */
import { tf } from '../engine.js';
import { TsganError } from '../errors.js';
import type { Gan } from '../models/gan.js';
import type { MinMaxScaler } from '../data/scaler.js';
import type { EvalData, WindowSet } from './data.js';

/** Windows per call of the model (bounded memory on any data size). */
const BATCH = 256;

/**
 * `data.real` through `model.reconstruct`, returned in the evaluation's
 * scaling: each window is taken back to the data's units (data.scaler),
 * into the model's own scaling (modelScaler), through the model, and back.
 */
export function reconstructWindows(model: Gan, modelScaler: MinMaxScaler, modelFeatures: string[], data: EvalData, modelDir: string): WindowSet {
  const reconstruct = model.reconstruct?.bind(model);
  if (!reconstruct) throw new TsganError(`--reconstruction: ${modelDir} holds a model without an encoder; timegan and vaegan models have one`);
  if (modelFeatures.join('\u0000') !== data.features.join('\u0000')) {
    throw new TsganError(`--reconstruction: ${modelDir} was trained on ${modelFeatures.join(', ')}, the evaluation compares ${data.features.join(', ')}; pass --columns ${modelFeatures.join(',')}`);
  }
  const { seqLen: T, features: F, count } = data.real;
  const modelSeqLen = model.itemShape[0];
  if (modelSeqLen !== T) throw new TsganError(`--reconstruction: ${modelDir} makes windows of ${modelSeqLen} steps, the synthetic sequences have ${T}: score this model's own samples`);
  const out = new Float32Array(count * T * F);
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const raw = data.scaler.inverse(data.real.data.subarray(start * T * F, (start + n) * T * F));
    const y = tf.tidy(() => reconstruct(tf.tensor3d(modelScaler.transform(raw), [n, T, F]))); // [batch, time, features], the model's scaling
    let values: Float32Array;
    try {
      values = y.dataSync() as Float32Array;
    } finally {
      y.dispose();
    }
    out.set(data.scaler.transform(modelScaler.inverse(values)), start * T * F);
  }
  return { data: out, count, seqLen: T, features: F };
}
