/**
 * Random mini-batches of windows, epoch by epoch: the windows are shuffled
 * with the seeded generator and served in that order, reshuffled when fewer
 * than a batch remain (PyTorch's DataLoader with shuffle=True, drop_last=True).
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import type { Windows } from './windows.js';

export class BatchSampler {
  private order: Int32Array;
  private pos = 0;

  constructor(private readonly windows: Windows, private readonly rng: Rng) {
    this.order = rng.permutation(windows.count);
  }

  /** A batch [min(batchSize, count), seqLen, features]. */
  next(batchSize: number): tf.Tensor3D {
    const { count, seqLen, features, data } = this.windows;
    const n = Math.min(batchSize, count);
    if (this.pos + n > count) {
      this.order = this.rng.permutation(count);
      this.pos = 0;
    }
    const block = seqLen * features;
    const out = new Float32Array(n * block);
    for (let i = 0; i < n; i++) {
      const w = this.order[this.pos + i];
      out.set(data.subarray(w * block, (w + 1) * block), i * block);
    }
    this.pos += n;
    return tf.tensor3d(out, [n, seqLen, features]);
  }
}
