/**
 * What a model file may contain, checked before anything is built from it.
 * Model directories are made to be shared, so tsgan.json and every
 * `<net>/model.json` are untrusted input: each is checked against a zod
 * schema of its format version (after explicit migrations from older
 * versions), then for consistency (scaler, features and config agree), and
 * every failure is one line naming the file and the key path, e.g.
 * `M/tsgan.json: config.hidden: must be an integer in [1, 4096], got 100000`.
 *
 * Format versions of tsgan.json:
 *   1  the current format. Keys a model added later within it (TimeGAN's
 *      `bidirectional`, `correlationLoss`, …) are filled in for older files
 *      by the model's own migration (its registry entry's `saved.migrate`).
 * Each model's config schema is its registry entry's (src/zoo/); this file
 * holds the file's common keys and the building blocks.
 * Config keys that drive an allocation are required to be in range (see
 * SIZE_RANGES in src/models/size-check.ts); keys the schema does not know are
 * kept (a newer tsgan's additions within a version), but a known key with a
 * wrong type is refused.
 */
import { z } from 'zod';
import { TsganError } from '../errors.js';
import { VERSION } from '../version.js';
import { LOSS_NAMES } from '../losses/gan.js';
import { SIZE_RANGES, MAX_PARAMETERS } from '../models/size-check.js';
import { ARCH_DEFAULTS, ATTENTION_IN, ATTENTION_PLACEMENTS } from '../models/recurrent-arch.js';

export const FORMAT = 'tsgan-model';
export const FORMAT_VERSION = 1;

type Json = Record<string, unknown>;

/** `["config", "hidden"]` → `config.hidden`; `["scaler", "min", 0]` → `scaler.min[0]`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** A value as the error line shows it: short, one line. */
export function describe(v: unknown, missing = 'nothing (the key is missing)'): string {
  if (v === undefined) return missing;
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length <= 4 && v.every((x) => typeof x === 'number') ? JSON.stringify(v) : `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return String(v);
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 48 ? s.slice(0, 45) + '…"' : s;
}

/** Throws the first of zod's issues as `file: key.path: message, got value`. */
function check<T>(file: string, schema: z.ZodType<T>, raw: unknown, root: unknown = raw, prefix: PropertyKey[] = []): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [...prefix, ...issue.path];
  const key = keyPath(path);
  // zod names an unknown key or a union's failure by itself; our own messages start with "must".
  const got = issue.message.startsWith('must') ? `, got ${describe(valueAt(root, path))}` : '';
  throw new TsganError(`${file}: ${key === '' ? '' : key + ': '}${issue.message}${got}`);
}

// ---- building blocks, each with the message the error line shows ----

export const int = (lo: number, hi: number) => {
  const m = `must be an integer in [${lo}, ${hi}]`;
  return z.number({ error: m }).int({ error: m }).min(lo, { error: m }).max(hi, { error: m });
};
export const sizeOf = (k: keyof typeof SIZE_RANGES) => int(SIZE_RANGES[k][0], SIZE_RANGES[k][1]);
export const count = () => int(0, Number.MAX_SAFE_INTEGER);
export const finite = () => z.number({ error: 'must be a finite number' }).refine(Number.isFinite, { error: 'must be a finite number' });
export const atLeast0 = () => finite().refine((v) => v >= 0, { error: 'must be a finite number ≥ 0' });
export const positive = () => finite().refine((v) => v > 0, { error: 'must be a positive finite number' });
export const unit = (m = 'must be a number in [0, 1)') => z.number({ error: m }).refine((v) => v >= 0 && v < 1, { error: m });
export const bool = () => z.boolean({ error: 'must be true or false' });
export const str = (max = 10000) => z.string({ error: 'must be a string' }).max(max, { error: `must be a string of at most ${max} characters` });
export const oneOf = <T extends string>(values: readonly T[]) => {
  const m = `must be one of ${values.join(', ')}`;
  return z.string({ error: m }).refine((v): v is T => (values as readonly string[]).includes(v), { error: m });
};
export const list = <T extends z.ZodType>(item: T, min = 0, max = 10_000_000) =>
  z.array(item, { error: 'must be a list' }).min(min, { error: `must be a list of at least ${min}` }).max(max, { error: `must be a list of at most ${max}` });
export const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape, { error: 'must be a JSON object' });
export const maybeNumber = () => z.union([finite(), z.null()], { error: 'must be a finite number or null' });

/** The training options every GAN config carries (optional: older files lack the later ones, and their defaults apply). */
export const trainingShape = {
  batchSize: sizeOf('batchSize').optional(),
  lrG: positive().optional(),
  lrD: positive().optional(),
  beta1: unit().optional(),
  beta2: unit().optional(),
  dSteps: sizeOf('dSteps').optional(),
  loss: oneOf(LOSS_NAMES).optional(),
  gpWeight: atLeast0().optional(),
  labelSmoothing: unit().optional(),
  instanceNoise: atLeast0().optional(),
  clipNorm: atLeast0().optional(),
  featureMatching: bool().optional(),
  pac: sizeOf('pac').optional(),
  ema: unit('must be 0 (off) or a decay in (0, 1)').optional(),
};

/** The recurrent GANs' network shape: present in every file since the first format. */
export const archShape = {
  features: sizeOf('features'),
  seqLen: sizeOf('seqLen'),
  noiseDim: sizeOf('noiseDim'),
  layers: sizeOf('layers'),
  hidden: sizeOf('hidden'),
  cell: oneOf(['rnn', 'lstm', 'gru']),
  noise: oneOf(['uniform', 'normal']).optional(),
  chrono: bool().optional(),
  layerNorm: bool().optional(),
  attention: oneOf(ATTENTION_IN).optional(),
  attentionBlocks: sizeOf('attentionBlocks').optional(),
  attentionHeads: sizeOf('attentionHeads').optional(),
  attentionPlacement: oneOf(ATTENTION_PLACEMENTS).optional(),
};

/** With attention on, its heads split the hidden width: they must divide it. */
export const headsDivide = (c: { attention?: string; attentionHeads?: number; hidden: number }) =>
  (c.attention ?? ARCH_DEFAULTS.attention) === 'none' || c.hidden % (c.attentionHeads ?? ARCH_DEFAULTS.attentionHeads) === 0;
export const headsMessage = { error: 'must divide config.hidden', path: ['attentionHeads'] };

export const pacDivides = (c: { batchSize?: number; pac?: number }) => c.batchSize === undefined || c.pac === undefined || c.batchSize % c.pac === 0;
export const pacMessage = { error: 'must be a multiple of config.pac', path: ['batchSize'] };


const scalerSchema = obj({
  min: list(finite(), 1, SIZE_RANGES.features[1]),
  max: list(finite(), 1, SIZE_RANGES.features[1]),
  target: z.tuple([finite(), finite()], { error: 'must be [low, high]' }).refine(([a, b]) => b > a && Number.isFinite(b - a), { error: 'must be [low, high] with low < high' }).optional(),
});

const historySchema = obj({
  iteration: list(count()),
  metrics: z.record(z.string(), list(maybeNumber()), { error: 'must be a JSON object of lists' }),
  evaluations: list(obj({ iteration: count(), metrics: z.record(z.string(), maybeNumber(), { error: 'must be a JSON object' }) })).optional(),
  sparse: z.record(z.string(), obj({ iteration: list(count()), values: list(maybeNumber()) }), { error: 'must be a JSON object' }).optional(),
  gradNormPerStep: list(obj({ iteration: count(), norms: list(maybeNumber()) })).optional(),
}).superRefine((h, ctx) => {
  for (const [k, v] of Object.entries(h.metrics)) {
    if (v.length !== h.iteration.length) ctx.addIssue({ code: 'custom', path: ['metrics', k], message: `has ${v.length} values for ${h.iteration.length} iterations` });
  }
  for (const [k, v] of Object.entries(h.sparse ?? {})) {
    if (v.values.length !== v.iteration.length) ctx.addIssue({ code: 'custom', path: ['sparse', k, 'values'], message: `has ${v.values.length} values for ${v.iteration.length} iterations` });
  }
});

// Names are printed on terminals and in reports: no control characters (C0, DEL, C1), as the CSV reader refuses in a header.
const name = () => str(1000).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, { error: 'must not hold control characters' });
/** A dense network's hidden layer sizes. */
export const layerWidths = () => list(sizeOf('denseHidden'), 1, 64);
export const names = (min: number) => list(name(), min, SIZE_RANGES.features[1]);

export const commonShape = {
  format: z.literal(FORMAT),
  formatVersion: int(1, FORMAT_VERSION),
  tsganVersion: str().optional(),
  tfjsVersion: str().optional(),
  backend: str().optional(),
  features: names(1),
  scaler: scalerSchema,
  seed: int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).optional(),
  iterations: count(),
  trainingSeconds: atLeast0().optional(),
  history: historySchema,
  files: z.record(z.string(), str(), { error: 'must be a JSON object of file names' }).optional(),
};

export const ganMetaSchema = obj({
  ...commonShape,
  model: str(100),
  data: obj({
    file: str().optional(),
    columns: names(0).optional(),
    idColumn: str(1000).optional(),
    skippedColumns: names(0).optional(),
    series: count().optional(),
    rows: count().optional(),
    windows: count().optional(),
    seqLen: count().optional(),
    stride: count().optional(),
    trainWindows: count().optional(),
  }).optional(),
  stopReason: str().optional(),
  checkpoint: obj({ iteration: count(), metric: str(100), value: maybeNumber(), lastIteration: count() }).optional(),
});

// ---- migrations ----

/**
 * Migrations from format version v to v + 1, indexed by v. Empty while
 * FORMAT_VERSION is 1; a change to what tsgan writes raises FORMAT_VERSION
 * and adds the step that turns the previous version's file into the new one.
 */
const MIGRATIONS: Record<number, (meta: Json) => Json> = {};

/** The file as the current version reads it, or an error naming `formatVersion`. */
function migrate(file: string, meta: Json, kinds: Readonly<Record<string, FileKind>>): Json {
  const v = meta.formatVersion;
  if (typeof v === 'number' && Number.isInteger(v) && v > FORMAT_VERSION) {
    throw new TsganError(`${file}: formatVersion: format version ${v} is newer than this tsgan (${VERSION}) reads; upgrade tsgan`);
  }
  check(file, obj({ formatVersion: int(1, FORMAT_VERSION) }), meta);
  let out = meta;
  for (let from = v as number; from < FORMAT_VERSION; from++) {
    const step = MIGRATIONS[from];
    if (!step) throw new TsganError(`${file}: formatVersion: format version ${from} cannot be read by this tsgan (${VERSION})`);
    out = { ...step(out), formatVersion: from + 1 };
  }
  // Within the current version: the model's own fill-in of keys older files lack.
  const kind = typeof out.model === 'string' && Object.hasOwn(kinds, out.model) ? kinds[out.model] : undefined;
  const config = out.config;
  if (!kind?.migrate || config === null || typeof config !== 'object' || Array.isArray(config)) return out;
  return { ...out, config: kind.migrate({ ...(config as Json) }) };
}

// ---- tsgan.json ----

/** A kind of model a tsgan.json can hold: the schemas of the file and of its config, and which config key counts its features. */
export interface FileKind {
  meta: z.ZodType;
  config: z.ZodType;
  /** Fills in, within the current format version, config keys that older files of this kind lack (a new object). */
  migrate?: (config: Json) => Json;
  /** The config key that holds the number of features (the scaler's and `features`' length). */
  widthKey: 'features' | 'dataDim';
}

export interface CheckedMeta {
  /** The file after migration, every key checked: the caller's interface describes it. */
  meta: Json & { format: string; formatVersion: number; model: string; config: Json; features: string[]; scaler: { min: number[]; max: number[]; target?: [number, number] } };
}

/**
 * Checks a parsed tsgan.json: an object of format "tsgan-model", a format
 * version this tsgan reads, a model of one of `kinds` (every kind tsgan
 * knows; one of `wanted`, else `wrongKind`'s message), then the whole file
 * against its kind's schemas and for consistency. Returns the migrated file.
 */
export function checkModelMeta(
  file: string,
  raw: unknown,
  kinds: Readonly<Record<string, FileKind>>,
  wanted: readonly string[],
  wrongKind: (model: string) => string,
): CheckedMeta['meta'] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TsganError(`${file}: must be a JSON object, got ${describe(raw)}`);
  const top = raw as Json;
  if (top.format !== FORMAT) throw new TsganError(`${file}: format: not a tsgan model file (format ${describe(top.format)}, expected "${FORMAT}")`);
  const meta = migrate(file, top, kinds);
  check(file, obj({ model: oneOf(Object.keys(kinds)) }), meta);
  const model = meta.model as string;
  if (!wanted.includes(model)) throw new TsganError(wrongKind(model));
  const kind = kinds[model];
  check(file, kind.meta, meta);
  if (meta.config === undefined || meta.config === null || typeof meta.config !== 'object') {
    throw new TsganError(`${file}: config: must be a JSON object, got ${describe(meta.config)}`);
  }
  check(file, kind.config, meta.config, meta, ['config']);
  const checked = meta as CheckedMeta['meta'];
  checkConsistency(file, checked, kind.widthKey);
  return checked;
}

/** Scaler, feature names and config describe the same number of features; the scaler maps every value to a finite one. */
function checkConsistency(file: string, meta: CheckedMeta['meta'], key: FileKind['widthKey']): void {
  const c = meta.config as { model: string; features?: number; dataDim?: number; classes?: number };
  if (c.model !== meta.model) throw new TsganError(`${file}: config.model: "${c.model}" differs from model "${meta.model}"`);
  const F = meta.features.length;
  const { min, max } = meta.scaler;
  if (min.length !== F) throw new TsganError(`${file}: scaler.min: has ${min.length} entries for ${F} features`);
  if (max.length !== F) throw new TsganError(`${file}: scaler.max: has ${max.length} entries for ${F} features`);
  for (let f = 0; f < F; f++) {
    if (max[f] < min[f]) throw new TsganError(`${file}: scaler.max[${f}]: ${max[f]} is below scaler.min[${f}] (${min[f]})`);
    if (!Number.isFinite(max[f] - min[f])) throw new TsganError(`${file}: scaler.max[${f}]: the range from scaler.min[${f}] overflows (${min[f]} to ${max[f]})`);
  }
  const width = c[key];
  if (width !== F) throw new TsganError(`${file}: features: lists ${F} names, config.${key} is ${width}`);
  const classes = meta.classes as string[] | undefined;
  if (classes && classes.length !== c.classes) throw new TsganError(`${file}: classes: lists ${classes.length} names, config.classes is ${c.classes}`);
}

// ---- <net>/model.json ----

/** A weight file's name: a plain name in the network's directory (no separators, no "..", not absolute, no leading dot). */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

const weightEntry = obj({
  name: z.string({ error: 'must be a string' }).min(1, { error: 'must be a non-empty string' }).max(1000, { error: 'must be at most 1000 characters' }),
  shape: list(int(1, 2 ** 31 - 1), 1, 8).refine((s) => s.reduce((a, b) => a * b, 1) <= MAX_PARAMETERS, {
    error: `must describe at most ${MAX_PARAMETERS} values`,
  }),
  dtype: z.string({ error: 'must be "float32"' }).refine((d) => d === 'float32', { error: 'must be "float32" (tsgan reads float32 weights only; int32, float16 and others are not supported)' }),
  quantization: z.undefined({ error: 'quantised weights are not supported (tsgan reads unquantised float32 weights only)' }).optional(),
});

export const manifestSchema = obj({
  weightsManifest: list(
    obj({
      paths: list(z.string({ error: 'must be a file name' }).regex(FILE_NAME, { error: 'must be a plain file name in the model\'s directory (letters, digits, ".", "_", "-"; no "/", "\\" or "..")' }), 1, 1024),
      weights: list(weightEntry, 1, 100000),
    }),
    1,
    1024,
  ),
});

export type WeightsManifest = z.infer<typeof manifestSchema>;

/** Checks a parsed model.json's weights manifest (the topology is TF.js's, not read by tsgan). */
export function checkManifest(file: string, raw: unknown): WeightsManifest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TsganError(`${file}: must be a JSON object, got ${describe(raw)}`);
  return check(file, manifestSchema, raw);
}
