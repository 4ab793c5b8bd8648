/**
 * Training checkpoints: a training's whole state in two files under
 * `<model dir>/checkpoint/`, so that `tsgan train --resume DIR` goes on as if
 * the run had never stopped.
 *
 *   state.json   the state as JSON; each typed array is a reference
 *                {"$f32": [byteOffset, length]} (or "$i32") into arrays.bin,
 *                and NaN / ±Infinity are {"$num": "NaN"} (JSON has neither)
 *   arrays.bin   the arrays' bytes, little-endian, one after another
 *
 * A checkpoint replaces the whole model directory atomically (a directory
 * holding only checkpoint/ until training ends, when the finished model
 * replaces it). Read back, it is untrusted input like any model file: its
 * structure is checked by a schema and every reference against the bytes.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { TsganError } from '../errors.js';
import { readRegularFile } from './layers-artifacts.js';

export const CHECKPOINT_DIR = 'checkpoint';
export const CHECKPOINT_FORMAT = 'tsgan-checkpoint';
export const CHECKPOINT_VERSION = 1;
/** A checkpoint's state.json is at most this large (a default TimeGAN's is ~10 MB at its end). */
const MAX_STATE_BYTES = 512 * 2 ** 20;
const MAX_ARRAY_BYTES = 2 ** 31;

type Encoded = unknown;

/** The state → state.json text and arrays.bin bytes. */
export function encodeState(state: unknown): { json: string; arrays: Uint8Array } {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const walk = (v: unknown): Encoded => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
    if (v instanceof Float32Array || v instanceof Int32Array) {
      const ref = { [v instanceof Float32Array ? '$f32' : '$i32']: [offset, v.length] };
      parts.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice());
      offset += v.byteLength;
      return ref;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const json = JSON.stringify(walk(state));
  const arrays = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    arrays.set(p, at);
    at += p.length;
  }
  return { json, arrays };
}

/** state.json text and arrays.bin bytes → the state; `file` names them in errors. */
export function decodeState(json: unknown, arrays: Uint8Array, file: string): unknown {
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$num') {
      const n = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }[String(o.$num)];
      if (n === undefined) throw new TsganError(`${file}: ${path}: "${String(o.$num)}" is not NaN or ±Infinity`);
      return n;
    }
    if (keys.length === 1 && (keys[0] === '$f32' || keys[0] === '$i32')) {
      const ref = o[keys[0]];
      const ok = Array.isArray(ref) && ref.length === 2 && ref.every((x) => Number.isSafeInteger(x) && x >= 0);
      const [start, length] = ok ? (ref as number[]) : [0, 0];
      if (!ok || start % 4 !== 0 || start + 4 * length > arrays.byteLength) throw new TsganError(`${file}: ${path}: an array reference outside arrays.bin (${arrays.byteLength} bytes)`);
      const bytes = arrays.slice(start, start + 4 * length);
      return keys[0] === '$f32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    }
    return Object.fromEntries(keys.map((k) => [k, walk(o[k], path ? `${path}.${k}` : k)]));
  };
  return walk(json, '');
}

/** The two files of a checkpoint, relative to the model directory. */
export function checkpointFiles(state: unknown): Map<string, string | Uint8Array> {
  const { json, arrays } = encodeState(state);
  return new Map<string, string | Uint8Array>([
    [`${CHECKPOINT_DIR}/state.json`, json],
    [`${CHECKPOINT_DIR}/arrays.bin`, arrays],
  ]);
}

const header = z.looseObject({ format: z.literal(CHECKPOINT_FORMAT), formatVersion: z.number().int().min(1) });

/** Reads `dir/checkpoint` and checks it with `schema`; one-line errors name the file and the key. */
export function readCheckpoint<T>(dir: string, schema: z.ZodType<T>): T {
  const path = join(dir, CHECKPOINT_DIR, 'state.json');
  const text = new TextDecoder('utf-8').decode(readRegularFile(path, { max: MAX_STATE_BYTES }));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TsganError(`${path}: invalid JSON (${(e as Error).message})`);
  }
  const h = header.safeParse(raw);
  if (!h.success) throw new TsganError(`${path}: not a tsgan checkpoint (${describeIssue(h.error)})`);
  if (h.data.formatVersion > CHECKPOINT_VERSION) throw new TsganError(`${path}: checkpoint version ${h.data.formatVersion} is newer than this tsgan reads; upgrade tsgan`);
  const arrays = readRegularFile(join(dir, CHECKPOINT_DIR, 'arrays.bin'), { max: MAX_ARRAY_BYTES });
  const decoded = decodeState(raw, arrays, path);
  const r = schema.safeParse(decoded);
  if (!r.success) throw new TsganError(`${path}: ${describeIssue(r.error)}`);
  return r.data;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const key = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return `${key || '(top level)'}: ${issue.message}`;
}

// Schemas of the pieces every training state is made of.
export const float32s = z.instanceof(Float32Array);
export const int32s = z.instanceof(Int32Array);
const int32 = z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1);
// xoshiro128's all-zero state is a fixed point (it would draw 0 forever): never a state a seed gives.
export const rngStateSchema = z.object({ s: z.tuple([int32, int32, int32, int32]).refine((s) => s.some((w) => w !== 0), { error: 'is the all-zero state, which no seed gives' }), spare: z.number().nullable() });
export const trainerStateSchema = z.object({
  iteration: z.number().int().min(0),
  sampler: z.object({ rng: rngStateSchema, order: int32s, pos: z.number().int().min(0) }),
  noise: rngStateSchema,
});
export const adamStateSchema = z.object({
  fused: z.boolean().nullable(),
  accBeta1: z.number(),
  accBeta2: z.number(),
  moments: z.array(z.object({ index: z.number().int().min(0), m: float32s, v: float32s })),
  iterations: z.number().int().min(0).optional(),
});
export const ganStateSchema = z.object({
  networks: z.record(z.string(), z.array(float32s)),
  optimizers: z.record(z.string(), adamStateSchema.nullable()),
  average: z.object({ values: z.array(float32s), updates: z.number().int().min(0) }).nullable(),
});
// History values may be NaN (a metric not measured at an iteration) or ±Infinity.
const anyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const numbers = z.array(anyNumber);
export const historySchema = z.object({
  iteration: numbers,
  metrics: z.record(z.string(), numbers),
  evaluations: z.array(z.object({ iteration: z.number(), metrics: z.record(z.string(), anyNumber) })).optional(),
  sparse: z.record(z.string(), z.object({ iteration: numbers, values: numbers })).optional(),
  gradNormPerStep: z.array(z.object({ iteration: z.number(), norms: numbers })).optional(),
});
