/**
 * What SequenceClassifier and SequenceRegressor share: a deep recurrent
 * network (stacked RNN / LSTM / GRU) with a dense head, its Adam optimiser,
 * the last step's hidden state, and batched prediction over flat arrays.
 */
import { tf } from '../engine.js';
import { Rng } from '../random.js';
import type { RecurrentStack, RecurrentStackArgs } from '../nn/recurrent.js';
import type { DenseHead } from '../nn/dense.js';
import { SequenceNetwork } from '../nn/sequence-network.js';
import { Adam } from './adam.js';

export abstract class SequenceNet {
  readonly net: SequenceNetwork;
  private opt: Adam | null = null;

  constructor(rnn: RecurrentStackArgs & { hidden: number }, outputs: number, seed: number, private readonly lr: number) {
    const rng = new Rng(seed);
    this.net = new SequenceNetwork({ ...rnn, units: outputs }, rng.fork(), rng.fork());
  }

  get rnn(): RecurrentStack {
    return this.net.rnn;
  }

  get head(): DenseHead {
    return this.net.head;
  }

  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  protected get optimizer(): Adam {
    this.opt ??= new Adam({ learningRate: this.lr });
    return this.opt;
  }

  /** `f` over x ([count, seqLen, features], flat) in batches; `per` output values per sequence. */
  protected predictInBatches(x: Float32Array, count: number, seqLen: number, features: number, per: number, batchSize: number, f: (xb: tf.Tensor3D) => tf.Tensor): Float32Array {
    const out = new Float32Array(count * per);
    for (let s = 0; s < count; s += batchSize) {
      const n = Math.min(batchSize, count - s);
      const p = tf.tidy(() => f(tf.tensor3d(x.subarray(s * seqLen * features, (s + n) * seqLen * features), [n, seqLen, features])));
      out.set(p.dataSync(), s * per);
      p.dispose();
    }
    return out;
  }

  dispose(): void {
    this.net.dispose();
    this.opt?.dispose();
  }
}
