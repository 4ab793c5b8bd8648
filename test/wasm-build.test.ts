/** The shipped wasm/recurrent.wasm is exactly what the project's own build makes from assembly/recurrent.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

test('wasm/recurrent.wasm is rebuilt byte for byte from its source (npm run build:wasm)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgan-wasm-'));
  try {
    const out = join(dir, 'recurrent.wasm');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const args = (pkg.scripts['build:wasm'] as string).split(/\s+/).slice(1);
    args[args.indexOf('-o') + 1] = out;
    execFileSync(process.execPath, [join(ROOT, 'node_modules/assemblyscript/bin/asc.js'), ...args], { cwd: ROOT, stdio: 'pipe' });
    assert.ok(readFileSync(out).equals(readFileSync(join(ROOT, 'wasm/recurrent.wasm'))), 'the shipped binary is stale: run npm run build:wasm');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
