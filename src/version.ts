/** tsgan's own version, read from package.json so that there is one source of truth. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// dist/src/version.js → ../../package.json; src/version.ts (ts-node style) → ../package.json
function readVersion(): string {
  for (const p of ['../../package.json', '../package.json']) {
    try {
      const pkg = require(p) as { name?: string; version?: string };
      if (pkg.name === 'tsgan' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
