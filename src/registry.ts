/**
 * The models tsgan trains, and the options of a training run. A model is its
 * own files (a spec and its networks) plus one line in MODELS; help, the
 * CLI's checks, the options reference and the run defaults are made from
 * these declarations.
 */
import type { OptionDecl, OptionValues } from './config/options.js';
import { offeredOptions } from './models/spec.js';
import type { Gan } from './models/gan.js';
import { TsganError } from './errors.js';
import { BACKEND_OPTION } from './engine.js';
import { ganMetaSchema, type FileKind } from './io/model-schema.js';
import { CLASSIFIER_KIND } from './io/classifier-schema.js';
import type { ModelEntry, ModelConfig } from './zoo/entry.js';
import { RGAN } from './zoo/rgan.js';
import { TIMEGAN } from './zoo/timegan.js';
import { DENSE_GAN } from './zoo/dense-gan.js';
import { DGAN } from './zoo/dgan.js';
import { VAEGAN } from './zoo/vaegan.js';
import { MONITOR_OPTIONS } from './train/monitors.js';
import { EVAL_OPTIONS } from './train/evaluator.js';
import { AUTO_CHECKPOINT_SECONDS } from './train/checkpointer.js';

/** Every training run's options. */
const COMMON_RUN: readonly OptionDecl[] = [
  { name: 'data', flag: 'data', kind: { type: 'text' }, target: 'run', required: true, metavar: 'FILE', section: 'Data', doc: 'CSV with a header row (for a table model also a JSON array of records, *.json)' },
  { name: 'columns', flag: 'columns', kind: { type: 'names' }, target: 'run', defaultText: 'every numeric column', section: 'Data', doc: 'feature columns, in this order' },
  { name: 'iterations', flag: 'iterations', kind: { type: 'int', min: 1 }, target: 'run', default: 1000, section: 'Training', doc: "training iterations (timegan: of the joint phase; its two pre-training phases default to as many)" },
  { name: 'seed', flag: 'seed', kind: { type: 'seed' }, target: 'run', default: 0, section: 'Training', doc: 'seed of the weights, noise and batches, an integer in [0, 4294967295]' },
  { name: 'out', flag: 'out', kind: { type: 'text' }, target: 'run', required: true, metavar: 'DIR', section: 'Output', doc: 'model directory to write' },
  { name: 'force', flag: 'force', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Output', doc: 'replace a previous model directory in --out (one holding a tsgan.json; never another directory or the data)' },
  BACKEND_OPTION,
];

/** Checkpoints for `tsgan train --resume`: the runs of sequence and table models. */
const CHECKPOINT_OPTION: OptionDecl = {
  name: 'checkpointEvery',
  flag: 'checkpoint-every',
  kind: { type: 'int', min: 0 },
  target: 'run',
  default: 'auto',
  defaultText: `every ${AUTO_CHECKPOINT_SECONDS / 60} minutes of training`,
  section: 'Output',
  doc: 'write the whole training state to DIR/checkpoint/ every N iterations (0: never); Ctrl-C writes one too and stops; DIR holds only the checkpoint until the finished model replaces it',
};

/** The runs of models that learn windows of a table's rows. */
const SEQUENCE_RUN: readonly OptionDecl[] = [
  { name: 'idColumn', flag: 'id-column', kind: { type: 'text' }, target: 'run', metavar: 'NAME', section: 'Data', doc: 'column that names the series of each row (panel data); windows never cross two series' },
  { name: 'stride', flag: 'stride', kind: { type: 'int', min: 1 }, target: 'run', default: 1, section: 'Data', doc: 'rows between window starts' },
  ...MONITOR_OPTIONS,
  ...EVAL_OPTIONS,
  CHECKPOINT_OPTION,
];

/** The runs of models that learn single rows (vectors, images). */
const VECTOR_RUN: readonly OptionDecl[] = [
  { name: 'imageShape', flag: 'image-shape', kind: { type: 'shape' }, target: 'run', defaultText: 'none; mnist 28x28', section: 'Dense GAN', doc: 'a CSV row seen as an image, for PNG grids' },
  { name: 'sampleEvery', flag: 'sample-every', kind: { type: 'int', min: 0 }, target: 'run', default: 500, section: 'Dense GAN', doc: 'write DIR/samples/iter-N.png every N iterations (0: never)' },
];

/** The runs of models that learn whole tables of entities. */
const TABLE_RUN: readonly OptionDecl[] = [
  { name: 'schema', flag: 'schema', kind: { type: 'text' }, target: 'run', metavar: 'FILE', section: 'Data', doc: 'a schema file (tsgan inspect --schema-out, edited) instead of the inferred schema' },
  { name: 'idColumn', flag: 'id-column', kind: { type: 'text' }, target: 'run', metavar: 'NAME', section: 'Data', doc: 'column that names the entity of each row (else suggested, as tsgan inspect shows)' },
  { name: 'timeColumn', flag: 'time-column', kind: { type: 'text' }, target: 'run', metavar: 'NAME', section: 'Data', doc: 'column that orders the rows of an entity (else suggested)' },
  CHECKPOINT_OPTION,
];

/**
 * The models, the default first. A model is its own files plus one line here
 * (or a `registerModel` call from outside). TimeGAN is the default: rgan
 * collapses at its defaults (coverage .000 on Sines and Stocks,
 * bench/reproduce-results/rgan).
 */
const MODELS: ModelEntry[] = [TIMEGAN, RGAN, VAEGAN, DENSE_GAN, DGAN] as unknown as ModelEntry[];

/** Kinds of model file that are not GANs (`tsgan classify`'s). */
const OTHER_FILE_KINDS: Readonly<Record<string, FileKind>> = { classifier: CLASSIFIER_KIND };

/**
 * Adds a model to every command and loader: `tsgan train --model NAME`,
 * loading its saved directories, sampling and evaluating them. Its name must
 * be new.
 */
export function registerModel<C extends ModelConfig, M extends Gan>(entry: ModelEntry<C, M>): void {
  const name = entry.spec.name;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new TsganError(`a model's name must be lowercase letters, digits and '-', got "${name}"`);
  if (MODELS.some((m) => m.spec.name === name) || Object.hasOwn(OTHER_FILE_KINDS, name)) throw new TsganError(`a model named "${name}" is already registered`);
  MODELS.push(entry as unknown as ModelEntry);
}

/** The registered models' names, the default first. */
export function modelNames(): string[] {
  return MODELS.map((m) => m.spec.name);
}

/** The entry of model `name`. */
export function modelEntry(name: string): ModelEntry {
  const m = MODELS.find((x) => x.spec.name === name);
  if (!m) throw new TsganError(`no model "${name}"; the models are ${modelNames().join(', ')}`);
  return m;
}

/** The default model that learns `what` (the first registered). */
export function defaultModel(what: ModelEntry['learns'] = 'sequences'): ModelEntry {
  return MODELS.find((m) => m.learns === what)!;
}

/** Every kind of model file tsgan reads, GANs and others, by name: for src/io/model-schema.ts. */
export function fileKinds(): Record<string, FileKind> {
  const out: Record<string, FileKind> = {};
  for (const m of MODELS) {
    out[m.spec.name] = { meta: ganMetaSchema, config: m.saved.schema, migrate: m.saved.migrate, widthKey: m.learns === 'vectors' ? 'dataDim' : 'features' };
  }
  return { ...out, ...OTHER_FILE_KINDS };
}

/** The run options model `m` takes beyond every run's. */
function runOptionsOf(m: ModelEntry): readonly OptionDecl[] {
  return { vectors: VECTOR_RUN, sequences: SEQUENCE_RUN, tables: TABLE_RUN }[m.learns];
}

/** --data, with the built-in data sets the models take by name. */
function dataOption(): OptionDecl {
  const base = COMMON_RUN.find((d) => d.name === 'data')!;
  const builtIn = MODELS.flatMap((m) => Object.keys(m.builtInData ?? {}).map((set) => `${m.spec.name} also takes '${set}'`));
  return { ...base, doc: [base.doc, ...builtIn].join('; ') };
}

function modelOption(): OptionDecl {
  const names = modelNames();
  return { name: 'modelType', flag: 'model', kind: { type: 'choice', choices: names }, target: 'run', default: names[0], section: 'Model', doc: 'model type' };
}

/** The options `tsgan train --model NAME` takes, each with this model's default. */
export function trainOptions(name: string): OptionDecl[] {
  const m = modelEntry(name);
  const own = m.spec.defaults ?? {};
  // A table model takes every column the schema gives it: no --columns.
  const common = COMMON_RUN.filter((d) => !(m.learns === 'tables' && d.name === 'columns'));
  return [modelOption(), ...common.map((d) => (d.name === 'data' ? dataOption() : d)), ...runOptionsOf(m), ...offeredOptions(m.spec)].map((d) =>
    d.name in own ? { ...d, default: own[d.name] } : d,
  );
}

/** A run's defaults for `name`, by library name (iterations, seqLen, …). */
export function runDefaults(name: string): OptionValues {
  const out: OptionValues = {};
  for (const d of trainOptions(name)) if (d.target === 'run' && d.default !== undefined) out[d.name] = d.default;
  return out;
}

/**
 * Every option of `tsgan train` once, for help and the options reference:
 * the models each applies to, and the defaults of the models that differ.
 */
export function allTrainOptions(): OptionDecl[] {
  const out: OptionDecl[] = [];
  for (const m of MODELS) {
    for (const d of trainOptions(m.spec.name)) {
      const base = d.flag === undefined ? undefined : out.find((o) => o.flag === d.flag && o.section === d.section);
      if (!base) {
        out.push({ ...d, models: [m.spec.name], modelDefaults: {} });
        continue;
      }
      base.models = [...base.models!, m.spec.name];
      if (d.default !== base.default) base.modelDefaults![m.spec.name] = d.default;
    }
  }
  // Options every model takes are listed without a model list.
  return out.map((d) => (d.models!.length === MODELS.length ? { ...d, models: undefined } : d));
}

/** The models that take the flag `flag`. */
export function modelsTaking(flag: string): string[] {
  return MODELS.filter((m) => trainOptions(m.spec.name).some((d) => d.flag === flag)).map((m) => m.spec.name);
}

