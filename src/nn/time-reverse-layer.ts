/**
 * Reverses a sequence in time ([batch, time, features] → the same, steps in
 * reverse order) as a tfjs-layers Layer, so that a bidirectional network
 * made of two plain recurrent stacks (one run on the reversed sequence, its
 * output reversed back) saves as a standard LayersModel. tfjs-layers'
 * Bidirectional wrapper does this per layer; tsgan's bidirectional
 * discriminator runs each direction as one whole stack (one fused kernel
 * call each), so it needs the reversal as a layer of its own. Registered on
 * import, like LayerNormRecurrent.
 */
import { tf } from '../engine.js';

export class TimeReverse extends tf.layers.Layer {
  static readonly className = 'TsganTimeReverse';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.reverse(Array.isArray(inputs) ? inputs[0]! : inputs, 1);
  }
}

tf.serialization.registerClass(TimeReverse);
