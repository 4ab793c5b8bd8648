/** `tsgan train`: CSV → trained model directory. */
import { trainFromCsv, trainDenseGan } from '../pipeline.js';
import { TsganError } from '../errors.js';
import type { ModelMeta } from '../io/model-dir.js';
import { CELL_TYPES } from '../nn/recurrent.js';
import { CORRELATION_PAIRS, MOMENT_LOSSES } from '../models/timegan.js';
import { progressBar } from '../train/callbacks.js';
import type { Callback } from '../train/loop.js';
import { parse, flags, noPositionals, required, str, int, seed, num, nonNegative, oneOf, list, type Values } from './args.js';
import { checkOutDir } from '../io/atomic.js';
import { readTrainingCheckpoint, resumeTraining } from '../resume.js';
import { LOSS_NAMES } from '../losses/gan.js';
import { startEngine } from './engine.js';
import { EVAL_METRICS, type EvalMetricName } from '../train/evaluator.js';
import { stdout, stderr } from './io.js';

export const TRAIN_HELP = `Usage: tsgan train --data FILE.csv --out DIR [options]

Trains a GAN and writes a model directory: a recurrent GAN on the numeric
columns of a CSV (--model rgan, the default, or --model timegan), or the
classic dense GAN on handwritten digits or fixed-width vectors
(--model dense-gan).

Data:
  --data FILE          CSV with a header row (required); dense-gan also takes 'mnist'
  --columns a,b,c      feature columns (default: every numeric column)
  --id-column NAME     column that names the series of each row (panel data)
  --seq-len N          steps per window (default 24)
  --stride N           rows between window starts (default 1)
Model:
  --model rgan|timegan|dense-gan  model type (default rgan)
  --cell gru|lstm|rnn  recurrent cell (default gru)
  --layers N           recurrent layers (default 3)
  --hidden N           units per layer (default 24)
  --noise-dim N        noise values per step (default: number of features)
  --noise uniform|normal  noise distribution (default uniform)
TimeGAN (--model timegan; Yoon et al. 2019, the reference code's settings):
  --iterations N       joint-phase iterations (default 10000, as the reference code;
                       27–45 minutes in all on 2 cores)
  --embedding-iterations N   autoencoder phase (default: --iterations)
  --supervised-iterations N  supervisor phase (default: --iterations)
  --gamma X            weight of the latent adversarial terms (default 1)
  --lr-e X             embedder/recovery learning rate (default 0.001)
  --d-threshold X      update D only while its loss is above X (default 0.15)
  --g-steps N          generator updates per joint iteration (default 2)
  --no-bidirectional   D reads each latent sequence forward only, as the reference
                       code's (default: both ways, the paper's D; see BENCHMARKS.md)
  --moment-loss moments|quantiles|sliced  G's data-space term: the reference's
                       mean and std per step and feature; the distance between
                       their whole distributions (1-D Wasserstein); or that
                       distance along each feature and each pair's diagonals,
                       which sees how features move together (default sliced;
                       moments is the reference code's)
  --sliced-loss W      add W × that sliced distance beside --moment-loss's term
                       (default 0: off)
  --increment-loss W   add W × the same distance between the real and synthetic
                       step-to-step changes of each feature: how much the series
                       move within a window (default 100; 0: off, as the
                       reference code)
  --corr-loss W        add W × the squared difference of the real and synthetic
                       batches' correlations between a window's values (steps and
                       features), on the pairs --corr-pairs picks (default 100; 0:
                       off, as the reference code)
  --corr-pairs weak|all|cross  weak: the pairs whose |correlation| over the
                       training windows is below --corr-threshold (values the data
                       has independent; none in Stocks, so the term is off there);
                       all; or only values of different features (default weak)
  --corr-threshold R   the bound for weak pairs (default 0.3)
  --ema D              (default 0.999 here: G → S → R is saved as its moving average;
                       0 saves the last weights, as the reference code)
  (defaults there: --beta1 0.9, --lr-g/--lr-d 0.001)
Dense GAN (--model dense-gan):
  --noise-dim N        noise values, N(0, 1) (default 100)
  --g-hidden a,b       generator hidden sizes (default 128,128)
  --d-hidden a,b       discriminator hidden sizes (default 128,128)
  --image-shape HxW    a CSV row seen as an image, for PNG grids (mnist: 28x28)
  --sample-every N     write DIR/samples/iter-N.png every N iterations (default 500)
  (defaults there: --iterations 5000, --lr-g/--lr-d 0.0002, --beta1 0.5, --batch-size 128)
Training:
  --iterations N       training iterations (default 1000; timegan 10000)
  --batch-size N       sequences per batch (default 128)
  --d-steps N          discriminator steps per generator step (default 1)
  --lr-g X             generator learning rate (default 0.001)
  --lr-d X             discriminator learning rate (default 0.001)
  --beta1 X            Adam β1 of both optimisers (default 0.5)
  --seed N             seed for weights, noise and batches, an integer in
                       [0, 4294967295] (default 0)
Stability toolkit (rgan, timegan; dense-gan too except --feature-matching):
  --loss bce|lsgan|hinge|wgan-gp  objective (default bce; wgan-gp: 5 critic steps)
  --gp-weight X        WGAN-GP penalty weight λ (default 10)
  --label-smoothing X  one-sided: D's real target is 1 − X (default 0)
  --instance-noise X   N(0, X²) noise on D's inputs, annealed to 0 (default 0)
  --clip-norm X        clip each network's gradient to this global norm (default off)
  --feature-matching   G matches D's hidden features on real data (Salimans et al. 2016)
  --pac N              PacGAN: D judges packs of N samples (default 1)
  --ema D              sample and save a moving average of the generator's weights,
                       decay D per update, e.g. 0.999 (Yazıcı et al. 2019; default off,
                       timegan 0.999)
  --chrono             chrono-initialised gates (GRU/LSTM) against vanishing gradients
  --layer-norm         layer-normalised cells (Ba et al. 2016); runs on tf ops, not the
                       fused kernels (several times slower)
  --lr-g, --lr-d       two time-scale learning rates (TTUR): set them apart
Monitors:
  --diversity-every N  measure generator diversity, warn on mode collapse (default 100; 0 off)
  --grad-steps-every N record D's gradient per time step (default 100; 0 off)
Evaluation (rgan, timegan: from the joint phase on):
  --eval-every N       every N iterations, measure samples against a held-out 20 % of
                       the data (blocks of time), record it in the history, and save the
                       best checkpoint instead of the last (default: off)
  --eval-metric M      what "best" means: mmd (default), coverage, or discriminative
                       (TimeGAN's score: a few seconds per evaluation)
Output:
  --out DIR            model directory to write (required)
  --checkpoint-every N write the whole training state to DIR/checkpoint/ every N
                       iterations (default: every 5 minutes of training; 0: never).
                       Ctrl-C writes one too and stops; DIR holds only the
                       checkpoint until the finished model replaces it
  --resume DIR         go on with the training checkpointed in DIR (no other
                       option: the checkpoint holds them); writes the same files
                       as a run straight through
  --force              replace a previous model directory in --out (one holding a
                       tsgan.json; never another directory or the data)
  --backend wasm|cpu   TF.js backend (default wasm)
`;

export async function trainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('train', args, flags(
    [
      ...['data', 'out', 'columns', 'id-column', 'seq-len', 'stride', 'seed', 'backend'],
      ...['model', 'cell', 'layers', 'hidden', 'noise-dim', 'noise', 'g-hidden', 'd-hidden', 'image-shape', 'sample-every'],
      ...['iterations', 'batch-size', 'd-steps', 'lr-g', 'lr-d', 'beta1'],
      ...['loss', 'gp-weight', 'label-smoothing', 'instance-noise', 'clip-norm', 'pac', 'ema'],
      ...['gamma', 'lr-e', 'd-threshold', 'g-steps', 'embedding-iterations', 'supervised-iterations', 'moment-loss', 'sliced-loss', 'increment-loss', 'corr-loss', 'corr-pairs', 'corr-threshold'],
      ...['eval-every', 'eval-metric', 'diversity-every', 'grad-steps-every', 'checkpoint-every', 'resume'],
    ],
    ['force', 'feature-matching', 'chrono', 'layer-norm', 'bidirectional', 'no-bidirectional'],
  ));

  if (values.help) {
    stdout().write(TRAIN_HELP);
    return 0;
  }
  noPositionals('train', positionals);
  if (values.resume !== undefined) return resumeCommand(values);
  const data = required('train', values, 'data');
  const out = required('train', values, 'out');
  const model = oneOf(values, 'model', ['rgan', 'timegan', 'dense-gan'] as const) ?? 'rgan';
  // --force replaces only a previous model directory, never the data or a directory around it.
  checkOutDir(out, Boolean(values.force), '--out', { inputs: [['--data', model === 'dense-gan' && data === 'mnist' ? undefined : data]], previous: 'model' });
  if (model === 'dense-gan') return trainDenseCommand(values, data, out);
  if (model !== 'timegan') {
    for (const k of TIMEGAN_ONLY) if (values[k] !== undefined) throw new TsganError(`--${k} applies to --model timegan only`);
  }
  for (const k of ['g-hidden', 'd-hidden', 'image-shape', 'sample-every']) {
    if (values[k] !== undefined) throw new TsganError(`--${k} applies to --model dense-gan only`);
  }
  const opts = {
    data,
    out,
    columns: list(values, 'columns'),
    idColumn: str(values, 'id-column'),
    seqLen: int(values, 'seq-len'),
    stride: int(values, 'stride'),
    iterations: int(values, 'iterations'),
    seed: seed(values),
    force: Boolean(values.force),
    modelType: model,
    evalEvery: int(values, 'eval-every'),
    diversityEvery: int(values, 'diversity-every', 0),
    gradStepsEvery: int(values, 'grad-steps-every', 0),
    evalMetric: oneOf(values, 'eval-metric', Object.keys(EVAL_METRICS) as EvalMetricName[]),
    checkpointEvery: int(values, 'checkpoint-every', 0),
    model: {
      cell: oneOf(values, 'cell', CELL_TYPES),
      layers: int(values, 'layers'),
      hidden: int(values, 'hidden'),
      noiseDim: int(values, 'noise-dim'),
      noise: oneOf(values, 'noise', ['uniform', 'normal'] as const),
      chrono: values.chrono ? true : undefined,
      layerNorm: values['layer-norm'] ? true : undefined,
      gamma: nonNegative(values, 'gamma'),
      lrE: num(values, 'lr-e'),
      dThreshold: nonNegative(values, 'd-threshold'),
      gSteps: int(values, 'g-steps'),
      bidirectional: bidirectional(values),
      momentLoss: oneOf(values, 'moment-loss', MOMENT_LOSSES),
      slicedLoss: nonNegative(values, 'sliced-loss'),
      incrementLoss: nonNegative(values, 'increment-loss'),
      correlationLoss: nonNegative(values, 'corr-loss'),
      correlationPairs: oneOf(values, 'corr-pairs', CORRELATION_PAIRS),
      correlationThreshold: num(values, 'corr-threshold'),
      embeddingIterations: int(values, 'embedding-iterations', 0),
      supervisedIterations: int(values, 'supervised-iterations', 0),
      ...ganTrainingOptions(values),
    },
  };
  await startEngine(values);
  const meta = await onInterrupt((interrupt) => trainFromCsv({ ...opts, ...progress(), interrupt }));
  report(meta, `${meta.data.windows} windows of ${meta.data.seqLen} × ${meta.features.length} (${meta.features.join(', ')})`, out);
  return 0;
}

/** `tsgan train --resume DIR`: every other option comes from the checkpoint. */
async function resumeCommand(values: Values): Promise<number> {
  const dir = required('train', values, 'resume');
  const others = Object.keys(values).filter((k) => values[k] !== undefined && k !== 'resume');
  if (others.length > 0) throw new TsganError(`--resume takes no other option (the checkpoint holds the run's), got --${others[0]}`);
  const checkpoint = readTrainingCheckpoint(dir);
  await startEngine({ backend: checkpoint.backend });
  const meta = await onInterrupt((interrupt) => resumeTraining(dir, { ...progress(), interrupt, checkpoint }));
  report(meta, `${meta.data.windows} windows of ${meta.data.seqLen} × ${meta.features.length} (${meta.features.join(', ')})`, dir);
  return 0;
}

/**
 * Runs a training with Ctrl-C (and SIGTERM) turned into a request: the run
 * writes a checkpoint after the current iteration and stops. A second Ctrl-C
 * ends the process at once.
 */
async function onInterrupt<T>(run: (interrupt: { requested: boolean }) => Promise<T>): Promise<T> {
  const interrupt = { requested: false };
  const handler = (sig: NodeJS.Signals) => {
    if (interrupt.requested) process.kill(process.pid, sig === 'SIGTERM' ? 'SIGKILL' : sig);
    interrupt.requested = true;
    process.removeListener(sig, handler);
    stderr().write(`\ntsgan: ${sig}: writing a checkpoint after this iteration (again to stop at once)\n`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await run(interrupt);
  } finally {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  }
}

/** The training options every GAN shares. */
function ganTrainingOptions(values: Values) {
  return {
    batchSize: int(values, 'batch-size'),
    dSteps: int(values, 'd-steps'),
    lrG: num(values, 'lr-g'),
    lrD: num(values, 'lr-d'),
    beta1: num(values, 'beta1'),
    loss: oneOf(values, 'loss', LOSS_NAMES),
    gpWeight: nonNegative(values, 'gp-weight'),
    labelSmoothing: nonNegative(values, 'label-smoothing'),
    instanceNoise: nonNegative(values, 'instance-noise'),
    clipNorm: nonNegative(values, 'clip-norm'),
    featureMatching: values['feature-matching'] ? true : undefined,
    pac: int(values, 'pac'),
    ema: nonNegative(values, 'ema'),
  };
}

const TIMEGAN_ONLY = ['gamma', 'lr-e', 'd-threshold', 'g-steps', 'embedding-iterations', 'supervised-iterations', 'bidirectional', 'no-bidirectional', 'moment-loss', 'sliced-loss', 'increment-loss', 'corr-loss', 'corr-pairs', 'corr-threshold'];

/** --bidirectional (the default) or --no-bidirectional; undefined leaves the model's default. */
function bidirectional(values: Values): boolean | undefined {
  if (values.bidirectional && values['no-bidirectional']) throw new TsganError('--bidirectional and --no-bidirectional contradict each other; give one');
  return values['no-bidirectional'] ? false : values.bidirectional ? true : undefined;
}

/** A fresh bar for each training; notices (a collapse warning, an evaluation) go above it, where they stay on screen. */
function progress(): { onNotice: (m: string) => void; callbacks: Callback[] } {
  const bar = progressBar({ stream: stderr(), show: ['phase', 'eLoss', 'sLoss', 'dLoss', 'gLoss', 'dAccReal', 'dAccFake'] });
  return { onNotice: (m) => bar.write(m), callbacks: [bar] };
}

function report(meta: ModelMeta, what: string, out: string): void {
  const last = (k: string) => meta.history.metrics[k]?.at(-1)?.toFixed(4);
  stdout().write(
    `trained ${meta.model} on ${what} for ${meta.iterations} iterations in ${meta.trainingSeconds.toFixed(1)} s; ` +
      `dLoss ${last('dLoss')}, gLoss ${last('gLoss')}\n` +
      (meta.checkpoint ? `saved the best checkpoint: iteration ${meta.checkpoint.iteration} (${meta.checkpoint.metric} ${meta.checkpoint.value.toFixed(4)})\n` : '') +
      `model written to ${out}\n`,
  );
}

async function trainDenseCommand(values: Values, data: string, out: string): Promise<number> {
  for (const k of ['cell', 'layers', 'hidden', 'noise', 'seq-len', 'stride', 'id-column', 'checkpoint-every', 'eval-every', 'eval-metric', 'feature-matching', 'chrono', 'layer-norm', 'diversity-every', 'grad-steps-every', ...TIMEGAN_ONLY]) {
    if (values[k] !== undefined) throw new TsganError(`--${k} applies to --model rgan and timegan only`);
  }
  const shape = str(values, 'image-shape');
  let imageShape: [number, number] | undefined;
  if (shape !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(shape);
    if (!m) throw new TsganError(`--image-shape must look like 28x28, got "${shape}"`);
    imageShape = [Number(m[1]), Number(m[2])];
  }
  const sizes = (name: string) =>
    list(values, name)?.map((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new TsganError(`--${name} must be positive integers separated by commas, got "${str(values, name)}"`);
      return n;
    });
  const opts = {
    data,
    out,
    columns: list(values, 'columns'),
    imageShape,
    iterations: int(values, 'iterations'),
    sampleEvery: int(values, 'sample-every', 0),
    seed: seed(values),
    force: Boolean(values.force),
    model: {
      noiseDim: int(values, 'noise-dim'),
      gHidden: sizes('g-hidden'),
      dHidden: sizes('d-hidden'),
      ...ganTrainingOptions(values),
    },
  };
  await startEngine(values);
  const meta = await trainDenseGan({ ...opts, ...progress() });
  report(meta, `${meta.data.windows} items of ${meta.features.length} values (${meta.data.file})`, out);
  return 0;
}
