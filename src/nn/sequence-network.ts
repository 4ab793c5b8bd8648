/**
 * The sequence network every recurrent model is built from: a deep recurrent
 * stack with a dense head on each step, run as one fused call, exported as
 * plain TF.js layers. Optionally with self-attention blocks
 * (src/nn/portable-layers.ts): on top of the stack, or one after each
 * recurrent layer (the stack then runs as one fused call per layer).
 */
import { tf } from '../engine.js';
import type { Rng } from '../random.js';
import { RecurrentStack, type RecurrentStackArgs, type StackApplyOptions } from './recurrent.js';
import { DenseHead, dense, type Activation } from './dense.js';
import { recurrentStackLayers, denseLayers } from './export.js';
import { AttentionLayer } from './attention.js';
import type { AttentionShape } from './portable-layers.js';

export type AttentionPlacement = 'top' | 'interleaved';

export interface SequenceAttentionArgs extends AttentionShape {
  /** Blocks on top of the recurrent stack ('top'); with 'interleaved', one after each recurrent layer instead. */
  blocks: number;
  placement: AttentionPlacement;
}

export interface SequenceNetworkArgs extends RecurrentStackArgs {
  /** Outputs per step. Required. */
  units: number;
  /** The head's activation. */
  activation?: Activation;
  /** The head's input width. Default: the stack's hidden units (wider for a head that also reads a backward stack; 'top' attention blocks then have this width too). */
  headInputSize?: number;
  /** Self-attention blocks; none by default. */
  attention?: SequenceAttentionArgs;
}

/** A recurrent stack and the attention blocks that follow it. */
interface Stage {
  rnn: RecurrentStack;
  attention: AttentionLayer[];
}

export class SequenceNetwork {
  private readonly stack: RecurrentStack;
  readonly head: DenseHead;
  /** The stack(s) and attention blocks in order: one stage without attention or with 'top' blocks, one per layer with 'interleaved'. */
  readonly stages: readonly Stage[];

  /** Draws the stack's weights from `rng`, then the head's from `headRng` (the same stream unless given), then attention's from `rng`: the order is part of the seeds' contract. */
  constructor(args: SequenceNetworkArgs, rng: Rng, headRng: Rng = rng) {
    const { units, activation, headInputSize, attention, ...stack } = args;
    const interleaved = attention && attention.blocks > 0 && attention.placement === 'interleaved';
    const stacks = interleaved
      ? Array.from({ length: stack.layers }, (_, l) => new RecurrentStack({ ...stack, layers: 1, inputSize: l === 0 ? stack.inputSize : stack.hidden }, rng))
      : [new RecurrentStack(stack, rng)];
    this.stack = stacks[0]!;
    this.head = new DenseHead({ inputSize: headInputSize ?? this.stack.hidden, units, activation }, headRng);
    const blocks = (count: number, dim: number) => Array.from({ length: count }, () => new AttentionLayer({ dim, heads: attention!.heads, causal: attention!.causal }, rng));
    const width = headInputSize ?? this.stack.hidden;
    this.stages = stacks.map((rnn, i) => ({
      rnn,
      attention: !attention || attention.blocks === 0 ? [] : interleaved ? blocks(1, stack.hidden) : i === stacks.length - 1 ? blocks(attention.blocks, width) : [],
    }));
  }

  /** The whole recurrent stack; a network with interleaved attention has one per layer instead (see `stages`). */
  get rnn(): RecurrentStack {
    if (this.stages.length > 1) throw new Error('this network interleaves attention with its recurrent layers: it has one stack per layer (stages)');
    return this.stack;
  }

  /** Whether any attention block runs (else the stack and head are one fused call). */
  get hasAttention(): boolean {
    return this.stages.some((s) => s.attention.length > 0);
  }

  /** [batch, time, inputSize] → [batch, time, units]. */
  apply(x: tf.Tensor, opts: StackApplyOptions = {}): tf.Tensor3D {
    if (!this.hasAttention) return this.rnn.applyWithHead(x as tf.Tensor3D, this.head, opts);
    return tf.tidy(() => dense(this.hiddenStates(x, opts), this.head) as tf.Tensor3D);
  }

  /** The states the head reads (the last recurrent layer's, or the last attention block's): [batch, time, hidden]. */
  hiddenStates(x: tf.Tensor, opts: StackApplyOptions = {}): tf.Tensor3D {
    if (!this.hasAttention) return this.rnn.apply(x as tf.Tensor3D, opts);
    return tf.tidy(() =>
      this.stages.reduce((h, s, i) => {
        // Only the network's own input can be constant: later stages read its variables' outputs.
        const out = s.rnn.apply(h, { ...opts, constantInput: i === 0 && opts.constantInput });
        return this.attend(out, s);
      }, x as tf.Tensor3D),
    );
  }

  /** The last stage's attention blocks on `h` (the bidirectional D runs its own stacks, then these). */
  attend(h: tf.Tensor3D, stage: Stage = this.stages[this.stages.length - 1]!): tf.Tensor3D {
    return stage.attention.reduce((t, a) => a.apply(t), h);
  }

  get variables(): tf.Variable[] {
    return [...this.stages.flatMap((s) => [...s.rnn.variables, ...s.attention.flatMap((a) => a.variables)]), ...this.head.variables];
  }

  /** The network as TF.js layers named `name_…`, the head `headName` (default `name_out`). */
  layers(name: string, opts: { headName?: string; activation?: Activation } = {}): tf.layers.Layer[] {
    const body: tf.layers.Layer[] = [];
    let block = 0;
    this.stages.forEach((s, i) => {
      // One stage per layer with interleaved attention, so stage i starts at layer i.
      body.push(...recurrentStackLayers(s.rnn, name, true, i), ...this.attentionLayers(name, s, block));
      block += s.attention.length;
    });
    return [...body, ...denseLayers(this.head, opts.headName ?? `${name}_out`, undefined, opts.activation)];
  }

  /** A stage's attention blocks as tsgan's layer, named `name_attention_k` from k = `first`. */
  attentionLayers(name: string, stage: Stage = this.stages[this.stages.length - 1]!, first = 0): tf.layers.Layer[] {
    return stage.attention.map((a, k) => a.layer(`${name}_attention_${first + k}`));
  }

  dispose(): void {
    for (const s of this.stages) {
      s.rnn.dispose();
      for (const a of s.attention) a.dispose();
    }
    this.head.dispose();
  }
}
