/** Starts the engine for a command and says once, on stderr, which backend runs. */
import { initEngine, describeEngine, type BackendName } from '../engine.js';

export async function startEngine(preferred: BackendName = 'wasm'): Promise<void> {
  const info = await initEngine(preferred);
  process.stderr.write(describeEngine(info) + '\n');
}
