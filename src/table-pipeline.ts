/**
 * Whole tables as library calls, which the CLI wraps: a CSV of entities
 * (ids, times, static attributes, typed features, missing cells, their own
 * lengths) → a trained model directory (`trainTable`), and a model directory
 * → the same table back, synthetic, optionally for requested attributes
 * (`sampleTable`). The schema is inferred or read from a schema file
 * (src/data/schema.ts), the table encoded in DoppelGANger's layout
 * (src/data/table-codec.ts).
 */
import { tf } from './engine.js';
import { Rng, checkSeed, runStream } from './random.js';
import { TsganError } from './errors.js';
import { readTableFile } from './data/table.js';
import { schemaFor } from './data/schema-file.js';
import { encodeTable, decodeRows, flatItems, splitItems, staticTargets, type CodecLayout } from './data/table-codec.js';
import { missingTest, type DataSchema } from './data/schema.js';
import { tableToCsv, type CsvTable } from './data/csv.js';
import { tableFromInput, tableToRecords, recordsToJson, type TableInput, type TableRecord } from './data/records.js';
import { MinMaxScaler } from './data/scaler.js';
import { modelEntry } from './registry.js';
import { learner, runBasics, runCheckpointed, saveCheckpointed, modelMeta, yieldToSignals, openRun, type CsvResume } from './pipeline.js';
import { CHECKPOINT_DIR } from './io/checkpoint.js';
import type { Callback } from './train/loop.js';
import { checkOutFile, writeFileAtomic } from './io/atomic.js';
import type { AnyGan, ModelMeta } from './io/model-dir.js';
import { checkLayout } from './io/table-layout.js';
import { loadModelDir } from './load.js';
import { sized, checkSampleSize } from './models/size-check.js';
import type { TableGan } from './models/gan.js';
import { join, resolve } from 'node:path';

export interface TrainTableOptions {
  /** Entities over time: a CSV file with a header row, a JSON file (*.json) of records, or records or columns in memory. */
  data: string | TableInput;
  /** Model directory to write. */
  out: string;
  /** A schema file (tsgan inspect --schema-out, edited) or such a schema as an object; else the schema is inferred. */
  schema?: string | DataSchema;
  /** Without a schema file: the entity column and the time column (else suggested). */
  idColumn?: string;
  timeColumn?: string;
  /** A registered model that learns tables: 'dgan' (the default). */
  modelType?: string;
  /** The model's options by library name (docs/options.md). */
  model?: Record<string, unknown>;
  iterations?: number;
  seed?: number;
  force?: boolean;
  /** Write the whole training state to `out/checkpoint/` every this many iterations, for `resumeTraining` (0: never; default every few minutes). Needs `data` as a file. */
  checkpointEvery?: number | 'auto';
  /** Set `requested` (the CLI does on Ctrl-C) to write a checkpoint after the current iteration and stop. */
  interrupt?: { requested: boolean };
  callbacks?: Callback[];
  onNotice?: (message: string) => void;
}

/** One line on what the schema makes of the table: each role's columns, and what is left out and why. */
export function schemaSummary(file: string, schema: DataSchema, entities: number, lengths: [number, number]): string {
  const of = (role: string) => schema.columns.filter((c) => c.role === role);
  const list = (role: string) => of(role).map((c) => `${c.name} (${c.type})`).join(', ') || 'none';
  const id = of('id')[0];
  const time = of('time')[0];
  const left = of('ignored').map((c) => `${c.name}: ${c.why ?? 'ignored'}`);
  return (
    `tsgan: ${file}: ${entities} ${entities === 1 ? 'entity' : 'entities'}${id ? ` by "${id.name}"${id.drawn ? ' (names, drawn like an attribute)' : ''}` : ' (no id column)'} of ${lengths[0]}–${lengths[1]} rows` +
    `${time ? `, in the order of "${time.name}"` : ', in file order'}; static attributes: ${list('attribute')}; features: ${list('feature')}` +
    (left.length > 0 ? `; left out: ${left.join('; ')}` : '')
  );
}

/** Trains a table model on a CSV and writes its directory (weights, config, and the layout that reads samples back as the table). */
export async function trainTable(opts: TrainTableOptions, resume?: CsvResume): Promise<ModelMeta> {
  const entry = learner(opts.modelType, 'tables');
  const { force, seed, iterations } = runBasics(entry, opts);
  const file = typeof opts.data === 'string' ? opts.data : undefined;
  const { checkpointEvery, dataPath, dataSha256 } = openRun(opts.out, force, file, opts.checkpointEvery ?? 'auto', [['--data', file], ['--schema', typeof opts.schema === 'string' ? opts.schema : undefined]], resume);
  // Read where the checkpoint found it, named as the user gave it (the model file records the name).
  const table = dataPath !== undefined ? { ...readTableFile(dataPath), file: file! } : tableFromInput(opts.data as TableInput);
  // On resume the schema and the model's options are the checkpoint's: their errors name state.json.
  const fromState = <T>(key: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      // Only the checkpoint's own errors (its schema object is labelled "schema"); a cell of the data names the data.
      if (!resume || !(e instanceof TsganError) || (key === 'schema' && !e.message.startsWith('schema:'))) throw e;
      throw new TsganError(`${join(opts.out, CHECKPOINT_DIR, 'state.json')}: options.${key === 'schema' ? '' : `${key}: `}${e.message}`);
    }
  };
  // A checkpoint's schema is the whole story: id and time columns are in it.
  const schema = fromState('schema', () => schemaFor(table, resume ? { schema: opts.schema } : opts));
  const enc = encodeTable(table, schema);
  const lengths: number[] = [];
  for (let e = 0; e < enc.entities; e++) lengths.push(enc.running.subarray(e * enc.layout.maxLength, (e + 1) * enc.layout.maxLength).reduce((a, b) => a + b, 0));
  opts.onNotice?.(schemaSummary(table.file, schema, enc.entities, [Math.min(...lengths), Math.max(...lengths)]));
  const items = flatItems(enc);
  const itemSize = items.length / enc.entities;
  const model = fromState('model', () => {
    const config = entry.config({ ...opts.model, ...entry.tableShape!(enc.layout) }, iterations);
    return entry.build(sized(config, entry.sizes(config), { items: enc.entities }), seed) as AnyGan;
  });
  try {
    const trainer = entry.trainer(model, { data: items, count: enc.entities, itemShape: [itemSize] }, seed, iterations);
    const batch = (model.config as { batchSize?: number }).batchSize;
    if (!resume && batch !== undefined && enc.entities < batch) {
      opts.onNotice?.(`tsgan: warning: ${enc.entities} entities for a batch of ${batch}: every batch holds the same entities, and the model will learn them by heart; use more data or a smaller --batch-size`);
    }
    // The checkpoint keeps the schema itself, so that a resumed run encodes the data as this one did.
    const { callbacks: _c, onNotice: _n, interrupt: _i, out: _o, force: _f, idColumn: _id, timeColumn: _t, data: _d, ...options } = opts;
    const run = await runCheckpointed({
      model,
      trainer,
      total: iterations,
      out: opts.out,
      source: table.file,
      checkpointEvery,
      // Data in memory cannot be found again: no checkpoint, on an interrupt either.
      interrupt: file !== undefined ? opts.interrupt : undefined,
      saved: { options: { ...options, modelType: entry.spec.name, data: file, schema }, dataPath: dataPath === undefined ? '' : resolve(dataPath), dataSha256 },
      callbacks: [...(opts.callbacks ?? []), yieldToSignals()],
      resume: resume?.state,
    });
    model.commitAverage();
    const F = enc.layout.features.length;
    const slotNames = enc.layout.features.map((s) => (s.kind === 'category' ? `${s.column}=${s.category}` : s.kind === 'value' ? s.column : `${s.column}:${s.kind}`));
    const idColumn = schema.columns.find((c) => c.role === 'id')?.name;
    const meta = modelMeta(model, run, seed, slotNames, new MinMaxScaler({ min: new Array(F).fill(0), max: new Array(F).fill(1) }), {
      file: table.file,
      columns: schema.columns.filter((c) => c.role === 'attribute' || c.role === 'feature').map((c) => c.name),
      ...(idColumn !== undefined ? { idColumn } : {}),
      skippedColumns: schema.columns.filter((c) => c.role === 'ignored').map((c) => c.name),
      series: enc.entities,
      rows: table.rows.length,
      windows: enc.entities,
    });
    meta.table = enc.layout;
    await saveCheckpointed(opts.out, model, meta, force, table.file);
    return meta;
  } finally {
    model.dispose();
  }
}

export interface SampleTableOptions {
  /** A table model's directory. */
  model: string;
  /** Entities to generate (with `given`: one per request, so not set). */
  count?: number;
  /** File to write: the training table's columns, names and formats, as CSV, or as a JSON array of records when it is named *.json. */
  out?: string;
  seed?: number;
  force?: boolean;
  /** Static attributes every entity must have: column → value, as in the data (`--where kind=A`). */
  where?: Record<string, string | number | boolean>;
  /** One entity per request: its static attributes, column → value (`--given attributes.csv` reads them). `source` names them in errors (default "given"), `lines[i]` request i's line in it. */
  given?: { rows: Record<string, string | number | boolean>[]; source?: string; lines?: number[] };
}

/** How many candidates per requested entity a request may draw before its attributes are set by hand. */
export const MAX_DRAWS = 200;

/**
 * Generates entities and writes them (when `out` is given) as the training
 * table: fresh ids, times at generated spacing from a generated start, the
 * columns in their order and formats. Returns the CSV text and, for
 * requests, how many entities had their categories set by hand because the
 * generator rarely drew them.
 */
export function sampleTable(opts: SampleTableOptions): { csv: string; table: CsvTable; entities: number; rows: number; forced: number; schema: DataSchema } {
  if (opts.out !== undefined) checkOutFile(opts.out, opts.force ?? false, '--out', { inputs: [['--model', opts.model], ['--given', opts.given?.source]] });
  const seed = checkSeed(opts.seed ?? 0);
  if (opts.given && opts.count !== undefined) throw new TsganError('--given sets the number of entities (one per row); leave out --count');
  const count = opts.given ? opts.given.rows.length : opts.count;
  if (count === undefined || !Number.isInteger(count) || count < 1) throw new TsganError(`--count must be a positive integer, got ${count}`);
  const loaded = loadModelDir(opts.model);
  const file = join(opts.model, 'tsgan.json');
  try {
    const entry = modelEntry(loaded.meta.model);
    if (entry.learns !== 'tables') throw new TsganError(`${opts.model}: holds a ${loaded.meta.model} model, which learns ${entry.learns}; --where and --given are for table models`);
    const layout = checkLayout(loaded.meta.table, file);
    const shape = entry.tableShape!(layout);
    for (const [k, v] of Object.entries(shape)) {
      if (JSON.stringify((loaded.model.config as unknown as Record<string, unknown>)[k]) !== JSON.stringify(v)) throw new TsganError(`${file}: config.${k}: does not fit the table layout (table: ${JSON.stringify(v)})`);
    }
    checkSampleSize(loaded.model.config, entry.sizes(loaded.model.config), count, { file });
    // Without an id column, two entities in one file would read back as one.
    if (count > 1 && !layout.schema.columns.some((c) => c.role === 'id')) {
      throw new TsganError(`${file}: the table this model learnt has no id column, so ${count} entities in one file would read back as one; sample one at a time (--count 1), or train on data with an id column`);
    }
    const model = loaded.model as unknown as TableGan;
    const text = (r: Record<string, string | number | boolean>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]));
    const source = opts.given?.source ?? 'given';
    const requests = opts.given ? opts.given.rows.map((r, i) => staticTargets(layout, text(r), `${source}:${opts.given!.lines?.[i] ?? i + 1}`)) : opts.where ? [staticTargets(layout, text(opts.where), '--where')] : null;
    const { statics, forced } = requests ? drawStatics(model, requests, count, layout, runStream(seed, 'conditions')) : { statics: null, forced: 0 };
    const S = model.staticSlots;
    const items = model.sample(count, new Rng(seed), 256, (z, start) =>
      // The batch's requested attributes live only for this pass.
      tf.tidy(() => model.generateGiven(z, statics ? tf.tensor2d(statics.subarray(start * S, (start + z.shape[0]) * S), [z.shape[0], S]) : null)),
    );
    for (const v of items) if (!Number.isFinite(v)) throw new TsganError(`${file}: the model generated a non-finite value: it is broken (diverged or edited); retrain it; nothing was written`);
    const flags = runStream(seed, 'flags');
    const table = decodeRows(splitItems(items, count, layout), layout, () => flags.uniform());
    const csv = tableToCsv(table);
    if (opts.out !== undefined) writeFileAtomic(opts.out, /\.json$/i.test(opts.out) ? recordsToJson(asRecords(table, layout.schema)) : csv, opts.force ?? false);
    return { csv, table, entities: count, rows: table.rows.length, forced, schema: layout.schema };
  } finally {
    loaded.model.dispose();
  }
}

/** Sampled cells as records typed by the schema (numbers as numbers, missing as null). */
function asRecords(table: CsvTable, schema: DataSchema): TableRecord[] {
  return tableToRecords(table, schema, missingTest(schema.naTokens));
}

/** `sampleTable` for callers who want records rather than CSV text: the same entities, typed as the data were. */
export function sampleRecords(opts: Omit<SampleTableOptions, 'out' | 'force'>): TableRecord[] {
  const { table, schema } = sampleTable(opts);
  return asRecords(table, schema);
}

/**
 * Static attributes for each requested entity: drawn from the generator until
 * a draw has every requested category (so that the other attributes follow
 * the requested ones as in the data), then set to the requested values. An
 * entity whose categories did not come up in MAX_DRAWS draws gets them set
 * by hand on its last draw, and is counted in `forced`.
 */
function drawStatics(model: TableGan, requests: (number | null)[][], count: number, layout: CodecLayout, rng: Rng): { statics: Float32Array; forced: number } {
  const S = model.staticSlots;
  const out = new Float32Array(count * S);
  const want = (e: number) => requests[requests.length === 1 ? 0 : e];
  // Each categorical static column's slots, once; per request, the slot each requested category must win within its column.
  const columns = new Map<string, number[]>();
  layout.attributes.slice(0, S).forEach((s, k) => {
    if (s.kind === 'category') columns.set(s.column, [...(columns.get(s.column) ?? []), k]);
  });
  const wins = new Map(
    requests.map((target) => [target, [...columns.values()].flatMap((ks) => ks.filter((k) => target[k] === 1).map((wanted) => ({ wanted, ks })))]),
  );
  const matches = (cand: Float32Array, target: (number | null)[]) => wins.get(target)!.every(({ wanted, ks }) => ks.every((k) => cand[k] <= cand[wanted]));
  const pending = new Set(Array.from({ length: count }, (_, e) => e));
  const batch = 256;
  let last: Float32Array = new Float32Array(S);
  for (let draws = 0; pending.size > 0 && draws < MAX_DRAWS * count; draws += batch) {
    const z = model.noise(rng, batch);
    const cands = model.generateStatics(z);
    const values = cands.dataSync() as Float32Array;
    tf.dispose([z, cands]);
    for (let b = 0; b < batch && pending.size > 0; b++) {
      const cand = values.subarray(b * S, (b + 1) * S);
      last = cand;
      for (const e of pending) {
        if (!matches(cand, want(e))) continue;
        out.set(cand, e * S);
        pending.delete(e);
        break;
      }
    }
  }
  const forced = pending.size;
  for (const e of pending) out.set(last, e * S);
  for (let e = 0; e < count; e++) want(e).forEach((v, k) => {
    if (v !== null) out[e * S + k] = v;
  });
  return { statics: out, forced };
}
