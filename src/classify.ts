/**
 * Sequence classification end to end, as library calls the CLI wraps
 * (`tsgan classify train|predict`): labelled sequences (a long-format CSV, or
 * sequential MNIST: each digit as 28 steps of 28 pixels) → a trained
 * SequenceClassifier with a held-out accuracy and confusion matrix → a model
 * directory (tsgan.json + classifier/model.json, a plain TF.js LayersModel)
 * → predictions as CSV.
 */
import { join } from 'node:path';
import { tf } from './engine.js';
import { Rng, checkSeed } from './random.js';
import { TsganError } from './errors.js';
import { VERSION } from './version.js';
import { MinMaxScaler, type ScalerState } from './data/scaler.js';
import { loadLabelledSequences, classNames } from './data/sequences.js';
import { readTableFile } from './data/table.js';
import { gather } from './data/batches.js';
import { loadMnist, MNIST_SIZE } from './data/mnist.js';
import { SequenceClassifier, classifierConfig, classifierSizes, CLASSIFIER_OPTIONS, type ClassifierConfig } from './models/sequence-classifier.js';
import { defaultsFor, type OptionDecl } from './config/options.js';
import { fit, type Callback, type HistoryData, type Trainable, type Metrics } from './train/loop.js';
import { nanGuard, checkFiniteWeights } from './train/callbacks.js';
import { sized } from './models/size-check.js';
import { checkOutDir, checkOutFile, writeDirAtomic, writeFileAtomic } from './io/atomic.js';
import { layersModelFiles } from './io/layers-artifacts.js';
import { readModelMetaFile, buildCheckedModel, readNetworkWeights } from './io/model-dir.js';
import { fileKinds } from './registry.js';
import { csvField, formatValue } from './data/csv.js';
import { toJson } from './io/json.js';

/** Scaled sequences with integer labels. */
export interface LabelledData {
  /** [count, seqLen, features] */
  x: Float32Array;
  y: Int32Array;
  count: number;
  seqLen: number;
  features: number;
}

export interface ClassifierMeta {
  format: 'tsgan-model';
  formatVersion: number;
  tsganVersion: string;
  tfjsVersion: string;
  model: 'classifier';
  config: ClassifierConfig;
  features: string[];
  classes: string[];
  scaler: ScalerState;
  data: { file: string; sequences: number; train: number; heldOut: number; idColumn?: string; labelColumn?: string };
  seed: number;
  iterations: number;
  trainingSeconds: number;
  history: HistoryData;
  /** ‖∂L/∂x_t‖ per step, recorded with the loss (the vanishing-gradient diagnostic). */
  gradNormPerStep: { iteration: number; norms: number[] }[];
  evaluation: { accuracy: number; confusion: number[][] };
  files: { classifier: string };
}

/** Trains on random batches; logs loss and accuracy each step and, every `logEvery`, the gradient reaching each step. */
export class ClassifierTrainer implements Trainable {
  private order: Int32Array;
  private pos = 0;
  private it = 0;
  readonly gradNorms: { iteration: number; norms: number[] }[] = [];

  constructor(readonly model: SequenceClassifier, readonly data: LabelledData, private readonly rng: Rng, private readonly logEvery = 100) {
    this.order = rng.permutation(data.count);
  }

  private batch(): [tf.Tensor3D, tf.Tensor1D] {
    const { count, seqLen, features, x, y } = this.data;
    const n = Math.min(this.model.config.batchSize, count);
    if (this.pos + n > count) {
      this.order = this.rng.permutation(count);
      this.pos = 0;
    }
    const idx = this.order.subarray(this.pos, this.pos + n);
    const xb = gather(x, seqLen * features, idx);
    const yb = Int32Array.from(idx, (j) => y[j]);
    this.pos += n;
    return [tf.tensor3d(xb, [n, seqLen, features]), tf.tensor1d(yb, 'int32')];
  }

  trainStep(): Metrics {
    const [x, y] = this.batch();
    this.it++;
    if (this.it === 1 || this.it % this.logEvery === 0) {
      this.gradNorms.push({ iteration: this.it, norms: Array.from(this.model.gradNormPerStep(x, y)) });
    }
    const r = this.model.trainStep(x, y);
    tf.dispose([x, y]);
    return r;
  }
}

/** Accuracy and confusion matrix (rows: true class, columns: predicted). */
export function evaluate(model: SequenceClassifier, data: LabelledData): { accuracy: number; confusion: number[][] } {
  const K = model.config.classes;
  const p = model.predict(data.x, data.count);
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let ok = 0;
  for (let i = 0; i < data.count; i++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (p[i * K + c] > p[i * K + best]) best = c;
    confusion[data.y[i]][best]++;
    if (best === data.y[i]) ok++;
  }
  return { accuracy: ok / Math.max(1, data.count), confusion };
}

function subset(d: LabelledData, idx: Int32Array): LabelledData {
  return { ...d, x: gather(d.x, d.seqLen * d.features, idx), y: Int32Array.from(idx, (j) => d.y[j]), count: idx.length };
}

/** The options of trainClassifier (and `tsgan classify train`), each default declared once; the network's own are CLASSIFIER_OPTIONS. */
export const CLASSIFY_TRAIN_OPTIONS: readonly OptionDecl[] = [
  { name: 'data', flag: 'data', kind: { type: 'text' }, target: 'run', required: true, metavar: 'FILE', section: 'Data', doc: 'CSV, or mnist (sequential MNIST: each digit as 28 steps of 28 pixels)' },
  { name: 'labelColumn', flag: 'label-column', kind: { type: 'text' }, target: 'run', metavar: 'L', section: 'Data', doc: 'the label column (required for a CSV)' },
  { name: 'idColumn', flag: 'id-column', kind: { type: 'text' }, target: 'run', metavar: 'ID', section: 'Data', doc: 'the column naming each sequence' },
  { name: 'columns', flag: 'columns', kind: { type: 'names' }, target: 'run', defaultText: 'every numeric column but label and id', section: 'Data', doc: 'feature columns' },
  { name: 'seqLen', flag: 'seq-len', kind: { type: 'int', min: 1 }, target: 'run', defaultText: "the first sequence's length", section: 'Data', doc: 'rows per sequence' },
  ...CLASSIFIER_OPTIONS,
  { name: 'iterations', flag: 'iterations', kind: { type: 'int', min: 1 }, target: 'run', default: 1000, section: 'Training', doc: 'training steps; the loss is logged every 100' },
  { name: 'heldOut', flag: 'held-out', kind: { type: 'number', min: 0, exclusive: true, below: 1 }, target: 'run', default: 0.2, section: 'Training', doc: 'share held out for the accuracy' },
  { name: 'seed', flag: 'seed', kind: { type: 'seed' }, target: 'run', default: 0, section: 'Training', doc: 'weights, split and batches, an integer in [0, 4294967295]' },
  { name: 'out', flag: 'out', kind: { type: 'text' }, target: 'run', required: true, metavar: 'DIR', section: 'Output', doc: 'model directory to write' },
  { name: 'force', flag: 'force', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Output', doc: 'replace a previous model directory in --out (one holding a tsgan.json; never another directory or the data)' },
];
const TRAIN_DEFAULTS = defaultsFor(CLASSIFY_TRAIN_OPTIONS, 'run') as { iterations: number; heldOut: number; seed: number; force: boolean };

/** The options of predictToCsv (and `tsgan classify predict`). */
export const CLASSIFY_PREDICT_OPTIONS: readonly OptionDecl[] = [
  { name: 'model', flag: 'model', kind: { type: 'text' }, target: 'run', required: true, metavar: 'DIR', section: 'Options', doc: 'classifier directory written by tsgan classify train' },
  { name: 'data', flag: 'data', kind: { type: 'text' }, target: 'run', required: true, metavar: 'FILE', section: 'Options', doc: "CSV in the training data's layout (a label column is not needed)" },
  { name: 'out', flag: 'out', kind: { type: 'text' }, target: 'run', required: true, metavar: 'FILE', section: 'Options', doc: 'CSV to write: the id, predicted, and p_<class> per class' },
  { name: 'force', flag: 'force', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Options', doc: 'overwrite an existing --out file' },
];

const PREDICT_DEFAULTS = defaultsFor(CLASSIFY_PREDICT_OPTIONS, 'run') as { force: boolean };

/** Defaults in CLASSIFY_TRAIN_OPTIONS. */
export interface ClassifyTrainOptions {
  /** CSV (long format) or 'mnist' (sequential MNIST). */
  data: string;
  out: string;
  labelColumn?: string;
  idColumn?: string;
  columns?: string[];
  seqLen?: number;
  /** Share held out for the final accuracy. */
  heldOut?: number;
  iterations?: number;
  seed?: number;
  force?: boolean;
  model?: Partial<Omit<ClassifierConfig, 'features' | 'seqLen' | 'classes'>>;
  callbacks?: Callback[];
  /** Loss lines every 100 steps go here. */
  onLog?: (line: string) => void;
}

/** Loads, scales and splits the data; trains; evaluates on the held-out part; writes the model directory. */
export async function trainClassifier(opts: ClassifyTrainOptions): Promise<ClassifierMeta> {
  const seed = checkSeed(opts.seed ?? TRAIN_DEFAULTS.seed);
  const iterations = opts.iterations ?? TRAIN_DEFAULTS.iterations;
  const heldOut = opts.heldOut ?? TRAIN_DEFAULTS.heldOut;
  if (!Number.isInteger(iterations) || iterations < 1) throw new TsganError(`--iterations must be a positive integer, got ${iterations}`);
  if (!(heldOut > 0 && heldOut < 1)) throw new TsganError(`--held-out must be between 0 and 1, got ${heldOut}`);
  checkOutDir(opts.out, opts.force ?? TRAIN_DEFAULTS.force);

  let all: LabelledData;
  let features: string[];
  let classes: string[];
  let scaler: MinMaxScaler;
  if (opts.data === 'mnist') {
    const d = loadMnist();
    features = Array.from({ length: MNIST_SIZE }, (_, i) => `pixel_${i}`);
    classes = Array.from({ length: 10 }, (_, i) => String(i));
    scaler = new MinMaxScaler({ min: new Array(MNIST_SIZE).fill(0), max: new Array(MNIST_SIZE).fill(1) });
    all = { x: d.images, y: d.labels, count: d.count, seqLen: MNIST_SIZE, features: MNIST_SIZE };
  } else {
    if (!opts.labelColumn) throw new TsganError('--label-column is required for a CSV');
    const s = loadLabelledSequences(opts.data, { labelColumn: opts.labelColumn, idColumn: opts.idColumn, columns: opts.columns, seqLen: opts.seqLen });
    features = s.features;
    classes = classNames(s.labels);
    scaler = MinMaxScaler.fit([s.values], features.length);
    all = { x: scaler.transform(s.values), y: Int32Array.from(s.labels, (l) => classes.indexOf(l)), count: s.count, seqLen: s.seqLen, features: features.length };
  }
  const rng = new Rng(seed);
  const order = rng.permutation(all.count);
  const nTest = Math.max(1, Math.round(all.count * heldOut));
  if (all.count - nTest < 1) throw new TsganError(`${opts.data}: ${all.count} sequences are too few to hold ${nTest} out`);
  const test = subset(all, order.subarray(0, nTest));
  const train = subset(all, order.subarray(nTest));

  const config = classifierConfig({ ...opts.model, features: all.features, seqLen: all.seqLen, classes: classes.length });
  const model = new SequenceClassifier(sized(config, classifierSizes(config)), seed);
  try {
    const trainer = new ClassifierTrainer(model, train, rng.fork());
    const log: Callback = {
      onIterationEnd(it, logs) {
        if (it % 100 === 0) opts.onLog?.(`step ${it}: loss ${logs.loss.toFixed(4)}, batch accuracy ${logs.acc.toFixed(3)}`);
      },
    };
    const t0 = performance.now();
    const result = await fit(trainer, { iterations, callbacks: [nanGuard(), log, ...(opts.callbacks ?? [])] });
    if (result.stopReason) throw new TsganError(`${opts.data}: ${result.stopReason}; no model was written`, 1);
    checkFiniteWeights({ classifier: model.variables }, opts.data);
    const seconds = (performance.now() - t0) / 1000;
    const meta: ClassifierMeta = {
      format: 'tsgan-model',
      formatVersion: 1,
      tsganVersion: VERSION,
      tfjsVersion: tf.version.tfjs,
      model: 'classifier',
      config,
      features,
      classes,
      scaler: scaler.toJSON(),
      data: { file: opts.data, sequences: all.count, train: train.count, heldOut: test.count, idColumn: opts.idColumn, labelColumn: opts.labelColumn },
      seed,
      iterations: result.iterationsRun,
      trainingSeconds: Math.round(seconds * 1000) / 1000,
      history: result.history.toJSON(),
      gradNormPerStep: trainer.gradNorms,
      evaluation: evaluate(model, test),
      files: { classifier: 'classifier/model.json' },
    };
    const lm = model.toLayersModel();
    try {
      const c = await layersModelFiles(lm);
      writeDirAtomic(
        opts.out,
        new Map<string, string | Uint8Array>([
          ['tsgan.json', toJson(meta)],
          ['classifier/model.json', c.json],
          ['classifier/weights.bin', c.weights],
        ]),
        opts.force ?? TRAIN_DEFAULTS.force,
      );
    } finally {
      lm.dispose();
    }
    return meta;
  } finally {
    model.dispose();
  }
}

export function loadClassifier(dir: string): { meta: ClassifierMeta; model: SequenceClassifier; scaler: MinMaxScaler } {
  const file = join(dir, 'tsgan.json');
  // Every key is checked against the classifier's schema (src/io/model-schema.ts) before anything is built.
  const meta = readModelMetaFile(dir, fileKinds(), ['classifier'], (m) => `${dir}: holds a ${m} model, not a classifier`) as unknown as ClassifierMeta;
  const model = buildCheckedModel(file, meta.config, classifierSizes(meta.config), () => new SequenceClassifier(classifierConfig(meta.config), 0));
  let w: tf.Tensor[] = [];
  try {
    w = readNetworkWeights(dir, 'classifier', model.variables);
    model.setWeights(w);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(w);
  }
  return { meta, model, scaler: new MinMaxScaler(meta.scaler) };
}

export interface ClassifyPredictOptions {
  model: string;
  data: string;
  out: string;
  force?: boolean;
}

/** One row per sequence: the id, `predicted`, and one probability column per class. */
export function predictToCsv(opts: ClassifyPredictOptions): { sequences: number } {
  const force = opts.force ?? PREDICT_DEFAULTS.force;
  checkOutFile(opts.out, force);
  const { meta, model, scaler } = loadClassifier(opts.model);
  try {
    const s = loadLabelledSequencesForPredict(opts.data, meta);
    const probs = model.predict(scaler.transform(s.values), s.count);
    const K = meta.classes.length;
    const lines = [[meta.data.idColumn ?? 'sequence', 'predicted', ...meta.classes.map((c) => `p_${c}`)].map(csvField).join(',')];
    for (let i = 0; i < s.count; i++) {
      let best = 0;
      for (let c = 1; c < K; c++) if (probs[i * K + c] > probs[i * K + best]) best = c;
      const ps = Array.from(probs.subarray(i * K, (i + 1) * K), (p) => formatValue(p));
      lines.push([csvField(s.ids[i]), csvField(meta.classes[best]), ...ps].join(','));
    }
    writeFileAtomic(opts.out, lines.join('\n') + '\n', force);
    return { sequences: s.count };
  } finally {
    model.dispose();
  }
}

/** Sequences to predict: the model's features, id column and length; a label column is not needed. */
function loadLabelledSequencesForPredict(file: string, meta: ClassifierMeta) {
  if (meta.data.file === 'mnist') throw new TsganError('predict reads a CSV in the training data\'s layout; this model was trained on built-in MNIST');
  const LABEL = '__tsgan_no_label__';
  // Reuse the checked loader; a constant stand-in label when the file has none.
  const table = readTableFile(file);
  const hasLabel = meta.data.labelColumn !== undefined && table.header.includes(meta.data.labelColumn);
  for (const f of meta.features) {
    if (!table.header.includes(f)) throw new TsganError(`${file}: missing feature column "${f}" the model was trained on`);
  }
  return loadLabelledSequences(file, {
    labelColumn: hasLabel ? meta.data.labelColumn! : LABEL,
    idColumn: meta.data.idColumn,
    columns: meta.features,
    seqLen: meta.config.seqLen,
    table: hasLabel ? undefined : { ...table, header: [...table.header, LABEL], rows: table.rows.map((r) => ({ ...r, fields: [...r.fields, 'x'] })) },
  });
}
