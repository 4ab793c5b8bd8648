/**
 * TF.js LayersModel artifacts as files, without tfjs-node: `model.json`
 * (topology plus weights manifest, the format `tf.loadLayersModel` reads over
 * http:// or file://) and one `weights.bin`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../engine.js';
import { TsganError } from '../errors.js';

export async function layersModelFiles(model: tf.LayersModel, weightsName = 'weights.bin'): Promise<{ json: string; weights: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts || !artifacts.weightSpecs || !artifacts.weightData) throw new Error('model produced no artifacts');
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const json = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs }],
  };
  return { json: JSON.stringify(json), weights };
}

/** Reads `dir/model.json` and its weight files; returns the weights in manifest order. */
export function readLayersWeights(dir: string): tf.Tensor[] {
  const jsonPath = join(dir, 'model.json');
  let manifest: { weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    manifest = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new TsganError(`${jsonPath}: cannot read model file (${(e as Error).message})`);
  }
  const groups = manifest.weightsManifest;
  if (!Array.isArray(groups)) throw new TsganError(`${jsonPath}: no weightsManifest`);
  const tensors: tf.Tensor[] = [];
  for (const g of groups) {
    const buffers = g.paths.map((p) => {
      try {
        const b = readFileSync(join(dir, p));
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      } catch (e) {
        throw new TsganError(`${join(dir, p)}: cannot read weights (${(e as Error).message})`);
      }
    });
    const data = tf.io.CompositeArrayBuffer.join(buffers);
    const expected = g.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
    if (data.byteLength !== expected) {
      throw new TsganError(`${join(dir, g.paths[0])}: has ${data.byteLength} bytes, the manifest describes ${expected}`);
    }
    const named = tf.io.decodeWeights(data, g.weights);
    for (const w of g.weights) tensors.push(named[w.name]);
  }
  return tensors;
}
