/**
 * The demo: TimeGAN's Sines data (made in code, seeded), a short training of
 * the default model (TimeGAN, its defaults but DEMO_OPTIONS' iterations per
 * phase) through the same path as `tsgan train`, synthetic samples
 * through the same path as `tsgan sample`, and a side-by-side summary of real
 * and synthetic statistics. Sized to finish in under two minutes on 2 cores.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sineData, sinesToCsv } from './data/sines.js';
import { checkOutDir, writeFileAtomic } from './io/atomic.js';
import { loadDataset } from './data/table.js';
import { trainFromCsv, sampleToCsv } from './pipeline.js';
import type { Callback } from './train/loop.js';
import { defaultsFor, type OptionDecl } from './config/options.js';

/** The demo's options (DemoOptions' keys), each default declared once. */
export const DEMO_OPTIONS: readonly OptionDecl[] = [
  { name: 'out', flag: 'out', kind: { type: 'text' }, target: 'run', metavar: 'DIR', defaultText: './tsgan-demo, or the next free ./tsgan-demo-N', section: 'Options', doc: 'where to write' },
  { name: 'iterations', flag: 'iterations', kind: { type: 'int', min: 1 }, target: 'run', default: 500, section: 'Options', doc: "training iterations of each of TimeGAN's three phases" },
  { name: 'seed', flag: 'seed', kind: { type: 'seed' }, target: 'run', default: 0, section: 'Options', doc: 'seed, an integer in [0, 4294967295]' },
  { name: 'force', flag: 'force', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Options', doc: "replace a previous demo's files in --out" },
];
const DEFAULTS = defaultsFor(DEMO_OPTIONS, 'run') as { iterations: number; seed: number; force: boolean };

/** Defaults in DEMO_OPTIONS. */
export interface DemoOptions {
  out?: string;
  iterations?: number;
  seed?: number;
  force?: boolean;
  callbacks?: Callback[];
  onNotice?: (m: string) => void;
}


export interface FeatureSummary {
  feature: string;
  real: SeriesStats;
  synthetic: SeriesStats;
}

export interface SeriesStats {
  mean: number;
  std: number;
  /** Mean absolute change from one step to the next (smoothness). */
  meanStep: number;
}

export interface DemoResult {
  out: string;
  dataFile: string;
  modelDir: string;
  syntheticFile: string;
  /** Iterations in all (TimeGAN's three phases together). */
  iterations: number;
  /** Iterations of each phase (the --iterations asked for). */
  phaseIterations: number;
  trainingSeconds: number;
  summary: FeatureSummary[];
}

export function freeDemoDir(base = 'tsgan-demo'): string {
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    if (!existsSync(dir) || readdirSync(dir).length === 0) return dir;
  }
}

export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const out = opts.out ?? freeDemoDir();
  const seed = opts.seed ?? DEFAULTS.seed;
  const force = opts.force ?? DEFAULTS.force;
  checkOutDir(out, force);
  mkdirSync(out, { recursive: true });
  const dataFile = join(out, 'sines.csv');
  const modelDir = join(out, 'model');
  const syntheticFile = join(out, 'synthetic.csv');

  const phaseIterations = opts.iterations ?? DEFAULTS.iterations;
  const sines = sineData({ count: 1000, seqLen: 24, features: 5, seed });
  writeFileAtomic(dataFile, sinesToCsv(sines), force);
  const meta = await trainFromCsv({
    data: dataFile,
    out: modelDir,
    idColumn: 'id',
    seqLen: 24,
    iterations: phaseIterations,
    seed,
    force,
    modelType: 'timegan',
    model: {},
    callbacks: opts.callbacks,
    onNotice: opts.onNotice,
  });
  sampleToCsv({ model: modelDir, count: 1000, out: syntheticFile, seed, force });

  const real = loadDataset(dataFile, { idColumn: 'id' });
  const synth = loadDataset(syntheticFile, { idColumn: 'sequence', columns: real.features });
  const summary = real.features.map((feature, f) => ({
    feature,
    real: stats(real.series.map((s) => s.values), real.features.length, f),
    synthetic: stats(synth.series.map((s) => s.values), real.features.length, f),
  }));
  return { out, dataFile, modelDir, syntheticFile, iterations: meta.iterations, phaseIterations, trainingSeconds: meta.trainingSeconds, summary };
}

/** Mean, std and mean absolute step change of feature f over row-major [rows, F] series. */
export function stats(series: Float64Array[], F: number, f: number): SeriesStats {
  let n = 0;
  let sum = 0;
  let sq = 0;
  let steps = 0;
  let stepSum = 0;
  for (const v of series) {
    const rows = v.length / F;
    for (let r = 0; r < rows; r++) {
      const x = v[r * F + f];
      n++;
      sum += x;
      sq += x * x;
      if (r > 0) {
        steps++;
        stepSum += Math.abs(x - v[(r - 1) * F + f]);
      }
    }
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), meanStep: stepSum / Math.max(steps, 1) };
}
