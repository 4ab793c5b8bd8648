/**
 * TimeGAN (Yoon, Jarrett & van der Schaar, "Time-series Generative
 * Adversarial Networks", NeurIPS 2019), after its reference code
 * (github.com/jsyoon0823/TimeGAN, timegan.py):
 *
 *   embedder   E: x → h      recurrent stack + sigmoid dense, latent size = hidden
 *   recovery   R: h → x̃      recurrent stack + sigmoid dense
 *   generator  G: z → ê      recurrent stack + sigmoid dense, z ~ U(0, 1) per step
 *   supervisor S: h → ĥ      (layers − 1) recurrent layers + sigmoid dense: h_t → h_{t+1}
 *   discriminator D: h → logit per step, on latent sequences
 *
 * Training has three phases (TimeganTrainer): the autoencoder alone
 * (10·√MSE(x, R(E(x)))), the supervisor alone (MSE(h_{2:T}, S(h)_{1:T−1})),
 * then joint training where each iteration makes `gSteps` (2) generator
 * updates, each followed by an embedder update, and one discriminator update
 * that is applied only while D's loss is above `dThreshold` (0.15):
 *
 *   D: ℓ_real(D(h)) + ℓ_fake(D(S(ê))) + γ·ℓ_fake(D(ê))
 *   G (with S): ℓ_G(D(S(ê))) + γ·ℓ_G(D(ê)) + 100·√MSE_sup + 100·(|σ(x̂) − σ(x)| + |μ(x̂) − μ(x)|)
 *   E (with R): 10·√MSE(x, x̃) + 0.1·MSE_sup
 *
 * with x̂ = R(S(ê)) the synthetic data, moments over the batch per step and
 * feature (the reference's G; tsgan's default data-space terms are below).
 * ℓ are the parts of the chosen GanLoss ('bce' in the reference), so the
 * stability toolkit (other losses, label smoothing, instance noise,
 * clipping, feature matching, PacGAN) applies to TimeGAN's D and G as it does
 * to the RGAN's. Departures from the reference code, each on purpose: rows
 * are not reversed; the recurrent weights start as Keras's (glorot kernels,
 * orthogonal recurrent kernels, zero biases) rather than TF1 GRUCell's; every
 * random choice is seeded; the saved and sampled generator is the moving
 * average of G, S and R over the joint phase (`ema` 0.999, Yazıcı et al.
 * 2019), not the last weights — measured on five paired runs
 * (docs/experiments/2026-11-27-timegan-three-seeds-turnover.md):
 * mean discriminative .091 → .066 and predictive .0746 → .0731, better in
 * three of the five on each score (Stocks seed 2: .158 → .058). With a loss
 * other than 'bce' or 'lsgan' the D threshold is off (their D losses are not
 * on BCE's scale). D has the shape the paper describes, a bidirectional
 * recurrent network (`bidirectional`, default on; the reference code's D
 * reads forward only): a second stack reads the reversed sequence, and the
 * head sees both stacks' states at every step, so D's judgment of a step
 * can use what follows it (on Sines, the forward-only D let the generated
 * waves stay at their peak;
 * docs/experiments/2026-11-27-timegan-turnover-bidirectional-d.md).
 * G's data-space term departs
 * from the reference's moments by default (`momentLoss: 'sliced'`): the
 * 1-D Wasserstein distance between the batch's real and synthetic values
 * (sorted values matched rank by rank, the one-dimensional transport of
 * sliced-Wasserstein generators, Deshpande et al. 2018) along each feature
 * and along the diagonals of every pair of features (fixed slices), which
 * sees each step's whole distribution and how two features move together
 * at a step (Stocks' volume against its prices), where the mean and std
 * can match while the generator drops the waves that reach the top; and
 * `incrementLoss` (100) adds the same distance between the step-to-step
 * changes, which sets how much a series moves within a window (with the
 * sliced term alone, one Stocks seed's volume hardly moved and its
 * generator crowded into the dense part of the data). 'moments' with
 * `incrementLoss: 0` is the reference's G; 'quantiles' is the per-feature
 * distance alone, and `slicedLoss` adds the sliced term beside the
 * moments. The terms live in src/losses/distribution.ts; the measurements
 * are in docs/experiments/2026-11-29-timegan-sliced-increments-default.md.
 * Also beyond the reference, on by default:
 * `correlationLoss` (100) adds that weight times the squared difference of
 * the real and synthetic batches' correlation matrices over a window's T·F
 * values, on the pairs `correlationPairs` picks. The terms above see each
 * step alone, so none stops G from coupling waves that are independent in
 * the data (on Sines the predictive score's excess over its floor tracks
 * that coupling;
 * docs/experiments/2026-11-27-timegan-predictive-floor-corr-loss.md).
 * Over all pairs ('all') or all pairs of
 * different features ('cross') the term met Sines' discriminative line on
 * every seed but crowded one Stocks seed's generator into the dense part of
 * the data, each time; the default, 'weak', compares only the pairs the
 * training windows have nearly uncorrelated (|ρ| < 0.3): Sines' pairs of
 * different waves, and none in Stocks, whose every pair moves with the
 * price level — there the term is off.
 * Off by default, `dataCritic` adds a second discriminator on the data itself
 * (values and changes, what the strong classifier reads); it moved the
 * texture but not the strong score, and crowded a Stocks generator
 * (docs/experiments/2026-12-06-data-critic.md). Also off by default,
 * `windowNoise` (noise drawn once per window beside the per-step noise) and
 * `balanceSteps` (the distribution terms in units of each step's spread);
 * on Sines neither untied the waves or lowered the strong score
 * (docs/experiments/2026-12-07-sines-first-step-window-noise.md). And
 * `generatorInit` 'data', G's output layer fitted to the embedder's latents
 * (docs/experiments/2026-12-07-weather-collapse-generator-init.md).
 */
import { tf } from '../engine.js';
import { Rng } from '../random.js';
import { RecurrentStack, layerWeightList, type StackApplyOptions } from '../nn/recurrent.js';
import { recurrentStackLayers, denseLayers } from '../nn/export.js';
import { SequenceNetwork, type SequenceAttentionArgs } from '../nn/sequence-network.js';
import { dense, matchPreActivations, preActivationMoments } from '../nn/dense.js';
import { TsganError } from '../errors.js';
import { Adam, globalNorm } from './adam.js';
import { Gan, stackPass, type DiscriminatePass, GAN_TRAINING_OPTIONS, checkTrainingConfig, featureMatchingLoss, lastStep, withTrainingDefaults, type GanTrainingConfig } from './gan.js';
import { specDefaults, type ModelSpec } from './spec.js';
import type { OptionDecl } from '../config/options.js';
import { ARCH_OPTIONS, attentionFor, checkArch, sequenceNoise, checkRecurrentMemory, type RecurrentGanArch } from './recurrent-arch.js';
import { TimeReverse } from '../nn/time-reverse-layer.js';
import type { Windows } from '../data/windows.js';
import { momentLoss, correlationLoss, crossFeatureMask, weakPairMask, quantileLoss, pairProjections, slicedLoss, incrementLoss, stepChanges, spreadBalanced } from '../losses/distribution.js';

/** Every option of TimeGAN (defaults in TIMEGAN_SPEC's declarations; the network shape: see RecurrentGanArch; the supervisor has one layer fewer). */
export interface TimeganConfig extends GanTrainingConfig, RecurrentGanArch {
  model: 'timegan';
  /** Adam learning rate of E and R. */
  lrE: number;
  /** Weight γ of the terms on the generator's raw latent output ê. */
  gamma: number;
  /** D is updated only while its loss is above this (bce / lsgan). */
  dThreshold: number;
  /** Generator (and embedder) updates per joint iteration. */
  gSteps: number;
  /** Autoencoder-phase iterations (the reference runs each phase as long as the joint one). */
  embeddingIterations: number;
  /** Supervised-phase iterations. */
  supervisedIterations: number;
  /**
   * The discriminator reads each latent sequence both ways: a second stack
   * runs on the reversed sequence and the head sees both stacks' states at
   * every step (the paper describes D as a bidirectional recurrent network;
   * the reference code's D is one-directional); measured against the
   * forward-only D in docs/experiments/.
   */
  bidirectional: boolean;
  /**
   * G's data-space term (weight 100): 'moments', the reference's |σ̂ − σ| + |μ̂ − μ|
   * over the batch per step and feature; or 'quantiles', the 1-D Wasserstein
   * distance between the batch's real and synthetic values per step and
   * feature (sorted values matched rank by rank), which sees the whole
   * marginal, not its first two moments; or 'sliced', the same distance
   * along the feature axes and along the diagonals (e_i ± e_j)/√2 of every
   * pair of features, which also sees how two features move together at a
   * step (Stocks' volume against its prices). The reference's is 'moments'.
   */
  momentLoss: MomentLoss;
  /**
   * Weight of the sliced term (see `momentLoss` 'sliced') added beside
   * `momentLoss`'s term rather than in its place, so G keeps the
   * reference's moments and is also pulled towards how pairs of features
   * move together at a step (0: off, as the reference).
   */
  slicedLoss: number;
  /**
   * Weight of the 1-D Wasserstein distance between the real and synthetic
   * batches' step-to-step changes x_{t+1} − x_t, per step and feature: how
   * much a series moves within a window, which the terms on each step's
   * values cannot see (a generator can match every step's distribution
   * with series that hardly move) (0: off, as the reference).
   */
  incrementLoss: number;
  /**
   * Weight of a term beyond the reference's: the mean squared difference
   * between the real and the synthetic batch's correlation matrices over
   * the window's T·F values (how every step and feature moves with every
   * other), on the pairs `correlationPairs` picks (0: off, as the reference).
   */
  correlationLoss: number;
  /**
   * Which pairs of the window's values that term compares. 'weak': the pairs whose correlation over the training windows is
   * below `correlationThreshold` in magnitude — values the data has (nearly)
   * independent, such as Sines' separate waves, which a generator whose
   * features share one recurrent state tends to couple; data with no such
   * pair (Stocks: every pair has |ρ| ≥ .55) trains as without the term.
   * 'all': every pair. 'cross': only values of different features (at any
   * two steps) — how features move together, leaving each feature's own
   * course over the window to the supervised and moment terms.
   */
  correlationPairs: CorrelationPairs;
  /** The 'weak' pairs' bound on |ρ| over the training windows. */
  correlationThreshold: number;
  /**
   * Weight of a second discriminator's term in G's loss (0: off, as the
   * reference). This critic C reads the synthetic data itself: each step's
   * values and its change from the step before, divided by the real batch's
   * std of changes per feature — what tsgan's strong classifier reads
   * (src/eval/posthoc.ts) and what the latent D cannot see through the
   * recovery network: the texture of the series. C has D's recurrent shape
   * (forward only), its loss, learning rate and threshold (on C's two terms,
   * where D's loss has three), and no packing, instance noise or gradient
   * penalty (so not with 'wgan-gp').
   */
  dataCritic: number;
  /**
   * Noise values drawn once per window and repeated at each step, beside
   * the `noiseDim` drawn afresh at every step (0: none, as the reference):
   * a window's own sources for what holds over the whole window (each of
   * Sines' waves has its frequency and phase), which per-step noise gives
   * G only through the first steps' few values. The exported generator
   * then reads [batch, time, noiseDim + windowNoise].
   */
  windowNoise: number;
  /**
   * G's distribution terms (`momentLoss`, `slicedLoss`, `incrementLoss`)
   * measure each step and feature in units of the real batch's spread
   * there, rescaled to keep the mean unit (see `spreadBalanced`), rather
   * than in the data's units, where a step whose values barely vary adds
   * almost nothing (false: the data's units, as the reference). The
   * history's gLossV, gLossW and gLossI are then in those units too.
   */
  balanceSteps: boolean;
  /**
   * How G's output layer starts the joint phase: as drawn ('random', as the
   * reference), or rescaled per unit so that its pre-activations on noise
   * have the mean and spread of the trained embedder's on real windows
   * ('data', `initGeneratorFromData`): a drawn G's latents are nearly
   * constant, and one Weather seed's never spread out; a remedy for such a
   * run, as it crowded a seed that trains as drawn
   * (docs/experiments/2026-12-07-weather-collapse-generator-init.md).
   */
  generatorInit: GeneratorInit;
  /**
   * The collapse check: after this many joint iterations (in a joint phase
   * at least twice as long; 0: none, as the reference), a G whose diversity
   * is below DIVERSITY_THRESHOLD has its head fitted as 'data' fits it and
   * its average restarted: a drawn G can stay collapsed, and the fit trains
   * it (docs/experiments/2026-12-07-timegan-collapse-check.md).
   */
  collapseRefit: number;
}

/** How G's output layer starts the joint phase (see `generatorInit`). */
export type GeneratorInit = 'random' | 'data';
export const GENERATOR_INITS: readonly GeneratorInit[] = ['random', 'data'];

/** G's data-space term (see `momentLoss`). */
export type MomentLoss = 'moments' | 'quantiles' | 'sliced';
export const MOMENT_LOSSES: readonly MomentLoss[] = ['moments', 'quantiles', 'sliced'];

/** The pairs the correlation term compares (see `correlationPairs`). */
export type CorrelationPairs = 'weak' | 'all' | 'cross';
export const CORRELATION_PAIRS: readonly CorrelationPairs[] = ['weak', 'all', 'cross'];

const gan = (...names: string[]) => names.map((n) => GAN_TRAINING_OPTIONS.find((d) => d.name === n)!);
const own = (d: Omit<OptionDecl, 'section' | 'target'>): OptionDecl => ({ ...d, section: 'TimeGAN', target: 'model' });

export const TIMEGAN_SPEC: ModelSpec = {
  name: 'timegan',
  summary: 'TimeGAN (Yoon, Jarrett & van der Schaar 2019): embedder, recovery, generator, supervisor and a latent discriminator, trained in three phases',
  // In the order of the saved config's keys (which the golden files fix).
  options: [
    ...ARCH_OPTIONS,
    ...gan('batchSize', 'lrG', 'lrD'),
    own({ name: 'lrE', flag: 'lr-e', kind: { type: 'number', min: 0, exclusive: true }, default: 1e-3, doc: 'embedder/recovery learning rate' }),
    ...gan('beta1', 'beta2', 'dSteps'),
    own({ name: 'gamma', flag: 'gamma', kind: { type: 'number', min: 0 }, default: 1, doc: 'weight γ of the latent adversarial terms on the generator\'s raw output' }),
    own({ name: 'dThreshold', flag: 'd-threshold', kind: { type: 'number', min: 0 }, default: 0.15, doc: 'update D only while its loss is above X' }),
    own({ name: 'gSteps', flag: 'g-steps', kind: { type: 'int', min: 1 }, default: 2, doc: 'generator (and embedder) updates per joint iteration' }),
    ...gan('loss', 'gpWeight', 'labelSmoothing', 'instanceNoise', 'clipNorm', 'featureMatching', 'pac', 'ema'),
    own({ name: 'bidirectional', flag: 'bidirectional', kind: { type: 'boolean', negatable: true }, default: true, doc: "D reads each latent sequence both ways, the paper's D; --no-bidirectional: forward only, the reference code's" }),
    own({ name: 'momentLoss', flag: 'moment-loss', kind: { type: 'choice', choices: MOMENT_LOSSES }, default: 'sliced', doc: "G's data-space term: the reference's mean and std per step and feature (moments); the 1-D Wasserstein distance between their whole distributions (quantiles); or that distance along each feature and each pair's diagonals, which sees how features move together (sliced)" }),
    own({ name: 'slicedLoss', flag: 'sliced-loss', kind: { type: 'number', min: 0 }, default: 0, metavar: 'W', doc: "add W × the sliced distance beside --moment-loss's term (0: off)" }),
    own({ name: 'incrementLoss', flag: 'increment-loss', kind: { type: 'number', min: 0 }, default: 100, metavar: 'W', doc: 'add W × the same distance between the real and synthetic step-to-step changes of each feature: how much the series move within a window (0: off, as the reference code)' }),
    own({ name: 'correlationLoss', flag: 'corr-loss', kind: { type: 'number', min: 0 }, default: 100, metavar: 'W', doc: "add W × the squared difference of the real and synthetic batches' correlations between a window's values, on the pairs --corr-pairs picks (0: off, as the reference code)" }),
    own({ name: 'correlationPairs', flag: 'corr-pairs', kind: { type: 'choice', choices: CORRELATION_PAIRS }, default: 'weak', doc: 'weak: the pairs whose |correlation| over the training windows is below --corr-threshold (none in Stocks, so the term is off there); all; or only values of different features (cross)' }),
    own({ name: 'correlationThreshold', flag: 'corr-threshold', kind: { type: 'number', min: 0, exclusive: true }, default: 0.3, metavar: 'R', doc: 'the bound for weak pairs, in (0, 1]' }),
    own({ name: 'dataCritic', flag: 'data-critic', kind: { type: 'number', min: 0 }, default: 0, metavar: 'W', doc: "add W × the adversarial loss of a second discriminator that reads the data itself, each step's values and its change from the step before, as the strong classifier does (0: off, as the reference code)" }),
    own({ name: 'windowNoise', flag: 'window-noise', kind: { type: 'int', min: 0 }, default: 0, metavar: 'N', doc: 'also give G N noise values drawn once per window and repeated at each step (0: off, as the reference code)' }),
    own({ name: 'balanceSteps', flag: 'balance-steps', kind: { type: 'boolean' }, default: false, doc: "G's distribution terms measure each step and feature in units of the real batch's spread there, so that a step where the data barely varies counts as much as one where it varies widely" }),
    own({ name: 'generatorInit', flag: 'generator-init', kind: { type: 'choice', choices: GENERATOR_INITS }, default: 'random', doc: "how G's output layer starts the joint phase: as drawn (random, as the reference), or rescaled so that its latents on noise have the mean and spread of the embedder's on real windows (data): a remedy for a run whose generator never spreads out" }),
    own({ name: 'collapseRefit', flag: 'collapse-refit', kind: { type: 'int', min: 0 }, default: 500, metavar: 'N', doc: "after N joint iterations, if G's samples are less than a quarter as spread out as real windows, fit G's output layer as --generator-init data does and restart its weight average, once; only in a joint phase of at least 2N iterations, so that training follows (0: never, as the reference)" }),
    own({ name: 'embeddingIterations', flag: 'embedding-iterations', kind: { type: 'int', min: 0 }, defaultText: '--iterations', doc: 'autoencoder-phase iterations' }),
    own({ name: 'supervisedIterations', flag: 'supervised-iterations', kind: { type: 'int', min: 0 }, defaultText: '--iterations', doc: 'supervisor-phase iterations' }),
  ],
  // The reference code's settings: TF's Adam defaults and 10,000 iterations a phase; the average of G → S → R is saved.
  defaults: { beta1: 0.9, ema: 0.999, iterations: 10000 },
};

export const TIMEGAN_DEFAULTS = {
  model: 'timegan' as const,
  ...specDefaults(TIMEGAN_SPEC, 'run'),
  ...specDefaults(TIMEGAN_SPEC, 'model'),
} as Omit<TimeganConfig, 'features' | 'noiseDim' | 'embeddingIterations' | 'supervisedIterations'>;

/** TimeGAN's default iterations per phase (the reference code's). */
export const TIMEGAN_ITERATIONS = TIMEGAN_SPEC.defaults!.iterations as number;

/** Fills defaults (phase lengths default to `iterations`) and checks every value. */
export function timeganConfig(partial: Partial<TimeganConfig> & { features: number }, iterations = TIMEGAN_ITERATIONS): TimeganConfig {
  const c = withTrainingDefaults(
    { ...TIMEGAN_DEFAULTS, noiseDim: partial.features, embeddingIterations: iterations, supervisedIterations: iterations },
    partial,
  ) as TimeganConfig;
  checkArch(c);
  if (!Number.isInteger(c.gSteps) || c.gSteps < 1) throw new TsganError(`gSteps must be a positive integer, got ${c.gSteps}`);
  for (const k of ['embeddingIterations', 'supervisedIterations', 'windowNoise'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 0) throw new TsganError(`${k} must be a whole number, got ${c[k]}`);
  }
  if (c.seqLen < 2) throw new TsganError(`TimeGAN's supervised loss needs sequences of at least 2 steps, got ${c.seqLen}`);
  if (!(c.lrE > 0)) throw new TsganError(`lrE must be a positive number, got ${c.lrE}`);
  if (!(c.gamma >= 0)) throw new TsganError(`gamma must be ≥ 0, got ${c.gamma}`);
  if (!MOMENT_LOSSES.includes(c.momentLoss)) throw new TsganError(`momentLoss must be one of ${MOMENT_LOSSES.join(', ')}, got ${c.momentLoss}`);
  for (const k of ['slicedLoss', 'incrementLoss'] as const) {
    if (!(c[k] >= 0)) throw new TsganError(`${k} must be ≥ 0, got ${c[k]}`);
  }
  if (!(c.correlationLoss >= 0)) throw new TsganError(`correlationLoss must be ≥ 0, got ${c.correlationLoss}`);
  if (!CORRELATION_PAIRS.includes(c.correlationPairs)) throw new TsganError(`correlationPairs must be one of ${CORRELATION_PAIRS.join(', ')}, got ${c.correlationPairs}`);
  if (!(c.correlationThreshold > 0 && c.correlationThreshold <= 1)) throw new TsganError(`correlationThreshold must be in (0, 1], got ${c.correlationThreshold}`);
  if (!(c.dataCritic >= 0)) throw new TsganError(`dataCritic must be ≥ 0, got ${c.dataCritic}`);
  if (c.dataCritic > 0 && c.loss === 'wgan-gp') throw new TsganError("dataCritic has no gradient penalty, which 'wgan-gp' needs: use it with bce, lsgan or hinge");
  if (c.bidirectional && c.attentionPlacement === 'interleaved' && (c.attention === 'd' || c.attention === 'both')) {
    throw new TsganError("attentionPlacement 'interleaved' in D needs a forward-only D (bidirectional false, --no-bidirectional): the bidirectional D's blocks read both directions' states, on top");
  }
  if (c.correlationPairs === 'cross' && c.features < 2) throw new TsganError(`correlationPairs 'cross' needs at least 2 features, got ${c.features}`);
  checkTrainingConfig(c);
  if (c.model !== 'timegan') throw new TsganError(`config is for model "${c.model}", not timegan`);
  return c;
}

const mse = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.square(tf.sub(a, b))) as tf.Scalar;

/** What a joint G step records: its loss terms (the optional terms' only when they are on), E's loss, G's gradient norm. */
export interface JointGeneratorLogs {
  gLossU: number;
  gLossS: number;
  gLossV: number;
  gLossC?: number;
  gLossW?: number;
  gLossI?: number;
  gLossX?: number;
  eLoss: number;
  gGradNorm: number;
}

type OptionalTerm = 'gLossC' | 'gLossW' | 'gLossI' | 'gLossX';

type OptimizerName = 'e0' | 'e' | 'gs' | 'g' | 'd' | 'c';

/** The data critic's input: values, then changes over `scale` (0 at the first step): [batch, time, 2·features]. */
export function criticInput(x: tf.Tensor3D, scale: tf.Tensor1D): tf.Tensor3D {
  const [B, , F] = x.shape;
  const d = tf.concat([tf.zeros([B, 1, F]), tf.div(stepChanges(x), scale)], 1); // [batch, time, features]
  return tf.concat([x, d], 2) as tf.Tensor3D;
}

/**
 * The real batch's std of changes per feature, the critic's unit of change
 * (the strong classifier's is the real training windows', src/eval/posthoc.ts),
 * at least 1e-3: a feature that hardly moves must not magnify G's changes.
 */
export function batchChangeScale(x: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => tf.maximum(tf.add(tf.sqrt(tf.moments(stepChanges(x), [0, 1]).variance), 1e-6), 1e-3) as tf.Tensor1D);
}

export class Timegan extends Gan {
  /** Its D judges the embedder's latent sequences: GanTrainer's data-space steps would be wrong for it (the type refuses it there). */
  readonly latentDiscriminator = true as const;
  readonly config: TimeganConfig;
  readonly itemShape: number[];
  readonly embedder: SequenceNetwork;
  readonly recovery: SequenceNetwork;
  readonly generatorNet: SequenceNetwork;
  readonly supervisor: SequenceNetwork;
  /** D's forward stack and head (the head reads both directions when `bidirectional`). */
  readonly discriminatorNet: SequenceNetwork;
  /** D's backward stack, run on the reversed sequence; null unless `bidirectional`. */
  readonly discriminatorBack: RecurrentStack | null;
  /** The data critic (see `dataCritic`): [batch, time, 2·features] → logits [batch, time, 1]; null when off. */
  readonly critic: SequenceNetwork | null;
  private opts: Partial<Record<OptimizerName, Adam>> | null = null;
  /** The correlation term's pairs: undefined until set, null for all pairs, else a [T·F, T·F] 0/1 mask. */
  private correlationMask: tf.Tensor2D | null | undefined = undefined;
  /** The 'sliced' term's directions, made at its first use. */
  private projections: tf.Tensor2D | null = null;
  /** How many ordered pairs the correlation term compares (0: the term is off); known once its pairs are set. */
  private correlationPairCount: number | null = null;

  constructor(config: TimeganConfig, seed: number) {
    super();
    this.config = config;
    this.itemShape = [config.seqLen, config.features];
    const rng = new Rng(seed);
    const { cell, layers, hidden: H, features: F } = config;
    const arch = (inputSize: number, depth: number) => ({ cell, layers: depth, hidden: H, inputSize, chronoInit: config.chrono ? config.seqLen : undefined, layerNorm: config.layerNorm });
    const stack = (inputSize: number, depth: number, r: Rng) => new RecurrentStack(arch(inputSize, depth), r);
    const net = (inputSize: number, depth: number, units: number, activation: 'sigmoid' | 'linear', r: Rng, headInputSize = H, attention?: SequenceAttentionArgs) =>
      new SequenceNetwork({ ...arch(inputSize, depth), units, activation, headInputSize, attention }, r);
    this.embedder = net(F, layers, H, 'sigmoid', rng.fork());
    this.recovery = net(H, layers, F, 'sigmoid', rng.fork());
    this.generatorNet = net(config.noiseDim + config.windowNoise, layers, H, 'sigmoid', rng.fork(), H, attentionFor(config, 'g'));
    this.supervisor = net(H, Math.max(1, layers - 1), H, 'sigmoid', rng.fork());
    this.discriminatorNet = net(H * config.pac, layers, 1, 'linear', rng.fork(), config.bidirectional ? 2 * H : H, attentionFor(config, 'd'));
    // Forked after the other five, so that the one-directional networks start the same either way.
    this.discriminatorBack = config.bidirectional ? stack(H * config.pac, layers, rng.fork()) : null;
    this.critic = config.dataCritic > 0 ? net(2 * F, layers, 1, 'linear', rng.fork()) : null;
  }

  /**
   * Fixes the pairs the correlation term compares; 'weak' ones are read from
   * the training windows (TimeganTrainer calls this before training). Returns
   * how many ordered pairs of the T·F² it compares: 0 turns the term off.
   */
  setCorrelationData(data: Windows | null): { pairs: number; of: number } {
    const { seqLen: T, features: F, correlationPairs, correlationThreshold } = this.config;
    if (data && (data.seqLen !== T || data.features !== F)) {
      throw new TsganError(`correlation data has windows of ${data.seqLen} × ${data.features}, the model ${T} × ${F}`);
    }
    if (correlationPairs === 'weak' && !data) {
      throw new TsganError("correlationPairs 'weak' reads its pairs from the training windows: call setCorrelationData(windows) first");
    }
    tf.dispose(this.correlationMask ?? []);
    const of = T * F * T * F;
    if (correlationPairs === 'all') {
      this.correlationMask = null;
      this.correlationPairCount = of;
    } else {
      const mask = correlationPairs === 'cross' ? crossFeatureMask(T, F) : weakPairMask(data!, correlationThreshold);
      this.correlationPairCount = tf.tidy(() => tf.sum(mask).dataSync()[0]);
      this.correlationMask = mask;
    }
    return { pairs: this.correlationPairCount, of };
  }

  /** Whether G's step adds the correlation term (its pairs fixed on first use where they need no data). */
  private correlationTermOn(): boolean {
    if (this.config.correlationLoss === 0) return false;
    if (this.correlationMask === undefined) this.setCorrelationData(null);
    return this.correlationPairCount! > 0;
  }

  /** G, S and R: the chain from noise to data. */
  get generatorVariables(): tf.Variable[] {
    return [...this.generatorNet.variables, ...this.supervisor.variables, ...this.recovery.variables];
  }

  /** In the order of the saved discriminator's weights (see bidirectionalOrder). */
  get discriminatorVariables(): tf.Variable[] {
    if (!this.discriminatorBack) return this.discriminatorNet.variables;
    return (this.bidirectionalVariables ??= this.bidirectionalOrder());
  }
  private bidirectionalVariables: tf.Variable[] | null = null;

  override networkVariables(): Record<string, tf.Variable[]> {
    const nets = { generator: this.generatorVariables, embedder: this.embedder.variables, discriminator: this.discriminatorVariables };
    return this.critic ? { ...nets, critic: this.critic.variables } : nets;
  }

  noise(rng: Rng, count: number): tf.Tensor3D {
    return sequenceNoise(this.config, rng, count, this.config.seqLen, this.config.windowNoise);
  }

  /** Synthetic data x̂ = R(S(G(z))): [batch, time, noiseDim + windowNoise] → [batch, time, features]. */
  generate(z: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => this.recovery.apply(this.supervisor.apply(this.generatorNet.apply(z))));
  }

  /** R(E(x)): every sample leaves through R, so this bounds what R lets through. */
  override reconstruct(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.recovery.apply(this.embedder.apply(x, { constantInput: true })));
  }

  /** D on packed latent sequences: [batch, time, hidden·pac] → logits [batch, time, 1]. */
  discriminate(h: tf.Tensor, pass: DiscriminatePass = {}): tf.Tensor {
    const opts = stackPass(pass);
    if (!this.discriminatorBack) return this.discriminatorNet.apply(h, opts);
    if (this.discriminatorNet.hasAttention) return tf.tidy(() => dense(this.discriminatorFeatures(h, pass), this.discriminatorNet.head));
    return tf.tidy(() => {
      // head([f; b]) = f·W[:H] + b·W[H:] + bias: each half of the head runs
      // beside its own stack (in the stack's kernel call on the fused path),
      // so the [batch, time, 2·hidden] states are never concatenated.
      const { kernel, bias } = this.discriminatorNet.head;
      const [wF, wB] = tf.split(kernel, 2, 0); // [hidden, 1] each
      const forward = this.discriminatorNet.rnn.applyWithHead(h as tf.Tensor3D, { kernel: wF, bias, activation: 'linear' }, opts);
      const backward = this.discriminatorBack!.applyWithHead(h as tf.Tensor3D, { kernel: wB, bias: tf.zerosLike(bias), activation: 'linear' }, { ...opts, reversed: true });
      return tf.add(forward, backward);
    });
  }

  /** D's top states: [batch, time, hidden], or [batch, time, 2·hidden] (forward, backward) when bidirectional. */
  override discriminatorFeatures(h: tf.Tensor, pass: DiscriminatePass = {}): tf.Tensor {
    const opts = stackPass(pass);
    if (!this.discriminatorBack) return this.discriminatorNet.hiddenStates(h, opts);
    return tf.tidy(() => {
      const forward = this.discriminatorNet.rnn.apply(h as tf.Tensor3D, opts);
      // The backward stack reads step T first; its output comes back in time order.
      const backward = this.discriminatorBack!.apply(h as tf.Tensor3D, { ...opts, reversed: true });
      // Attention blocks (if any) read both directions' states at every step.
      return this.discriminatorNet.attend(tf.concat([forward, backward], 2) as tf.Tensor3D);
    });
  }

  private optimizerNames(): OptimizerName[] {
    return this.critic ? ['e0', 'e', 'gs', 'g', 'd', 'c'] : ['e0', 'e', 'gs', 'g', 'd'];
  }

  private optimizer(name: OptimizerName): Adam {
    if (!this.opts) {
      const { lrG, lrD, lrE, beta1, beta2, clipNorm } = this.config;
      const rate: Record<OptimizerName, number> = { e0: lrE, e: lrE, gs: lrG, g: lrG, d: lrD, c: lrD };
      // One Adam per objective, as the reference's five solvers (and the critic's).
      this.opts = Object.fromEntries(this.optimizerNames().map((n) => [n, new Adam({ learningRate: rate[n], beta1, beta2, clipNorm })]));
    }
    return this.opts[name]!;
  }

  protected override namedOptimizers(create: boolean): Record<string, Adam | null> {
    if (create) this.optimizer('d');
    return Object.fromEntries(this.optimizerNames().map((n) => [n, this.opts?.[n] ?? null]));
  }

  /**
   * One Adam update of `vars` on `loss` with the optimiser of that objective,
   * applied only if `apply(loss value)` says so (the D threshold).
   */
  private update(name: OptimizerName, vars: tf.Variable[], loss: () => tf.Scalar, apply: (value: number) => boolean = () => true): { value: number; norm: number } {
    const { value, grads } = tf.variableGrads(loss, vars);
    const v = value.dataSync()[0];
    const norm = apply(v) ? this.optimizer(name).step(grads) : globalNorm(Object.values(grads));
    const n = norm.dataSync()[0];
    tf.dispose([value, norm, ...Object.values(grads)]);
    return { value: v, norm: n };
  }

  /** Phase 1: the autoencoder alone. Returns √MSE(x, x̃). */
  embeddingStep(x: tf.Tensor3D): { eLoss: number } {
    const r = this.update('e0', [...this.embedder.variables, ...this.recovery.variables], () =>
      tf.tidy(() => tf.mul(10, tf.sqrt(mse(x, this.reconstruct(x)))) as tf.Scalar),
    );
    return { eLoss: r.value / 10 };
  }

  /** MSE between h_{t+1} and S(h)_t; `opts` for S (see StackApplyOptions). */
  private supervisedLoss(h: tf.Tensor3D, opts: StackApplyOptions = {}): tf.Scalar {
    const [B, T, H] = h.shape;
    const s = this.supervisor.apply(h, opts);
    return mse(tf.slice(h, [0, 1, 0], [B, T - 1, H]), tf.slice(s, [0, 0, 0], [B, T - 1, H]));
  }

  override collapseRemedies(kind: 'spread' | 'coverage'): string[] {
    const base = super.collapseRemedies(kind);
    // A G that starts narrow can stay there (see `generatorInit`); the collapse check may already have refitted it.
    const fitted = this.config.generatorInit === 'data' || this.config.collapseRefit > 0;
    return kind === 'spread' && !fitted ? ['--generator-init data', ...base] : base;
  }

  protected override takes(option: 'pac' | 'featureMatching' | 'wgan-gp'): boolean {
    // The data critic has no gradient penalty, so wgan-gp is refused beside it (see `dataCritic`).
    return option !== 'wgan-gp' || this.config.dataCritic === 0;
  }

  /**
   * `generatorInit` 'data' (see the config): G's head rescaled per unit so
   * that its pre-activations on `z` have the mean and spread of the trained
   * embedder's on real windows `x`, over every window and step. Run once,
   * before G's first update (a weight average begun earlier keeps the old
   * head).
   */
  initGeneratorFromData(x: tf.Tensor3D, z: tf.Tensor3D): void {
    const target = tf.tidy(() => preActivationMoments(this.embedder.hiddenStates(x), this.embedder.head));
    const hidden = this.generatorNet.hiddenStates(z); // [batch, time, hidden]
    try {
      matchPreActivations(hidden, this.generatorNet.head, target);
    } finally {
      hidden.dispose();
    }
  }

  /** Phase 2: the supervisor alone (the embedder is fixed). Returns √MSE. */
  supervisedStep(x: tf.Tensor3D): { sLoss: number } {
    // E(x) is only read (E is fixed in this phase): computed off the gradient tape.
    const h = tf.tidy(() => this.embedder.apply(x));
    const r = this.update('gs', this.supervisor.variables, () => tf.tidy(() => this.supervisedLoss(h, { constantInput: true })));
    h.dispose();
    return { sLoss: Math.sqrt(r.value) };
  }

  private withNoiseFrom(rng: Rng, progress: number) {
    return (t: tf.Tensor) => this.withInstanceNoise(t, rng, progress);
  }

  /** Phase 3, generator part: one G/S update, then one E/R update. */
  jointGeneratorStep(x: tf.Tensor3D, z: tf.Tensor3D, rng: Rng, progress = 0): JointGeneratorLogs {
    const { gamma } = this.config;
    const noisy = this.withNoiseFrom(rng, progress);
    const corr = this.correlationTermOn(); // before the tidy below: a mask made now is kept
    let parts: tf.Tensor | null = null;
    let optionalKeys: OptionalTerm[] = [];
    // E(x) is only read here (E is not updated by this step): computed off the gradient tape.
    const h = tf.tidy(() => this.embedder.apply(x));
    const g = this.update('g', [...this.generatorNet.variables, ...this.supervisor.variables], () =>
      tf.tidy(() => {
        // G and S are trained here; R and D only pass gradients through (frozen).
        const eHat = this.generatorNet.apply(z, { constantInput: true });
        const hHat = this.supervisor.apply(eHat);
        const xHat = this.recovery.apply(hHat, { frozen: true });
        let u: tf.Scalar;
        let ue: tf.Scalar;
        if (this.config.featureMatching) {
          const fr = this.discriminatorFeatures(this.pack(noisy(h)));
          u = featureMatchingLoss(fr, this.discriminatorFeatures(this.pack(noisy(hHat))));
          ue = featureMatchingLoss(fr, this.discriminatorFeatures(this.pack(noisy(eHat))));
        } else {
          // One D pass over both fakes (fewer, larger kernel calls), split back.
          const [yHat, yE] = this.discriminateMany([this.pack(noisy(hHat)), this.pack(noisy(eHat))], { frozen: true });
          u = this.loss.generator(yHat);
          ue = this.loss.generator(yE);
        }
        const s = this.supervisedLoss(h, { constantInput: true });
        const v = this.momentTerm(...this.balanced(x, xHat));
        const terms = [u, tf.mul(gamma, ue), tf.mul(100, tf.sqrt(s)), tf.mul(100, v)];
        const optional = this.optionalTerms(x, xHat, corr);
        for (const o of optional) terms.push(tf.mul(o.weight, o.value));
        optionalKeys = optional.map((o) => o.key);
        parts = tf.keep(tf.stack([u, s, v, ...optional.map((o) => o.value)]));
        return tf.addN(terms) as tf.Scalar;
      }),
    );
    h.dispose();
    const [gLossU, gLossS, gLossV, ...more] = Array.from((parts as unknown as tf.Tensor).dataSync());
    tf.dispose(parts!);
    const optionalLogs = Object.fromEntries(optionalKeys.map((k, i) => [k, more[i]]));
    let rec: tf.Tensor | null = null;
    this.update('e', [...this.embedder.variables, ...this.recovery.variables], () =>
      tf.tidy(() => {
        const h = this.embedder.apply(x, { constantInput: true });
        const r = mse(x, this.recovery.apply(h));
        rec = tf.keep(r);
        // S is not trained by this update: it only passes the gradient to E.
        return tf.add(tf.mul(10, tf.sqrt(r)), tf.mul(0.1, this.supervisedLoss(h, { frozen: true }))) as tf.Scalar;
      }),
    );
    const eLoss = Math.sqrt((rec as unknown as tf.Tensor).dataSync()[0]);
    tf.dispose(rec!);
    return { gLossU, gLossS: Math.sqrt(gLossS), gLossV, ...optionalLogs, eLoss, gGradNorm: g.norm };
  }

  /** The G terms beyond the reference's that are on, with their weights and the names they are recorded under. */
  private optionalTerms(x: tf.Tensor3D, xHat: tf.Tensor3D, corr: boolean): { key: OptionalTerm; weight: number; value: tf.Scalar }[] {
    const { correlationLoss: wc, slicedLoss: ws, incrementLoss: wi, dataCritic: wx } = this.config;
    return [
      ...(corr ? [{ key: 'gLossC' as const, weight: wc, value: correlationLoss(x, xHat, this.correlationMask!) }] : []),
      ...(ws > 0 ? [{ key: 'gLossW' as const, weight: ws, value: slicedLoss(...this.balanced(x, xHat), this.slices()) }] : []),
      ...(wi > 0 ? [{ key: 'gLossI' as const, weight: wi, value: incrementLoss(x, xHat, this.config.balanceSteps) }] : []),
      ...(this.critic ? [{ key: 'gLossX' as const, weight: wx, value: this.loss.generator(this.critic.apply(criticInput(xHat, batchChangeScale(x)), { frozen: true })) }] : []),
    ];
  }

  /** Phase 3, the data critic's part (when on): real x against x̂ = R(S(G(z))), thresholded as D. */
  jointCriticStep(x: tf.Tensor3D, z: tf.Tensor3D): { cLoss: number; cAccReal: number; cAccFake: number; cGradNorm: number; cUpdated: number } {
    const critic = this.critic;
    if (!critic) throw new TsganError('jointCriticStep: this TimeGAN has no data critic (dataCritic is 0)');
    const thresholded = this.loss.thresholdable;
    let acc: tf.Tensor | null = null;
    let updated = 0;
    // C's inputs come from networks this step does not update: computed off the gradient tape.
    const [real, fake] = tf.tidy(() => {
      const scale = batchChangeScale(x);
      return [criticInput(x, scale), criticInput(this.generate(z), scale)];
    });
    const r = this.update(
      'c',
      critic.variables,
      () =>
        tf.tidy(() => {
          const yReal = critic.apply(real, { constantInput: true });
          const yFake = critic.apply(fake, { constantInput: true });
          acc = tf.keep(tf.stack(this.accuracies(yReal, yFake)));
          return tf.add(this.loss.dReal(yReal), this.loss.dFake(yFake)) as tf.Scalar;
        }),
      (value) => {
        updated = !thresholded || value > this.config.dThreshold ? 1 : 0;
        return updated === 1;
      },
    );
    tf.dispose([real, fake]);
    const [cAccReal, cAccFake] = Array.from((acc as unknown as tf.Tensor).dataSync());
    tf.dispose(acc!);
    return { cLoss: r.value, cAccReal, cAccFake, cGradNorm: r.norm, cUpdated: updated };
  }

  /** Phase 3, discriminator part: applied only while the loss is above the threshold. */
  jointDiscriminatorStep(x: tf.Tensor3D, z: tf.Tensor3D, rng: Rng, progress = 0): { dLoss: number; dAccReal: number; dAccFake: number; dGradNorm: number; dUpdated: number } {
    const { gamma, dThreshold } = this.config;
    const thresholded = this.loss.thresholdable;
    const noisy = this.withNoiseFrom(rng, progress);
    let acc: tf.Tensor | null = null;
    let updated = 0;
    // D's inputs come from networks this step does not update: computed off the gradient tape.
    const [h, hHat, eHat] = tf.tidy(() => {
      const e = this.generatorNet.apply(z);
      return [noisy(this.embedder.apply(x)), noisy(this.supervisor.apply(e)), noisy(e)];
    });
    const r = this.update(
      'd',
      this.discriminatorVariables,
      () =>
        tf.tidy(() => {
          const [yReal, yFake, yFakeE] = this.discriminateMany([this.pack(h), this.pack(hHat), this.pack(eHat)], { constantInput: true });
          acc = tf.keep(tf.stack(this.accuracies(yReal, yFake)));
          let loss = tf.addN([this.loss.dReal(yReal), this.loss.dFake(yFake), tf.mul(gamma, this.loss.dFake(yFakeE))]);
          if (this.loss.gradientPenalty) loss = tf.add(loss, tf.mul(this.config.gpWeight, this.gradientPenalty(h, hHat, rng)));
          return loss as tf.Scalar;
        }),
      (value) => {
        updated = !thresholded || value > dThreshold ? 1 : 0;
        return updated === 1;
      },
    );
    tf.dispose([h, hHat, eHat]);
    const [dAccReal, dAccFake] = Array.from((acc as unknown as tf.Tensor).dataSync());
    tf.dispose(acc!);
    return { dLoss: r.value, dAccReal, dAccFake, dGradNorm: r.norm, dUpdated: updated };
  }

  /** The per-step gradient diagnostic (see Gan), through the embedder. */
  override discriminatorGradPerStep(real: tf.Tensor): number[] {
    return tf.tidy(() => {
      const dx = tf.grad((x: tf.Tensor) => this.loss.dReal(lastStep(this.discriminate(this.pack(this.embedder.apply(x))))))(real);
      return Array.from(tf.sqrt(tf.sum(tf.square(dx), [0, 2])).dataSync());
    });
  }

  /**
   * Refuses, before any work, a batch too large for 32-bit WebAssembly;
   * `initWindows`: the windows `initGeneratorFromData` reads in one pass
   * through E and G (0: none).
   */
  checkMemory(batch: number, initWindows = 0): void {
    const c = this.config;
    const encodeAndGenerate = [
      { inputSize: c.features, layers: c.layers, passes: 1 },
      { inputSize: c.noiseDim + c.windowNoise, layers: c.layers, passes: 1 },
    ];
    if (initWindows > 0) checkRecurrentMemory(c, initWindows, encodeAndGenerate);
    checkRecurrentMemory(c, batch, [
      ...encodeAndGenerate,
      { inputSize: c.hidden, layers: c.layers, passes: 2 },
      { inputSize: c.hidden, layers: Math.max(1, c.layers - 1), passes: 2 },
      { inputSize: c.hidden * c.pac, layers: c.layers, passes: c.bidirectional ? 6 : 3 },
      ...(this.critic ? [{ inputSize: 2 * c.features, layers: c.layers, passes: 3 }] : []),
    ]);
  }

  /**
   * Plain TF.js LayersModels: `generator` is the whole sampling chain
   * G → S → R (noise in, data out), `embedder` maps data to the latent space
   * and `discriminator` judges latent sequences.
   */
  toLayersModels(): Record<string, tf.LayersModel> {
    const generator = tf.sequential({
      name: 'generator',
      layers: [...this.generatorNet.layers('generator', { activation: 'sigmoid' }), ...this.supervisor.layers('supervisor', { activation: 'sigmoid' }), ...this.recovery.layers('recovery', { activation: 'sigmoid' })],
    });
    const embedder = tf.sequential({ name: 'embedder', layers: this.embedder.layers('embedder', { activation: 'sigmoid' }) });
    const discriminator = this.discriminatorBack ? this.bidirectionalModel().model : tf.sequential({ name: 'discriminator', layers: this.discriminatorNet.layers('discriminator') });
    generator.setWeights(this.generatorVariables);
    embedder.setWeights(this.embedder.variables);
    discriminator.setWeights(this.discriminatorVariables);
    if (!this.critic) return { generator, embedder, discriminator };
    const critic = tf.sequential({ name: 'critic', layers: this.critic.layers('critic') });
    critic.setWeights(this.critic.variables);
    return { generator, embedder, discriminator, critic };
  }

  /**
   * The bidirectional D as a functional model (both stacks side by side,
   * their states concatenated, any attention blocks, the head) and the variables behind each of
   * its weighted layers.
   */
  private bidirectionalModel(): { model: tf.LayersModel; sources: Map<tf.layers.Layer, tf.Variable[]> } {
    const d = this.discriminatorNet;
    const sources = new Map<tf.layers.Layer, tf.Variable[]>();
    const stackLayers = (stack: RecurrentStack, prefix: string) =>
      recurrentStackLayers(stack, prefix).map((layer, l) => (sources.set(layer, layerWeightList(stack.layers[l]!)), layer));
    const head = denseLayers(d.head, 'discriminator_out');
    sources.set(head[0]!, d.head.variables);
    const chain = (layers: tf.layers.Layer[], x: tf.SymbolicTensor) => layers.reduce((t, l) => l.apply(t) as tf.SymbolicTensor, x);
    const input = tf.input({ shape: [null, d.rnn.inputSize] as number[], name: 'discriminator_in' });
    const forward = chain(stackLayers(d.rnn, 'discriminator'), input);
    const reversed = new TimeReverse({ name: 'discriminator_reverse_in' }).apply(input) as tf.SymbolicTensor;
    const back = new TimeReverse({ name: 'discriminator_reverse_out' }).apply(chain(stackLayers(this.discriminatorBack!, 'discriminator_back'), reversed)) as tf.SymbolicTensor;
    const both = tf.layers.concatenate({ axis: -1, name: 'discriminator_concat' }).apply([forward, back]) as tf.SymbolicTensor;
    const blocks = d.stages[0]!.attention;
    const attention = d.attentionLayers('discriminator').map((layer, k) => (sources.set(layer, blocks[k]!.variables), layer));
    return { model: tf.model({ name: 'discriminator', inputs: input, outputs: chain(head, chain(attention, both)) }), sources };
  }

  /**
   * The bidirectional D's variables in its exported model's weight order,
   * which TF.js sets by the layers' depth in the graph (the two stacks'
   * layers interleave): read off the model, layer by layer.
   */
  private bidirectionalOrder(): tf.Variable[] {
    const { model, sources } = this.bidirectionalModel();
    const order = model.layers.flatMap((layer) => sources.get(layer) ?? []);
    model.dispose();
    return order;
  }

  /** Real and synthetic values (or changes) in the units the distribution terms use (see `balanceSteps`). */
  private balanced(x: tf.Tensor3D, xHat: tf.Tensor3D): [tf.Tensor3D, tf.Tensor3D] {
    return this.config.balanceSteps ? spreadBalanced(x, xHat) : [x, xHat];
  }

  /** G's data-space term, as `momentLoss` picks it. */
  private momentTerm(x: tf.Tensor3D, xHat: tf.Tensor3D): tf.Scalar {
    switch (this.config.momentLoss) {
      case 'moments':
        return momentLoss(x, xHat);
      case 'quantiles':
        return quantileLoss(x, xHat);
      case 'sliced':
        return slicedLoss(x, xHat, this.slices());
    }
  }

  /** The sliced terms' fixed directions, made on first use. */
  private slices(): tf.Tensor2D {
    return (this.projections ??= tf.keep(pairProjections(this.config.features)));
  }

  protected disposeNetworks(): void {
    for (const n of [this.embedder, this.recovery, this.generatorNet, this.supervisor, this.discriminatorNet, this.critic]) n?.dispose();
    this.discriminatorBack?.dispose();
    if (this.opts) for (const o of Object.values(this.opts)) o.dispose();
    tf.dispose(this.correlationMask ?? []);
    tf.dispose(this.projections ?? []);
  }
}
