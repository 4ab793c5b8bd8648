/**
 * A full-length check of checkpoint and resume: trains a model straight
 * through, then trains it again while killing the process with SIGKILL at
 * random moments and resuming each time, and compares the two model
 * directories file by file (tsgan.json's trainingSeconds aside).
 *
 *   node dist/tools/kill-resume.js [--kills 20] [--seed 1] [--every 250] [--max-seconds 120] [--parallel] [--work DIR] [-- train options]
 *
 * The default training is `tsgan train --model timegan` with its defaults on
 * data/stock_data.csv (10,000 iterations per phase, about half an hour a run
 * on 2 cores). Kill moments are drawn from --seed: uniform in [1, --max-seconds
 * (120)] s after each start, so some fall before the first checkpoint and most between two.
 * --parallel runs the straight training beside the killed one instead of
 * before it (set TSGAN_THREADS=1 so that the two share 2 cores evenly; thread
 * counts give identical files). Prints one line per kill (the iteration the checkpoint had reached) and the
 * comparison; exits 1 if any file differs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '../src/random.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/tsgan.js');

const { values, positionals } = parseArgs({
  options: { kills: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' }, work: { type: 'string' }, every: { type: 'string', default: '250' }, 'max-seconds': { type: 'string', default: '120' }, parallel: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const kills = Number(values.kills);
const rng = new Rng(Number(values.seed));
const work = values.work ?? mkdtempSync(join(tmpdir(), 'tsgan-kill-resume-'));
mkdirSync(work, { recursive: true });
const trainArgs = positionals.length > 0 ? positionals : ['--model', 'timegan', '--data', join(ROOT, 'data/stock_data.csv'), '--seed', '3'];

function sha(file: string): string {
  const data = readFileSync(file);
  const text = file.endsWith('tsgan.json') ? data.toString('utf8').replace(/"trainingSeconds": [\d.e+-]+/, '') : data;
  return createHash('sha256').update(text).digest('hex');
}

function digests(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) for (const [k, v] of digests(dir, r)) out.set(k, v);
    else out.set(r, sha(join(dir, r)));
  }
  return out;
}

/** The iteration the checkpoint in `dir` had reached, or null when there is none. */
function checkpointIteration(dir: string): number | null {
  const f = join(dir, 'checkpoint/state.json');
  if (!existsSync(f)) return null;
  return (JSON.parse(readFileSync(f, 'utf8')) as { iteration: number }).iteration;
}

/** Runs tsgan with `args`; with `killAfter` seconds, SIGKILLs it then. Resolves to the exit code, or 'killed'. */
function run(args: string[], killAfter: number | null): Promise<number | 'killed'> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + String(d)).slice(-2000)));
    const timer = killAfter === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfter * 1000);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') return done('killed');
      if (code !== 0) process.stderr.write(err);
      done(code ?? 1);
    });
  });
}

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const t0 = performance.now();
const minutes = () => ((performance.now() - t0) / 60000).toFixed(1);
const straight = join(work, 'straight');
const killed = join(work, 'killed');
console.log(`kill-resume: tsgan train ${trainArgs.join(' ')}; ${kills} kills; work in ${work}; ${cpus().length} CPUs, Node ${process.version}`);

const straightRun = run(['train', ...trainArgs, '--out', straight], null).then((s) => {
  if (s !== 0) throw new Error(`the straight run failed (exit ${s})`);
  console.log(`straight run done at ${minutes()} min`);
});
if (!values.parallel) await straightRun;

const fresh = ['train', ...trainArgs, '--checkpoint-every', String(values.every), '--out', killed];
for (let k = 1; k <= kills; k++) {
  const at = checkpointIteration(killed);
  const args = at === null ? [...fresh, ...(existsSync(killed) ? ['--force'] : [])] : ['train', '--resume', killed];
  const after = 1 + rng.uniform() * (Number(values['max-seconds']) - 1);
  const r = await run(args, after);
  const now = checkpointIteration(killed);
  console.log(`kill ${k}: ${at === null ? 'fresh start' : `resumed from iteration ${at}`}, killed after ${after.toFixed(1)} s, checkpoint at ${now ?? 'none'} (${minutes()} min)`);
  if (r !== 'killed') {
    console.log(`  the run finished before its kill (exit ${r})`);
    break;
  }
}
if (checkpointIteration(killed) !== null || !existsSync(join(killed, 'tsgan.json'))) {
  const at = checkpointIteration(killed);
  const r = await run(at === null ? [...fresh, ...(existsSync(killed) ? ['--force'] : [])] : ['train', '--resume', killed], null);
  if (r !== 0) throw new Error(`the last resume failed (exit ${r})`);
}
console.log(`resumed run done at ${minutes()} min`);
await straightRun;

const a = digests(straight);
const b = digests(killed);
let differ = 0;
for (const f of new Set([...a.keys(), ...b.keys()])) {
  const same = a.get(f) === b.get(f);
  if (!same) differ++;
  console.log(`${same ? 'same' : 'DIFFERENT'}  ${f}  ${(a.get(f) ?? 'missing').slice(0, 16)}  ${(b.get(f) ?? 'missing').slice(0, 16)}`);
}
console.log(`${differ === 0 ? 'identical' : `${differ} files differ`}: ${a.size} files; commit ${commit}; ${minutes()} min in all`);
process.exitCode = differ === 0 ? 0 : 1;
