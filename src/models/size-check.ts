/**
 * Size limits checked before a model is built: a config (from the command
 * line or from a shared tsgan.json) is refused, naming the sizes to reduce,
 * when its networks or the arrays that training or sampling allocate would
 * exceed a documented bound. The networks' constructors draw an orthogonal
 * recurrent kernel per layer, O(H³) work, so the bound must hold before any
 * constructor runs.
 *
 * Bounds (the documented limits of what tsgan builds, from a file or from flags):
 *   - parameters of all networks together ≤ MAX_PARAMETERS (2²⁷, 512 MiB of float32)
 *   - initialisation work ≤ MAX_INIT_FLOPS (6·10¹⁰, about half a minute in JavaScript)
 *   - one recurrent pass over a batch ≤ MAX_ACTIVATION_BYTES (0.9 × 4 GiB, what 32-bit WebAssembly addresses)
 *   - values one `sample` call writes ≤ MAX_SAMPLE_VALUES (2²⁴ values, a CSV of at most ~250 MB)
 * and per key (a file's config): the ranges in SIZE_RANGES.
 */
import { TsganError } from '../errors.js';
import { estimateStackBytes, WASM_MAX_BYTES } from '../kernels/wasm-kernels.js';
import type { CellType } from '../nn/recurrent.js';
import { attentionParameters } from '../nn/attention.js';
import { ARCH_DEFAULTS } from './recurrent-arch.js';

export const MAX_PARAMETERS = 2 ** 27;
export const MAX_INIT_FLOPS = 6e10;
export const MAX_ACTIVATION_BYTES = WASM_MAX_BYTES * 0.9;
export const MAX_SAMPLE_VALUES = 2 ** 24;
/** The batch `Gan.sample` generates at a time. */
const SAMPLE_BATCH = 256;

/** Per-key ranges of the sizes a config file may give (inclusive). */
export const SIZE_RANGES = {
  features: [1, 65536],
  dataDim: [1, 65536],
  noiseDim: [1, 65536],
  windowNoise: [0, 65536],
  seqLen: [1, 100000],
  hidden: [1, 4096],
  layers: [1, 64],
  batchSize: [1, 1048576],
  pac: [1, 1024],
  classes: [2, 65536],
  /** Each entry of dense-gan's gHidden / dHidden; the lists hold 1 to 64 entries. */
  denseHidden: [1, 65536],
  attentionBlocks: [1, 64],
  attentionHeads: [1, 4096],
  gSteps: [1, 1000],
  dSteps: [1, 1000],
} as const;

/** The shape-driving part of every model config (rgan, timegan, vaegan, dense-gan, classifier). */
export interface SizedConfig {
  model: string;
  features?: number;
  seqLen?: number;
  noiseDim?: number;
  windowNoise?: number;
  layers?: number;
  hidden?: number;
  cell?: CellType;
  layerNorm?: boolean;
  pac?: number;
  bidirectional?: boolean;
  attention?: string;
  attentionBlocks?: number;
  attentionHeads?: number;
  attentionPlacement?: string;
  batchSize?: number;
  dataDim?: number;
  gHidden?: number[];
  dHidden?: number[];
  classes?: number;
}

export interface SizeCheckOptions {
  /** The tsgan.json the config came from: errors name it and its `config.<key>`; else they name the command-line flags. */
  file?: string;
  /** Check one training batch of this size (a D pass over real and generated items together). */
  batch?: number;
  /** Training items: checks a batch of min(config.batchSize, items), as `batch`. */
  items?: number;
}

const FLAGS: Record<string, string> = {
  hidden: '--hidden',
  layers: '--layers',
  seqLen: '--seq-len',
  batchSize: '--batch-size',
  noiseDim: '--noise-dim',
  windowNoise: '--window-noise',
  pac: '--pac',
  attentionBlocks: '--attention-blocks',
  attentionHeads: '--attention-heads',
  gHidden: '--g-hidden',
  dHidden: '--d-hidden',
  features: '--columns',
  dataDim: '--columns',
  classes: 'the number of classes',
  dSteps: '--d-steps',
  gSteps: '--g-steps',
};

const GATES: Record<CellType, number> = { rnn: 1, gru: 3, lstm: 4 };

/** A recurrent stack: its first layer's input width and its depth (every layer `hidden` wide). */
export interface Stack {
  input: number;
  layers: number;
}

/** What a model's networks allocate, as its registry entry describes it (see recurrentSizes, and dense-gan's). */
export interface NetworkSizes {
  /** Its recurrent stacks and its dense layers [in, out]. */
  stacks: Stack[];
  dense: [number, number][];
  /** The width of each self-attention block. */
  attention?: number[];
  /** The config key an oversized network is reported on, and the keys that drive its size. */
  main: string;
  drivers: string[];
  /** Values one generated item holds, and how a message says it ("24 steps × 6 features"). */
  itemValues: number;
  itemText: string;
  /** Bytes one pass over a batch of `batch` items needs, and the key a batch over the bound is reported on. */
  batchBytes(batch: number): number;
  batchKey: string;
  /** The keys that drive the batch's bytes, where they are not the recurrent ones. */
  batchDrivers?: string[];
}

/**
 * The sizes of a recurrent model: `stacks` and `dense` as it builds them;
 * `widestInput`: the widest input any of its stacks takes (D's packed one
 * included), which sets one pass's activations; `attention`: the width of
 * each self-attention block, whose [time × time] scores per head add to a
 * pass's bytes.
 */
export function recurrentSizes(c: SizedConfig, stacks: Stack[], dense: [number, number][], widestInput: number, attention: number[] = []): NetworkSizes {
  const H = c.hidden ?? 1;
  const F = c.features ?? 1;
  const T = c.seqLen ?? 1;
  const heads = c.attentionHeads ?? ARCH_DEFAULTS.attentionHeads;
  // Per block and item: some six [heads, time, time] tensors (scores, scaled, masked, softmax, and their gradients) and some ten [time, width] activations.
  const attentionBytes = (batch: number) => attention.reduce((sum, d) => sum + 4 * batch * (6 * heads * T * T + 10 * T * d), 0);
  return {
    stacks,
    dense,
    attention,
    main: 'hidden',
    drivers: ['hidden', 'layers', 'features', 'noiseDim', ...(c.windowNoise ? ['windowNoise'] : []), ...(attention.length > 0 ? ['attentionBlocks'] : [])],
    itemValues: T * F,
    itemText: `${c.seqLen} steps × ${c.features} features`,
    batchBytes: (batch) => estimateStackBytes({ cell: c.cell ?? 'gru', batch, time: T, inputSize: widestInput, hidden: H, headUnits: Math.max(F, H) }, c.layers ?? 1, 1) + attentionBytes(batch),
    batchKey: 'seqLen',
    ...(attention.length > 0 ? { batchDrivers: ['batchSize', 'seqLen', 'hidden', 'layers', 'attentionHeads', 'attentionBlocks'] } : {}),
  };
}

/** The attention blocks' widths in a recurrent GAN's networks: `g` and `d` the widths of G's and D's top (D's is 2·hidden when bidirectional). */
export function attentionWidths(c: SizedConfig, g: number, d: number): number[] {
  const where = c.attention ?? 'none';
  const count = (w: number) => (c.attentionPlacement === 'interleaved' ? Array(c.layers ?? 1).fill(c.hidden ?? 1) : Array(c.attentionBlocks ?? ARCH_DEFAULTS.attentionBlocks).fill(w));
  return [...(where === 'g' || where === 'both' ? count(g) : []), ...(where === 'd' || where === 'both' ? count(d) : [])];
}

/** [in, out] of each dense layer of a chain of widths (input, hidden..., output). */
export function layerChain(widths: number[]): [number, number][] {
  return widths.slice(1).map((v, i) => [widths[i], v]);
}

/** Parameter count and initialisation work (multiply-adds of the orthogonal kernels' Gram–Schmidt) of a config's networks. */
export function estimateModelSize(c: SizedConfig, { stacks, dense, attention }: Pick<NetworkSizes, 'stacks' | 'dense' | 'attention'>): { parameters: number; initFlops: number } {
  const H = c.hidden ?? 1;
  const G = GATES[c.cell ?? 'gru'] ?? 3;
  let parameters = 0;
  let initFlops = 0;
  for (const s of stacks) {
    for (let l = 0; l < s.layers; l++) {
      const input = l === 0 ? s.input : H;
      parameters += G * H * (input + H + 1) + (c.layerNorm ? 4 * G * H : 0);
      // Orthogonal [H, G·H]: H vectors of length G·H, each projected on the ones before (init.ts).
      initFlops += 2 * G * H * H * H;
    }
  }
  for (const [i, o] of dense) parameters += i * o + o;
  for (const d of attention ?? []) parameters += attentionParameters(d);
  return { parameters, initFlops: initFlops + parameters };
}

const sci = (n: number) => (n < 1e6 ? String(Math.round(n)) : n.toExponential(1).replace('e+', 'e'));
const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

/** What to name a config key by: `file: config.hidden` or `--hidden`. */
function namer(opts: SizeCheckOptions) {
  return (k: string) => (opts.file ? `config.${k}` : (FLAGS[k] ?? k));
}

/** The keys that drive the estimate, with their values, for the message. */
function drivers(c: SizedConfig, keys: string[], name: (k: string) => string): string {
  const present = keys.filter((k) => (c as unknown as Record<string, unknown>)[k] !== undefined);
  return present.map((k) => `${name(k)} (${JSON.stringify((c as unknown as Record<string, unknown>)[k])})`).join(', ');
}

function refuse(opts: SizeCheckOptions, key: string, message: string): never {
  const name = namer(opts);
  throw new TsganError(opts.file ? `${opts.file}: ${name(key)}: ${message}` : message);
}

/**
 * Refuses, before any network is built, a config whose networks exceed
 * MAX_PARAMETERS or MAX_INIT_FLOPS, or (with `batch`) whose training batch
 * would exceed MAX_ACTIVATION_BYTES in one recurrent pass.
 */
export function checkModelSize(c: SizedConfig, sizes: NetworkSizes, opts: SizeCheckOptions = {}): void {
  const name = namer(opts);
  checkRanges(c, opts);
  const { parameters, initFlops } = estimateModelSize(c, sizes);
  const { drivers: archKeys, main } = sizes;
  if (!Number.isFinite(parameters) || parameters > MAX_PARAMETERS) {
    refuse(opts, main, `the networks would hold about ${sci(parameters)} parameters (${gib(parameters * 4)} of float32), over the ${sci(MAX_PARAMETERS)} tsgan builds; reduce ${drivers(c, archKeys, name)}`);
  }
  if (initFlops > MAX_INIT_FLOPS) {
    refuse(opts, main, `initialising the recurrent kernels would take about ${sci(initFlops)} operations (O(hidden³) per layer), over the ${sci(MAX_INIT_FLOPS)} tsgan allows; reduce ${drivers(c, ['hidden', 'layers'], name)}`);
  }
  const batch = opts.batch ?? (opts.items !== undefined ? Math.min(c.batchSize ?? opts.items, opts.items) : undefined);
  if (batch !== undefined) checkBatchMemory(c, sizes, 2 * batch, ['batchSize', 'seqLen', 'hidden', 'layers'], opts);
}

/** Each size within SIZE_RANGES, as a saved config's schema requires: a model that trains can be read back. */
function checkRanges(c: SizedConfig, opts: SizeCheckOptions): void {
  const name = namer(opts);
  const values = c as unknown as Record<string, unknown>;
  const check = (key: string, v: unknown, [lo, hi]: readonly [number, number]) => {
    if (typeof v === 'number' && (v < lo || v > hi)) refuse(opts, key, `${name(key)} must be in [${lo}, ${hi}], got ${v}`);
  };
  for (const [key, range] of Object.entries(SIZE_RANGES)) if (key !== 'denseHidden') check(key, values[key], range);
  for (const key of ['gHidden', 'dHidden']) {
    const list = values[key];
    if (!Array.isArray(list)) continue;
    if (list.length > 64) refuse(opts, key, `${name(key)} must hold at most 64 sizes, got ${list.length}`);
    for (const v of list) check(key, v, SIZE_RANGES.denseHidden);
  }
}

/** `c` itself, after checkModelSize: for building a model in one expression. */
export function sized<T extends SizedConfig>(c: T, sizes: NetworkSizes, opts: SizeCheckOptions = {}): T {
  checkModelSize(c, sizes, opts);
  return c;
}

/** Refuses `count` items from `sample` when their values or one generated batch would exceed the bounds. */
export function checkSampleSize(c: SizedConfig, sizes: NetworkSizes, count: number, opts: SizeCheckOptions = {}): void {
  const item = sizes.itemValues;
  const values = count * item;
  if (values > MAX_SAMPLE_VALUES) {
    const what = sizes.itemText;
    throw new TsganError(
      `--count ${count} × ${what} is ${sci(values)} values, over the ${sci(MAX_SAMPLE_VALUES)} one sample file holds; reduce --count to at most ${Math.max(1, Math.floor(MAX_SAMPLE_VALUES / item))}`,
    );
  }
  checkBatchMemory(c, sizes, Math.min(count, SAMPLE_BATCH), ['seqLen', 'hidden', 'layers', 'noiseDim', ...(c.windowNoise ? ['windowNoise'] : [])], opts);
}

function checkBatchMemory(c: SizedConfig, sizes: NetworkSizes, batch: number, keys: string[], opts: SizeCheckOptions): void {
  const name = namer(opts);
  const bytes = sizes.batchBytes(batch);
  if (!(bytes <= MAX_ACTIVATION_BYTES)) {
    refuse(opts, sizes.batchKey, `one batch of ${batch} needs about ${gib(bytes)} for its layers, over the ${gib(MAX_ACTIVATION_BYTES)} that fits in 32-bit WebAssembly; reduce ${drivers(c, sizes.batchDrivers ?? keys, name) || '--batch-size'}`);
  }
}
