/** Starts the engine for a command and says once, on stderr, which backend runs. */
import { initEngine, describeEngine } from '../engine.js';
import { oneOf, type Values } from './args.js';
import { stderr } from './io.js';

/** Starts the backend named by --backend (default wasm). */
export async function startEngine(values: Values): Promise<void> {
  const info = await initEngine(oneOf(values, 'backend', ['wasm', 'cpu'] as const) ?? 'wasm');
  stderr().write(describeEngine(info) + '\n');
}
