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
 * see EvalData.realOrigin) of `seqLen` rows to parts in the ratios `shares`:
 * a seeded permutation of the blocks in which some window starts, cut where
 * the windows dealt so far reach each part's share of all windows.
 */
export function blockParts(origin: Int32Array, seqLen: number, shares: readonly number[], rng: Rng, blockRows = BLOCK_WINDOWS * seqLen): BlockParts {
  // Two windows' length at least: a block in which no window of this set starts then still keeps a window's gap.
  if (!(Number.isInteger(blockRows) && blockRows >= 2 * seqLen)) throw new Error(`blockRows must be an integer of at least 2 × seqLen (${2 * seqLen}), got ${blockRows}`);
  const count = origin.length / 2;
  // Blocks by [series, block index]; each holds the windows that start in it.
  const blockOf = new Map<string, number>();
  const windowsIn: number[] = [];
  const keys: [number, number][] = [];
  const rows = new Map<number, number>(); // series → rows it spans
  const key = (series: number, b: number) => `${series}:${b}`;
  for (let w = 0; w < count; w++) {
    const series = origin[2 * w];
    const b = Math.floor(origin[2 * w + 1] / blockRows);
    rows.set(series, Math.max(rows.get(series) ?? 0, origin[2 * w + 1] + seqLen));
    if (!blockOf.has(key(series, b))) {
      blockOf.set(key(series, b), keys.length);
      keys.push([series, b]);
      windowsIn.push(0);
    }
    windowsIn[blockOf.get(key(series, b))!]++;
  }
  // Blocks in a fixed order (series, then time), whatever the order of the windows.
  const sorted = keys.map((_, i) => i).sort((a, b) => keys[a][0] - keys[b][0] || keys[a][1] - keys[b][1]);
  const total = shares.reduce((a, b) => a + b, 0);
  const order = rng.permutation(sorted.length);
  const blockPart = new Int8Array(sorted.length);
  let dealt = 0;
  let p = 0;
  let cut = shares[0];
  for (let k = 0; k < sorted.length; k++) {
    while (p < shares.length - 1 && dealt >= Math.round((cut / total) * count)) cut += shares[++p];
    const block = sorted[order[k]];
    blockPart[block] = p;
    dealt += windowsIn[block];
  }
  // A row's part; rows of a block in which no window starts belong to no part (-2).
  const partOfRow = (series: number, row: number) => {
    const i = blockOf.get(key(series, Math.floor(row / blockRows)));
    return i === undefined ? -2 : blockPart[i];
  };
  const part = new Int8Array(count);
  const counts = new Array<number>(shares.length).fill(0);
  for (let w = 0; w < count; w++) {
    const series = origin[2 * w];
    const start = origin[2 * w + 1];
    const end = Math.min(start + 2 * seqLen, rows.get(series)!); // the window, then one window's gap
    const q = partOfRow(series, start);
    let same = true;
    // Parts change only at block edges: check the block of each edge the span crosses.
    for (let edge = (Math.floor(start / blockRows) + 1) * blockRows; same && edge < end; edge += blockRows) {
      const other = partOfRow(series, edge);
      same = other === q || other === -2;
    }
    part[w] = same ? q : -1;
    if (same) counts[q]++;
  }
  return { part, blockRows, counts };
}
