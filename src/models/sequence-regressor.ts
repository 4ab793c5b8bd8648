/**
 * A deep recurrent network with a sigmoid or linear output: a stacked
 * RNN / LSTM / GRU and a dense head, either on the last step (one value per
 * sequence: a binary classifier with `loss: 'bce'`, or a regressor) or on
 * every step (a sequence-to-sequence predictor), trained with Adam.
 *
 * It is the post-hoc network of TimeGAN's evaluation (Yoon et al. 2019,
 * `metrics/discriminative_metrics.py`: a GRU whose last state feeds one
 * logit, BCE; `metrics/predictive_metrics.py`: a GRU with a sigmoid output
 * per step, mean absolute error) and a model in its own right. The softmax
 * counterpart is SequenceClassifier.
 */
import { tf } from '../engine.js';
import { CELL_TYPES, lastState, type CellType, type StackApplyOptions } from '../nn/recurrent.js';
import { SequenceNet } from './sequence-net.js';
import { TsganError } from '../errors.js';
import { bceWithLogitsAgainst } from '../losses/gan.js';
import { stripUndefined } from './gan.js';

export type RegressorLoss = 'mae' | 'mse' | 'bce';

export interface RegressorConfig {
  model: 'regressor';
  /** Input features per step (set from the data). */
  features: number;
  /** Output values per step or per sequence. */
  outputs: number;
  /** 'last': one output per sequence, from the last step; 'every': one per step. */
  target: 'last' | 'every';
  /** Output activation: 'sigmoid' (targets in [0, 1]) or 'linear'. */
  output: 'sigmoid' | 'linear';
  /** 'mae' (TimeGAN's predictor), 'mse', or 'bce' on logits (binary labels; needs output 'sigmoid'). */
  loss: RegressorLoss;
  /** Recurrent cell. */
  cell: CellType;
  /** Recurrent layers. */
  layers: number;
  /** Units per layer. */
  hidden: number;
  /** Sequences per batch. */
  batchSize: number;
  /** Adam learning rate. */
  lr: number;
  /** Starting bias of the GRU gates (see RecurrentStackArgs.gruGateBias). */
  gruGateBias: number;
}

export const REGRESSOR_DEFAULTS: Omit<RegressorConfig, 'features'> = {
  model: 'regressor',
  outputs: 1,
  target: 'last',
  output: 'sigmoid',
  loss: 'mae',
  cell: 'gru',
  layers: 1,
  hidden: 24,
  batchSize: 128,
  lr: 1e-3,
  gruGateBias: 0,
};

export function regressorConfig(p: Partial<RegressorConfig> & Pick<RegressorConfig, 'features'>): RegressorConfig {
  const c = { ...REGRESSOR_DEFAULTS, ...stripUndefined(p) } as RegressorConfig;
  for (const k of ['features', 'outputs', 'layers', 'hidden', 'batchSize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TsganError(`${k} must be a positive integer, got ${c[k]}`);
  }
  if (!(c.lr > 0)) throw new TsganError(`lr must be a positive number, got ${c.lr}`);
  if (!CELL_TYPES.includes(c.cell)) throw new TsganError(`unknown cell "${c.cell}"; use one of ${CELL_TYPES.join(', ')}`);
  if (c.target !== 'last' && c.target !== 'every') throw new TsganError(`target must be "last" or "every", got "${c.target}"`);
  if (!['mae', 'mse', 'bce'].includes(c.loss)) throw new TsganError(`unknown loss "${c.loss}"; use mae, mse or bce`);
  if (c.loss === 'bce' && c.output !== 'sigmoid') throw new TsganError('loss "bce" needs output "sigmoid"');
  return c;
}

export class SequenceRegressor extends SequenceNet {
  readonly config: RegressorConfig;

  constructor(config: RegressorConfig, seed: number) {
    const { cell, layers, hidden, features, gruGateBias } = config;
    super({ cell, layers, hidden, inputSize: features, gruGateBias }, config.outputs, seed, config.lr);
    this.config = config;
  }

  /** Pre-activation outputs: [batch, outputs] ('last') or [batch, time, outputs] ('every'). `opts`: see StackApplyOptions. */
  logits(x: tf.Tensor3D, opts: StackApplyOptions = {}): tf.Tensor {
    // At every step the (linear) head runs in the stack's own kernel call.
    if (this.config.target === 'every') return this.rnn.applyWithHead(x, this.head, opts);
    return tf.tidy(() => this.head.apply(lastState(this.rnn.apply(x, opts)))); // [batch, time, hidden] → last step
  }

  private activate(logits: tf.Tensor): tf.Tensor {
    return this.config.output === 'sigmoid' ? tf.sigmoid(logits) : logits;
  }

  /** The configured loss of x against targets y (shaped as the outputs). */
  loss(x: tf.Tensor3D, y: tf.Tensor, opts: StackApplyOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const logits = this.logits(x, opts);
      if (this.config.loss === 'bce') return bceWithLogitsAgainst(logits, y);
      const d = tf.sub(this.activate(logits), y);
      return tf.mean(this.config.loss === 'mae' ? tf.abs(d) : tf.square(d)) as tf.Scalar;
    });
  }

  /** One Adam step on a batch; returns the batch's loss before the step. */
  trainStep(x: tf.Tensor3D, y: tf.Tensor): { loss: number } {
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.loss(x, y, { constantInput: true }), this.variables); // data: no input gradient
      this.optimizer.step(grads);
      return value;
    });
    const loss = value.dataSync()[0];
    value.dispose();
    return { loss };
  }

  /** Activated outputs for `count` sequences of x ([count, seqLen, features], flat), in batches. */
  predict(x: Float32Array, count: number, seqLen: number, batchSize = 1024): Float32Array {
    const per = (this.config.target === 'every' ? seqLen : 1) * this.config.outputs;
    return this.predictInBatches(x, count, seqLen, this.config.features, per, batchSize, (xb) => this.activate(this.logits(xb)));
  }
}
