/**
 * What rgan, timegan and vaegan share: the shape of their recurrent networks, its
 * defaults and checks, their per-step noise, and the check that a batch's
 * recurrent passes fit in 32-bit WebAssembly.
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { CELL_TYPES, type CellType } from '../nn/recurrent.js';
import { TsganError } from '../errors.js';
import { checkFusedMemory } from '../kernels/fused-stack.js';
import { defaultsFor, type OptionDecl } from '../config/options.js';
import type { AttentionPlacement, SequenceAttentionArgs } from '../nn/sequence-network.js';

export type NoiseKind = 'uniform' | 'normal';

/** The shape of a recurrent GAN's networks (rgan, timegan, vaegan); defaults in ARCH_OPTIONS. */
export interface RecurrentGanArch {
  /** Features per step of the data (set from the data). */
  features: number;
  /** Steps per sequence. */
  seqLen: number;
  /** Noise values per step (TimeGAN's z_dim). */
  noiseDim: number;
  /** Noise distribution: 'uniform' U(0,1) as TimeGAN, or 'normal' N(0,1). */
  noise: NoiseKind;
  /** Recurrent cell of every network. */
  cell: CellType;
  /** Recurrent layers in each network. */
  layers: number;
  /** Units per recurrent layer. */
  hidden: number;
  /**
   * Chrono initialisation of the gated cells' biases in every network (Tallec &
   * Ollivier 2018; see RecurrentStackArgs.chronoInit), against vanishing
   * gradients on long sequences: with Keras's default biases a GRU or LSTM
   * discriminator's last judgment barely depends on early steps at
   * initialisation (the per-step gradient diagnostic shows it).
   */
  chrono: boolean;
  /**
   * Layer-normalised recurrent cells in every network (Ba et al. 2016; see
   * src/nn/recurrent.ts), against vanishing and exploding activations over
   * long sequences. They run on the tf-ops path, not the fused kernels: about
   * as slow as plain TF.js. Saved models need tsgan's layer class to load.
   */
  layerNorm: boolean;
  /**
   * Which networks have self-attention blocks (src/nn/portable-layers.ts):
   * 'g' the generator (causal: step t attends to steps ≤ t), 'd' the
   * discriminator (each step attends to the whole window), 'both', or 'none'.
   * They run on TF.js ops beside the fused recurrent kernels, and a saved
   * model loads with tsgan's layer registered (`registerTsganLayers`).
   */
  attention: AttentionIn;
  /** Attention blocks on top of each such network's recurrent layers (with placement 'top'). */
  attentionBlocks: number;
  /** Heads per block; they must divide `hidden`. */
  attentionHeads: number;
  /** 'top': the blocks follow the recurrent stack; 'interleaved': one block after each recurrent layer. */
  attentionPlacement: AttentionPlacement;
}

export type AttentionIn = 'none' | 'g' | 'd' | 'both';
export const ATTENTION_IN: readonly AttentionIn[] = ['none', 'g', 'd', 'both'];
export const ATTENTION_PLACEMENTS: readonly AttentionPlacement[] = ['top', 'interleaved'];

/** The options of a recurrent GAN's network shape (rgan, timegan, vaegan). */
// In the order of the saved config's keys (which the golden files fix).
export const ARCH_OPTIONS: readonly OptionDecl[] = [
  // TimeGAN's reference settings: GRU, 3 layers of 24, windows of 24.
  { name: 'seqLen', flag: 'seq-len', kind: { type: 'int', min: 1 }, target: 'run', default: 24, section: 'Data', doc: 'steps per window' },
  { name: 'noise', flag: 'noise', kind: { type: 'choice', choices: ['uniform', 'normal'] }, target: 'model', default: 'uniform', section: 'Model', doc: 'noise distribution: U(0, 1) as TimeGAN, or N(0, 1)' },
  { name: 'cell', flag: 'cell', kind: { type: 'choice', choices: CELL_TYPES }, target: 'model', default: 'gru', section: 'Model', doc: 'recurrent cell of every network' },
  { name: 'layers', flag: 'layers', kind: { type: 'int', min: 1 }, target: 'model', default: 3, section: 'Model', doc: 'recurrent layers per network' },
  { name: 'hidden', flag: 'hidden', kind: { type: 'int', min: 1 }, target: 'model', default: 24, section: 'Model', doc: 'units per recurrent layer' },
  { name: 'noiseDim', flag: 'noise-dim', kind: { type: 'int', min: 1 }, target: 'model', defaultText: 'the number of features', section: 'Model', doc: "noise values per step (TimeGAN's z_dim)" },
  { name: 'chrono', flag: 'chrono', kind: { type: 'boolean' }, target: 'model', default: false, section: 'Stability toolkit', doc: 'chrono-initialised gates (GRU/LSTM) against vanishing gradients over long sequences (Tallec & Ollivier 2018)' },
  { name: 'layerNorm', flag: 'layer-norm', kind: { type: 'boolean' }, target: 'model', default: false, section: 'Stability toolkit', doc: 'layer-normalised cells (Ba et al. 2016); they run on TF.js ops, not the fused kernels (several times slower), and load with tsgan\'s layer class' },
  { name: 'attention', flag: 'attention', kind: { type: 'choice', choices: ATTENTION_IN }, target: 'model', default: 'none', section: 'Model', doc: 'self-attention blocks (multi-head, sinusoidal positions) in the generator (causal), the discriminator, both, or none; saved models load with tsgan\'s layer registered' },
  { name: 'attentionBlocks', flag: 'attention-blocks', kind: { type: 'int', min: 1 }, target: 'model', default: 1, section: 'Model', doc: 'attention blocks on top of each such network\'s recurrent layers (with --attention-placement top)' },
  { name: 'attentionHeads', flag: 'attention-heads', kind: { type: 'int', min: 1 }, target: 'model', default: 4, section: 'Model', doc: 'heads per attention block; they must divide --hidden' },
  { name: 'attentionPlacement', flag: 'attention-placement', kind: { type: 'choice', choices: ATTENTION_PLACEMENTS }, target: 'model', default: 'top', section: 'Model', doc: 'top: the blocks follow the recurrent layers; interleaved: one block after each recurrent layer' },
];

/** The network-shape defaults of rgan, timegan and vaegan (noiseDim: the number of features). */
export const ARCH_DEFAULTS = {
  ...(defaultsFor(ARCH_OPTIONS, 'run') as { seqLen: number }),
  ...(defaultsFor(ARCH_OPTIONS, 'model') as Omit<RecurrentGanArch, 'features' | 'noiseDim' | 'seqLen'>),
};

/** Checks the shape options, naming the offending one. */
export function checkArch(c: RecurrentGanArch): void {
  for (const k of ['features', 'seqLen', 'noiseDim', 'layers', 'hidden'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1) throw new TsganError(`${k} must be a positive integer, got ${v}`);
  }
  if (!CELL_TYPES.includes(c.cell)) throw new TsganError(`unknown cell "${c.cell}"; use one of ${CELL_TYPES.join(', ')}`);
  if (c.noise !== 'uniform' && c.noise !== 'normal') throw new TsganError(`unknown noise "${c.noise}"; use uniform or normal`);
  if (!ATTENTION_IN.includes(c.attention)) throw new TsganError(`unknown attention "${c.attention}"; use one of ${ATTENTION_IN.join(', ')}`);
  if (!ATTENTION_PLACEMENTS.includes(c.attentionPlacement)) throw new TsganError(`unknown attentionPlacement "${c.attentionPlacement}"; use top or interleaved`);
  for (const k of ['attentionBlocks', 'attentionHeads'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TsganError(`${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.attentionPlacement === 'interleaved' && c.attentionBlocks !== 1) {
    throw new TsganError(`attentionBlocks (${c.attentionBlocks}) must be 1 with attentionPlacement 'interleaved', which puts one block after each recurrent layer`);
  }
  if (c.attention !== 'none' && c.hidden % c.attentionHeads !== 0) {
    throw new TsganError(`attentionHeads (${c.attentionHeads}) must divide hidden (${c.hidden}): each head reads hidden / heads of the width`);
  }
}

/** A network's attention blocks under `c`, for the generator ('g') or the discriminator ('d'); undefined for none. */
export function attentionFor(c: RecurrentGanArch, net: 'g' | 'd'): SequenceAttentionArgs | undefined {
  if (c.attention !== net && c.attention !== 'both') return undefined;
  return { blocks: c.attentionBlocks, heads: c.attentionHeads, causal: net === 'g', placement: c.attentionPlacement };
}

/**
 * Noise for `count` sequences: [count, seqLen, noiseDim + windowNoise]. The
 * first noiseDim values are drawn afresh at every step; the last
 * `windowNoise` (TimeGAN's option; 0: none) are drawn once per sequence and
 * repeated at each step, as DoppelGANger's and TimeVAE's per-series latent,
 * so that a window's choices (a wave's frequency and phase) have their own sources.
 */
export function sequenceNoise(c: Pick<RecurrentGanArch, 'noise' | 'noiseDim'>, rng: Rng, count: number, seqLen: number, windowNoise = 0): tf.Tensor3D {
  const draw = (n: number) => (c.noise === 'uniform' ? rng.uniformArray(n) : rng.normalArray(n));
  const steps = draw(count * seqLen * c.noiseDim); // [count, seqLen, noiseDim]
  if (windowNoise === 0) return tf.tensor3d(steps, [count, seqLen, c.noiseDim]);
  // Drawn after the steps' values, so that without it the stream is drawn exactly as before the option existed.
  const window = draw(count * windowNoise); // [count, windowNoise]
  return tf.tensor3d(stepsAndWindow(steps, window, count, seqLen, c.noiseDim, windowNoise), [count, seqLen, c.noiseDim + windowNoise]);
}

/**
 * Each step's S values from `steps` ([count, seqLen, S]) followed by its
 * sequence's W values from `window` ([count, W]), the same at every step:
 * [count, seqLen, S + W].
 */
export function stepsAndWindow(steps: Float32Array, window: Float32Array, count: number, seqLen: number, S: number, W: number): Float32Array {
  const width = S + W;
  const out = new Float32Array(count * seqLen * width);
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < seqLen; t++) {
      const at = (i * seqLen + t) * width;
      if (S > 0) out.set(steps.subarray((i * seqLen + t) * S, (i * seqLen + t + 1) * S), at);
      out.set(window.subarray(i * W, (i + 1) * W), at + S);
    }
  }
  return out;
}

/** One recurrent stack a training step runs: its input width, depth, and how many passes it keeps on the tape. */
export interface StackUse {
  inputSize: number;
  layers: number;
  passes: number;
  /** Sequences it runs at once, in batches. */
  batches?: number;
}

/**
 * Refuses, before any work, a batch whose recurrent passes (`stacks`, each
 * model's own list) would not fit in 32-bit WebAssembly.
 */
export function checkRecurrentMemory(c: RecurrentGanArch, batch: number, stacks: StackUse[]): void {
  checkFusedMemory(
    stacks.map((s) => ({
      shape: { cell: c.cell, batch: batch * (s.batches ?? 1), time: c.seqLen, inputSize: s.inputSize, hidden: c.hidden, headUnits: Math.max(c.features, c.hidden) },
      layers: s.layers,
      passes: s.passes,
    })),
    `batch ${batch} × sequence ${c.seqLen} × hidden ${c.hidden} × ${c.layers} layers`,
  );
}
