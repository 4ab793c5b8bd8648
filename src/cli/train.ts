/** `tsgan train`: CSV → trained model directory. */
import { trainFromCsv, trainDenseGan, type TrainCsvOptions, type TrainDenseOptions } from '../pipeline.js';
import { TsganError } from '../errors.js';
import { trainTable, type TrainTableOptions } from '../table-pipeline.js';
import type { ModelMeta } from '../io/model-dir.js';
import { progressBar } from '../train/callbacks.js';
import type { Callback } from '../train/loop.js';
import { parse, flags, noPositionals, required, oneOf, type Values } from './args.js';
import { helpSections, optionsMarkdown, parseOption, modelsPhrase, type HelpSection, type OptionDecl, type OptionValues } from '../config/options.js';
import { modelNames, allTrainOptions, trainOptions, modelsTaking, modelEntry } from '../registry.js';
import { checkOutDir } from '../io/atomic.js';
import { readTrainingCheckpoint, resumeTraining } from '../resume.js';
import { startEngine } from './engine.js';
import { stdout, stderr } from './io.js';

const SECTION_ORDER = ['Data', 'Model', 'TimeGAN', 'Dense GAN', 'Whole-entity GAN', 'Training', 'Stability toolkit', 'Monitors', 'Evaluation', 'Output'];

/** The help sections in their order; a registered model's own sections come before Training. */
function sections(decls: readonly OptionDecl[]): HelpSection[] {
  const extra = [...new Set(decls.map((d) => d.section))].filter((s) => !SECTION_ORDER.includes(s));
  const at = SECTION_ORDER.indexOf('Training');
  return [...SECTION_ORDER.slice(0, at), ...extra, ...SECTION_ORDER.slice(at)].map((name) => ({ name }));
}

const HELP_INTRO = `Usage: tsgan train --data FILE.csv --out DIR [options]
       tsgan train --resume DIR

Trains a GAN and writes a model directory: a recurrent GAN on the numeric
columns of a CSV (--model timegan, the default; the plain recurrent GAN
--model rgan; or the VAE-GAN hybrid --model vaegan), the classic dense GAN
on handwritten digits or fixed-width vectors (--model dense-gan), or a
whole-entity GAN on a table of entities with
static attributes, typed columns, missing cells and their own lengths
(--model dgan). Every option is documented in docs/options.md.

`;

const RESUME: OptionDecl = {
  name: 'resume',
  flag: 'resume',
  kind: { type: 'text' },
  target: 'run',
  metavar: 'DIR',
  section: 'Output',
  doc: 'go on with the training checkpointed in DIR (no other option: the checkpoint holds them); writes the same files as a run straight through',
};

/** Every option of `tsgan train`, --resume included. */
function helpOptions(): OptionDecl[] {
  const all = allTrainOptions();
  return [...all, { ...RESUME, models: all.find((d) => d.name === 'checkpointEvery')?.models }];
}

/** `tsgan train --help`, made from the option declarations. */
export function trainHelp(): string {
  const decls = helpOptions();
  return HELP_INTRO + helpSections(decls, sections(decls));
}

/** docs/options.md, made from the option declarations (a test keeps the file current). */
export function optionsReference(): string {
  return (
    '# Options of `tsgan train`\n\nGenerated from the option declarations (`src/registry.ts` and the model specs) by `node dist/tools/options-doc.js`; `tsgan train --help` shows the same.\n' +
    'The library name is the key in `TrainCsvOptions` (run options) or in the model config (`tsgan.json`\'s `config`).\n\n' +
    optionsMarkdown(helpOptions(), sections(helpOptions()))
  );
}

export async function trainCommand(args: string[]): Promise<number> {
  const all = allTrainOptions();
  const strings = [...new Set(all.filter((d) => d.flag && d.kind.type !== 'boolean').map((d) => d.flag!)), 'resume'];
  const booleans = [...new Set(all.filter((d) => d.flag && d.kind.type === 'boolean').flatMap((d) => (d.kind.type === 'boolean' && d.kind.negatable ? [d.flag!, `no-${d.flag}`] : [d.flag!])))];
  const { values, positionals } = parse('train', args, flags(strings, booleans));

  if (values.help) {
    stdout().write(trainHelp());
    return 0;
  }
  noPositionals('train', positionals);
  if (values.resume !== undefined) return resumeCommand(values);
  const data = required('train', values, 'data');
  const out = required('train', values, 'out');
  const model = oneOf(values, 'model', modelNames()) ?? modelNames()[0];
  const { run, config } = optionValues(values, model);
  delete run.backend; // the engine's, not the run's
  const entry = modelEntry(model);
  const vectors = entry.learns === 'vectors';
  const builtIn = entry.builtInData !== undefined && Object.hasOwn(entry.builtInData, data);
  // --force replaces only a previous model directory, never the data or a directory around it.
  checkOutDir(out, Boolean(values.force), '--out', { inputs: [['--data', builtIn ? undefined : data], ['--schema', run.schema as string | undefined]], previous: 'model' });
  await startEngine(values);
  if (entry.learns === 'tables') {
    const meta = await onInterrupt((interrupt) => trainTable({ ...(run as unknown as TrainTableOptions), modelType: model, model: config, ...progress(), interrupt }));
    report(meta, trained(meta), out);
    return 0;
  }
  if (vectors) {
    const meta = await trainDenseGan({ ...(run as unknown as TrainDenseOptions), modelType: model, model: config, ...progress() });
    report(meta, `${meta.data.windows} items of ${meta.features.length} values (${meta.data.file})`, out);
    return 0;
  }
  const meta = await onInterrupt((interrupt) => trainFromCsv({ ...(run as unknown as TrainCsvOptions), modelType: model, model: config, ...progress(), interrupt }));
  report(meta, trained(meta), out);
  return 0;
}

/** What a sequence or table model was trained on, for the last line of `tsgan train`. */
function trained(meta: ModelMeta): string {
  return meta.table !== undefined
    ? `${meta.data.series} entities (${meta.data.rows} rows of ${meta.data.columns.join(', ')})`
    : `${meta.data.windows} windows of ${meta.data.seqLen} × ${meta.features.length} (${meta.features.join(', ')})`;
}

/**
 * The given flags as the run's options and the model's config, by library
 * name, each parsed and checked by its declaration; a flag the model does
 * not take is refused, naming the models that do.
 */
function optionValues(values: Values, model: string): { run: OptionValues; config: OptionValues } {
  const decls = trainOptions(model);
  const run: OptionValues = {};
  const config: OptionValues = {};
  for (const [key, v] of Object.entries(values)) {
    if (v === undefined || key === 'help' || key === 'model') continue;
    const flag = key.startsWith('no-') && !decls.some((d) => d.flag === key) ? key.slice(3) : key;
    const d = decls.find((x) => x.flag === flag);
    if (!d) throw new TsganError(`--${key} applies to ${modelsPhrase(modelsTaking(flag))} only`);
    let value: unknown;
    if (d.kind.type === 'boolean') {
      if (flag !== key && values[flag]) throw new TsganError(`--${flag} and --${key} contradict each other; give one`);
      value = flag === key;
    } else value = parseOption(d, v as string, `--${flag}`);
    (d.target === 'run' ? run : config)[d.name] = value;
  }
  return { run, config };
}

/** `tsgan train --resume DIR`: every other option comes from the checkpoint. */
async function resumeCommand(values: Values): Promise<number> {
  const dir = required('train', values, 'resume');
  const others = Object.keys(values).filter((k) => values[k] !== undefined && k !== 'resume');
  if (others.length > 0) throw new TsganError(`--resume takes no other option (the checkpoint holds the run's), got --${others[0]}`);
  const checkpoint = readTrainingCheckpoint(dir);
  await startEngine({ backend: checkpoint.backend });
  const meta = await onInterrupt((interrupt) => resumeTraining(dir, { ...progress(), interrupt, checkpoint }));
  report(meta, trained(meta), dir);
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
