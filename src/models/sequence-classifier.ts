/**
 * A deep recurrent network used as a model in its own right: a stacked RNN /
 * LSTM / GRU over the whole sequence, and a dense head on the last step's
 * hidden state — softmax over classes with softmax cross-entropy (the Keras
 * "LSTM(128) + Dense(softmax)" classifier), Adam 1e-3. The same network
 * serves the evaluation's post-hoc classifiers and predictors.
 *
 * `gradNormPerStep` is the vanishing-gradient diagnostic: the norm of the
 * loss gradient that reaches each input time step, ‖∂L/∂x_t‖ (Bengio,
 * Simard & Frasconi 1994; Pascanu, Mikolov & Bengio 2013).
 */
import { tf } from '../engine.js';
import { CELL_TYPES, lastState, type CellType, type StackApplyOptions } from '../nn/recurrent.js';
import { SequenceNet } from './sequence-net.js';
import { recurrentStackLayers, denseLayers } from '../nn/export.js';
import { TsganError } from '../errors.js';
import { stripUndefined } from './gan.js';
import { defaultsFor, type OptionDecl } from '../config/options.js';
import { recurrentSizes, type NetworkSizes } from './size-check.js';

/** A classifier's options (ClassifierConfig's keys), each default declared once; the same network serves the evaluation's post-hoc models. */
// In the order of the saved config's keys (which the golden files fix).
export const CLASSIFIER_OPTIONS: readonly OptionDecl[] = [
  { name: 'cell', flag: 'cell', kind: { type: 'choice', choices: CELL_TYPES }, target: 'model', default: 'gru', section: 'Model', doc: 'recurrent cell' },
  { name: 'layers', flag: 'layers', kind: { type: 'int', min: 1 }, target: 'model', default: 1, section: 'Model', doc: 'stacked recurrent layers' },
  { name: 'hidden', flag: 'hidden', kind: { type: 'int', min: 1 }, target: 'model', default: 128, section: 'Model', doc: 'units per layer' },
  { name: 'batchSize', flag: 'batch-size', kind: { type: 'int', min: 1 }, target: 'model', default: 128, section: 'Model', doc: 'sequences per batch' },
  { name: 'lr', flag: 'lr', kind: { type: 'number', min: 0, exclusive: true }, target: 'model', default: 1e-3, section: 'Model', doc: 'Adam learning rate' },
  { name: 'chrono', kind: { type: 'boolean' }, target: 'model', default: true, section: 'Model', doc: 'chrono-initialised gate biases for gated cells (see RecurrentStackArgs)' },
];

/** Defaults in CLASSIFIER_OPTIONS. */
export interface ClassifierConfig {
  model: 'classifier';
  /** Features per step (set from the data). */
  features: number;
  /** Steps per sequence (set from the data). */
  seqLen: number;
  /** Number of classes (set from the data). */
  classes: number;
  cell: CellType;
  layers: number;
  hidden: number;
  batchSize: number;
  lr: number;
  chrono: boolean;
}

export const CLASSIFIER_DEFAULTS = { model: 'classifier', ...defaultsFor(CLASSIFIER_OPTIONS, 'model') } as Omit<ClassifierConfig, 'features' | 'seqLen' | 'classes'>;

/** Its networks' sizes, for the bounds checked before it is built: one recurrent stack and a dense head over the classes. */
export function classifierSizes(c: ClassifierConfig): NetworkSizes {
  return recurrentSizes(c, [{ input: c.features, layers: c.layers }], [[c.hidden, c.classes]], c.features);
}

export function classifierConfig(p: Partial<ClassifierConfig> & Pick<ClassifierConfig, 'features' | 'seqLen' | 'classes'>): ClassifierConfig {
  const c = { ...CLASSIFIER_DEFAULTS, ...stripUndefined(p) } as ClassifierConfig;
  for (const k of ['features', 'seqLen', 'layers', 'hidden', 'batchSize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TsganError(`${k} must be a positive integer, got ${c[k]}`);
  }
  if (!Number.isInteger(c.classes) || c.classes < 2) throw new TsganError(`a classifier needs at least 2 classes, got ${c.classes}`);
  if (!(c.lr > 0)) throw new TsganError(`lr must be a positive number, got ${c.lr}`);
  if (!CELL_TYPES.includes(c.cell)) throw new TsganError(`unknown cell "${c.cell}"; use one of ${CELL_TYPES.join(', ')}`);
  return c;
}

export class SequenceClassifier extends SequenceNet {
  readonly config: ClassifierConfig;

  constructor(config: ClassifierConfig, seed: number) {
    super(
      { cell: config.cell, layers: config.layers, hidden: config.hidden, inputSize: config.features, chronoInit: config.chrono ? config.seqLen : undefined },
      config.classes,
      seed,
      config.lr,
    );
    this.config = config;
  }

  /** x [batch, time, features] → class logits [batch, classes], from the last step. `opts`: see StackApplyOptions. */
  logits(x: tf.Tensor3D, opts: StackApplyOptions = {}): tf.Tensor2D {
    return tf.tidy(() => this.head.apply(lastState(this.rnn.apply(x, opts))) as tf.Tensor2D);
  }

  /** Mean softmax cross-entropy against integer labels. */
  loss(x: tf.Tensor3D, labels: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      const logp = tf.logSoftmax(this.logits(x));
      const onehot = tf.oneHot(labels, this.config.classes);
      return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1))) as tf.Scalar;
    });
  }

  /** One Adam step; returns the batch's loss and accuracy (before the step). */
  trainStep(x: tf.Tensor3D, labels: tf.Tensor1D): { loss: number; acc: number } {
    let acc: tf.Tensor | null = null;
    const out = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.logits(x, { constantInput: true }); // data: no input gradient
        acc = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
        const onehot = tf.oneHot(labels, this.config.classes);
        return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
      }, this.variables);
      this.optimizer.step(grads);
      return tf.stack([value, acc!]);
    });
    const [loss, a] = Array.from(out.dataSync());
    tf.dispose([out, acc!]);
    return { loss, acc: a };
  }

  /** Class probabilities [count, classes] for x, in batches. */
  predict(x: Float32Array, count: number, batchSize = 512): Float32Array {
    const { seqLen, features, classes } = this.config;
    return this.predictInBatches(x, count, seqLen, features, classes, batchSize, (xb) => tf.softmax(this.logits(xb)));
  }

  /** ‖∂L/∂x_t‖ for t = 1..T on a batch: how much gradient reaches each step. */
  gradNormPerStep(x: tf.Tensor3D, labels: tf.Tensor1D): Float32Array {
    return tf.tidy(() => {
      const dx = tf.grad((xx: tf.Tensor) => this.loss(xx as tf.Tensor3D, labels))(x); // [batch, time, features]
      return tf.sqrt(tf.sum(tf.square(dx), [0, 2])).dataSync() as Float32Array;
    });
  }

  /** The classifier as a plain TF.js LayersModel: recurrent layers (last one returns its final state) and a softmax Dense. */
  toLayersModel(): tf.LayersModel {
    const rnn = recurrentStackLayers(this.rnn, 'classifier', false);
    const model = tf.sequential({ name: 'classifier', layers: [...rnn, ...denseLayers(this.head, 'classifier_softmax', undefined, 'softmax')] });
    model.setWeights(this.variables);
    return model;
  }

  setWeights(values: tf.Tensor[]): void {
    const vars = this.variables;
    if (vars.length !== values.length) throw new TsganError(`classifier: expected ${vars.length} weight tensors, got ${values.length}`);
    vars.forEach((v, i) => v.assign(values[i]));
  }
}
