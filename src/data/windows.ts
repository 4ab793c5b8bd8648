/**
 * Cuts series into overlapping windows of `seqLen` rows, `stride` rows apart,
 * never across two series. Output is one flat Float32Array,
 * [windows, seqLen, features], ready to become a tensor.
 */
import { TsganError } from '../errors.js';
import type { Series } from './table.js';
import type { MinMaxScaler } from './scaler.js';

export interface WindowOptions {
  /** Rows per window (the run's --seq-len). */
  seqLen: number;
  /** Rows between window starts (the run's --stride). */
  stride: number;
}

export interface Windows {
  /** [count, seqLen, features], scaled. */
  data: Float32Array;
  count: number;
  seqLen: number;
  features: number;
}

export function makeWindows(
  series: Series[],
  features: number,
  scaler: MinMaxScaler,
  opts: WindowOptions & { file?: string },
): Windows {
  const { seqLen, stride } = opts;
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new TsganError(`--seq-len must be a positive integer, got ${seqLen}`);
  if (!Number.isInteger(stride) || stride < 1) throw new TsganError(`--stride must be a positive integer, got ${stride}`);
  const where = opts.file ?? 'data';
  let count = 0;
  for (const s of series) {
    if (s.rows < seqLen) {
      const name = s.id === '' ? 'the series' : `series "${s.id}"`;
      throw new TsganError(`${where}: ${name} has ${s.rows} rows, fewer than --seq-len ${seqLen}`);
    }
    count += Math.floor((s.rows - seqLen) / stride) + 1;
  }
  const block = seqLen * features;
  const data = new Float32Array(count * block);
  let w = 0;
  for (const s of series) {
    const scaled = scaler.transform(s.values); // [rows, features]
    for (let start = 0; start + seqLen <= s.rows; start += stride) {
      data.set(scaled.subarray(start * features, start * features + block), w * block);
      w++;
    }
  }
  return { data, count, seqLen, features };
}
