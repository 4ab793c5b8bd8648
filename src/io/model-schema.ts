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
 *   1  the current format. Files written before TimeGAN's `bidirectional`,
 *      `correlationLoss`, `momentLoss`, `slicedLoss` and `incrementLoss`
 *      existed lack those keys; the v1 migration fills them with what those
 *      models were trained with (see LEGACY_V1_TIMEGAN).
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

export const FORMAT = 'tsgan-model';
export const FORMAT_VERSION = 1;
/** The model kinds a tsgan.json can hold. */
export const MODEL_KINDS = ['rgan', 'dense-gan', 'timegan', 'classifier'] as const;

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

const int = (lo: number, hi: number) => {
  const m = `must be an integer in [${lo}, ${hi}]`;
  return z.number({ error: m }).int({ error: m }).min(lo, { error: m }).max(hi, { error: m });
};
const sizeOf = (k: keyof typeof SIZE_RANGES) => int(SIZE_RANGES[k][0], SIZE_RANGES[k][1]);
const count = () => int(0, Number.MAX_SAFE_INTEGER);
const finite = () => z.number({ error: 'must be a finite number' }).refine(Number.isFinite, { error: 'must be a finite number' });
const atLeast0 = () => finite().refine((v) => v >= 0, { error: 'must be a finite number ≥ 0' });
const positive = () => finite().refine((v) => v > 0, { error: 'must be a positive finite number' });
const unit = (m = 'must be a number in [0, 1)') => z.number({ error: m }).refine((v) => v >= 0 && v < 1, { error: m });
const bool = () => z.boolean({ error: 'must be true or false' });
const str = (max = 10000) => z.string({ error: 'must be a string' }).max(max, { error: `must be a string of at most ${max} characters` });
const oneOf = <T extends string>(values: readonly T[]) => {
  const m = `must be one of ${values.join(', ')}`;
  return z.string({ error: m }).refine((v): v is T => (values as readonly string[]).includes(v), { error: m });
};
const list = <T extends z.ZodType>(item: T, min = 0, max = 10_000_000) =>
  z.array(item, { error: 'must be a list' }).min(min, { error: `must be a list of at least ${min}` }).max(max, { error: `must be a list of at most ${max}` });
const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape, { error: 'must be a JSON object' });
const maybeNumber = () => z.union([finite(), z.null()], { error: 'must be a finite number or null' });

/** The training options every GAN config carries (optional: older files lack the later ones, and their defaults apply). */
const trainingShape = {
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
const archShape = {
  features: sizeOf('features'),
  seqLen: sizeOf('seqLen'),
  noiseDim: sizeOf('noiseDim'),
  layers: sizeOf('layers'),
  hidden: sizeOf('hidden'),
  cell: oneOf(['rnn', 'lstm', 'gru']),
  noise: oneOf(['uniform', 'normal']).optional(),
  chrono: bool().optional(),
  layerNorm: bool().optional(),
};

const pacDivides = (c: { batchSize?: number; pac?: number }) => c.batchSize === undefined || c.pac === undefined || c.batchSize % c.pac === 0;
const pacMessage = { error: 'must be a multiple of config.pac', path: ['batchSize'] };

export const rganConfigSchema = obj({ model: z.literal('rgan', { error: 'must be "rgan"' }), ...archShape, ...trainingShape }).refine(pacDivides, pacMessage);

export const timeganConfigSchema = obj({
  model: z.literal('timegan', { error: 'must be "timegan"' }),
  ...archShape,
  seqLen: int(2, SIZE_RANGES.seqLen[1]),
  ...trainingShape,
  lrE: positive().optional(),
  gamma: atLeast0().optional(),
  dThreshold: finite().optional(),
  gSteps: sizeOf('gSteps').optional(),
  embeddingIterations: count().optional(),
  supervisedIterations: count().optional(),
  bidirectional: bool(),
  momentLoss: oneOf(['moments', 'quantiles', 'sliced']),
  slicedLoss: atLeast0(),
  incrementLoss: atLeast0(),
  correlationLoss: atLeast0(),
  correlationPairs: oneOf(['weak', 'all', 'cross']).optional(),
  correlationThreshold: z.number({ error: 'must be a number in (0, 1]' }).refine((v) => v > 0 && v <= 1, { error: 'must be a number in (0, 1]' }).optional(),
}).refine(pacDivides, pacMessage);

const denseWidths = list(sizeOf('denseHidden'), 1, 64);
export const denseGanConfigSchema = obj({
  model: z.literal('dense-gan', { error: 'must be "dense-gan"' }),
  dataDim: sizeOf('dataDim'),
  noiseDim: sizeOf('noiseDim'),
  gHidden: denseWidths,
  dHidden: denseWidths,
  alpha: unit().optional(),
  imageShape: z.union([z.null(), z.tuple([sizeOf('dataDim'), sizeOf('dataDim')])], { error: 'must be null or [height, width]' }).optional(),
  ...trainingShape,
})
  .refine(pacDivides, pacMessage)
  .refine((c) => !c.imageShape || c.imageShape[0] * c.imageShape[1] === c.dataDim, { error: 'must hold config.dataDim values (height × width)', path: ['imageShape'] });

export const classifierConfigSchema = obj({
  model: z.literal('classifier', { error: 'must be "classifier"' }),
  features: sizeOf('features'),
  seqLen: sizeOf('seqLen'),
  classes: sizeOf('classes'),
  cell: oneOf(['rnn', 'lstm', 'gru']),
  layers: sizeOf('layers'),
  hidden: sizeOf('hidden'),
  batchSize: sizeOf('batchSize').optional(),
  lr: positive().optional(),
  chrono: bool().optional(),
});

const CONFIG_SCHEMAS = { rgan: rganConfigSchema, timegan: timeganConfigSchema, 'dense-gan': denseGanConfigSchema, classifier: classifierConfigSchema } as const;

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
const names = (min: number) => list(name(), min, SIZE_RANGES.features[1]);

const commonShape = {
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
  model: oneOf(['rgan', 'dense-gan', 'timegan']),
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

export const classifierMetaSchema = obj({
  ...commonShape,
  model: z.literal('classifier'),
  classes: names(2),
  data: obj({
    file: str(),
    sequences: count().optional(),
    train: count().optional(),
    heldOut: count().optional(),
    idColumn: str(1000).optional(),
    labelColumn: str(1000).optional(),
  }),
  gradNormPerStep: list(obj({ iteration: count(), norms: list(maybeNumber()) })).optional(),
  evaluation: obj({ accuracy: maybeNumber(), confusion: list(list(count())) }).optional(),
});

// ---- migrations ----

/**
 * Migrations from format version v to v + 1, indexed by v. Empty while
 * FORMAT_VERSION is 1; a change to what tsgan writes raises FORMAT_VERSION
 * and adds the step that turns the previous version's file into the new one.
 */
const MIGRATIONS: Record<number, (meta: Json) => Json> = {};

/** What a TimeGAN saved before these keys existed was trained with: a forward-only D, the reference's moments, no further G terms. */
export const LEGACY_V1_TIMEGAN = { bidirectional: false, correlationLoss: 0, momentLoss: 'moments', slicedLoss: 0, incrementLoss: 0 } as const;

/** Version 1 files from before TimeGAN's later keys: fills them in (a new object; the parsed file is left as read). */
function migrateWithinV1(meta: Json): Json {
  const config = meta.config;
  if (meta.model !== 'timegan' || config === null || typeof config !== 'object' || Array.isArray(config)) return meta;
  const filled: Json = { ...(config as Json) };
  for (const [k, v] of Object.entries(LEGACY_V1_TIMEGAN)) if (filled[k] === undefined) filled[k] = v;
  return { ...meta, config: filled };
}

/** The file as the current version reads it, or an error naming `formatVersion`. */
function migrate(file: string, meta: Json): Json {
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
  return migrateWithinV1(out);
}

// ---- tsgan.json ----

export interface CheckedMeta {
  /** The file after migration, every key checked: the caller's interface describes it. */
  meta: Json & { format: string; formatVersion: number; model: string; config: Json; features: string[]; scaler: { min: number[]; max: number[]; target?: [number, number] } };
}

/**
 * Checks a parsed tsgan.json: an object of format "tsgan-model", a format
 * version this tsgan reads, a model of one of `kinds` (else `wrongKind`'s
 * message), then the whole file against its model's schema and for
 * consistency. Returns the migrated file.
 */
export function checkModelMeta(file: string, raw: unknown, kinds: readonly string[], wrongKind: (model: string) => string): CheckedMeta['meta'] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TsganError(`${file}: must be a JSON object, got ${describe(raw)}`);
  const top = raw as Json;
  if (top.format !== FORMAT) throw new TsganError(`${file}: format: not a tsgan model file (format ${describe(top.format)}, expected "${FORMAT}")`);
  const meta = migrate(file, top);
  check(file, obj({ model: oneOf(MODEL_KINDS) }), meta);
  const model = meta.model as (typeof MODEL_KINDS)[number];
  if (!kinds.includes(model)) throw new TsganError(wrongKind(model));
  check(file, (model === 'classifier' ? classifierMetaSchema : ganMetaSchema) as z.ZodType, meta);
  if (meta.config === undefined || meta.config === null || typeof meta.config !== 'object') {
    throw new TsganError(`${file}: config: must be a JSON object, got ${describe(meta.config)}`);
  }
  check(file, CONFIG_SCHEMAS[model] as z.ZodType, meta.config, meta, ['config']);
  const checked = meta as CheckedMeta['meta'];
  checkConsistency(file, checked);
  return checked;
}

/** Scaler, feature names and config describe the same number of features; the scaler maps every value to a finite one. */
function checkConsistency(file: string, meta: CheckedMeta['meta']): void {
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
  const width = c.model === 'dense-gan' ? c.dataDim : c.features;
  const key = c.model === 'dense-gan' ? 'dataDim' : 'features';
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
