/**
 * tsgan networks as standard tfjs-layers layers, for export. The layers are
 * built with zero initialisers (the real weights are copied in right after
 * with setWeights) and the activations that match src/nn exactly, including
 * the sigmoid recurrent activation (tfjs-layers defaults to hard sigmoid).
 */
import { tf } from '../engine.js';
import type { RecurrentStack } from './recurrent.js';
import type { DenseHead } from './dense.js';

export function recurrentStackLayers(stack: RecurrentStack, prefix: string): tf.layers.Layer[] {
  return stack.layers.map((_, l) => {
    const common = {
      units: stack.hidden,
      returnSequences: true,
      name: `${prefix}_${stack.cell}_${l}`,
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
      biasInitializer: 'zeros',
      // Any sequence length: [batch, time, features] with time left open.
      ...(l === 0 ? { inputShape: [null, stack.inputSize] } : {}),
    } as const;
    if (stack.cell === 'gru') return tf.layers.gru({ ...common, activation: 'tanh', recurrentActivation: 'sigmoid' });
    if (stack.cell === 'lstm') {
      return tf.layers.lstm({ ...common, activation: 'tanh', recurrentActivation: 'sigmoid', unitForgetBias: false });
    }
    return tf.layers.simpleRNN({ ...common, activation: 'tanh' });
  });
}

export function denseLayer(head: DenseHead, name: string): tf.layers.Layer {
  return tf.layers.dense({
    units: head.units,
    activation: head.activation,
    name,
    kernelInitializer: 'zeros',
    biasInitializer: 'zeros',
  });
}
