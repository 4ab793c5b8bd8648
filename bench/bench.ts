/**
 * `npm run bench`: tsgan's recurrent GAN training speed against PyTorch on the
 * same machine, in the same run, plus the fused kernels' matmul against
 * OpenBLAS. Workloads are those of issue 3 (a TimeGAN-sized GAN, and a large
 * one); PyTorch runs only where /usr/bin/python3 can import torch (Debian's
 * python3-torch), pointed at OpenBLAS when libopenblas0-pthread is installed,
 * at its best thread count. Prints a Markdown report for BENCHMARKS.md.
 * The matmul table ends with the hardware's ceiling for each engine (core
 * clock × vector width), so that each GEMM is seen as a share of its peak.
 * BENCH_SECONDS sets the seconds per measurement (default 10); BENCH_ONLY=matmul
 * runs the matmul table alone, BENCH_ONLY=terms the table of TimeGAN's
 * generator terms (bench/terms.ts) alone, BENCH_ONLY=tables whole-entity
 * generation at the size of issue 27 (bench/tables.ts) alone, BENCH_ONLY=attention
 * TimeGAN's joint iteration with self-attention blocks (bench/attention.ts) alone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, initEngine } from '../src/engine.js';
import { VERSION } from '../src/version.js';
import { matmulRepeat, kernelBuild, kernelThreads } from '../src/kernels/wasm-kernels.js';
import { Rng } from '../src/random.js';
import { termsTable } from './terms.js';
import { attentionTable } from './attention.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const torchEnv = { ...process.env, ...(existsSync(OPENBLAS) ? { LD_LIBRARY_PATH: OPENBLAS } : {}) };
// torch.set_num_threads does not reach OpenBLAS's own pthread pool: without
// OPENBLAS_NUM_THREADS, a "1-thread" PyTorch still multiplies on every core.
const blasEnv = (threads: number) => ({ ...torchEnv, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) });

interface Case {
  name: string;
  args: Record<string, number>;
  seconds: number;
}
const CASES: Case[] = [
  { name: 'small: GRU 3×24, batch 128, seq 24', args: { batch: 128, seq: 24, features: 6, noise: 6, hidden: 24, layers: 3 }, seconds: SECONDS },
  { name: 'large: GRU 3×128, batch 128, seq 100', args: { batch: 128, seq: 100, features: 6, noise: 6, hidden: 128, layers: 3 }, seconds: 2 * SECONDS },
  { name: 'large, batch 256 (memory)', args: { batch: 256, seq: 100, features: 6, noise: 6, hidden: 128, layers: 3 }, seconds: SECONDS },
];

type Result = { its_per_s: number; peak_rss_mb: number; threads?: number };

function flags(args: Record<string, number>, seconds: number): string[] {
  return [...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]), '--seconds', String(seconds)];
}

function runTsgan(c: Case, env: NodeJS.ProcessEnv = process.env, seconds = c.seconds, nodeFlags: string[] = []): Result {
  const out = execFileSync(process.execPath, [...nodeFlags, join(here, 'rgan-case.js'), ...flags(c.args, seconds)], { env, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function hasTorch(): string | null {
  if (!existsSync('/usr/bin/python3')) return null;
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', env: torchEnv });
  return r.status === 0 ? r.stdout.trim() : null;
}

function runTorch(c: Case, threads: number): Result {
  const a = { ...c.args };
  const out = execFileSync('/usr/bin/python3', [join(root, 'bench/torch_rgan.py'), ...flags(a, c.seconds), '--threads', String(threads), '--warmup', '1'], {
    env: blasEnv(threads),
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

// Matmul GFLOP/s: each call times one round per shape (about 4 GFLOP, after
// a warm-up); rounds of the four engines alternate, and each keeps its best,
// so that a drift of the machine's speed favours neither side.
const MATMUL_ROUNDS = 5;
function torchMatmul(shapes: number[][], threads: number): number[] {
  const code = `
import torch, time, json
torch.set_num_threads(${threads})
out = []
for M, K, N in ${JSON.stringify(shapes)}:
    a = torch.rand(M, K); b = torch.rand(K, N)
    reps = max(3, round(4e9 / (2 * M * K * N)))
    for _ in range(3): a @ b
    t = time.perf_counter()
    for _ in range(reps): a @ b
    out.append(2 * M * K * N * reps / (time.perf_counter() - t) / 1e9)
print(json.dumps(out))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', code], { env: blasEnv(threads), encoding: 'utf8' }).trim());
}

function ourMatmul(shapes: number[][], twoThreads: boolean): number[] {
  const rng = new Rng(1);
  return shapes.map(([M, K, N]) => {
    const reps = Math.max(3, Math.round(4e9 / (2 * M * K * N)));
    matmulRepeat(M, K, N, 3, (n) => rng.uniformArray(n), twoThreads);
    return (2 * M * K * N * reps) / matmulRepeat(M, K, N, reps, (n) => rng.uniformArray(n), twoThreads) / 1e6;
  });
}

// The core clock, timed on a chain of 16 dependent one-cycle integer ops per
// loop iteration (x = (x + k) ^ i, eight times). The module is this
// AssemblyScript function, compiled with asc -O3 --runtime stub:
//   export function clk(n: i32, k: i32): i32 {
//     let x = k;
//     for (let i = 0; i < n; i++) { x = (x + k) ^ i; … eight times … }
//     return x;
//   }
const CLOCK_WASM =
  'AGFzbQEAAAABBwFgAn9/AX8DAgEABwcBA2NsawAAClQBUgECfyABIQIDQCAAIANKBEAgASACaiADcyABaiADcyABaiADcyABaiADcyABaiADcyABaiADcyABaiADcyABaiADcyECIANBAWohAwwBCwsgAgs=';
function clockGHz(): number {
  const clk = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(CLOCK_WASM, 'base64'))).exports.clk as (n: number, k: number) => number;
  const n = 1e8;
  clk(n / 10, 3);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    clk(n, 3);
    best = Math.max(best, (16 * n) / ((performance.now() - t) / 1e3) / 1e9);
  }
  return best;
}

/** OpenBLAS's kernel for this CPU, as it says itself ("Haswell", "SkylakeX", …). */
function blasCore(): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch; torch.ones(2, 2) @ torch.ones(2, 2)'], {
    env: { ...blasEnv(1), OPENBLAS_VERBOSE: '2' },
    encoding: 'utf8',
  });
  return /Core:\s*(\S+)/.exec(r.stdout + r.stderr)?.[1] ?? null;
}

/** Per-shape best over alternating rounds of each engine. */
function matmulTable(shapes: number[][], withBlas: boolean): Record<'one' | 'two' | 'blas1' | 'blas2', number[] | null> {
  const best: Record<'one' | 'two' | 'blas1' | 'blas2', number[] | null> = { one: null, two: null, blas1: null, blas2: null };
  const keep = (k: keyof typeof best, v: number[]) => (best[k] = best[k] ? best[k]!.map((b, i) => Math.max(b, v[i])) : v);
  for (let r = 0; r < MATMUL_ROUNDS; r++) {
    keep('one', ourMatmul(shapes, false));
    if (withBlas) keep('blas1', torchMatmul(shapes, 1));
    keep('two', ourMatmul(shapes, true));
    if (withBlas) keep('blas2', torchMatmul(shapes, 2));
  }
  return best;
}

const f = (v: number, d = 2) => v.toFixed(d);
const lines: string[] = [];
const say = (s = '') => {
  lines.push(s);
  console.log(s);
};

const torchVersion = hasTorch();
say(`## Run of ${new Date().toISOString().slice(0, 10)}`);
say();
say(`- machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
say(`- tsgan ${VERSION}, Node.js ${process.version}, TensorFlow.js ${tf.version.tfjs} (wasm backend)`);
say(`- PyTorch: ${torchVersion ? `${torchVersion} (Debian python3-torch${existsSync(OPENBLAS) ? ', OpenBLAS pthread' : ''})` : 'not available (apt-get install python3-torch libopenblas0-pthread)'}`);
say(`- ${SECONDS} s per measurement (the large case twice that), best of ${Number(process.env.BENCH_ROUNDS ?? 2)} alternating rounds per engine`);
say();
const RELAXED = ['--experimental-wasm-relaxed-simd'];
say(`tsgan uses ${kernelThreads()} thread(s) for its kernels; "relaxed" runs Node.js with ${RELAXED[0]}, which lets tsgan load its fused-multiply-add build.`);
say();
// The machine's speed drifts over minutes (shared hosts, turbo): each engine
// is measured in alternating rounds and its best round is reported.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const best = (rs: Result[]) => rs.reduce((a, b) => (b.its_per_s > a.its_per_s ? b : a));
// BENCH_ONLY=matmul, =terms or =attention skips the training workloads (a quick look at one table).
const only = process.env.BENCH_ONLY;
// Whole tables run in their own process (their peak RSS is their own): BENCH_ONLY=tables, or after the rest.
const tables = () => say(execFileSync(process.execPath, [join(here, 'tables.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trimEnd());
if (only === 'tables') {
  tables();
  process.exit(0);
}
if (!only) {
  say('| workload | tsgan fused (it/s) | tsgan fused, relaxed (it/s) | tsgan tf ops (it/s) | PyTorch best (it/s) | tsgan / PyTorch | tsgan peak RSS | PyTorch peak RSS |');
  say('| --- | --- | --- | --- | --- | --- | --- | --- |');
}
for (const c of only ? [] : CASES) {
  const ours: Result[] = [];
  const relaxed: Result[] = [];
  const torch: Result[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(runTsgan(c));
    if (torchVersion) for (const threads of [1, 2]) torch.push({ ...runTorch(c, threads), threads });
    relaxed.push(runTsgan(c, process.env, c.seconds, RELAXED));
  }
  const ref = c.name.startsWith('small') ? runTsgan(c, { ...process.env, TSGAN_FUSED: '0' }, Math.min(c.seconds, 10)) : null;
  const o = best(ours);
  const x = best(relaxed);
  const t = torch.length ? best(torch) : null;
  say(
    `| ${c.name} | ${f(o.its_per_s)} | ${f(x.its_per_s)} | ${ref ? f(ref.its_per_s) : '—'} | ${t ? `${f(t.its_per_s)} (${t.threads} thread${t.threads === 1 ? '' : 's'})` : '—'} | ` +
      `${t ? f(o.its_per_s / t.its_per_s) + '×' : '—'} | ${f(o.peak_rss_mb, 0)} MB | ${t ? f(t.peak_rss_mb, 0) + ' MB' : '—'} |`,
  );
}
say();
if (only !== 'matmul') await initEngine('wasm');
if (only !== 'matmul' && only !== 'attention') {
  for (const l of termsTable(SECONDS / 2, ROUNDS)) say(l);
  say();
}
if (only === 'terms') process.exit(0);
if (only !== 'matmul') {
  for (const l of attentionTable(SECONDS / 2, ROUNDS)) say(l);
  say();
}
if (only === 'attention') process.exit(0);
const shapes = [[128, 24, 72], [128, 48, 72], [128, 128, 384], [128, 256, 384], [384, 12800, 128]];
const mm = matmulTable(shapes, torchVersion !== null);
const [one, two, blas1, blas2] = [mm.one!, mm.two!, mm.blas1, mm.blas2];
say(`Matmul in GFLOP/s, best of ${MATMUL_ROUNDS} rounds that alternate between the engines; tsgan's kernel build here: ${kernelBuild()} (the relaxed build needs ${RELAXED[0]} on Node.js 20).`);
say();
say('| matmul M,K,N | tsgan, 1 thread | OpenBLAS, 1 thread | ratio | tsgan, 2 threads | OpenBLAS, 2 threads | ratio |');
say('| --- | --- | --- | --- | --- | --- | --- |');
const ratio = (a: number, b: number[] | null, i: number) => (b ? f(a / b[i]) : '—');
shapes.forEach((s, i) =>
  say(
    `| ${s.join(',')} | ${f(one[i], 1)} | ${blas1 ? f(blas1[i], 1) : '—'} | ${ratio(one[i], blas1, i)} | ` +
      `${f(two[i], 1)} | ${blas2 ? f(blas2[i], 1) : '—'} | ${ratio(two[i], blas2, i)} |`,
  ),
);

// The ceiling of each engine on one core: clock × flops per cycle. Current
// x86 cores (Intel since Haswell, AMD since Zen 2) issue two vector multiplies
// (or FMAs) per cycle; WebAssembly's vectors are 128 bits, so 2 × 4 lanes ×
// 2 flops = 16 per cycle, with or without relaxed SIMD's FMA. OpenBLAS's
// kernels use 256-bit FMA (Haswell, Zen: 32 per cycle) or AVX-512 (64).
const ghz = clockGHz();
const core = blasCore();
const BLAS_FLOPS: Record<string, number> = { Haswell: 32, Zen: 32, SkylakeX: 64, Cooperlake: 64, SapphireRapids: 64 };
const blasFlops = core ? BLAS_FLOPS[core] : undefined;
const wasmPeak = 16 * ghz;
const bestOne = Math.max(...one);
let blasLine = core ? ` OpenBLAS runs its ${core} kernel.` : '';
if (core && blas1 && blasFlops) {
  const blasPeak = blasFlops * ghz;
  const bestBlas = Math.max(...blas1);
  blasLine =
    ` OpenBLAS runs its ${core} kernel (${blasFlops === 32 ? '256-bit FMA' : 'AVX-512'}, ${blasFlops} flops/cycle = ${f(blasPeak, 1)} GFLOP/s); ` +
    `its best 1-thread GEMM (${f(bestBlas, 1)}) is ${f((100 * bestBlas) / blasPeak, 0)}% of that. ` +
    `At equal efficiency the ratio of the two is ${f(16 / blasFlops)}: the width of the vectors, not the kernel.`;
}
say();
say(
  `Distance to the hardware: the core runs at ${f(ghz)} GHz (timed on a dependent integer chain); WebAssembly's 128-bit SIMD peaks at ` +
    `16 flops/cycle = ${f(wasmPeak, 1)} GFLOP/s, and tsgan's best 1-thread GEMM (${f(bestOne, 1)}) is ${f((100 * bestOne) / wasmPeak, 0)}% of it.` +
    blasLine,
);
if (!only) {
  say();
  tables();
}
