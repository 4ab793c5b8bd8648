/**
 * Atomic, durable writes, and the checks that keep an output from destroying
 * anything but the previous output.
 *
 * Everything is written under a temporary name beside the target
 * (`.<name>.tmp-<pid>-…`), every file and directory is fsynced, and the result
 * is renamed into place; the parent directory is fsynced after the rename. A
 * file replaces its predecessor in one rename. A directory (`force`) replaces
 * its predecessor in three steps: the old one is renamed aside
 * (`.<name>.old-<pid>-…`), the new one renamed in, the old one deleted. A run
 * killed anywhere leaves at most such siblings; the next write to the same
 * target (see `recoverLeftovers`) puts a set-aside result back when the target
 * is missing, and removes what dead processes left.
 *
 * What an output may be (`checkOutFile`, `checkOutDir`): never a device, FIFO,
 * socket or symbolic link; never the same as, or a directory containing, one
 * of the command's inputs (compared by real path); its parent must be an
 * existing directory; an existing output of the wrong kind (a directory where a
 * file is written, a file where a directory is) is refused even with `force`.
 * With `previous: 'model'` (the CLI's model outputs) `force` replaces only an
 * empty directory or one that holds a tsgan.json or a checkpoint/ — a previous
 * output — never another directory.
 *
 * System errors (EACCES, ENOSPC, EROFS, …) become one-line TsganErrors naming
 * the target (`userErrorFromSystem`); a failed cleanup never hides the error
 * that caused it.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { TsganError } from '../errors.js';

let counter = 0;
function tempName(target: string, tag: 'tmp' | 'old'): string {
  const abs = resolve(target);
  return join(dirname(abs), `.${basename(abs)}.${tag}-${process.pid}-${Date.now()}-${counter++}`);
}

// ---------------------------------------------------------------- system errors

/** Plain words for the system errors a write (or read) can meet, and whose they are: 2 the user's path, 1 the environment. */
const SYSTEM_ERRORS: Record<string, [reason: string, exitCode: number]> = {
  EACCES: ['permission denied', 1],
  EPERM: ['operation not permitted', 1],
  EROFS: ['read-only file system', 1],
  ENOSPC: ['no space left on device', 1],
  EDQUOT: ['disk quota exceeded', 1],
  EFBIG: ['file too large', 1],
  EBUSY: ['resource busy (a mount point, or in use)', 1],
  ETXTBSY: ['file busy', 1],
  EMFILE: ['too many open files', 1],
  ENFILE: ['too many open files in the system', 1],
  EIO: ['input/output error', 1],
  EXDEV: ['cannot move across file systems', 1],
  ENOTEMPTY: ['directory not empty', 1],
  EAGAIN: ['resource temporarily unavailable', 1],
  ENOMEM: ['out of memory', 1],
  ENOTDIR: ['a part of the path is not a directory', 2],
  EISDIR: ['is a directory', 2],
  ENOENT: ['no such file or directory', 2],
  EEXIST: ['already exists', 2],
  ENAMETOOLONG: ['file name too long', 2],
  ELOOP: ['too many levels of symbolic links', 2],
  EINVAL: ['invalid argument', 2],
};

/** A Node.js system error (one with a `code` such as ENOSPC). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

const READS = new Set(['read', 'scandir', 'stat', 'lstat', 'fstat', 'readlink', 'realpath', 'access', 'opendir']);

/**
 * `path: cannot write: no space left on device (ENOSPC)` as a TsganError, exit 1
 * for the environment (permission, full or read-only disk, …) and 2 where the
 * path the user gave is wrong (ENOTDIR, ENOENT, …). `path` defaults to the
 * error's own; `action` to what its system call did.
 */
export function userErrorFromSystem(e: NodeJS.ErrnoException, path?: string, action?: string): TsganError {
  const code = e.code ?? 'EUNKNOWN';
  const [reason, exitCode] = SYSTEM_ERRORS[code] ?? [String(e.message).replace(/^E[A-Z0-9]+: /, '').split(/[,\n]/)[0], 1];
  const verb = action ?? (e.syscall && READS.has(e.syscall) ? 'cannot read' : e.syscall === 'open' ? 'cannot open' : 'cannot write');
  const where = path ?? e.path ?? (e as { dest?: string }).dest ?? '(unknown path)';
  const err = new TsganError(`${where}: ${verb}: ${reason} (${code})`, exitCode);
  (err as Error & { cause?: unknown }).cause = e; // TSGAN_DEBUG=1 prints its stack
  return err;
}

/** Runs `fn`; a system error becomes a one-line TsganError about `target`. */
function asUserError<T>(target: string, fn: () => T, action?: string): T {
  try {
    return fn();
  } catch (e) {
    throw isSystemError(e) ? userErrorFromSystem(e, target, action) : e;
  }
}

/** Removes `p`, ignoring every error: a cleanup must never hide the error it cleans up after. */
function removeQuietly(p: string): void {
  try {
    rmSync(p, { recursive: true, force: true });
  } catch {
    // left for recoverLeftovers on the next run
  }
}

// ---------------------------------------------------------------- durability

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (e) {
    if (isSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return null;
    throw e;
  }
}

/** Writes `data` to a new file (never through an existing name or link) and fsyncs it. */
function writeDurable(p: string, data: string | Uint8Array): void {
  const fd = openSync(p, 'wx', 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncs a directory's entries; file systems that cannot (EINVAL, EISDIR on some platforms) are let be. */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (e) {
    if (isSystemError(e) && (e.code === 'EISDIR' || e.code === 'EPERM' || e.code === 'EACCES')) return;
    throw e;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    if (!(isSystemError(e) && (e.code === 'EINVAL' || e.code === 'EBADF' || e.code === 'EPERM' || e.code === 'ENOTSUP'))) throw e;
  } finally {
    closeSync(fd);
  }
}

/** fsyncs every file and directory under `dir`, bottom-up, `dir` last. */
function fsyncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) fsyncTree(p);
    else if (e.isFile()) {
      const fd = openSync(p, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }
  fsyncDir(dir);
}

// ---------------------------------------------------------------- recovery

/** Whether a process with this id runs (EPERM: it does, under another user). */
function isLive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return !(isSystemError(e) && e.code === 'ESRCH');
  }
}

export interface Recovery {
  /** The set-aside result renamed back to the target. */
  restored?: string;
  /** Leftovers removed. */
  removed: string[];
}

/**
 * Cleans up after killed runs that wrote `target`: among its siblings
 * `.<name>.tmp-<pid>-…` and `.<name>.old-<pid>-…` of processes that no longer
 * run, the newest `.old-*` is renamed back when the target is missing (a
 * `--force` killed between its renames), and every other one is removed.
 * Leftovers of live processes (a concurrent run) are not touched. Runs at the
 * start of every check and write of a target.
 */
export function recoverLeftovers(target: string): Recovery {
  const abs = resolve(target);
  const parent = dirname(abs);
  const prefix = `.${basename(abs)}.`;
  const result: Recovery = { removed: [] };
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return result; // no parent (the checks say so) or unreadable: nothing to recover here
  }
  const stale: { name: string; tag: string; time: number; n: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(tmp|old)-(\d+)-(\d+)-(\d+)$/.exec(name.slice(prefix.length));
    if (!m || isLive(Number(m[2]))) continue;
    stale.push({ name, tag: m[1], time: Number(m[3]), n: Number(m[4]) });
  }
  if (stale.length === 0) return result;
  const olds = stale.filter((s) => s.tag === 'old').sort((a, b) => b.time - a.time || b.n - a.n);
  if (olds.length > 0 && lstatOrNull(abs) === null) {
    const p = join(parent, olds[0].name);
    renameSync(p, abs);
    fsyncDir(parent);
    result.restored = p;
    olds.shift();
  }
  for (const s of [...stale.filter((x) => x.tag === 'tmp'), ...olds]) {
    const p = join(parent, s.name);
    removeQuietly(p);
    result.removed.push(p);
  }
  return result;
}

// ---------------------------------------------------------------- checks

/** What an existing directory must hold for `force` to replace it. */
export type PreviousOutput = 'any' | 'model' | ((entries: string[]) => boolean);

export interface OutputCheckOptions {
  /** The flag that named the path, for the messages. */
  flag?: string;
  /**
   * The command's inputs, `[flag, path]` (undefined paths are skipped): the
   * output must not be one of them or a directory that contains one.
   */
  inputs?: [flag: string, path: string | undefined][];
  /**
   * Which existing directory `force` may replace: 'any' (the library default),
   * 'model' (empty, or holding tsgan.json or checkpoint/), or a test on its entries.
   */
  previous?: PreviousOutput;
  /** Say what the directory replaced with `force` is expected to be, in the refusal. */
  previousName?: string;
  /** For a file: the `format` of the tsgan JSON file written (a schema's "tsgan-schema"); `force` replaces only a file of that format. Without it, only a file that is not a tsgan file. */
  format?: string;
}

function kindOf(st: Stats): string | null {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return null;
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/**
 * Whether a directory is tsgan's own output, to be replaced by --force: empty,
 * or a model directory (a tsgan.json of format "tsgan-model") or a training
 * checkpoint (checkpoint/state.json), holding nothing but its own entries —
 * network directories (each with a model.json), samples/ and checkpoint/.
 * Anything else (another program's checkpoint, a user's files) is kept.
 */
function isModelOutput(dir: string, entries: string[]): boolean {
  if (entries.length === 0) return true;
  const isDir = (p: string) => lstatOrNull(p)?.isDirectory() === true;
  const isFile = (p: string) => lstatOrNull(p)?.isFile() === true;
  const model = isFile(join(dir, 'tsgan.json')) && readsAsModel(join(dir, 'tsgan.json'));
  const checkpoint = isDir(join(dir, 'checkpoint')) && isFile(join(dir, 'checkpoint', 'state.json'));
  if (!model && !checkpoint) return false;
  return entries.every((e) => e === 'tsgan.json' || e === 'checkpoint' || e === 'samples' || (isDir(join(dir, e)) && isFile(join(dir, e, 'model.json'))));
}

/** A tsgan.json that says it is one (read at most 128 MiB; no full validation: this only decides whether --force may replace it). */
function readsAsModel(file: string): boolean {
  try {
    if (statSync(file).size > 128 * 2 ** 20) return false;
    return (JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown })?.format === 'tsgan-model';
  } catch {
    return false;
  }
}

/**
 * The checks every output shares; returns the target's lstat (null when absent).
 * Recovers leftovers of killed runs first, so that a set-aside result is back
 * before it is judged.
 */
function checkTarget(path: string, want: 'file' | 'dir', force: boolean, opts: OutputCheckOptions): Stats | null {
  const flag = opts.flag ?? '--out';
  if (path === '') throw new TsganError(`${flag} is empty; give a path`);
  if (path.includes('\0')) throw new TsganError(`${flag}: the path contains a NUL byte`);
  const abs = resolve(path);
  const parent = dirname(abs);
  if (parent === abs) throw new TsganError(`${path}: is the root directory; choose another ${flag}`);
  if (want === 'file' && /[/\\]$/.test(path)) {
    throw new TsganError(`${path}: ends with "/", which names a directory; ${flag} takes a file name`);
  }
  let pst: Stats;
  try {
    pst = statSync(parent);
  } catch (e) {
    if (isSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) {
      throw new TsganError(`${path}: parent directory ${parent} does not exist`);
    }
    throw isSystemError(e) ? userErrorFromSystem(e, path, 'cannot check') : e;
  }
  if (!pst.isDirectory()) throw new TsganError(`${path}: ${parent} is not a directory`);
  asUserError(path, () => recoverLeftovers(abs));
  const st = asUserError(path, () => lstatOrNull(abs));

  // Never the input, nor a directory around it: compared by real path (symbolic links resolved).
  const realOut = st && !st.isSymbolicLink() ? realOrResolved(abs) : join(realOrResolved(parent), basename(abs));
  const realTarget = st?.isSymbolicLink() ? realOrResolved(abs) : realOut;
  for (const [inFlag, input] of opts.inputs ?? []) {
    if (input === undefined || input === '') continue;
    const realIn = realOrResolved(input);
    for (const out of new Set([realOut, realTarget])) {
      if (realIn === out) throw new TsganError(`${path}: is the ${inFlag} input ${input}; choose another ${flag} (tsgan never writes over its input)`);
      if (realIn.startsWith(out.endsWith(sep) ? out : out + sep)) {
        throw new TsganError(`${path}: contains the ${inFlag} input ${input}; choose another ${flag} (tsgan never writes over its input)`);
      }
      // A new file beside a model's own is harmless; replacing one of an input's files is not.
      if (st !== null && out.startsWith(realIn.endsWith(sep) ? realIn : realIn + sep)) {
        throw new TsganError(`${path}: is inside the ${inFlag} input ${input}; choose another ${flag} (tsgan never replaces a file of its input, even with --force)`);
      }
    }
  }
  if (st === null) return null;
  const odd = kindOf(st);
  if (odd) throw new TsganError(`${path}: is ${odd}; ${flag} must name a regular ${want === 'file' ? 'file' : 'directory'} (not replaced, even with --force)`);
  if (want === 'file' && st.isDirectory()) throw new TsganError(`${path}: is a directory; ${flag} takes a file name (not replaced, even with --force)`);
  if (want === 'dir' && !st.isDirectory()) {
    throw new TsganError(`${path}: exists and is not a directory; ${flag} names a directory to write (a file is not replaced, even with --force)`);
  }
  return st;
}

/**
 * Throws unless `dir` can be written as a result: absent, empty, or (with
 * `force`) a directory of the kind `opts.previous` allows, which is then
 * replaced whole.
 */
export function checkOutDir(dir: string, force: boolean, flag = '--out', opts: OutputCheckOptions = {}): void {
  const o = { ...opts, flag: opts.flag ?? flag };
  const st = checkTarget(dir, 'dir', force, o);
  if (st === null) return;
  const entries = asUserError(dir, () => readdirSync(dir));
  if (entries.length === 0) return;
  if (!force) throw new TsganError(`${dir}: exists and is not empty; choose another ${o.flag} or pass --force to overwrite it`);
  const previous = o.previous ?? 'any';
  const ok = previous === 'any' || (previous === 'model' ? isModelOutput(dir, entries) : previous(entries));
  if (!ok) {
    const what = o.previousName ?? (previous === 'model' ? 'a tsgan model directory (a tsgan.json or a checkpoint, and nothing else)' : 'a previous output of this command');
    throw new TsganError(`${dir}: is not ${what}; --force replaces only a previous output; choose another ${o.flag} or empty it yourself`);
  }
  const cwd = realOrResolved(process.cwd());
  const real = realOrResolved(dir);
  if (cwd === real || cwd.startsWith(real + sep)) {
    throw new TsganError(`${dir}: contains the current directory; --force would replace it; run tsgan from elsewhere or choose another ${o.flag}`);
  }
}

/** Throws unless `file` can be written: absent, or a regular file and `force`. */
export function checkOutFile(file: string, force: boolean, flag = '--out', opts: OutputCheckOptions = {}): void {
  const o = { ...opts, flag: opts.flag ?? flag };
  const st = checkTarget(file, 'file', force, o);
  if (st === null) return;
  if (!force) throw new TsganError(`${file}: exists; choose another ${o.flag} or pass --force to overwrite it`);
  // --force replaces a previous output of the same kind only: never a model's file, nor a tsgan file of another kind.
  const model = modelDirAround(resolve(file));
  if (model !== null) throw new TsganError(`${file}: is a file of the model directory ${model}; ${o.flag} never replaces it, even with --force`);
  const format = tsganFormat(resolve(file), st.size);
  if (format !== (opts.format ?? null)) {
    throw new TsganError(`${file}: is ${format !== null ? `a ${format} file` : `not a ${opts.format} file`}; --force replaces only a previous output of the same kind (choose another ${o.flag})`);
  }
}

/** The model directory (holding tsgan.json or a checkpoint) that `file` is in, up to two levels up (a network's model.json), or null. */
function modelDirAround(file: string): string | null {
  for (let dir = dirname(file), k = 0; k < 2; dir = dirname(dir), k++) {
    if (existsSync(join(dir, 'tsgan.json')) || existsSync(join(dir, 'checkpoint', 'state.json'))) return dir;
  }
  return null;
}

/** The `format` key of a tsgan JSON file ("tsgan-model", "tsgan-schema", …), or null for any other file. */
function tsganFormat(file: string, size: number): string | null {
  if (size > 16 * 2 ** 20) return null;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown };
    return typeof v?.format === 'string' && v.format.startsWith('tsgan') ? v.format : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- writes

/**
 * A new temporary directory beside `target` (`.<name>.tmp-<pid>-…`) to build a
 * result in; `commitDir` moves it into place, `discardDir` removes it. It is
 * removed if the process ends or is interrupted (SIGINT, SIGTERM, SIGHUP)
 * before either, and otherwise by a later run's `recoverLeftovers`.
 */
export function createStagingDir(target: string): string {
  const tmp = tempName(target, 'tmp');
  asUserError(target, () => {
    recoverLeftovers(target);
    mkdirSync(tmp);
  }, 'cannot write');
  track(tmp);
  return tmp;
}

/** Removes a staging directory (errors ignored). */
export function discardDir(tmp: string): void {
  untrack(tmp);
  removeQuietly(tmp);
}

/**
 * Moves a complete staging directory to `target` (checked as by `checkOutDir`
 * with `force`): fsyncs its tree, renames it in, replacing a previous result
 * whole, and fsyncs the parent. On failure the staging directory is removed
 * and the previous result is left in place.
 */
export function commitDir(tmp: string, target: string, force: boolean, opts: OutputCheckOptions = {}): void {
  try {
    checkOutDir(target, force, opts.flag, opts);
    asUserError(target, () => {
      fsyncTree(tmp);
      replaceWith(target, tmp, true);
    }, 'cannot write');
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  } finally {
    untrack(tmp);
  }
}

/**
 * Writes a set of files (relative path → contents) as one directory,
 * atomically and durably; with `force`, a previous `dir` is replaced whole.
 */
export function writeDirAtomic(
  dir: string,
  files: Map<string, string | Uint8Array>,
  force: boolean,
): void {
  checkOutDir(dir, force);
  const tmp = tempName(dir, 'tmp');
  try {
    asUserError(dir, () => {
      mkdirSync(tmp);
      const dirs = new Set<string>();
      for (const [rel, data] of files) {
        const p = join(tmp, rel);
        if (!resolve(p).startsWith(resolve(tmp) + sep)) throw new TsganError(`${dir}: refusing to write "${rel}" outside the directory`);
        mkdirSync(dirname(p), { recursive: true });
        for (let d = dirname(p); d !== tmp && d.startsWith(tmp); d = dirname(d)) dirs.add(d);
        writeDurable(p, data);
      }
      for (const d of [...dirs].sort((a, b) => b.length - a.length)) fsyncDir(d);
      fsyncDir(tmp);
      replaceWith(dir, tmp, true);
    }, 'cannot write');
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
}

/** Writes one file atomically and durably; with `force`, a previous regular file is replaced. */
export function writeFileAtomic(file: string, data: string | Uint8Array, force: boolean, opts: OutputCheckOptions = {}): void {
  checkOutFile(file, force, opts.flag, opts);
  const tmp = tempName(file, 'tmp');
  try {
    asUserError(file, () => {
      writeDurable(tmp, data);
      replaceWith(file, tmp, false);
    }, 'cannot write');
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
}

/**
 * Moves `tmp` to `target` and fsyncs the parent. A file replaces its
 * predecessor in one rename. A directory: the old one is renamed aside, the new
 * one in, and the old one deleted (if the process dies between the two renames,
 * `recoverLeftovers` renames the old one back).
 */
function replaceWith(target: string, tmp: string, isDir: boolean): void {
  const parent = dirname(resolve(target));
  if (!isDir || lstatOrNull(target) === null) {
    renameSync(tmp, target);
    fsyncDir(parent);
    return;
  }
  const old = tempName(target, 'old');
  renameSync(target, old);
  try {
    renameSync(tmp, target);
  } catch (e) {
    try {
      renameSync(old, target); // put the previous result back
    } catch {
      // recoverLeftovers restores it on the next run
    }
    throw e;
  }
  fsyncDir(parent);
  removeQuietly(old);
}

// ---------------------------------------------------------------- interrupted runs

const staging = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const handlers = new Map<NodeJS.Signals, () => void>();

function cleanupAll(): void {
  for (const d of staging) removeQuietly(d);
  staging.clear();
}

function track(dir: string): void {
  staging.add(dir);
  if (handlers.size > 0) return;
  process.on('exit', cleanupAll);
  for (const sig of SIGNALS) {
    const h = () => {
      cleanupAll();
      releaseHandlers();
      // With no other listener, end as the signal would have: its default action.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
}

function releaseHandlers(): void {
  for (const [sig, h] of handlers) process.removeListener(sig, h);
  handlers.clear();
  process.removeListener('exit', cleanupAll);
}

function untrack(dir: string): void {
  staging.delete(dir);
  if (staging.size === 0) releaseHandlers();
}
