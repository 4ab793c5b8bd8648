/**
 * Options declared once: help and docs/options.md come from the declarations,
 * the defaults objects agree with them, and the CLI's checks speak each
 * flag's declared range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, STOCK_CSV, tempDir } from './helpers.js';
import { optionsReference, trainHelp } from '../src/cli/train.js';
import { allTrainOptions, runDefaults, trainOptions, modelNames } from '../src/registry.js';
import { RGAN_DEFAULTS } from '../src/models/rgan.js';
import { TIMEGAN_DEFAULTS } from '../src/models/timegan.js';
import { VAEGAN_DEFAULTS } from '../src/models/vaegan.js';
import { DENSE_GAN_DEFAULTS } from '../src/models/dense-gan.js';
import { DGAN_DEFAULTS } from '../src/models/dgan.js';

test('docs/options.md is the one the declarations make (run node dist/tools/options-doc.js after changing an option)', () => {
  assert.equal(readFileSync(join(ROOT, 'docs/options.md'), 'utf8'), optionsReference());
});

test('every flag of tsgan train is in its help once per section, with its declared default', () => {
  const help = trainHelp();
  for (const d of allTrainOptions()) {
    if (!d.flag) continue;
    assert.match(help, new RegExp(`--(\\[no-\\])?${d.flag}\\b`), d.flag);
  }
  assert.match(help, /--iterations N .*\(default 10000; rgan\s+1000; vaegan\s+1000; dense-gan 5000; dgan\s+2000\)/s);
  assert.match(help, /--beta1 X .*\(default 0\.9; rgan 0\.5; vaegan 0\.5;\s+dense-gan 0\.5; dgan 0\.5\)/s);
});

test("the models' defaults objects are the declarations' defaults", () => {
  const cases: [string, Record<string, unknown>][] = [['rgan', RGAN_DEFAULTS], ['timegan', TIMEGAN_DEFAULTS], ['vaegan', VAEGAN_DEFAULTS], ['dense-gan', DENSE_GAN_DEFAULTS], ['dgan', DGAN_DEFAULTS]];
  for (const [model, defaults] of cases) {
    for (const d of trainOptions(model)) {
      if (d.target !== 'model' || d.default === undefined) continue;
      assert.deepEqual(defaults[d.name], d.default, `${model}: ${d.name}`);
    }
  }
  assert.equal(TIMEGAN_DEFAULTS.beta1, 0.9);
  assert.equal(RGAN_DEFAULTS.beta1, 0.5);
  assert.equal(runDefaults('timegan').iterations, 10000);
  assert.equal(runDefaults('rgan').seqLen, 24);
  assert.deepEqual(modelNames(), ['timegan', 'rgan', 'vaegan', 'dense-gan', 'dgan']);
});

test('a flag is checked against its declaration, and one the model does not take names the models that do', async () => {
  const out = join(tempDir(), 'm');
  const cases: [string[], RegExp][] = [
    [['--layers', '0'], /--layers must be an integer ≥ 1, got "0"/],
    [['--beta1', '1'], /--beta1 must be a number in \[0, 1\), got "1"/],
    [['--lr-g', '0'], /--lr-g must be a positive number, got "0"/],
    [['--model', 'rgan', '--gamma', '-1'], /--gamma applies to --model timegan only/],
    [['--model', 'timegan', '--gamma', '-1'], /--gamma must be a number ≥ 0, got "-1"/],
    [['--loss', 'mse'], /--loss must be one of bce, lsgan, hinge, wgan-gp, got "mse"/],
    [['--g-hidden', '8'], /--g-hidden applies to --model dense-gan only/],
    [['--model', 'dense-gan', '--cell', 'gru'], /--cell applies to --model timegan, rgan, vaegan and dgan only/],
    [['--model', 'dense-gan', '--feature-matching'], /--feature-matching applies to --model timegan, rgan and vaegan only/],
    [['--model', 'timegan', '--bidirectional', '--no-bidirectional'], /--bidirectional and --no-bidirectional contradict each other/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(['train', '--data', STOCK_CSV, '--out', out, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
  }
});
