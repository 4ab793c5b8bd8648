/**
 * The whole-entity GAN (`--model dgan`), after DoppelGANger (Lin et al.
 * 2020, "Using GANs for Sharing Networked Time Series Data"): it generates an
 * entity's static attributes first (an MLP), then its derived attributes —
 * length, start time, and each numeric feature's own min and max, so that
 * entities of very different scales share one model — from them (a second
 * MLP), then the entity's steps from all of them (a recurrent network that
 * emits `sampleLen` steps per recurrent step, DoppelGANger's answer to long
 * series). Categories come out of a softmax per column, everything else out
 * of a sigmoid in [0, 1] (the codec's space, src/data/table-codec.ts). Steps
 * past the generated length are masked to 0 with a soft mask, so that the
 * length is learnt through the discriminator.
 *
 * D judges the whole entity (attributes, masked steps and mask, flattened);
 * an auxiliary D judges the attributes alone (DoppelGANger's second
 * discriminator). Both are one `discriminate` with two logits, so the
 * objectives, the gradient penalty and every stability option of `Gan`
 * apply unchanged: the losses average the two.
 */
import { tf } from '../engine.js';
import { Rng } from '../random.js';
import { Mlp } from '../nn/dense.js';
import { mlpLayers } from '../nn/export.js';
import { SequenceNetwork } from '../nn/sequence-network.js';
import { TsganError } from '../errors.js';
import { CELL_TYPES, type CellType } from '../nn/recurrent.js';
import { Gan, type TableGan, type DiscriminatePass, checkTrainingConfig, withTrainingDefaults, GAN_TRAINING_OPTIONS, type GanTrainingConfig } from './gan.js';
import { specDefaults, type ModelSpec } from './spec.js';
import { declared, type OptionDecl } from '../config/options.js';
import { ARCH_OPTIONS } from './recurrent-arch.js';

/** A softmax group of slots: [first slot, slots]; every slot outside the groups is a sigmoid. */
export type SoftmaxGroup = [number, number];

export interface DganConfig extends GanTrainingConfig {
  model: 'dgan';
  /** Attribute slots per entity (set from the data's layout). */
  attributes: number;
  /** Of those, the static columns' slots, which come first (set from the data). */
  staticAttributes: number;
  /** Feature slots per step (set from the data). */
  features: number;
  /** Steps of the longest entity (set from the data). */
  maxLength: number;
  /** Softmax groups among the attribute slots and among the feature slots (set from the data). */
  attributeSoftmax: SoftmaxGroup[];
  featureSoftmax: SoftmaxGroup[];
  /** Steps emitted per recurrent step; 0: the fewest that keep the recurrent steps to at most 50. */
  sampleLen: number;
  /** Noise values of each attribute generator, and per recurrent step of the feature generator. */
  noiseDim: number;
  /** Hidden sizes of both attribute generators. */
  attributeHidden: number[];
  cell: CellType;
  hidden: number;
  layers: number;
  /** Hidden sizes of D and of the auxiliary attribute D. */
  dHidden: number[];
  auxHidden: number[];
}

const own = (d: Omit<OptionDecl, 'section' | 'target'>): OptionDecl => ({ ...d, section: 'Whole-entity GAN', target: 'model' });

/** The most recurrent steps an auto `sampleLen` allows (DoppelGANger's runs kept about 50). */
export const MAX_RECURRENT_STEPS = 50;

export const DGAN_SPEC: ModelSpec = {
  name: 'dgan',
  summary: 'whole-entity GAN (DoppelGANger style): static attributes, then each entity\'s own length, range and steps conditioned on them; writes the input\'s own table back',
  options: [
    own({ name: 'sampleLen', flag: 'sample-len', kind: { type: 'int', min: 0 }, default: 0, defaultText: `auto: at most ${MAX_RECURRENT_STEPS} recurrent steps`, doc: 'steps generated per recurrent step (DoppelGANger\'s batching of steps for long series)' }),
    own({ name: 'noiseDim', flag: 'noise-dim', kind: { type: 'int', min: 1 }, default: 10, doc: 'noise values of each attribute generator and per recurrent step' }),
    own({ name: 'attributeHidden', flag: 'attribute-hidden', kind: { type: 'sizes' }, default: [100, 100], doc: 'hidden layer sizes of the attribute generators' }),
    // The feature generator's recurrent shape, declared with the recurrent GANs' (defaults below).
    ...['cell', 'hidden', 'layers'].map((name) => declared(ARCH_OPTIONS, name)),
    own({ name: 'dHidden', flag: 'd-hidden', kind: { type: 'sizes' }, default: [200, 200, 200, 200], doc: 'hidden layer sizes of the discriminator' }),
    own({ name: 'auxHidden', flag: 'aux-hidden', kind: { type: 'sizes' }, default: [200, 200], doc: 'hidden layer sizes of the auxiliary attribute discriminator' }),
    ...GAN_TRAINING_OPTIONS,
  ],
  // D judges whole entities beside an attribute D: packing and feature matching do not apply.
  fixed: ['pac', 'featureMatching'],
  // DoppelGANger's settings: one LSTM layer of 100, WGAN-GP, Adam 1e-3 with β1 0.5, batches of 100.
  defaults: { cell: 'lstm', hidden: 100, layers: 1, batchSize: 100, loss: 'wgan-gp', dSteps: 1, iterations: 2000 },
};

/** The keys a config takes from the data's layout (see src/data/table-codec.ts), not from the user. */
export type DganDataKeys = 'attributes' | 'staticAttributes' | 'features' | 'maxLength' | 'attributeSoftmax' | 'featureSoftmax';

export const DGAN_DEFAULTS = { model: 'dgan', ...specDefaults(DGAN_SPEC, 'model') } as Omit<DganConfig, DganDataKeys>;

const positiveList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 1);

/** Fills defaults and checks every value, naming the offending one. */
export function dganConfig(partial: Partial<DganConfig> & Pick<DganConfig, DganDataKeys>): DganConfig {
  // DoppelGANger trains WGAN-GP with one critic step: the objective's own 5 apply only when asked for.
  const c = withTrainingDefaults(DGAN_DEFAULTS, { dSteps: DGAN_DEFAULTS.dSteps, ...partial }) as DganConfig;
  for (const k of ['attributes', 'features', 'maxLength', 'noiseDim', 'hidden', 'layers'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TsganError(`${k} must be a positive integer, got ${c[k]}`);
  }
  if (!Number.isInteger(c.staticAttributes) || c.staticAttributes < 0 || c.staticAttributes >= c.attributes) {
    throw new TsganError(`staticAttributes must be a whole number below attributes (${c.attributes}), got ${c.staticAttributes}`);
  }
  if (!Number.isInteger(c.sampleLen) || c.sampleLen < 0) throw new TsganError(`sampleLen must be a whole number, got ${c.sampleLen}`);
  if (c.sampleLen === 0) c.sampleLen = Math.ceil(c.maxLength / MAX_RECURRENT_STEPS);
  for (const k of ['attributeHidden', 'dHidden', 'auxHidden'] as const) {
    if (!positiveList(c[k])) throw new TsganError(`${k} must be a list of positive integers, got ${JSON.stringify(c[k])}`);
  }
  if (!CELL_TYPES.includes(c.cell)) throw new TsganError(`cell must be one of ${CELL_TYPES.join(', ')}, got ${JSON.stringify(c.cell)}`);
  checkGroups(c.attributeSoftmax, c.attributes, 'attributeSoftmax', c.staticAttributes);
  checkGroups(c.featureSoftmax, c.features, 'featureSoftmax');
  checkTrainingConfig(c);
  if (c.pac !== 1) throw new TsganError(`pac must be 1 for dgan, got ${c.pac}`);
  if (c.featureMatching) throw new TsganError('featureMatching is not available for dgan');
  if (c.model !== 'dgan') throw new TsganError(`config is for model "${c.model}", not dgan`);
  return c;
}

/** Groups in order, apart, within `width` slots (and not across the static/derived cut). */
function checkGroups(groups: unknown, width: number, key: string, cut = 0): void {
  if (!Array.isArray(groups)) throw new TsganError(`${key} must be a list of [first, size] pairs, got ${JSON.stringify(groups)}`);
  let next = 0;
  for (const [i, g] of groups.entries()) {
    const ok = Array.isArray(g) && g.length === 2 && Number.isInteger(g[0]) && Number.isInteger(g[1]) && g[0] >= next && g[1] >= 1 && g[0] + g[1] <= width;
    if (!ok || (cut > 0 && g[0] < cut && g[0] + g[1] > cut)) throw new TsganError(`${key}[${i}] must be a [first, size] pair of slots in order within ${width}, got ${JSON.stringify(g)}`);
    next = g[0] + g[1];
  }
}

export class Dgan extends Gan implements TableGan {
  readonly config: DganConfig;
  readonly itemShape: number[];
  /** Static attributes from noise (absent when the table has none). */
  readonly staticGenerator: Mlp | null;
  /** [static attributes, noise] → length, start, per-feature min and max. */
  readonly derivedGenerator: Mlp;
  /** [attributes, noise] per recurrent step → `sampleLen` steps of features. */
  readonly featureGenerator: SequenceNetwork;
  readonly discriminator: Mlp;
  readonly attributeDiscriminator: Mlp;
  /** Recurrent steps: ⌈maxLength / sampleLen⌉. */
  readonly recurrentSteps: number;

  constructor(config: DganConfig, seed: number) {
    super();
    this.config = config;
    const { attributes: A, staticAttributes: S, features: F, maxLength: T, sampleLen: L, noiseDim: Z } = config;
    this.itemShape = [A + T * (F + 1)];
    this.recurrentSteps = Math.ceil(T / L);
    const rng = new Rng(seed);
    const h = config.attributeHidden;
    this.staticGenerator = S > 0 ? new Mlp([Z, ...h, S], 'leakyRelu', 'linear', rng.fork()) : null;
    this.derivedGenerator = new Mlp([S + Z, ...h, A - S], 'leakyRelu', 'linear', rng.fork());
    this.featureGenerator = new SequenceNetwork({ cell: config.cell, layers: config.layers, hidden: config.hidden, inputSize: A + Z, units: L * F }, rng.fork());
    this.discriminator = new Mlp([A + T * (F + 1), ...config.dHidden, 1], 'leakyRelu', 'linear', rng.fork());
    this.attributeDiscriminator = new Mlp([A, ...config.auxHidden, 1], 'leakyRelu', 'linear', rng.fork());
  }

  get staticSlots(): number {
    return this.config.staticAttributes;
  }

  /** The static attributes from noise `z` (its first noiseDim values): [batch, staticAttributes]. */
  generateStatics(z: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const S = this.config.staticAttributes;
      if (S === 0) return tf.zeros([z.shape[0], 0]) as tf.Tensor2D;
      const zs = tf.slice(z, [0, 0], [z.shape[0], this.config.noiseDim]);
      return heads(this.staticGenerator!.apply(zs), this.config.attributeSoftmax.filter(([a]) => a < S), 0) as tf.Tensor2D;
    });
  }

  /** Noise values per entity: two attribute generators', then one per recurrent step. */
  get noiseSize(): number {
    return this.config.noiseDim * (2 + this.recurrentSteps);
  }

  get generatorVariables(): tf.Variable[] {
    return [...(this.staticGenerator?.variables ?? []), ...this.derivedGenerator.variables, ...this.featureGenerator.variables];
  }

  get discriminatorVariables(): tf.Variable[] {
    return [...this.discriminator.variables, ...this.attributeDiscriminator.variables];
  }

  override networkVariables(): Record<string, tf.Variable[]> {
    return {
      ...(this.staticGenerator ? { 'static-generator': this.staticGenerator.variables } : {}),
      'derived-generator': this.derivedGenerator.variables,
      'feature-generator': this.featureGenerator.variables,
      discriminator: this.discriminator.variables,
      'attribute-discriminator': this.attributeDiscriminator.variables,
    };
  }

  /** [count, noiseSize] from N(0, 1). */
  noise(rng: Rng, count: number): tf.Tensor2D {
    return tf.tensor2d(rng.normalArray(count * this.noiseSize), [count, this.noiseSize]);
  }

  generate(z: tf.Tensor): tf.Tensor2D {
    return this.generateGiven(z, null);
  }

  /**
   * G(z) → [batch, attributes + maxLength·(features + 1)]: attributes, then
   * the masked steps (row-major), then the mask. `given` ([batch, static
   * slots], in the codec's space) replaces the generated static attributes,
   * and the rest of each entity is generated from them (sampling on request).
   */
  generateGiven(z: tf.Tensor, given: tf.Tensor | null): tf.Tensor2D {
    return tf.tidy(() => {
      const { staticAttributes: S, features: F, maxLength: T, sampleLen: L, noiseDim: Z } = this.config;
      const B = z.shape[0];
      const R = this.recurrentSteps;
      const zd = tf.slice(z, [0, Z], [B, Z]);
      const zf = tf.reshape(tf.slice(z, [0, 2 * Z], [B, R * Z]), [B, R, Z]); // [batch, recurrent steps, noise]
      const groups = this.config.attributeSoftmax;
      let statics: tf.Tensor | null = null;
      if (S > 0) statics = given ?? this.generateStatics(z);
      const derivedIn = statics ? tf.concat([statics, zd], 1) : zd;
      const derived = heads(this.derivedGenerator.apply(derivedIn), groups.filter(([a]) => a >= S), S);
      const attrs = statics ? tf.concat([statics, derived], 1) : derived; // [batch, attributes]
      const cond = tf.tile(tf.expandDims(attrs, 1), [1, R, 1]); // [batch, recurrent steps, attributes]
      const out = this.featureGenerator.apply(tf.concat([cond, zf], 2)); // [batch, R, L·F]
      const steps = tf.slice(tf.reshape(out, [B, R * L, F]), [0, 0, 0], [B, T, F]); // [batch, time, features]
      const feats = heads(steps, this.config.featureSoftmax, 0);
      const mask = lengthMask(tf.slice(derived, [0, 0], [B, 1]), T); // [batch, time]; the length is the first derived slot
      const masked = tf.mul(feats, tf.expandDims(mask, 2));
      return tf.concat([attrs, tf.reshape(masked, [B, T * F]), mask], 1) as tf.Tensor2D;
    });
  }

  /** [batch, item] → logits [batch, 2]: the whole-entity D, and the attribute D. */
  discriminate(x: tf.Tensor, pass: DiscriminatePass = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const attrs = tf.slice(x, [0, 0], [x.shape[0], this.config.attributes]);
      const twice = pass.twice ?? false;
      return tf.concat([this.discriminator.apply(x, twice), this.attributeDiscriminator.apply(attrs, twice)], 1) as tf.Tensor2D;
    });
  }

  /**
   * Each network as a plain TF.js LayersModel. The generators' heads are
   * linear here: tsgan applies each column's softmax or sigmoid, the length
   * mask and the conditioning between them (see generateGiven).
   */
  toLayersModels(): Record<string, tf.LayersModel> {
    const out: Record<string, tf.LayersModel> = {};
    const mlp = (name: string, net: Mlp) => {
      const m = tf.sequential({ name, layers: mlpLayers(net, name.replace(/-/g, '_')) });
      m.setWeights(net.variables);
      out[name] = m;
    };
    if (this.staticGenerator) mlp('static-generator', this.staticGenerator);
    mlp('derived-generator', this.derivedGenerator);
    const fg = tf.sequential({ name: 'feature-generator', layers: this.featureGenerator.layers('feature_generator') });
    fg.setWeights(this.featureGenerator.variables);
    out['feature-generator'] = fg;
    mlp('discriminator', this.discriminator);
    mlp('attribute-discriminator', this.attributeDiscriminator);
    return out;
  }

  protected override takes(option: 'pac' | 'featureMatching' | 'wgan-gp'): boolean {
    // D judges whole entities: packing and feature matching do not apply (the options its spec holds fixed).
    return option === 'wgan-gp';
  }

  protected disposeNetworks(): void {
    this.staticGenerator?.dispose();
    this.derivedGenerator.dispose();
    this.featureGenerator.dispose();
    this.discriminator.dispose();
    this.attributeDiscriminator.dispose();
  }
}

/** Sigmoid on every slot of the last axis but the softmax groups' (slots numbered from `offset`). */
function heads(x: tf.Tensor, groups: SoftmaxGroup[], offset: number): tf.Tensor {
  const width = x.shape[x.rank - 1];
  const parts: tf.Tensor[] = [];
  const take = (from: number, size: number) => tf.slice(x, [...x.shape.slice(0, -1).map(() => 0), from], [...x.shape.slice(0, -1), size]);
  let at = 0;
  for (const [first, size] of groups) {
    const a = first - offset;
    if (a > at) parts.push(tf.sigmoid(take(at, a - at)));
    parts.push(tf.softmax(take(a, size)));
    at = a + size;
  }
  if (at < width) parts.push(tf.sigmoid(take(at, width - at)));
  return parts.length === 1 ? parts[0] : tf.concat(parts, x.rank - 1);
}

/** How sharply the mask falls at the generated length: over about two steps, so that the length gets a gradient. */
const MASK_SHARPNESS = 2;

/** [batch, 1] lengths in (0, 1] of `T` → [batch, T]: about 1 for steps before the length, about 0 after. */
function lengthMask(length: tf.Tensor, T: number): tf.Tensor {
  const t = tf.range(0, T).reshape([1, T]);
  return tf.sigmoid(tf.mul(MASK_SHARPNESS, tf.sub(tf.sub(tf.mul(length, T), 0.5), t)));
}
