/**
 * `tsgan eval --table`: two CSVs in the input's own shape compared as whole
 * tables (src/eval/table.ts), by a schema read from a file or inferred from
 * the real one, so that a real-vs-real baseline and another tool's output
 * are scored the same way.
 */
import { readTableFile } from '../data/table.js';
import type { DataSchema } from '../data/schema.js';
import { checkSchemaFits, schemaFor } from '../data/schema-file.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkEvalOutputs, writeReport } from './run.js';
import { buildTableReport } from '../report/table-html.js';
import { checkSeed } from '../random.js';
import { toJson } from '../io/json.js';
import { readModelMeta } from '../load.js';
import { checkLayout } from '../io/table-layout.js';
import { TsganError } from '../errors.js';
import { join } from 'node:path';
import { compareTables, measureRows, type TableComparison } from './table.js';

export interface TableEvalOptions {
  real: string;
  synthetic: string;
  /** A schema file (tsgan inspect --schema-out); else the model's, or inferred from `real`. */
  schema?: string;
  /** A table model's directory: the schema it was trained with. */
  model?: string;
  /** With no schema file: the real table's entity column (else suggested). */
  idColumn?: string;
  /** Write the comparison as JSON here. */
  json?: string;
  /** Write an HTML report here (and its charts as PNG beside it, in `<name>-charts/`). */
  report?: string;
  /** Seeds the report's choice of entities to show. */
  seed?: number;
  force?: boolean;
}

export async function evaluateTableFiles(opts: TableEvalOptions): Promise<{ result: TableComparison; schema: DataSchema; written: string[] }> {
  const force = opts.force ?? false;
  checkEvalOutputs(opts, force, [['--real', opts.real], ['--synthetic', opts.synthetic], ['--schema', opts.schema], ['--model', opts.model]]);
  if (opts.seed !== undefined) checkSeed(opts.seed, '--seed');
  const real = readTableFile(opts.real);
  const synthetic = readTableFile(opts.synthetic);
  const schema = opts.model !== undefined ? modelSchema(opts) : schemaFor(real, { schema: opts.schema, idColumn: opts.idColumn });
  const label = opts.model !== undefined ? join(opts.model, 'tsgan.json') : (opts.schema ?? `the schema inferred from ${opts.real}`);
  if (opts.model !== undefined) checkSchemaFits(schema, real, label);
  // The synthetic table in the same schema; its ids are new (a drawn one numbered: north-2), and its time steps are what a generator made.
  const fresh = { ...schema, columns: schema.columns.map((c) => (c.role === 'id' ? { ...c, categories: undefined } : c)) };
  checkSchemaFits(fresh, synthetic, label, { timeOrder: false });
  const result = compareTables(real, synthetic, schema);
  const written: string[] = [];
  // The report first (it can fail: a full disk, a chart), the JSON last, so that a failure writes no JSON.
  if (opts.report) {
    const report = await buildTableReport(real, synthetic, schema, result, { realName: opts.real, syntheticName: opts.synthetic, model: opts.model, seed: opts.seed });
    written.push(...writeReport(opts.report, report, force));
  }
  if (opts.json) {
    writeFileAtomic(opts.json, toJson({ schema, ...result }), force);
    written.push(opts.json);
  }
  return { result, schema, written };
}

/** The schema a table model was trained with, from its tsgan.json (checked as any model file). */
function modelSchema(opts: TableEvalOptions): DataSchema {
  if (opts.schema !== undefined || opts.idColumn !== undefined) throw new TsganError(`--model ${opts.model} carries the schema it was trained with; leave out ${opts.schema !== undefined ? '--schema' : '--id-column'}`);
  const meta = readModelMeta(opts.model!);
  if (meta.table === undefined) throw new TsganError(`${opts.model}: holds a ${meta.model} model of windows, not of tables; leave out --table`);
  return checkLayout(meta.table, join(opts.model!, 'tsgan.json')).schema;
}

/** The comparison as lines for a terminal: entities, lengths, then one line per column with its measures. */
export function formatTableComparison(r: TableComparison): string {
  const lines = new Map<string, string[]>();
  for (const m of measureRows(r)) lines.set(m.column, [...(lines.get(m.column) ?? []), m.measure === '' ? m.value : `${m.measure} ${m.value}`]);
  const w = [...lines.keys()].reduce((a, k) => Math.max(a, k.length), 0);
  return [...lines].map(([k, parts]) => `${k.padEnd(w)}  ${parts.join('; ')}`).join('\n') + '\n';
}
