/**
 * Checkpoint and resume: a training stopped anywhere (Ctrl-C, kill -9) and
 * resumed writes the same files as one run straight through, byte for byte
 * (tsgan.json's trainingSeconds aside); a broken checkpoint is one line.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, renameSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { engine, tempDir, runCli, listFiles, STOCK_CSV, BIN } from './helpers.js';
import { trainFromCsv, type TrainCsvOptions } from '../src/pipeline.js';
import { resumeTraining } from '../src/resume.js';
import { TsganError } from '../src/errors.js';
import { setFusedKernels } from '../src/kernels/fused-stack.js';
import { Rng } from '../src/random.js';
import type { Callback } from '../src/train/loop.js';
import { trainTable, type TrainTableOptions } from '../src/table-pipeline.js';
import { mixedPanel } from '../src/data/mixed-panel.js';

before(engine);

/** Every file of a model directory; tsgan.json without its (clock-dependent) trainingSeconds. */
function files(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir)
      .filter((f) => /\.(json|bin)$/.test(f))
      .map((f) => {
        const data = readFileSync(join(dir, f));
        return [f, f === 'tsgan.json' ? data.toString('utf8').replace(/"trainingSeconds": [\d.e+-]+/, '') : data.toString('base64')];
      }),
  );
}

const RGAN: Omit<TrainCsvOptions, 'out'> = {
  data: STOCK_CSV,
  modelType: 'rgan',
  seqLen: 8,
  iterations: 30,
  seed: 11,
  evalEvery: 10,
  diversityEvery: 5,
  gradStepsEvery: 5,
  model: { layers: 2, hidden: 6, batchSize: 16, ema: 0.9 },
};

const TIMEGAN: Omit<TrainCsvOptions, 'out'> = {
  data: STOCK_CSV,
  modelType: 'timegan',
  seqLen: 6,
  iterations: 8,
  seed: 5,
  diversityEvery: 4,
  model: { layers: 2, hidden: 4, batchSize: 8, embeddingIterations: 5, supervisedIterations: 5 },
};

/** A callback that asks for an interrupt at the end of `at`, as the CLI's Ctrl-C handler does. */
function interruptAt(at: number, interrupt: { requested: boolean }): Callback {
  return {
    onIterationEnd(it) {
      if (it === at) interrupt.requested = true;
    },
  };
}

/** Runs `opts` straight, then stopped at each of `stops` in turn and resumed; returns both directories. `train` is trainFromCsv, or trainTable for a table model. */
async function stopAndResume<O extends { out: string; interrupt?: { requested: boolean }; callbacks?: Callback[] } = TrainCsvOptions>(
  opts: Omit<O, 'out'>,
  stops: number[],
  train: (o: O) => Promise<unknown> = trainFromCsv as unknown as (o: O) => Promise<unknown>,
): Promise<{ straight: string; resumed: string }> {
  const dir = tempDir();
  const straight = join(dir, 'straight');
  const resumed = join(dir, 'resumed');
  await train({ ...opts, out: straight } as O);
  for (const [k, at] of stops.entries()) {
    const interrupt = { requested: false };
    const callbacks = [interruptAt(at, interrupt)];
    const run = k === 0 ? train({ ...opts, out: resumed, interrupt, callbacks } as O) : resumeTraining(resumed, { interrupt, callbacks });
    await assert.rejects(run, (e: unknown) => e instanceof TsganError && e.exitCode === 130 && new RegExp(`interrupted at iteration ${at} .*resume with: tsgan train --resume`).test(e.message));
    assert.deepEqual(listFiles(resumed), ['checkpoint', 'checkpoint/arrays.bin', 'checkpoint/state.json'], 'only the checkpoint until the model is done');
  }
  await resumeTraining(resumed);
  return { straight, resumed };
}

test('an RGAN stopped three times and resumed (weight average, evaluations, monitors) writes the same files', async () => {
  const { straight, resumed } = await stopAndResume(RGAN, [1, 10, 23]);
  assert.deepEqual(files(resumed), files(straight));
  assert.ok(!existsSync(join(resumed, 'checkpoint')), 'the finished model has no checkpoint');
  const meta = JSON.parse(readFileSync(join(resumed, 'tsgan.json'), 'utf8'));
  assert.equal(meta.iterations, 30);
  assert.equal(meta.history.iteration.length, 30);
});

test('a dgan (whole tables) stopped twice and resumed writes the same files; the checkpoint keeps its schema and finds its data again', async () => {
  const home = process.cwd();
  const here = tempDir();
  writeFileSync(join(here, 'panel.csv'), mixedPanel({ entities: 30, minLength: 5, maxLength: 12, seed: 3 }).csv);
  // The data named relative to the working directory, and the model type left to its default, as a library user may.
  process.chdir(here);
  const opts: Omit<TrainTableOptions, 'out'> = { data: 'panel.csv', iterations: 16, seed: 4, model: { hidden: 8, attributeHidden: [8], dHidden: [16], auxHidden: [8], batchSize: 10, ema: 0.9 } };
  try {
    const { straight, resumed } = await stopAndResume(opts, [3, 11], trainTable);
    assert.deepEqual(files(resumed), files(straight));
    const meta = JSON.parse(readFileSync(join(resumed, 'tsgan.json'), 'utf8'));
    assert.equal(meta.data.file, 'panel.csv');
    assert.equal(meta.table.schema.columns.length, 10);

    // The checkpoint holds the schema it encoded the data with; a broken one is named in state.json, and changed data are refused.
    const interrupt = { requested: false };
    const dir = join(here, 'm');
    await assert.rejects(trainTable({ ...opts, out: dir, interrupt, callbacks: [interruptAt(2, interrupt)] }), /interrupted at iteration 2 of 16/);
    const statePath = join(dir, 'checkpoint', 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    assert.deepEqual([state.options.modelType, state.options.schema.columns[0].name], ['dgan', 'site']);
    state.options.schema.columns[0].role = 'boss';
    writeFileSync(statePath, JSON.stringify(state));
    await assert.rejects(resumeTraining(dir), (e: unknown) => e instanceof TsganError && /checkpoint[\\/]state\.json: options\.schema: columns\[0\]\.role: must be one of/.test(e.message));
    writeFileSync('panel.csv', readFileSync('panel.csv', 'utf8') + '\n');
    await assert.rejects(resumeTraining(dir), /panel\.csv: is not the file this training started on \(its contents changed\); resume needs the same data/);
  } finally {
    process.chdir(home);
  }
});


test('a TimeGAN stopped in each of its three phases and resumed writes the same files', async () => {
  const { straight, resumed } = await stopAndResume(TIMEGAN, [3, 5, 7, 12, 17]);
  assert.deepEqual(files(resumed), files(straight));
});

test("a TimeGAN stopped just before its collapse check resumes through it as a straight run does; a checkpoint keeps every model option as resolved, and an older one, with the options given only, resumes without the check", async () => {
  const { straight, resumed } = await stopAndResume({ ...TIMEGAN, model: { ...TIMEGAN.model, collapseRefit: 2 } }, [11]);
  assert.deepEqual(files(resumed), files(straight));
  const check = JSON.parse(readFileSync(join(straight, 'tsgan.json'), 'utf8')).history.sparse.collapseCheck;
  assert.deepEqual(check.iteration, [12]);
  assert.ok(check.values[0] < 0.25, `this small generator is refitted (diversity ${check.values[0]})`);

  const out = join(tempDir(), 'm');
  const interrupt = { requested: false };
  await assert.rejects(trainFromCsv({ ...TIMEGAN, out, interrupt, callbacks: [interruptAt(3, interrupt)] }));
  const state = join(out, 'checkpoint/state.json');
  const s = JSON.parse(readFileSync(state, 'utf8'));
  assert.equal(s.options.model.collapseRefit, 500, 'a default, as resolved when the run began');
  assert.equal(s.options.model.hidden, 4, 'an option given');
  s.options.model = TIMEGAN.model; // as a checkpoint written before 2026-12-07 names them
  writeFileSync(state, JSON.stringify(s));
  const meta = await resumeTraining(out);
  assert.equal((meta.config as unknown as { collapseRefit: number }).collapseRefit, 0);
});

test('a VAE-GAN with attention in its decoder, stopped twice and resumed, writes the same files (the encoder and its Adam are in the checkpoint)', async () => {
  const { straight, resumed } = await stopAndResume({ ...TIMEGAN, modelType: 'vaegan', iterations: 12, model: { layers: 1, hidden: 4, batchSize: 8, attention: 'g', attentionHeads: 2, ema: 0.9 } }, [4, 9]);
  assert.ok(listFiles(straight).includes('encoder/weights.bin'));
  assert.deepEqual(files(resumed), files(straight));
});

test('a TimeGAN with the data critic, stopped in its joint phase and resumed, writes the same files (the critic and its Adam are in the checkpoint)', async () => {
  const { straight, resumed } = await stopAndResume({ ...TIMEGAN, model: { ...TIMEGAN.model, dataCritic: 1 } }, [12, 15]);
  assert.ok(listFiles(straight).includes('critic/weights.bin'));
  assert.deepEqual(files(resumed), files(straight));
  // The saved critic loads back with the rest of the model.
  const { loadModelDir } = await import('../src/load.js');
  const loaded = loadModelDir(resumed);
  assert.ok(loaded.model.networkVariables().critic.length > 0);
  loaded.model.dispose();
});

test('with the fused kernels off (TF.js Adam), stopped and resumed, the same files', async () => {
  setFusedKernels(false);
  try {
    const { straight, resumed } = await stopAndResume({ ...RGAN, iterations: 12, evalEvery: undefined }, [4]);
    assert.deepEqual(files(resumed), files(straight));
  } finally {
    setFusedKernels(true);
  }
});

/** `tsgan train` as a child process; resolves when it exits (by itself or killed). */
function child(args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [BIN, 'train', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += String(d)));
    let timer: NodeJS.Timeout | undefined;
    if (killAfterMs !== undefined) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stderr });
    });
  });
}

test('a TimeGAN killed with kill -9 at 20 random points, resumed each time, writes the same files as a run straight through', async () => {
  const dir = tempDir();
  const args = ['--data', STOCK_CSV, '--model', 'timegan', '--seq-len', '6', '--layers', '2', '--hidden', '4', '--batch-size', '8', '--iterations', '60', '--embedding-iterations', '30', '--supervised-iterations', '30', '--seed', '3', '--diversity-every', '10'];
  const straight = join(dir, 'straight');
  assert.equal((await child([...args, '--out', straight])).code, 0);
  const out = join(dir, 'killed');
  const rng = new Rng(29);
  // Where the kills land depends on the machine's speed; what must hold does not: every resume ends at the same files.
  let kills = 0;
  let first = true;
  for (let k = 0; k < 20; k++) {
    const delay = 600 + rng.int(1200);
    const r = await child(first ? [...args, '--out', out, '--checkpoint-every', '1'] : ['--resume', out], delay);
    if (r.signal === 'SIGKILL') kills++;
    else assert.equal(r.code, 0, r.stderr);
    if (existsSync(join(out, 'checkpoint'))) first = false;
    if (existsSync(join(out, 'tsgan.json'))) break;
  }
  if (!existsSync(join(out, 'tsgan.json'))) assert.equal((await child(first ? [...args, '--out', out, '--checkpoint-every', '1'] : ['--resume', out])).code, 0);
  assert.ok(kills >= 1, 'at least one run was killed');
  assert.deepEqual(files(out), files(straight));
});

test('Ctrl-C during tsgan train writes a checkpoint and says how to resume; tsgan train --resume finishes it', async () => {
  const dir = tempDir();
  const out = join(dir, 'm');
  const args = ['--model', 'rgan', '--data', STOCK_CSV, '--seq-len', '8', '--layers', '2', '--hidden', '8', '--batch-size', '16', '--iterations', '100000', '--out', out];
  const r = await new Promise<{ code: number | null; stderr: string }>((done) => {
    const p = spawn(process.execPath, [BIN, 'train', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    // Interrupted once training has begun (the first progress line), not after a fixed delay.
    p.stderr.on('data', (d) => {
      stderr += String(d);
      if (!sent && /train \d+\/100000/.test(stderr)) {
        sent = true;
        p.kill('SIGINT');
      }
    });
    p.on('exit', (code) => done({ code, stderr }));
  });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /tsgan: error: interrupted at iteration \d+ of 100000; the training state is in .*; resume with: tsgan train --resume /);
  assert.deepEqual(listFiles(out), ['checkpoint', 'checkpoint/arrays.bin', 'checkpoint/state.json']);
  // A stopped run goes on; other options with --resume are refused (the checkpoint holds them).
  const bad = await runCli(['train', '--resume', out, '--iterations', '5']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--resume takes no other option .*--iterations/);
});

test('a broken or missing checkpoint is one line naming the file and the key, exit 2', async () => {
  const dir = tempDir();
  const out = join(dir, 'm');
  const interrupt = { requested: false };
  await assert.rejects(trainFromCsv({ ...RGAN, iterations: 6, evalEvery: undefined, out, interrupt, callbacks: [interruptAt(3, interrupt)] }));
  const state = join(out, 'checkpoint/state.json');
  const good = readFileSync(state, 'utf8');
  const cases: [string, (s: Record<string, unknown>) => unknown, RegExp][] = [
    ['not JSON', () => '{', /state\.json: invalid JSON/],
    ['another format', (s) => ({ ...s, format: 'x' }), /state\.json: not a tsgan checkpoint \(format/],
    ['a newer version', (s) => ({ ...s, formatVersion: 99 }), /checkpoint version 99 is newer/],
    ['an array outside arrays.bin', (s) => ({ ...s, trainer: { ...(s.trainer as object), sampler: { ...((s.trainer as Record<string, object>).sampler), order: { $i32: [0, 1e9] } } } }), /trainer\.sampler\.order: an array reference outside arrays\.bin/],
    ['a negative iteration', (s) => ({ ...s, iteration: -1 }), /state\.json: iteration: /],
    ['no model state', (s) => ({ ...s, model: undefined }), /state\.json: model: /],
    ['a bad number token', (s) => ({ ...s, trainingSeconds: { $num: 'lots' } }), /trainingSeconds: "lots" is not NaN or ±Infinity/],
    ['a batch position past the data', (s) => ({ ...s, trainer: { ...(s.trainer as object), sampler: { ...((s.trainer as Record<string, object>).sampler), pos: 1e6 } } }), /checkpoint\/state\.json: sampler\.pos: 1000000 is outside \[0, \d+\]/],
    ['a changed data file', (s) => ({ ...s, dataSha256: '0'.repeat(64) }), /is not the file this training started on/],
    ['a wrong-sized network', (s) => ({ ...s, model: { ...(s.model as object), networks: { generator: [], discriminator: [] } } }), /checkpoint's generator network does not fit/],
    [
      'an optimiser whose moments name a variable twice',
      (s) => {
        const model = s.model as { optimizers: Record<string, { moments: unknown[] } | null> };
        const g = model.optimizers.g!;
        return { ...s, model: { ...model, optimizers: { ...model.optimizers, g: { ...g, moments: [g.moments[0], ...g.moments] } } } };
      },
      /checkpoint\/state\.json: Adam: the moments of variable \d+ are listed twice/,
    ],
    [
      'an optimiser that has stepped without its moments',
      (s) => {
        const model = s.model as { optimizers: Record<string, { moments: unknown[] } | null> };
        return { ...s, model: { ...model, optimizers: { ...model.optimizers, g: { ...model.optimizers.g!, moments: [] } } } };
      },
      /checkpoint\/state\.json: Adam: the checkpoint's optimiser has taken steps \(β1 power [\d.e-]+\) but holds no moments/,
    ],
  ];
  for (const [what, mutate, pattern] of cases) {
    const m = mutate(JSON.parse(good));
    writeFileSync(state, typeof m === 'string' ? m : JSON.stringify(m));
    const r = await runCli(['train', '--resume', out]);
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('tsgan: TensorFlow.js') && !l.startsWith('tsgan: resuming'));
    assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
    assert.match(lines[0], /^tsgan: error: /, what);
    assert.match(lines[0], pattern, what);
    assert.ok(existsSync(state) && !existsSync(join(out, 'tsgan.json')), `${what}: nothing written`);
  }
  const none = await runCli(['train', '--resume', join(dir, 'nothing')]);
  assert.match(none.stderr, /nothing: no such directory to resume/);
});

test('a checkpoint names its model; one written without a name (when rgan was the default) resumes as rgan', async () => {
  const out = join(tempDir(), 'm');
  const interrupt = { requested: false };
  await assert.rejects(trainFromCsv({ ...RGAN, iterations: 6, evalEvery: undefined, out, interrupt, callbacks: [interruptAt(3, interrupt)] }));
  const state = join(out, 'checkpoint/state.json');
  const s = JSON.parse(readFileSync(state, 'utf8'));
  assert.equal(s.options.modelType, 'rgan');
  delete s.options.modelType;
  writeFileSync(state, JSON.stringify(s));
  const meta = await resumeTraining(out);
  assert.equal(meta.model, 'rgan');
  assert.equal(meta.iterations, 6);
});

test("a broken TimeGAN checkpoint is one line too: the run's notices are not said again on resume", async () => {
  const out = join(tempDir(), 'm');
  const interrupt = { requested: false };
  const notices: string[] = [];
  await assert.rejects(trainFromCsv({ ...TIMEGAN, out, interrupt, callbacks: [interruptAt(3, interrupt)], onNotice: (m) => notices.push(m) }));
  assert.ok(notices.some((m) => /the correlation term/.test(m)), notices.join('\n'));
  const state = join(out, 'checkpoint/state.json');
  const s = JSON.parse(readFileSync(state, 'utf8'));
  s.trainer.sampler.pos = 1e6;
  writeFileSync(state, JSON.stringify(s));
  const r = await runCli(['train', '--resume', out]);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('tsgan: TensorFlow.js') && !l.startsWith('tsgan: resuming'));
  assert.deepEqual(lines.length, 1, r.stderr);
  assert.match(lines[0], /^tsgan: error: .*state\.json: sampler\.pos: 1000000 is outside/);
});

test('resume puts back a checkpoint a kill left set aside between its renames, and goes on', async () => {
  const dir = tempDir();
  const out = join(dir, 'm');
  const interrupt = { requested: false };
  await assert.rejects(trainFromCsv({ ...RGAN, iterations: 6, evalEvery: undefined, out, interrupt, callbacks: [interruptAt(3, interrupt)] }));
  const dead = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid!;
  renameSync(out, join(dir, `.m.old-${dead}-1796222189814-0`));
  const r = await runCli(['train', '--resume', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(out, 'tsgan.json')));
  assert.deepEqual(readdirSync(dir), ['m']);
});

test('a training that fails after a checkpoint says that the checkpoint is kept, and where', async () => {
  const out = join(tempDir(), 'm');
  const diverge: Callback = {
    onIterationEnd(it) {
      if (it === 3) throw new TsganError(`${STOCK_CSV}: dLoss became NaN at iteration 3; training stopped; no model was written`, 1);
    },
  };
  await assert.rejects(trainFromCsv({ ...RGAN, iterations: 6, evalEvery: undefined, checkpointEvery: 1, out, callbacks: [diverge] }), (e: unknown) => {
    assert.ok(e instanceof TsganError && e.exitCode === 1);
    assert.match(e.message, /no model was written; .*m keeps the last finite checkpoint \(tsgan train --resume .*m goes on from it; remove .*m to start again\)/);
    return true;
  });
  assert.equal(JSON.parse(readFileSync(join(out, 'checkpoint/state.json'), 'utf8')).iteration, 2);
});
