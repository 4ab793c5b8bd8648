/**
 * Random mini-batches of items (windows [seqLen, features], or vectors),
 * epoch by epoch: the items are shuffled with the seeded generator and served
 * in that order, reshuffled when fewer than a batch remain (PyTorch's
 * DataLoader with shuffle=True, drop_last=True).
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';

/** `count` items of `itemShape`, flat and row-major. */
export interface Items {
  data: Float32Array;
  count: number;
  itemShape: number[];
}

export class BatchSampler {
  private order: Int32Array;
  private pos = 0;
  private readonly size: number;

  constructor(private readonly items: Items, private readonly rng: Rng) {
    this.order = rng.permutation(items.count);
    this.size = items.itemShape.reduce((a, b) => a * b, 1);
  }

  /** A batch [min(batchSize, count), ...itemShape]. */
  next(batchSize: number): tf.Tensor {
    const { count, data, itemShape } = this.items;
    const n = Math.min(batchSize, count);
    if (this.pos + n > count) {
      this.order = this.rng.permutation(count);
      this.pos = 0;
    }
    const block = this.size;
    const out = new Float32Array(n * block);
    for (let i = 0; i < n; i++) {
      const w = this.order[this.pos + i];
      out.set(data.subarray(w * block, (w + 1) * block), i * block);
    }
    this.pos += n;
    return tf.tensor(out, [n, ...itemShape]);
  }
}
