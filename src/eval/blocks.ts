/**
 * Train / validation / test parts of real windows for a classifier that must
 * not win by memorising: windows cut with stride 1 from one long series
 * (Stocks) share rows, so a random split puts near-copies of every test
 * window in the training set. Here each series is cut into blocks of time,
 * the blocks (not the windows) are dealt to the parts, and a window is kept
 * only if it and the next window's length of rows after it lie in one part:
 * a window of one part ends at least one window before any window of another
 * part begins. A series no longer than a block (Sines: one window each) is
 * one block, so independent series are split as a random split would.
 */
import type { Rng } from '../random.js';

/** Rows per block, in windows' lengths: 4 keeps about three quarters of a long series' windows. */
export const BLOCK_WINDOWS = 4;

export interface BlockParts {
  /** Per window: the index of its part, or -1 when dropped (within one window of another part). */
  part: Int8Array;
  /** Rows per block (BLOCK_WINDOWS × the window length). */
  blockRows: number;
  /** Windows kept per part. */
  counts: number[];
}

/**
 * Deals the blocks of windows with `origin` ([series, first row] per window,
 * see EvalData.realOrigin) of `seqLen` rows to parts in the ratios `shares`
 * (a seeded permutation of the blocks, cut by their share of windows).
 */
export function blockParts(origin: Int32Array, seqLen: number, shares: readonly number[], rng: Rng, blockRows = BLOCK_WINDOWS * seqLen): BlockParts {
  const count = origin.length / 2;
  const rows = new Map<number, number>(); // series → rows it spans
  for (let w = 0; w < count; w++) rows.set(origin[2 * w], Math.max(rows.get(origin[2 * w]) ?? 0, origin[2 * w + 1] + seqLen));
  // Blocks in series order; each block's first index in `blockPart`.
  const firstBlock = new Map<number, number>();
  let blocks = 0;
  for (const [series, n] of [...rows].sort((a, b) => a[0] - b[0])) {
    firstBlock.set(series, blocks);
    blocks += Math.ceil(n / blockRows);
  }
  // Whole blocks to parts: cumulative shares over a seeded order of the blocks.
  const total = shares.reduce((a, b) => a + b, 0);
  const order = rng.permutation(blocks);
  const blockPart = new Int8Array(blocks);
  let cut = 0;
  let p = 0;
  for (let k = 0; k < blocks; k++) {
    while (p < shares.length - 1 && k >= Math.round(((cut + shares[p]) / total) * blocks)) cut += shares[p++];
    blockPart[order[k]] = p;
  }
  const partOfRow = (series: number, row: number) => blockPart[firstBlock.get(series)! + Math.floor(row / blockRows)];
  const part = new Int8Array(count);
  const counts = new Array<number>(shares.length).fill(0);
  for (let w = 0; w < count; w++) {
    const series = origin[2 * w];
    const start = origin[2 * w + 1];
    const end = Math.min(start + 2 * seqLen, rows.get(series)!); // the window, then one window's gap
    const q = partOfRow(series, start);
    let same = true;
    // Parts change only at block edges: check the block of each edge the span crosses.
    for (let edge = (Math.floor(start / blockRows) + 1) * blockRows; same && edge < end; edge += blockRows) same = partOfRow(series, edge) === q;
    part[w] = same ? q : -1;
    if (same) counts[q]++;
  }
  return { part, blockRows, counts };
}
