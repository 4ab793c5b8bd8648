/** Shared test helpers: the engine, temporary directories, running the CLI in-process and as a process. */
import { mkdtempSync, rmSync, readdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { after } from 'node:test';
import { initEngine, tf } from '../src/engine.js';
import { main } from '../src/cli/main.js';
import { withOutput, type OutStream } from '../src/cli/io.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** TimeGAN's public GOOG stock data, shipped in the package (a copy of ../shared/data/stock_data.csv). */
export const STOCK_CSV = join(ROOT, 'data/stock_data.csv');
/** Gapminder's 62 countries × 11 years, a public real panel (from vega-datasets), shipped in the package. */
export const GAPMINDER_JSON = join(ROOT, 'data/gapminder.json');
export const BIN = join(ROOT, 'bin/tsgan.js');

export async function engine(): Promise<void> {
  await initEngine('wasm');
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tsgan-test-'));
  dirs.push(d);
  return d;
}

/** Files under dir, recursively, relative paths sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

/** Runs `tsgan ...args` in this process; returns the exit code and what it printed. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => ({ write: (s: string | Uint8Array) => (into.push(String(s)), true), isTTY: false }) as OutStream;
  const code = await withOutput({ stdout: sink(out), stderr: sink(err) }, () => main(args));
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs the real `tsgan` binary as a child process. */
export function runBin(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Loads a saved LayersModel the way a browser would, from its two files, with plain TF.js. */
export async function loadPlainLayersModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const bin = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
}
