/** The shipped wasm/recurrent.wasm is exactly what the project's own build makes from assembly/recurrent.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { ROOT } from './helpers.js';

test('the shipped wasm/*.wasm are rebuilt byte for byte from assembly/recurrent.ts (npm run build:wasm)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgan-wasm-'));
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const commands = (pkg.scripts['build:wasm'] as string).split('&&').map((c) => c.trim().split(/\s+/).slice(1));
    assert.equal(commands.length, 2);
    for (const args of commands) {
      const o = args.indexOf('-o') + 1;
      const shipped = join(ROOT, args[o]);
      const out = join(dir, basename(args[o]));
      args[o] = out;
      execFileSync(process.execPath, [join(ROOT, 'node_modules/assemblyscript/bin/asc.js'), ...args], { cwd: ROOT, stdio: 'pipe' });
      assert.ok(readFileSync(out).equals(readFileSync(shipped)), `${shipped} is stale: run npm run build:wasm`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
