/**
 * TF.js LayersModel artifacts as files, without tfjs-node: `model.json`
 * (topology plus weights manifest, the format `tf.loadLayersModel` reads over
 * http:// or file://) and one `weights.bin`.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../engine.js';
import { TsganError } from '../errors.js';
import { checkManifest } from './model-schema.js';

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

/** The largest model.json tsgan reads (its topology is a few kilobytes per layer). */
export const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
// A FIFO would block the open until a writer comes; O_NONBLOCK lets fstat refuse it.
const NONBLOCK = constants.O_NONBLOCK ?? 0;

function kind(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ELOOP') return 'is a symbolic link; model files must be regular files';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (e as Error).message;
}

/**
 * Opens `path` only if it is a regular file (a symbolic link is not
 * followed: lstat, then O_NOFOLLOW), checks its size against `size` (an exact
 * size or a maximum) before reading a byte, and reads it whole.
 * `where` prefixes errors (the file and key that named this path).
 */
export function readRegularFile(path: string, size: { exact?: number; max: number }, where = path): Uint8Array {
  // The file itself is the subject unless `where` names it by the key that pointed here.
  const it = where === path ? 'it' : path;
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    throw new TsganError(`${where}: cannot read ${it} (${reason(e)})`);
  }
  if (!st.isFile()) throw new TsganError(`${where}: ${it} is ${kind(st)}; model files must be regular files`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (e) {
    throw new TsganError(`${where}: cannot read ${it} (${reason(e)})`);
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) throw new TsganError(`${where}: ${it} is ${kind(fst)}; model files must be regular files`);
    if (size.exact !== undefined && fst.size !== size.exact) throw new TsganError(`${where}: ${it} has ${fst.size} bytes, the manifest describes ${size.exact}`);
    if (fst.size > size.max) throw new TsganError(`${where}: ${it} has ${fst.size} bytes, over the ${size.max} tsgan reads`);
    const out = new Uint8Array(fst.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n === 0) throw new TsganError(`${where}: ${it} ended after ${at} of its ${out.length} bytes (changed while read)`);
      at += n;
    }
    return out;
  } catch (e) {
    if (e instanceof TsganError) throw e;
    throw new TsganError(`${where}: cannot read ${it} (${reason(e)})`);
  } finally {
    closeSync(fd);
  }
}

/** Refuses a network directory that is missing, not a directory, or a symbolic link (which could lead outside the model). */
export function checkNetworkDir(dir: string, where: string): void {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (e) {
    throw new TsganError(`${where}: cannot read ${dir} (${reason(e)})`);
  }
  if (!st.isDirectory()) throw new TsganError(`${where}: ${dir} is ${kind(st)}, not a directory`);
}

/** Parses a JSON file read by readRegularFile; invalid JSON is one line naming the file. */
export function parseJsonFile(path: string, bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TsganError(`${path}: not UTF-8 text`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TsganError(`${path}: invalid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

/**
 * Reads `dir/model.json` and its weight files; returns the weights in
 * manifest order. Every manifest path must be a plain file name in `dir`
 * (see manifestSchema), opened only as a regular file of exactly the size
 * the manifest describes; weights must be float32 and finite. With
 * `expected` (the shapes of the model the config builds), the manifest's
 * shapes must equal them, checked before any weight file is opened.
 */
export function readLayersWeights(dir: string, expected?: number[][]): tf.Tensor[] {
  const jsonPath = join(dir, 'model.json');
  const manifest = checkManifest(jsonPath, parseJsonFile(jsonPath, readRegularFile(jsonPath, { max: MAX_MODEL_JSON_BYTES })));
  const groups = manifest.weightsManifest;
  const entries = groups.flatMap((g, gi) => g.weights.map((w, wi) => ({ ...w, key: `weightsManifest[${gi}].weights[${wi}]` })));
  if (expected) {
    if (entries.length !== expected.length) {
      throw new TsganError(`${jsonPath}: weightsManifest: lists ${entries.length} weights, the model in tsgan.json has ${expected.length}`);
    }
    entries.forEach((w, i) => {
      if (!tf.util.arraysEqual(w.shape, expected[i])) {
        throw new TsganError(`${jsonPath}: ${w.key}.shape: "${w.name}" has shape [${w.shape.join(', ')}], the model in tsgan.json expects [${expected[i].join(', ')}]`);
      }
    });
  }
  const tensors: tf.Tensor[] = [];
  try {
    groups.forEach((g, gi) => {
      const sizes = g.weights.map((w) => w.shape.reduce((a, b) => a * b, 1));
      const bytes = sizes.reduce((a, b) => a + b, 0) * 4;
      // One shard's file holds its share; only a single-file group can be checked for its exact size up front.
      const data = new Uint8Array(bytes);
      let at = 0;
      g.paths.forEach((p, pi) => {
        const where = `${jsonPath}: weightsManifest[${gi}].paths[${pi}]`;
        const part = readRegularFile(join(dir, p), g.paths.length === 1 ? { exact: bytes, max: bytes } : { max: bytes - at }, where);
        data.set(part, at);
        at += part.length;
      });
      if (at !== bytes) throw new TsganError(`${jsonPath}: weightsManifest[${gi}]: its files hold ${at} bytes, the manifest describes ${bytes}`);
      const values = new Float32Array(data.buffer);
      let offset = 0;
      g.weights.forEach((w, wi) => {
        const v = values.subarray(offset, offset + sizes[wi]);
        const bad = v.findIndex((x) => !Number.isFinite(x));
        if (bad >= 0) {
          throw new TsganError(`${join(dir, g.paths[0])}: weight "${w.name}" (weightsManifest[${gi}].weights[${wi}] in model.json) holds ${v[bad]} at index ${bad}; a model's weights must be finite`);
        }
        tensors.push(tf.tensor(v, w.shape, 'float32'));
        offset += sizes[wi];
      });
    });
  } catch (e) {
    tf.dispose(tensors);
    throw e;
  }
  return tensors;
}
