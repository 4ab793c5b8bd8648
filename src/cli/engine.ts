/** Starts the engine for a command and says once, on stderr, which backend runs. */
import { initEngine, describeEngine, BACKEND_OPTION, type BackendName } from '../engine.js';
import { oneOf, type Values } from './args.js';
import { stderr } from './io.js';

/** Starts the backend named by --backend (BACKEND_OPTION's default when not given). */
export async function startEngine(values: Values): Promise<void> {
  const { kind } = BACKEND_OPTION;
  const info = await initEngine((oneOf(values, 'backend', kind.type === 'choice' ? kind.choices : []) ?? BACKEND_OPTION.default) as BackendName);
  stderr().write(describeEngine(info) + '\n');
}
