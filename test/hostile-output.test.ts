/**
 * Hostile flags and output paths (issue 29, items 3, 6, 7, 10, 12, 13): every
 * case is refused in one line `tsgan: error: …` with its exit code, and nothing
 * outside the intended output changes — the test directory's listing, file
 * contents, link targets and kinds are the same before and after. Plus the
 * translation of system errors, the recovery of what killed runs leave, and
 * dense-gan's staging directory on SIGINT and on a NaN stop.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { engine, tempDir, runCli, STOCK_CSV, BIN, ROOT } from './helpers.js';
import { checkOutDir, checkOutFile, recoverLeftovers, userErrorFromSystem, writeDirAtomic, writeFileAtomic, isSystemError } from '../src/io/atomic.js';
import { TsganError } from '../src/errors.js';
import { joinNegativeValues } from '../src/cli/args.js';

// The fastest model: these are the CLI's contract, which every model shares.
const TINY = ['--model', 'rgan', '--layers', '1', '--hidden', '4', '--batch-size', '8', '--iterations', '2', '--seq-len', '4'];
const DENSE = ['--model', 'dense-gan', '--image-shape', '2x3', '--batch-size', '8', '--g-hidden', '8', '--d-hidden', '8', '--noise-dim', '4'];

let R = '';
let server: Server | null = null;

/** Kind, and contents or link target, of everything under dir (links are not followed, FIFOs not opened). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(r, `link → ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(r, 'dir');
        walk(p, r);
      } else if (st.isFile()) out.set(r, `file ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
      else out.set(r, `special ${st.mode.toString(8)} ${st.rdev}`);
    }
  };
  walk(dir, '');
  return out;
}

/** stderr without the engine's banner and progress lines, which are not errors. */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.replace(/\r/g, '').replace(/^.*\u001b\[[0-9;]*[A-Za-z]/, ''))
    .filter((l) => l.trim() !== '' && !l.startsWith('tsgan: TensorFlow.js') && !/^(train|eval|classify) \d/.test(l));
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  assert.equal(r.status, 0);
  return r.pid!;
}

before(async () => {
  await engine();
  R = tempDir();
  mkdirSync(join(R, 'data'));
  copyFileSync(STOCK_CSV, join(R, 'data/stock.csv'));
  const t = await runCli(['train', '--data', join(R, 'data/stock.csv'), ...TINY, '--out', join(R, 'M')]);
  assert.equal(t.code, 0, t.stderr);
  const s = await runCli(['sample', '--model', join(R, 'M'), '--count', '4', '--out', join(R, 'synth.csv')]);
  assert.equal(s.code, 0, s.stderr);
  writeFileSync(join(R, 'file.txt'), 'precious\n');
  mkdirSync(join(R, 'plain-dir'));
  writeFileSync(join(R, 'plain-dir/notes.txt'), 'not a tsgan output\n');
  mkdirSync(join(R, 'charts-odd-charts'));
  writeFileSync(join(R, 'charts-odd-charts/notes.txt'), 'not a chart\n');
  writeFileSync(join(R, 'charts-file-charts'), 'a file where the charts directory goes\n');
  assert.equal(spawnSync('mknod', [join(R, 'chardev'), 'c', '1', '3']).status, 0, 'mknod (the tests run as root)');
  assert.equal(spawnSync('mkfifo', [join(R, 'fifo')]).status, 0, 'mkfifo');
  server = createServer();
  await new Promise<void>((ok) => server!.listen(join(R, 'socket'), ok));
  server.unref();
  symlinkSync(join(R, 'chardev'), join(R, 'link-to-chardev'));
  symlinkSync(join(R, 'file.txt'), join(R, 'link-to-file'));
  symlinkSync(join(R, 'M'), join(R, 'link-to-model'));
  symlinkSync(join(R, 'data/stock.csv'), join(R, 'link-to-data.csv'));
  symlinkSync(join(R, 'nowhere'), join(R, 'dangling'));
  const labelled = ['id,label,x,y'];
  for (let i = 0; i < 12; i++) for (let t = 0; t < 4; t++) labelled.push(`${i},${'ab'[i % 2]},${i * 0.1 + t},${t * t}`);
  writeFileSync(join(R, 'labelled.csv'), labelled.join('\n') + '\n');
  mkdirSync(join(R, 'tf-ckpt'));
  writeFileSync(join(R, 'tf-ckpt/checkpoint'), 'model_checkpoint_path: "ckpt-100"\n');
  writeFileSync(join(R, 'tf-ckpt/ckpt-100.index'), 'precious\n');
  mkdirSync(join(R, 'stray'));
  writeFileSync(join(R, 'stray/tsgan.json'), '{}\n');
  writeFileSync(join(R, 'stray/thesis.tex'), 'precious\n');
  cpSync(join(R, 'M'), join(R, 'model-plus'), { recursive: true });
  writeFileSync(join(R, 'model-plus/notes.txt'), 'precious\n');
  // A copy of the model to run from (its own directory as cwd).
  cpSync(join(R, 'M'), join(R, 'cwd-model'), { recursive: true });
});

interface Case {
  name: string;
  args: () => string[];
  code: number | number[];
  pattern: RegExp;
  /** Run the real binary (environment variables, cwd). */
  bin?: { env?: Record<string, string>; cwd?: () => string };
}

const M = () => join(R, 'M');
const D = () => join(R, 'data/stock.csv');
const sample = (out: string, ...more: string[]) => ['sample', '--model', M(), '--count', '3', '--out', out, ...more];
const train = (out: string, ...more: string[]) => ['train', '--data', D(), ...TINY, '--out', out, ...more];
const evalArgs = (...more: string[]) => ['eval', '--real', D(), '--synthetic', join(R, 'synth.csv'), '--seq-len', '4', '--quick', ...more];

const CASES: Case[] = [
  // Special files are never replaced, even with --force.
  { name: 'sample --out a character device --force', args: () => sample(join(R, 'chardev'), '--force'), code: 2, pattern: /chardev: is a character device; --out must name a regular file/ },
  { name: 'sample --out a FIFO --force', args: () => sample(join(R, 'fifo'), '--force'), code: 2, pattern: /fifo: is a FIFO \(named pipe\)/ },
  { name: 'sample --out a socket --force', args: () => sample(join(R, 'socket'), '--force'), code: 2, pattern: /socket: is a socket/ },
  { name: 'sample --out a link to a device --force', args: () => sample(join(R, 'link-to-chardev'), '--force'), code: 2, pattern: /link-to-chardev: is a symbolic link/ },
  { name: 'sample --out a link to a file --force', args: () => sample(join(R, 'link-to-file'), '--force'), code: 2, pattern: /link-to-file: is a symbolic link/ },
  { name: 'sample --out a dangling link', args: () => sample(join(R, 'dangling')), code: 2, pattern: /dangling: is a symbolic link/ },
  { name: 'train --out a character device --force', args: () => train(join(R, 'chardev'), '--force'), code: 2, pattern: /chardev: is a character device/ },
  { name: 'train --out a link to the model --force', args: () => train(join(R, 'link-to-model'), '--force'), code: 2, pattern: /link-to-model: is a symbolic link/ },
  { name: 'eval --json a character device --force', args: () => evalArgs('--json', join(R, 'chardev'), '--force'), code: 2, pattern: /chardev: is a character device/ },
  // Never an input, nor a directory around one (real paths compared).
  { name: 'sample --out the model directory --force', args: () => sample(M(), '--force'), code: 2, pattern: /M: is the --model input .*M; choose another --out/ },
  { name: 'sample --out a directory holding the model --force', args: () => sample(R, '--force'), code: 2, pattern: /contains the --model input/ },
  { name: 'train --out the data file --force', args: () => train(D(), '--force'), code: 2, pattern: /stock\.csv: is the --data input/ },
  { name: 'train --out the data\'s directory --force', args: () => train(join(R, 'data'), '--force'), code: 2, pattern: /data: contains the --data input .*stock\.csv/ },
  { name: 'train --out an ancestor of the data --force', args: () => train(R, '--force'), code: 2, pattern: /contains the --data input/ },
  { name: 'train --data through a link, --out the real data', args: () => ['train', '--data', join(R, 'link-to-data.csv'), ...TINY, '--out', D(), '--force'], code: 2, pattern: /stock\.csv: is the --data input .*link-to-data\.csv/ },
  { name: 'eval --json the real data --force', args: () => evalArgs('--json', D(), '--force'), code: 2, pattern: /stock\.csv: is the --real input/ },
  { name: 'eval --json the synthetic data --force', args: () => evalArgs('--json', join(R, 'synth.csv'), '--force'), code: 2, pattern: /synth\.csv: is the --synthetic input/ },
  { name: 'eval --json the model directory --force', args: () => evalArgs('--model', M(), '--json', M(), '--force'), code: 2, pattern: /M: is the --model input/ },
  { name: 'eval --json and --report the same file', args: () => evalArgs('--json', join(R, 'r.html'), '--report', join(R, 'r.html')), code: 2, pattern: /--json and --report name the same file/ },
  { name: 'classify train --out the data --force', args: () => ['classify', 'train', '--data', D(), '--label-column', 'Open', '--out', D(), '--force'], code: 2, pattern: /stock\.csv: is the --data input/ },
  { name: 'classify predict --out the model --force', args: () => ['classify', 'predict', '--model', M(), '--data', D(), '--out', M(), '--force'], code: 2, pattern: /M: is the --model input/ },
  // The wrong kind of existing output, even with --force.
  { name: 'sample --out an existing directory --force', args: () => sample(join(R, 'plain-dir'), '--force'), code: 2, pattern: /plain-dir: is a directory; --out takes a file name/ },
  { name: 'train --out an existing file --force', args: () => train(join(R, 'file.txt'), '--force'), code: 2, pattern: /file\.txt: exists and is not a directory/ },
  { name: 'train --out a directory that is not a tsgan output --force', args: () => train(join(R, 'plain-dir'), '--force'), code: 2, pattern: /plain-dir: is not a tsgan model directory \(a tsgan\.json or a checkpoint, and nothing else\); --force replaces only a previous output/ },
  { name: "train --out another program's checkpoint directory --force", args: () => train(join(R, 'tf-ckpt'), '--force'), code: 2, pattern: /tf-ckpt: is not a tsgan model directory/ },
  { name: 'train --out a directory with a stray tsgan.json and other files --force', args: () => train(join(R, 'stray'), '--force'), code: 2, pattern: /stray: is not a tsgan model directory/ },
  { name: 'train --out a model directory a user added files to --force', args: () => train(join(R, 'model-plus'), '--force'), code: 2, pattern: /model-plus: is not a tsgan model directory/ },
  // Never into an input directory.
  { name: 'sample --out a file inside the model --force', args: () => sample(join(R, 'M/tsgan.json'), '--force'), code: 2, pattern: /tsgan\.json: is inside the --model input .*M; choose another --out/ },
  { name: 'eval --json a file inside the model --force', args: () => evalArgs('--model', M(), '--json', join(R, 'M/generator/model.json'), '--force'), code: 2, pattern: /model\.json: is inside the --model input/ },
  { name: 'classify predict --out a file inside the model --force', args: () => ['classify', 'predict', '--model', M(), '--data', D(), '--out', join(R, 'M/tsgan.json'), '--force'], code: 2, pattern: /tsgan\.json: is inside the --model input/ },
  // Sizes the saved config's schema refuses are refused as flags too.
  { name: 'train --layers 65', args: () => train(join(R, 'big'), '--layers', '65'), code: 2, pattern: /--layers must be in \[1, 64\], got 65/ },
  { name: 'train --batch-size 2000000', args: () => train(join(R, 'big'), '--batch-size', '2000000'), code: 2, pattern: /--batch-size must be in \[1, 1048576\], got 2000000/ },
  { name: 'train --d-steps 1001', args: () => train(join(R, 'big'), '--d-steps', '1001'), code: 2, pattern: /--d-steps must be in \[1, 1000\], got 1001/ },
  { name: 'classify train --hidden 12000', args: () => ['classify', 'train', '--data', join(R, 'labelled.csv'), '--label-column', 'label', '--id-column', 'id', '--hidden', '12000', '--iterations', '1', '--out', join(R, 'big-c')], code: 2, pattern: /--hidden must be in \[1, 4096\], got 12000/ },
  { name: 'classify train --lr 1e300', args: () => ['classify', 'train', '--data', join(R, 'labelled.csv'), '--label-column', 'label', '--id-column', 'id', '--hidden', '4', '--iterations', '1', '--lr', '1e300', '--out', join(R, 'diverged-c')], code: 1, pattern: /labelled\.csv: the trained classifier network's weight 0 holds NaN or Infinity .*no model was written/ },
  // Data files: regular files of bounded size only.
  { name: 'train --data a character device', args: () => ['train', '--data', join(R, 'chardev'), ...TINY, '--out', join(R, 'from-dev')], code: 2, pattern: /chardev: is not a regular file/ },
  { name: 'train --data a FIFO', args: () => ['train', '--data', join(R, 'fifo'), ...TINY, '--out', join(R, 'from-fifo')], code: 2, pattern: /fifo: is not a regular file/ },
  { name: 'eval --report whose charts directory holds other files --force', args: () => evalArgs('--report', join(R, 'charts-odd.html'), '--force'), code: 2, pattern: /charts-odd-charts: is not a previous report's charts directory/ },
  { name: 'eval --report whose charts directory is a file --force', args: () => evalArgs('--report', join(R, 'charts-file.html'), '--force'), code: 2, pattern: /charts-file-charts: exists and is not a directory/ },
  { name: 'demo --out a directory that is not a demo\'s --force', args: () => ['demo', '--out', join(R, 'plain-dir'), '--force'], code: 2, pattern: /plain-dir: is not a previous tsgan demo directory/ },
  { name: 'sample --out an existing file without --force', args: () => sample(join(R, 'file.txt')), code: 2, pattern: /file\.txt: exists; choose another --out or pass --force/ },
  // Paths that cannot name the output.
  { name: 'sample --out with a trailing slash', args: () => sample(join(R, 'newdir') + '/'), code: 2, pattern: /newdir\/: ends with "\/", which names a directory; --out takes a file name/ },
  { name: 'sample --out in a missing directory', args: () => sample(join(R, 'missing/s.csv')), code: 2, pattern: /missing\/s\.csv: parent directory .*missing does not exist/ },
  { name: 'sample --out under a file', args: () => sample(join(R, 'file.txt/s.csv')), code: 2, pattern: /file\.txt\/s\.csv: .*file\.txt is not a directory/ },
  { name: 'train --out under a file', args: () => train(join(R, 'file.txt/m')), code: 2, pattern: /file\.txt\/m: .*file\.txt is not a directory/ },
  { name: 'train --out in a missing directory', args: () => train(join(R, 'a/b/m')), code: 2, pattern: /parent directory .*a\/b does not exist/ },
  { name: 'train --out / --force', args: () => train('/', '--force'), code: 2, pattern: /\/: is the root directory/ },
  { name: 'train --out . --force from inside a model directory', args: () => ['train', '--data', D(), ...TINY, '--out', '.', '--force'], code: 2, pattern: /\.: contains the current directory/, bin: { cwd: () => join(R, 'cwd-model') } },
  { name: 'train --out an empty name', args: () => train(''), code: 2, pattern: /--out is required/ },
  // Seeds: integers in [0, 2³² − 1] only.
  ...['-1', '1.5', '4294967296', 'abc', '4294967297', '1e3', ' 7x'].map((s): Case => ({
    name: `sample --seed "${s}"`,
    args: () => sample(join(R, 'seeded.csv'), `--seed=${s}`),
    code: 2,
    pattern: new RegExp(`--seed must be an integer in \\[0, 4294967295\\], got "${s.replace('.', '\\.')}"`),
  })),
  { name: 'train --seed -2', args: () => train(join(R, 'seeded'), '--seed', '-2'), code: 2, pattern: /--seed must be an integer in \[0, 4294967295\], got "-2"/ },
  { name: 'eval --seed 4294967297', args: () => evalArgs('--seed', '4294967297'), code: 2, pattern: /--seed must be an integer in \[0, 4294967295\], got "4294967297"/ },
  { name: 'classify train --seed -1', args: () => ['classify', 'train', '--data', D(), '--label-column', 'Open', '--out', join(R, 'c'), '--seed', '-1'], code: 2, pattern: /--seed must be an integer in \[0, 4294967295\], got "-1"/ },
  { name: 'demo --seed 0.5', args: () => ['demo', '--out', join(R, 'demo'), '--seed', '0.5'], code: 2, pattern: /--seed must be an integer in \[0, 4294967295\], got "0\.5"/ },
  // Negative values in the spaced form reach the option's own check.
  { name: 'train --iterations -5', args: () => train(join(R, 'neg'), '--iterations', '-5'), code: 2, pattern: /--iterations must be an integer ≥ 1, got "-5"/ },
  { name: 'train --lr-g -0.1', args: () => train(join(R, 'neg'), '--lr-g', '-0.1'), code: 2, pattern: /--lr-g must be a positive number, got "-0\.1"/ },
  { name: 'sample --count -3', args: () => ['sample', '--model', M(), '--count', '-3', '--out', join(R, 'neg.csv')], code: 2, pattern: /--count must be an integer ≥ 1, got "-3"/ },
  { name: 'train --hidden -.5', args: () => train(join(R, 'neg'), '--hidden', '-.5'), code: 2, pattern: /--hidden must be an integer ≥ 1, got "-\.5"/ },
  // Divergence: the weights are checked after the last update, before anything is saved.
  { name: 'train --lr-g 1e300 --iterations 1', args: () => train(join(R, 'diverged'), '--lr-g', '1e300', '--iterations', '1'), code: 1, pattern: /: the trained generator network's weight 0 holds NaN or Infinity .*no model was written/ },
  { name: 'train dense-gan --lr-g 1e300 --iterations 1', args: () => ['train', '--data', D(), ...DENSE, '--iterations', '1', '--lr-g', '1e300', '--out', join(R, 'diverged-dense')], code: 1, pattern: /: the trained generator network's weight 0 holds NaN or Infinity .*no model was written/ },
  // Sizes.
  { name: 'sample --count 1000000000', args: () => ['sample', '--model', M(), '--count', '1000000000', '--out', join(R, 'huge.csv')], code: 2, pattern: /--count 1000000000\b.*reduce --count/ },
  // The environment.
  { name: 'TSGAN_THREADS=abc', args: () => sample(join(R, 'env.csv')), code: 2, pattern: /^tsgan: error: TSGAN_THREADS must be a positive integer \(tsgan uses 1 or 2 threads\), got "abc"/, bin: { env: { TSGAN_THREADS: 'abc' } } },
  { name: 'TSGAN_THREADS=0', args: () => sample(join(R, 'env.csv')), code: 2, pattern: /TSGAN_THREADS must be a positive integer .*got "0"/, bin: { env: { TSGAN_THREADS: '0' } } },
  { name: 'TSGAN_THREADS=1.5', args: () => sample(join(R, 'env.csv')), code: 2, pattern: /TSGAN_THREADS must be a positive integer .*got "1\.5"/, bin: { env: { TSGAN_THREADS: '1.5' } } },
  { name: 'TSGAN_FUSED=yes', args: () => sample(join(R, 'env.csv')), code: 2, pattern: /TSGAN_FUSED must be 0 \(off\) or 1 \(on\), got "yes"/, bin: { env: { TSGAN_FUSED: 'yes' } } },
  // Real system errors, outside the test directory: one line, no stack trace.
  { name: 'sample --out in /sys (not writable, even by root)', args: () => sample('/sys/tsgan-test.csv'), code: [1, 2], pattern: /\/sys\/tsgan-test\.csv: cannot write: .* \(E[A-Z]+\)$/, bin: {} },
  { name: 'sample --out in /proc (not writable, even by root)', args: () => sample('/proc/tsgan-test.csv'), code: [1, 2], pattern: /\/proc\/tsgan-test\.csv: cannot write: .* \(E[A-Z]+\)$/ },
  { name: 'train --out in /proc', args: () => train('/proc/tsgan-test-model'), code: [1, 2], pattern: /\/proc\/tsgan-test-model: cannot write: .* \(E[A-Z]+\)$/ },
];

test(`${CASES.length} hostile flags and output paths: one line, the exit code, nothing changed`, async () => {
  assert.ok(CASES.length >= 35, `${CASES.length} cases`);
  for (const c of CASES) {
    const before = snapshot(R);
    const args = c.args();
    const r = c.bin ? runBinEnv(args, c.bin.env ?? {}, c.bin.cwd?.() ?? ROOT) : await runCli(args);
    const codes = Array.isArray(c.code) ? c.code : [c.code];
    assert.ok(codes.includes(r.code), `${c.name}: exit code ${r.code}, expected ${codes.join(' or ')} (stderr: ${r.stderr})`);
    const lines = errorLines(r.stderr);
    assert.equal(lines.length, 1, `${c.name}: one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(lines[0], /^tsgan: error: /, c.name);
    assert.match(lines[0], c.pattern, c.name);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${c.name}: no stack trace`);
    assert.deepEqual(snapshot(R), before, `${c.name}: nothing changed`);
  }
  assert.equal(existsSync('/sys/tsgan-test.csv') || existsSync('/proc/tsgan-test.csv'), false);
});

function runBinEnv(args: string[], env: Record<string, string>, cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TSGAN_DEBUG: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('TSGAN_DEBUG=1 adds the stack trace to an environment failure; without it, one line', () => {
  const plain = runBinEnv(sample('/sys/tsgan-test.csv'), {}, ROOT);
  assert.equal(errorLines(plain.stderr).length, 1, plain.stderr);
  const debug = runBinEnv(sample('/sys/tsgan-test.csv'), { TSGAN_DEBUG: '1' }, ROOT);
  assert.equal(debug.code, plain.code);
  assert.match(debug.stderr, /^tsgan: error: \/sys\/tsgan-test\.csv: cannot write/m);
  assert.match(debug.stderr, /\n\s+at /, 'a stack trace with TSGAN_DEBUG=1');
});

test('system errors become one line naming the path, in plain words, exit 1 for the environment and 2 for the path', () => {
  const sys = (code: string, syscall = 'open', path = '/x/tmp') => Object.assign(new Error(`${code}: boom, ${syscall} '${path}'`), { code, syscall, path });
  const cases: [string, RegExp, number][] = [
    ['EACCES', /^M: cannot write: permission denied \(EACCES\)$/, 1],
    ['EPERM', /^M: cannot write: operation not permitted \(EPERM\)$/, 1],
    ['EROFS', /^M: cannot write: read-only file system \(EROFS\)$/, 1],
    ['ENOSPC', /^M: cannot write: no space left on device \(ENOSPC\)$/, 1],
    ['EDQUOT', /^M: cannot write: disk quota exceeded \(EDQUOT\)$/, 1],
    ['EBUSY', /^M: cannot write: resource busy .*\(EBUSY\)$/, 1],
    ['EIO', /^M: cannot write: input\/output error \(EIO\)$/, 1],
    ['EMFILE', /^M: cannot write: too many open files \(EMFILE\)$/, 1],
    ['ENOTDIR', /^M: cannot write: a part of the path is not a directory \(ENOTDIR\)$/, 2],
    ['EISDIR', /^M: cannot write: is a directory \(EISDIR\)$/, 2],
    ['ENOENT', /^M: cannot write: no such file or directory \(ENOENT\)$/, 2],
    ['EEXIST', /^M: cannot write: already exists \(EEXIST\)$/, 2],
    ['EWHATEVER', /^M: cannot write: boom \(EWHATEVER\)$/, 1],
  ];
  for (const [code, pattern, exit] of cases) {
    const e = sys(code);
    assert.ok(isSystemError(e));
    const u = userErrorFromSystem(e, 'M', 'cannot write');
    assert.ok(u instanceof TsganError);
    assert.match(u.message, pattern, code);
    assert.equal(u.exitCode, exit, code);
    assert.ok(!u.message.includes('\n'));
  }
  // Without a path or an action: the error's own path, and a verb from its system call.
  assert.equal(userErrorFromSystem(sys('EACCES', 'scandir', '/a/b')).message, '/a/b: cannot read: permission denied (EACCES)');
  assert.equal(userErrorFromSystem(sys('ENOSPC', 'write', '/a/c')).message, '/a/c: cannot write: no space left on device (ENOSPC)');
  assert.equal(isSystemError(new Error('plain')), false);
});

test('a write that fails names the target, not the temporary path, and leaves nothing behind', () => {
  // Real failures: /proc and /sys take no new files, even from root.
  for (const target of ['/proc/tsgan-x.csv', '/sys/tsgan-x.csv']) {
    assert.throws(() => writeFileAtomic(target, 'x', false), (e: unknown) => e instanceof TsganError && e.message.startsWith(`${target}: cannot write: `) && !e.message.includes('.tmp-'));
    assert.throws(() => writeDirAtomic(`${target}-dir`, new Map([['a', 'b']]), false), (e: unknown) => e instanceof TsganError && e.message.startsWith(`${target}-dir: cannot write: `));
  }
  // A failure half-way through a directory: the first error is reported and the temporary directory removed.
  const root = tempDir();
  assert.throws(() => writeDirAtomic(join(root, 'd'), new Map<string, string>([['a', 'x'], ['a/b', 'y']]), false), /d: cannot write: .*\((EEXIST|ENOTDIR)\)/);
  assert.deepEqual(readdirSync(root), []);
});

test('checks refuse special files, inputs and wrong kinds at the library level too', () => {
  assert.throws(() => checkOutFile(join(R, 'chardev'), true), /is a character device/);
  assert.throws(() => checkOutDir(join(R, 'fifo'), true), /is a FIFO/);
  assert.throws(() => checkOutFile(join(R, 'x.csv'), false, '--json', { inputs: [['--real', join(R, 'x.csv')]] }), /x\.csv: is the --real input/);
  assert.throws(() => checkOutDir(join(R, 'plain-dir'), true, '--out', { previous: 'model' }), /is not a tsgan model directory/);
  checkOutDir(join(R, 'M'), true, '--out', { previous: 'model' }); // a previous model: may be replaced
  checkOutDir(join(R, 'plain-dir'), true); // the library's default: the caller decides
  assert.deepEqual(joinNegativeValues(['--iterations', '-5', '--force', '-h', '--x', '-1e3'], { iterations: { type: 'string' }, x: { type: 'string' }, force: { type: 'boolean' } }), [
    '--iterations=-5',
    '--force',
    '-h',
    '--x=-1e3',
  ]);
  assert.deepEqual(joinNegativeValues(['--force', '-5'], { force: { type: 'boolean' } }), ['--force', '-5']);
});

test('recovery: a --force killed between its renames gets the previous result back; stale temporaries are removed', () => {
  const root = tempDir();
  const pid = deadPid();
  const m = join(root, 'm');
  // Killed between the two renames: the old model aside, the new one complete, --out missing.
  mkdirSync(join(root, `.m.old-${pid}-1000-0`));
  writeFileSync(join(root, `.m.old-${pid}-1000-0/tsgan.json`), 'previous');
  mkdirSync(join(root, `.m.old-${pid}-900-0`));
  writeFileSync(join(root, `.m.old-${pid}-900-0/tsgan.json`), 'older');
  mkdirSync(join(root, `.m.tmp-${pid}-1001-1`));
  writeFileSync(join(root, `.m.tmp-${pid}-1001-1/tsgan.json`), 'new');
  // A concurrent run's (a live process) and unrelated names are not touched.
  const live = process.ppid;
  mkdirSync(join(root, `.m.tmp-${live}-1-0`));
  writeFileSync(join(root, `.m.tmp-nope`), 'not ours');
  writeFileSync(join(root, `.mm.tmp-${pid}-1-0`), 'another target');
  // The next run's check restores the previous model, removes the rest, then refuses the existing --out.
  assert.throws(() => checkOutDir(m, false), /m: exists and is not empty/);
  assert.equal(readFileSync(join(m, 'tsgan.json'), 'utf8'), 'previous');
  assert.deepEqual(readdirSync(root).sort(), [`.m.tmp-${live}-1-0`, `.m.tmp-nope`, `.mm.tmp-${pid}-1-0`, 'm'].sort());

  // The target exists: stale set-aside and temporary copies are removed, and --force replaces it whole.
  mkdirSync(join(root, `.m.old-${pid}-2000-0`));
  writeFileSync(join(root, `.m.tmp-${pid}-2001-0`), 'half a file');
  writeDirAtomic(m, new Map([['tsgan.json', 'newest']]), true);
  assert.equal(readFileSync(join(m, 'tsgan.json'), 'utf8'), 'newest');
  assert.deepEqual(readdirSync(root).sort(), [`.m.tmp-${live}-1-0`, `.m.tmp-nope`, `.mm.tmp-${pid}-1-0`, 'm'].sort());

  // A file target: a stale temporary file goes; a killed run's never-renamed file is not the result.
  const f = join(root, 'x.csv');
  writeFileSync(join(root, `.x.csv.tmp-${pid}-5-0`), 'half');
  const rec = recoverLeftovers(f);
  assert.deepEqual(rec.removed, [join(root, `.x.csv.tmp-${pid}-5-0`)]);
  assert.equal(rec.restored, undefined);
  writeFileAtomic(f, 'a,b\n', false);
  assert.equal(readFileSync(f, 'utf8'), 'a,b\n');
});

test('recovery through the CLI: sample after a killed --force finds the previous file back and does not overwrite it', async () => {
  const root = tempDir();
  const pid = deadPid();
  writeFileSync(join(root, `.s.csv.old-${pid}-7-0`), 'previous samples\n');
  const r = await runCli(sample(join(root, 's.csv')));
  assert.equal(r.code, 2);
  assert.match(errorLines(r.stderr)[0], /s\.csv: exists; choose another --out or pass --force/);
  assert.deepEqual(readdirSync(root), ['s.csv']);
  assert.equal(readFileSync(join(root, 's.csv'), 'utf8'), 'previous samples\n');
});

test('--force replaces a previous model whole: a stale TimeGAN embedder/ does not survive (rgan and dense-gan)', async () => {
  const root = tempDir();
  for (const [name, extra] of [['rgan', TINY], ['dense', [...DENSE, '--iterations', '3', '--sample-every', '1']]] as const) {
    const out = join(root, name);
    mkdirSync(join(out, 'embedder'), { recursive: true });
    writeFileSync(join(out, 'tsgan.json'), '{"format": "tsgan-model", "model": "timegan"}');
    writeFileSync(join(out, 'embedder/model.json'), '{}');
    const r = await runCli(['train', '--data', STOCK_CSV, ...extra, '--out', out, '--force']);
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(out).sort();
    assert.ok(!files.includes('embedder'), `${name}: ${files.join(', ')}`);
    assert.ok(files.includes('tsgan.json') && files.includes('generator'));
    if (name === 'dense') assert.deepEqual(readdirSync(join(out, 'samples')), ['iter-000000.png', 'iter-000001.png', 'iter-000002.png', 'iter-000003.png']);
  }
  assert.deepEqual(readdirSync(root).sort(), ['dense', 'rgan']);
});

test('dense-gan: a NaN stop leaves no --out and no temporary directory', async () => {
  const root = tempDir();
  const out = join(root, 'X');
  const r = await runCli(['train', '--data', STOCK_CSV, ...DENSE, '--iterations', '50', '--sample-every', '1', '--lr-g', '1e30', '--lr-d', '1e30', '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(errorLines(r.stderr)[0], /^tsgan: error: .*NaN.*no model was written/);
  assert.deepEqual(readdirSync(root), []);
});

test('dense-gan: SIGINT during training leaves no --out and no temporary directory; the next run is not refused', async () => {
  const root = tempDir();
  const out = join(root, 'X');
  const child = spawn(process.execPath, [BIN, 'train', '--data', STOCK_CSV, ...DENSE, '--iterations', '1000000', '--sample-every', '5', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += String(b)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  const t0 = Date.now();
  // Wait until it trains and its staging directory holds progress grids.
  for (;;) {
    const stage = readdirSync(root).find((n) => n.startsWith('.X.tmp-'));
    if (/train \d+\/1000000/.test(stderr) && stage && existsSync(join(root, stage, 'samples/iter-000010.png'))) break;
    assert.ok(Date.now() - t0 < 30_000, `no progress: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(existsSync(out), false, 'nothing in place while training');
  child.kill('SIGINT');
  const { code, signal } = await exited;
  assert.ok(signal === 'SIGINT' || code !== 0, `stopped (code ${code}, signal ${signal})`);
  assert.deepEqual(readdirSync(root), [], 'no --out and no .X.tmp-* left');
  const again = await runCli(['train', '--data', STOCK_CSV, ...DENSE, '--iterations', '2', '--sample-every', '1', '--out', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(readdirSync(root), ['X']);
});

test('an internal error in the real binary is one line, with the stack trace only under TSGAN_DEBUG=1', () => {
  // A genuine non-user error: stdout's write throws (installed before tsgan starts).
  const hook = '--import=data:text/javascript,process.stdout.write=()=>{throw new TypeError("boom")}';
  const run = (debug: string) => spawnSync(process.execPath, [hook, BIN, '--version'], { encoding: 'utf8', env: { ...process.env, TSGAN_DEBUG: debug } });
  const plain = run('');
  assert.equal(plain.status, 1);
  assert.equal(plain.stderr, 'tsgan: internal error: boom (set TSGAN_DEBUG=1 for the stack trace)\n');
  const debug = run('1');
  assert.equal(debug.status, 1);
  assert.match(debug.stderr, /^tsgan: internal error: TypeError: boom\n\s+at /);
});
