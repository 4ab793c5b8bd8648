/**
 * GAN objectives on discriminator logits.
 *
 * `nonSaturating` is the minimax objective of Goodfellow et al. (2014) with the
 * generator's "non-saturating" loss −log D(G(z)) from the same paper, written
 * as binary cross-entropy on logits in the numerically stable form
 * max(x, 0) − x·y + log(1 + e^(−|x|)), so that a confident discriminator
 * never produces log(0). Later objectives (least squares, hinge, WGAN-GP)
 * implement the same `GanLoss` interface.
 */
import { tf } from '../engine.js';

export interface GanLoss {
  readonly name: string;
  /** Loss the discriminator minimises, given logits on real and on generated data. */
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar;
  /** Loss the generator minimises, given the discriminator's logits on generated data. */
  generator(fakeLogits: tf.Tensor): tf.Scalar;
}

/** Mean binary cross-entropy of logits x against a constant label y ∈ [0, 1]. */
export function bceWithLogits(logits: tf.Tensor, label: number): tf.Scalar {
  return tf.tidy(() => bceWithLogitsAgainst(logits, tf.scalar(label)));
}

/** Mean binary cross-entropy of logits against labels of the same shape (the same stable form). */
export function bceWithLogitsAgainst(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const x = logits;
    const loss = tf.add(tf.sub(tf.relu(x), tf.mul(x, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return tf.mean(loss) as tf.Scalar;
  });
}

export const nonSaturating: GanLoss = {
  name: 'bce',
  discriminator: (real, fake) => tf.tidy(() => tf.add(bceWithLogits(real, 1), bceWithLogits(fake, 0)) as tf.Scalar),
  generator: (fake) => bceWithLogits(fake, 1),
};

export const LOSSES: Record<string, GanLoss> = { bce: nonSaturating };
