/**
 * Random mini-batches of items (windows [seqLen, features], or vectors),
 * epoch by epoch: the items are shuffled with the seeded generator and served
 * in that order, reshuffled when fewer than a batch remain (PyTorch's
 * DataLoader with shuffle=True, drop_last=True).
 */
import { tf } from '../engine.js';
import type { Rng, RngState } from '../random.js';

/** `count` items of `itemShape`, flat and row-major. */
export interface Items {
  data: Float32Array;
  count: number;
  itemShape: number[];
}

/** Items idx[0], idx[1], … of `size` values each, copied into one new array. */
export function gather(src: Float32Array, size: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * size);
  for (let k = 0; k < idx.length; k++) out.set(src.subarray(idx[k] * size, (idx[k] + 1) * size), k * size);
  return out;
}

/** `n` distinct items drawn at random (the first `n` of a fresh permutation), copied into one new array. */
export function drawItems(items: Items, n: number, rng: Rng): Float32Array {
  return gather(items.data, items.itemShape.reduce((a, b) => a * b, 1), rng.sample(items.count, n));
}

export class BatchSampler {
  private order: Int32Array;
  private pos = 0;
  private readonly size: number;

  constructor(private readonly items: Items, private readonly rng: Rng) {
    this.order = rng.permutation(items.count);
    this.size = items.itemShape.reduce((a, b) => a * b, 1);
  }

  getState(): { rng: RngState; order: Int32Array; pos: number } {
    return { rng: this.rng.getState(), order: this.order.slice(), pos: this.pos };
  }

  setState(state: { rng: RngState; order: Int32Array; pos: number }): void {
    const { count } = this.items;
    if (state.order.length !== count) throw new Error(`sampler.order: has ${state.order.length} items, the data ${count}`);
    if (state.order.some((i) => i < 0 || i >= count)) throw new Error(`sampler.order: holds an index outside [0, ${count})`);
    if (!Number.isInteger(state.pos) || state.pos < 0 || state.pos > count) throw new Error(`sampler.pos: ${state.pos} is outside [0, ${count}]`);
    this.rng.setState(state.rng);
    this.order = state.order.slice();
    this.pos = state.pos;
  }

  /** A batch [min(batchSize, count), ...itemShape]. */
  next(batchSize: number): tf.Tensor {
    const { count, data, itemShape } = this.items;
    const n = Math.min(batchSize, count);
    if (this.pos + n > count) {
      this.order = this.rng.permutation(count);
      this.pos = 0;
    }
    const out = gather(data, this.size, this.order.subarray(this.pos, this.pos + n));
    this.pos += n;
    return tf.tensor(out, [n, ...itemShape]);
  }
}
