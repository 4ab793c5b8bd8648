/**
 * The sequence network every recurrent model is built from: a deep recurrent
 * stack with a dense head on each step, run as one fused call, exported as
 * plain TF.js layers.
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { RecurrentStack, type RecurrentStackArgs, type StackApplyOptions } from './recurrent.js';
import { DenseHead, type Activation } from './dense.js';
import { recurrentStackLayers, denseLayers } from './export.js';

export interface SequenceNetworkArgs extends RecurrentStackArgs {
  /** Outputs per step. Required. */
  units: number;
  /** The head's activation. */
  activation?: Activation;
  /** The head's input width. Default: the stack's hidden units (wider for a head that also reads a backward stack). */
  headInputSize?: number;
}

export class SequenceNetwork {
  readonly rnn: RecurrentStack;
  readonly head: DenseHead;

  /** Draws the stack's weights from `rng`, then the head's from `headRng` (the same stream unless given): the order is part of the seeds' contract. */
  constructor(args: SequenceNetworkArgs, rng: Rng, headRng: Rng = rng) {
    const { units, activation, headInputSize, ...stack } = args;
    this.rnn = new RecurrentStack(stack, rng);
    this.head = new DenseHead({ inputSize: headInputSize ?? this.rnn.hidden, units, activation }, headRng);
  }

  /** [batch, time, inputSize] → [batch, time, units]. */
  apply(x: tf.Tensor, opts: StackApplyOptions = {}): tf.Tensor3D {
    return this.rnn.applyWithHead(x as tf.Tensor3D, this.head, opts);
  }

  /** The last recurrent layer's states: [batch, time, hidden]. */
  hiddenStates(x: tf.Tensor): tf.Tensor3D {
    return this.rnn.apply(x as tf.Tensor3D);
  }

  get variables(): tf.Variable[] {
    return [...this.rnn.variables, ...this.head.variables];
  }

  /** The network as TF.js layers named `name_…`, the head `headName` (default `name_out`). */
  layers(name: string, opts: { headName?: string; activation?: Activation } = {}): tf.layers.Layer[] {
    return [...recurrentStackLayers(this.rnn, name), ...denseLayers(this.head, opts.headName ?? `${name}_out`, undefined, opts.activation)];
  }

  dispose(): void {
    this.rnn.dispose();
    this.head.dispose();
  }
}
