/**
 * A held-out part of a time series for evaluation during training, cut in
 * blocks of time rather than by random windows: overlapping windows (stride
 * 1) share rows, so a random split would leave copies of the held-out rows in
 * the training set. Each series is cut into blocks of `blockRows` rows; a
 * seeded share of the blocks is held out; a window goes to the side whose
 * blocks hold all of its rows, and a window across a boundary of the two
 * sides is dropped.
 */
import { TsganError } from '../errors.js';
import { gather } from './batches.js';
import type { Windows } from './windows.js';
import type { Rng } from '../random.js';

export interface WindowSplit {
  train: Windows;
  heldOut: Windows;
  /** Per held-out window: [series index, first row] (see EvalData.realOrigin). */
  heldOutOrigin: Int32Array;
}

/**
 * Splits windows made by makeWindows from series of `rows` rows each with
 * `stride`: `share` of them held out, in blocks of `blockRows` rows (defaults in the code below).
 */
export function holdOutBlocks(w: Windows, rows: number[], stride: number, rng: Rng, opts: { share?: number; blockRows?: number } = {}): WindowSplit {
  const share = opts.share ?? 0.2;
  const block = opts.blockRows ?? 5 * w.seqLen;
  const train: number[] = [];
  const held: number[] = [];
  const origin: number[] = [];
  let k = 0;
  for (const [si, n] of rows.entries()) {
    const blocks = Math.ceil(n / block);
    const out = new Uint8Array(blocks);
    for (let b = 0; b < blocks; b++) out[b] = rng.uniform() < share ? 1 : 0;
    for (let start = 0; start + w.seqLen <= n; start += stride, k++) {
      const first = out[Math.floor(start / block)];
      const last = out[Math.floor((start + w.seqLen - 1) / block)];
      let same = first === last;
      for (let b = Math.floor(start / block) + 1; same && b < Math.floor((start + w.seqLen - 1) / block); b++) same = out[b] === first;
      if (!same) continue;
      if (first) {
        held.push(k);
        origin.push(si, start);
      } else train.push(k);
    }
  }
  if (train.length === 0 || held.length === 0) {
    throw new TsganError(`cannot hold out ${Math.round(share * 100)} % of ${w.count} windows in blocks of ${block} rows: too little data for --eval-every`);
  }
  const size = w.seqLen * w.features;
  const part = (idx: number[]): Windows => ({ ...w, data: gather(w.data, size, idx), count: idx.length });
  return { train: part(train), heldOut: part(held), heldOutOrigin: Int32Array.from(origin) };
}
