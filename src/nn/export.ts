/**
 * tsgan networks as standard tfjs-layers layers, for export. The layers are
 * built with zero initialisers (the real weights are copied in right after
 * with setWeights) and the activations that match src/nn exactly, including
 * the sigmoid recurrent activation (tfjs-layers defaults to hard sigmoid).
 * Layer-normalised stacks export as tsgan's LayerNormRecurrent layer.
 */
import { tf } from '../engine.js';
import type { RecurrentStack } from './recurrent.js';
import type { DenseHead, Mlp } from './dense.js';
import { LayerNormRecurrent } from './layer-norm-layer.js';

/**
 * @param lastReturnsSequences false: the top layer returns its last state only (for a classifier).
 * @param first the index of the stack's first layer in the network (a network with interleaved attention runs one stack per layer).
 */
export function recurrentStackLayers(stack: RecurrentStack, prefix: string, lastReturnsSequences = true, first = 0): tf.layers.Layer[] {
  return stack.layers.map((_, i) => {
    const l = first + i;
    const common = {
      units: stack.hidden,
      returnSequences: i < stack.layers.length - 1 || lastReturnsSequences,
      name: `${prefix}_${stack.cell}_${l}`,
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
      biasInitializer: 'zeros',
      // Any sequence length: [batch, time, features] with time left open.
      ...(l === 0 ? { inputShape: [null, stack.inputSize] } : {}),
    } as const;
    if (stack.layerNorm) {
      // No tfjs-layers cell normalises: tsgan's own layer (registered on import).
      const { units, returnSequences, name } = common;
      return new LayerNormRecurrent({ cell: stack.cell, units, returnSequences, name, ...(l === 0 ? { inputShape: [null, stack.inputSize] } : {}) });
    }
    if (stack.cell === 'gru') return tf.layers.gru({ ...common, activation: 'tanh', recurrentActivation: 'sigmoid' });
    if (stack.cell === 'lstm') {
      return tf.layers.lstm({ ...common, activation: 'tanh', recurrentActivation: 'sigmoid', unitForgetBias: false });
    }
    return tf.layers.simpleRNN({ ...common, activation: 'tanh' });
  });
}

/** A dense head as tfjs-layers layers: Dense, plus a LeakyReLU layer where needed (Dense has no leaky activation). */
export function denseLayers(head: DenseHead, name: string, inputShape?: number[], activation = head.activation): tf.layers.Layer[] {
  const leaky = activation === 'leakyRelu';
  const dense = tf.layers.dense({
    units: head.units,
    activation: leaky ? 'linear' : activation,
    name,
    kernelInitializer: 'zeros',
    biasInitializer: 'zeros',
    ...(inputShape ? { inputShape } : {}),
  });
  return leaky ? [dense, tf.layers.leakyReLU({ alpha: head.alpha, name: `${name}_leaky` })] : [dense];
}

/** A multilayer perceptron as tfjs-layers layers. */
export function mlpLayers(mlp: Mlp, prefix: string): tf.layers.Layer[] {
  return mlp.layers.flatMap((l, i) => denseLayers(l, `${prefix}_dense_${i}`, i === 0 ? [l.inputSize] : undefined));
}
