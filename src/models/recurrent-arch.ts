/**
 * What rgan and timegan share: the shape of their recurrent networks, its
 * defaults and checks, their per-step noise, and the check that a batch's
 * recurrent passes fit in 32-bit WebAssembly.
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { CELL_TYPES, type CellType } from '../nn/recurrent.js';
import { TsganError } from '../errors.js';
import { checkFusedMemory } from '../kernels/fused-stack.js';

export type NoiseKind = 'uniform' | 'normal';

/** The shape of a recurrent GAN's networks (rgan and timegan), with the defaults both use. */
export interface RecurrentGanArch {
  /** Features per step of the data (set from the data). */
  features: number;
  /** Steps per sequence. Default 24. */
  seqLen: number;
  /** Noise values per step. Default: the number of features (TimeGAN's z_dim). */
  noiseDim: number;
  /** Noise distribution: 'uniform' U(0,1) as TimeGAN, or 'normal' N(0,1). Default 'uniform'. */
  noise: NoiseKind;
  /** Recurrent cell of every network. Default 'gru'. */
  cell: CellType;
  /** Recurrent layers in each network. Default 3. */
  layers: number;
  /** Units per recurrent layer. Default 24. */
  hidden: number;
  /**
   * Chrono initialisation of the gated cells' biases in every network (Tallec &
   * Ollivier 2018; see RecurrentStackArgs.chronoInit), against vanishing
   * gradients on long sequences: with Keras's default biases a GRU or LSTM
   * discriminator's last judgment barely depends on early steps at
   * initialisation (the per-step gradient diagnostic shows it). Default false.
   */
  chrono: boolean;
  /**
   * Layer-normalised recurrent cells in every network (Ba et al. 2016; see
   * src/nn/recurrent.ts), against vanishing and exploding activations over
   * long sequences. They run on the tf-ops path, not the fused kernels: about
   * as slow as plain TF.js. Saved models need tsgan's layer class to load.
   * Default false.
   */
  layerNorm: boolean;
}

/** The network-shape defaults of rgan and timegan (noiseDim: the number of features). */
export const ARCH_DEFAULTS: Omit<RecurrentGanArch, 'features' | 'noiseDim'> = {
  seqLen: 24,
  noise: 'uniform',
  cell: 'gru',
  layers: 3,
  hidden: 24,
  chrono: false,
  layerNorm: false,
};

/** Checks the shape options, naming the offending one. */
export function checkArch(c: RecurrentGanArch): void {
  for (const k of ['features', 'seqLen', 'noiseDim', 'layers', 'hidden'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1) throw new TsganError(`${k} must be a positive integer, got ${v}`);
  }
  if (!CELL_TYPES.includes(c.cell)) throw new TsganError(`unknown cell "${c.cell}"; use one of ${CELL_TYPES.join(', ')}`);
  if (c.noise !== 'uniform' && c.noise !== 'normal') throw new TsganError(`unknown noise "${c.noise}"; use uniform or normal`);
}

/** Per-step noise for `count` sequences: [count, seqLen, noiseDim]. */
export function sequenceNoise(c: Pick<RecurrentGanArch, 'noise' | 'noiseDim'>, rng: Rng, count: number, seqLen: number): tf.Tensor3D {
  const n = count * seqLen * c.noiseDim;
  const values = c.noise === 'uniform' ? rng.uniformArray(n) : rng.normalArray(n);
  return tf.tensor3d(values, [count, seqLen, c.noiseDim]);
}

/** One recurrent stack a training step runs: its input width, depth, and how many passes it keeps on the tape. */
export interface StackUse {
  inputSize: number;
  layers: number;
  passes: number;
  /** Sequences it runs at once, in batches. Default 1. */
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
