/**
 * Checkpoints as a callback: every `every` iterations (or, by default, every
 * few minutes of training) and when an interrupt is requested (Ctrl-C), the
 * caller's `save` writes the whole training state. It runs after every other
 * callback of the iteration, so that what they recorded is in the state.
 */
import type { Callback, History, TrainControl } from './loop.js';

/** Training seconds between two checkpoints of `--checkpoint-every auto` (the default): a kill loses at most this much work. */
export const AUTO_CHECKPOINT_SECONDS = 300;

export interface CheckpointerOptions {
  /** A checkpoint every this many iterations; 0: none (an interrupt still writes one); 'auto': every `autoSeconds`. */
  every: number | 'auto';
  /** Seconds of training between checkpoints with 'auto'. Default AUTO_CHECKPOINT_SECONDS. */
  autoSeconds?: number;
  /** Set `requested` (a signal handler does) to checkpoint after the current iteration and stop. */
  interrupt?: { requested: boolean };
  /** Writes the state as it stands after `iteration`. */
  save(iteration: number, history: History): void;
  /** Clock in milliseconds. Default performance.now. */
  now?: () => number;
}

export interface Checkpointer extends Callback {
  /** The iteration an interrupt stopped training at, or null. */
  readonly interruptedAt: number | null;
}

export function checkpointer(opts: CheckpointerOptions): Checkpointer {
  const now = opts.now ?? (() => performance.now());
  const autoMs = (opts.autoSeconds ?? AUTO_CHECKPOINT_SECONDS) * 1000;
  let last = now();
  let end = 0;
  let interruptedAt: number | null = null;
  return {
    get interruptedAt() {
      return interruptedAt;
    },
    onTrainBegin({ iterations, startIteration }) {
      end = startIteration + iterations;
      last = now();
    },
    async onIterationEnd(it: number, _logs: unknown, control: TrainControl, history: History) {
      // A signal is handled between iterations only if the event loop gets a turn.
      if (opts.interrupt) await new Promise<void>((r) => setImmediate(r));
      if (control.stop) return; // a NaN stop: nothing worth resuming
      if (opts.interrupt?.requested) {
        opts.save(it, history);
        interruptedAt = it;
        control.stop = true;
        control.stopReason = `interrupted at iteration ${it}`;
        return;
      }
      if (it >= end) return; // the finished model is written instead
      const due = opts.every === 'auto' ? now() - last >= autoMs : opts.every > 0 && it % opts.every === 0;
      if (!due) return;
      opts.save(it, history);
      last = now();
    },
  };
}
