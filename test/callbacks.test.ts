// The progress line's time left: measured on the current phase, so TimeGAN's slow joint
// phase is not promised at the pace of its fast first two, and given for the current phase
// only while a later one has no pace yet. And lines printed during training stay on screen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressBar } from '../src/train/callbacks.js';
import { History, type TrainControl } from '../src/train/loop.js';

/** A progress bar that writes plain lines to `lines` on a clock each iteration advances by `msPerIteration(it)`. */
function recorded(msPerIteration: (it: number) => number) {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  let clock = 0;
  const bar = progressBar({ stream, plainEverySeconds: 0, now: () => clock });
  const control: TrainControl = { stop: false, progress: 0 };
  const history = new History();
  const step = (it: number, logs: Record<string, number>) => {
    clock += msPerIteration(it);
    bar.onIterationEnd!(it, logs, control, history);
  };
  return { lines, bar, step };
}

test('progressBar: the time left follows the current phase, not the average since the start', () => {
  const { lines, bar, step } = recorded((it) => (it <= 100 ? 10 : 100));
  bar.onTrainBegin!({ iterations: 300, startIteration: 0 });
  // Phase 1: 100 iterations at 10 ms each; phase 3: 100 ms each.
  for (let it = 1; it <= 150; it++) step(it, { phase: it <= 100 ? 1 : 3, loss: 0.5 });
  const last = lines.at(-1)!;
  assert.match(last, /^train 150\/300 {2}phase 3 {2}loss 0\.5000 {2}10\.00 it\/s {2}elapsed 0:06 {2}left 0:15\n$/);
  // In phase 1 the rate is phase 1's: 100 it/s, 2 s for the 200 left.
  assert.match(lines[99]!, /100\.00 it\/s {2}elapsed 0:01 {2}left 0:02/);
});

test('progressBar: before the last of the phases a model names, the time left is the current phase\'s only', () => {
  const { lines, bar, step } = recorded((it) => (it <= 100 ? 10 : 100));
  bar.onTrainBegin!({ iterations: 300, startIteration: 0, phaseEnds: [100, 300] });
  for (let it = 1; it <= 150; it++) step(it, { phase: it <= 100 ? 1 : 2 });
  // Phase 1 at 100 it/s, 60 of its 100 done: 0.4 s of it left; phase 2 has no pace yet.
  assert.match(lines[59]!, /left 0:00 in this phase, later phases not timed yet\n$/);
  assert.match(lines[9]!, /left 0:01 in this phase, later phases not timed yet\n$/);
  // In the last phase, the time left to the end.
  assert.match(lines.at(-1)!, /10\.00 it\/s {2}elapsed 0:06 {2}left 0:15\n$/);
});

test('progressBar.write: on a terminal a line goes above the bar, which is drawn again; off one it is a plain line', () => {
  const out: string[] = [];
  const stream = { isTTY: true, columns: 200, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream;
  let clock = 0;
  const bar = progressBar({ stream, now: () => clock });
  const control: TrainControl = { stop: false, progress: 0 };
  bar.write('before training');
  bar.onTrainBegin!({ iterations: 10, startIteration: 0 });
  clock = 1000;
  bar.onIterationEnd!(5, { loss: 0.25 }, control, new History());
  const drawnBar = out.at(-1)!.replace(/^\r/, '').replace(/\x1b\[K$/, '');
  assert.match(drawnBar, /train 5\/10 {2}loss 0\.2500/);
  bar.write('tsgan: warning: collapse');
  // Cleared, the line and its newline, then the bar as it was: the warning stays on screen.
  assert.equal(out.at(-1), `\r\x1b[Ktsgan: warning: collapse\n${drawnBar}`);
  bar.onTrainEnd!(new History(), control);
  bar.write('after training');
  assert.deepEqual([out[0], out.at(-1)], ['before training\n', 'after training\n']);

  const plain: string[] = [];
  const file = progressBar({ stream: { isTTY: false, write: (s: string) => plain.push(s) } as unknown as NodeJS.WriteStream, now: () => clock });
  file.onTrainBegin!({ iterations: 10, startIteration: 0 });
  file.onIterationEnd!(1, { loss: 0.25 }, control, new History());
  file.write('tsgan: warning: collapse');
  assert.equal(plain.at(-1), 'tsgan: warning: collapse\n');
});
