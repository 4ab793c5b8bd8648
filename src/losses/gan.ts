/**
 * GAN objectives on discriminator outputs (logits, or critic values for
 * WGAN), split into the three terms every GAN in tsgan combines: D's loss on
 * real outputs, D's loss on generated outputs, and G's loss. TimeGAN adds a
 * second "fake" term (its generator's raw latent output), so the parts are
 * kept separate rather than summed here.
 *
 * - 'bce': the minimax game of Goodfellow et al. (2014) with the
 *   non-saturating generator loss −log D(G(z)), as binary cross-entropy on
 *   logits in the stable form max(x, 0) − x·y + log(1 + e^(−|x|)).
 * - 'lsgan': least squares (Mao et al. 2017): D minimises ½(D(x) − 1)² +
 *   ½D(G(z))², G minimises ½(D(G(z)) − 1)².
 * - 'hinge': D minimises relu(1 − D(x)) + relu(1 + D(G(z))), G minimises
 *   −D(G(z)) (Lim & Ye 2017; Miyato et al. 2018).
 * - 'wgan-gp': the critic minimises D(G(z)) − D(x) + λ·(‖∇D(x̂)‖ − 1)² on
 *   random interpolates x̂ (Gulrajani et al. 2017; the penalty is computed by
 *   the model, which owns D), G minimises −D(G(z)).
 *
 * One-sided label smoothing (Salimans et al. 2016) sets the real target of
 * 'bce' and 'lsgan' to 1 − s; the fake target stays 0.
 */
import { tf } from '../engine.js';
import { TsganError } from '../errors.js';

export const LOSS_NAMES = ['bce', 'lsgan', 'hinge', 'wgan-gp'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export interface GanLoss {
  readonly name: LossName;
  /** The critic adds λ·(‖∇D(x̂)‖ − 1)² on interpolates (WGAN-GP); the model, which owns D, computes it. */
  readonly gradientPenalty: boolean;
  /** D's loss is on a probability-like scale, so "update D only while its loss is above X" (TimeGAN's threshold) means something. */
  readonly thresholdable: boolean;
  /** Critic steps per generator step this objective is run with when none are asked for (WGAN-GP: 5). */
  readonly criticSteps?: number;
  /** The decision threshold on D's outputs for its accuracies: 0 for logits, 0.5 for LSGAN's targets, the real/fake midpoint for a critic. */
  accuracyCut(realOut: tf.Tensor, fakeOut: tf.Tensor): tf.Scalar;
  /** D's loss on its outputs for real data. */
  dReal(out: tf.Tensor): tf.Scalar;
  /** D's loss on its outputs for generated data. */
  dFake(out: tf.Tensor): tf.Scalar;
  /** G's loss, given D's outputs on generated data. */
  generator(out: tf.Tensor): tf.Scalar;
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

const half = (t: tf.Tensor) => tf.mul(0.5, tf.mean(t)) as tf.Scalar;

export interface LossOptions {
  /** One-sided label smoothing s: real target 1 − s ('bce' and 'lsgan'). */
  labelSmoothing?: number;
}

export function makeLoss(name: LossName, opts: LossOptions = {}): GanLoss {
  const s = opts.labelSmoothing ?? 0;
  if (!(s >= 0 && s < 0.5)) throw new TsganError(`label smoothing must be in [0, 0.5), got ${s}`);
  if (s > 0 && (name === 'hinge' || name === 'wgan-gp')) throw new TsganError(`label smoothing applies to the bce and lsgan losses, not ${name}`);
  const real = 1 - s;
  switch (name) {
    case 'bce':
      return {
        name,
        gradientPenalty: false,
        thresholdable: true,
        accuracyCut: () => tf.scalar(0),
        dReal: (o) => bceWithLogits(o, real),
        dFake: (o) => bceWithLogits(o, 0),
        generator: (o) => bceWithLogits(o, 1),
      };
    case 'lsgan':
      return {
        name,
        gradientPenalty: false,
        thresholdable: true,
        accuracyCut: () => tf.scalar(0.5),
        dReal: (o) => tf.tidy(() => half(tf.square(tf.sub(o, real)))),
        dFake: (o) => tf.tidy(() => half(tf.square(o))),
        generator: (o) => tf.tidy(() => half(tf.square(tf.sub(o, 1)))),
      };
    case 'hinge':
      return {
        name,
        gradientPenalty: false,
        thresholdable: false,
        accuracyCut: () => tf.scalar(0),
        dReal: (o) => tf.tidy(() => tf.mean(tf.relu(tf.sub(1, o))) as tf.Scalar),
        dFake: (o) => tf.tidy(() => tf.mean(tf.relu(tf.add(1, o))) as tf.Scalar),
        generator: (o) => tf.tidy(() => tf.neg(tf.mean(o)) as tf.Scalar),
      };
    case 'wgan-gp':
      return {
        name,
        gradientPenalty: true,
        thresholdable: false,
        criticSteps: 5,
        accuracyCut: (r, f) => tf.div(tf.add(tf.mean(r), tf.mean(f)), 2) as tf.Scalar,
        dReal: (o) => tf.tidy(() => tf.neg(tf.mean(o)) as tf.Scalar),
        dFake: (o) => tf.tidy(() => tf.mean(o) as tf.Scalar),
        generator: (o) => tf.tidy(() => tf.neg(tf.mean(o)) as tf.Scalar),
      };
    default:
      throw new TsganError(`unknown loss "${name as string}"; use one of ${LOSS_NAMES.join(', ')}`);
  }
}

/** The non-saturating BCE objective without smoothing. */
export const nonSaturating: GanLoss = makeLoss('bce');
