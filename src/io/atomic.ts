/**
 * Atomic writes: everything is written under a temporary name beside the
 * target and renamed into place, so that a killed run never leaves a
 * half-written model or CSV, and an existing result is replaced only when the
 * caller says so (`--force`).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TsganError } from '../errors.js';

let counter = 0;
function tempName(target: string, tag: string): string {
  const abs = resolve(target);
  return join(dirname(abs), `.${basename(abs)}.${tag}-${process.pid}-${Date.now()}-${counter++}`);
}

/** Throws unless `dir` can be written as a result: absent, empty, or `force`. */
export function checkOutDir(dir: string, force: boolean, flag = '--out'): void {
  if (!existsSync(dir)) {
    const parent = dirname(resolve(dir));
    if (!existsSync(parent)) throw new TsganError(`${dir}: parent directory ${parent} does not exist`);
    return;
  }
  const st = statSync(dir);
  if (!st.isDirectory()) {
    if (force) return;
    throw new TsganError(`${dir}: exists and is a file; choose another ${flag} or pass --force to replace it`);
  }
  if (readdirSync(dir).length > 0 && !force) {
    throw new TsganError(`${dir}: exists and is not empty; choose another ${flag} or pass --force to overwrite it`);
  }
}

/** Throws unless `file` can be written: absent, or `force`. */
export function checkOutFile(file: string, force: boolean, flag = '--out'): void {
  const parent = dirname(resolve(file));
  if (!existsSync(parent)) throw new TsganError(`${file}: directory ${parent} does not exist`);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new TsganError(`${file}: is a directory`);
    if (!force) throw new TsganError(`${file}: exists; choose another ${flag} or pass --force to overwrite it`);
  }
}

/**
 * Writes a set of files (relative path → contents) as one directory,
 * atomically. With `merge`, `dir` may already hold other files of the same
 * run (progress samples): each top-level entry is moved in on its own, the
 * one named `last` after all others, so that it marks a complete result.
 */
export function writeDirAtomic(dir: string, files: Map<string, string | Uint8Array>, force: boolean, merge?: { last: string }): void {
  if (!merge) checkOutDir(dir, force);
  const tmp = tempName(dir, 'tmp');
  try {
    mkdirSync(tmp, { recursive: true });
    for (const [rel, data] of files) {
      const p = join(tmp, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data);
    }
    if (merge) {
      mkdirSync(dir, { recursive: true });
      const entries = readdirSync(tmp).sort((a, b) => Number(a === merge.last) - Number(b === merge.last));
      for (const e of entries) replaceWith(join(dir, e), join(tmp, e));
      rmSync(tmp, { recursive: true, force: true });
    } else {
      replaceWith(dir, tmp);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Writes one file atomically. */
export function writeFileAtomic(file: string, data: string | Uint8Array, force: boolean): void {
  checkOutFile(file, force);
  const tmp = tempName(file, 'tmp');
  try {
    writeFileSync(tmp, data);
    replaceWith(file, tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Moves `tmp` to `target`; an existing target is set aside first and removed only after. */
function replaceWith(target: string, tmp: string): void {
  if (!existsSync(target)) {
    renameSync(tmp, target);
    return;
  }
  const old = tempName(target, 'old');
  renameSync(target, old);
  try {
    renameSync(tmp, target);
  } catch (e) {
    renameSync(old, target); // put the previous result back
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
