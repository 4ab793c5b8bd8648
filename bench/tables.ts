/**
 * `BENCH_ONLY=tables npm run bench`: whole-entity generation (issue 27) at
 * the size. A mixed-type panel of 1,000 entities × 80–120 steps (100
 * on average) × 10 columns, made in code with known truth
 * (src/data/mixed-panel.ts), trains a default `--model dgan` for its default
 * 2,000 iterations; the samples are scored against the data (lengths,
 * category and missing shares, attribute recovery on requested kinds). Then
 * the cost of long entities: 40 entities of 1,461 daily steps, trained for
 * BENCH_LONG_ITERATIONS iterations and sampled whole. Prints Markdown for
 * BENCHMARKS.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf } from '../src/engine.js';
import { VERSION } from '../src/version.js';
import { mixedPanel } from '../src/data/mixed-panel.js';
import { parseCsv } from '../src/data/csv.js';
import { inferSchema } from '../src/data/schema.js';
import { trainTable, sampleTable } from '../src/table-pipeline.js';
import { compareTables } from '../src/eval/table.js';
import { kernelThreads } from '../src/kernels/wasm-kernels.js';

const LONG_ITERATIONS = Number(process.env.BENCH_LONG_ITERATIONS ?? 50);
const f3 = (v: number) => v.toFixed(3);
const peakMb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

await initEngine('wasm');
const dir = mkdtempSync(join(tmpdir(), 'tsgan-tables-'));
try {
  console.log(`### Whole tables (\`--model dgan\`), ${new Date().toISOString().slice(0, 10)}`);
  console.log();
  console.log(`- machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; tsgan ${VERSION}, Node.js ${process.version}, TensorFlow.js ${tf.version.tfjs} (wasm, ${kernelThreads()} kernel threads)`);

  const panel = mixedPanel({ entities: 1000, minLength: 80, maxLength: 120, seed: 1 });
  const data = join(dir, 'panel.csv');
  writeFileSync(data, panel.csv);
  const t0 = performance.now();
  // No checkpoint (its default comes every 5 minutes) inside the timing.
  const meta = await trainTable({ data, out: join(dir, 'm'), seed: 1, checkpointEvery: 0 });
  const trainS = (performance.now() - t0) / 1000;
  const real = parseCsv(panel.csv, data);
  const schema = inferSchema(real);
  const t1 = performance.now();
  const sampled = sampleTable({ model: join(dir, 'm'), count: 1000, seed: 1 });
  const sampleS = (performance.now() - t1) / 1000;
  const r = compareTables(real, parseCsv(sampled.csv, 'samples'), schema);
  const given = sampleTable({ model: join(dir, 'm'), seed: 2, given: { rows: Array.from({ length: 500 }, (_, i) => ({ kind: i % 2 ? 'B' : 'A' })) } });
  const kind = compareTables(real, parseCsv(given.csv, 'given'), schema).attributes.kind;
  const max = (o: Record<string, { maxDiff?: number; diff?: number }>) => Math.max(...Object.values(o).map((v) => v.maxDiff ?? v.diff ?? 0));
  console.log(
    `- data: ${meta.data!.series} entities, ${meta.data!.rows} rows, 10 columns (id, date, 2 static attributes, 6 features of 5 types with a point mass and missing cells); default options, ${meta.iterations} iterations, seed 1`,
  );
  console.log();
  console.log('| train | sample 1,000 entities | peak RSS | lengths KS | category shares, worst | transitions, worst | missing, worst | zeros, worst | numeric KS, worst | kind told, requested / held-out real (chance) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${trainS.toFixed(0)} s | ${sampleS.toFixed(1)} s | ${peakMb()} MB | ${f3(r.lengths!.ks)} | ±${f3(max(r.categories))} | ±${f3(max(r.transitions))} | ${f3(max(r.missing))} | ${f3(max(r.zeros))} | ` +
      `${f3(Math.max(...Object.values(r.numeric).map((v) => v.ks)))} | ${f3(kind.synthetic)} / ${f3(kind.heldOut)} (${f3(kind.chance)}) |`,
  );
  console.log();

  // Long entities: the cost per iteration and of one whole sample.
  const long = mixedPanel({ entities: 40, minLength: 1461, maxLength: 1461, seed: 2 });
  const longData = join(dir, 'long.csv');
  writeFileSync(longData, long.csv);
  const t2 = performance.now();
  const lm = await trainTable({ data: longData, out: join(dir, 'long'), iterations: LONG_ITERATIONS, seed: 1, checkpointEvery: 0, model: { batchSize: 40 } });
  const longS = (performance.now() - t2) / 1000;
  const t3 = performance.now();
  const ls = sampleTable({ model: join(dir, 'long'), count: 100, seed: 1 });
  const longSample = (performance.now() - t3) / 1000;
  const cfg = lm.config as unknown as { sampleLen: number; maxLength: number };
  console.log(
    `Long entities: 40 entities of 1,461 daily steps (${cfg.sampleLen} steps per recurrent step, so ${Math.ceil(cfg.maxLength / cfg.sampleLen)} recurrent steps), batch 40: ` +
      `${(LONG_ITERATIONS / longS).toFixed(2)} it/s over ${LONG_ITERATIONS} iterations (${(longS / LONG_ITERATIONS).toFixed(2)} s each, data loading included); ` +
      `100 whole entities (${ls.rows} rows) sampled in ${longSample.toFixed(1)} s; peak RSS ${peakMb()} MB.`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
