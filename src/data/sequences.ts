/**
 * Labelled sequences for classification from a long-format CSV: one sequence
 * per id (its rows in file order), the label on each of its rows; without an
 * id column, consecutive blocks of `seqLen` rows. Every sequence must have the
 * same length and one label.
 */
import { TsganError, locate } from '../errors.js';
import { readTableFile, tableToDataset } from './table.js';
import { parseNumber, type CsvTable } from './csv.js';

export interface LabelledSequences {
  file: string;
  features: string[];
  ids: string[];
  /** Label text per sequence. */
  labels: string[];
  /** Row-major [count, seqLen, features], unscaled. */
  values: Float64Array;
  count: number;
  seqLen: number;
}

export interface SequenceOptions {
  labelColumn: string;
  idColumn?: string;
  columns?: string[];
  /** Rows per sequence; default: the length of the first sequence (with an id column). */
  seqLen?: number;
  /** The file already read (default: read `file`). */
  table?: CsvTable;
}

export function loadLabelledSequences(file: string, opts: SequenceOptions): LabelledSequences {
  const table = opts.table ?? readTableFile(file);
  const li = table.header.indexOf(opts.labelColumn);
  if (li < 0) throw new TsganError(`${file}: unknown column "${opts.labelColumn}" in --label-column; the columns are ${table.header.join(', ')}`);
  // Features: every numeric column but the label and the id.
  const columns = opts.columns ?? table.header.filter((h, j) => j !== li && h !== opts.idColumn && isNumeric(table.rows[0].fields[j]));
  if (columns.includes(opts.labelColumn)) throw new TsganError(`${file}: the label column "${opts.labelColumn}" cannot also be a feature`);
  const ds = tableToDataset(table, { columns, idColumn: opts.idColumn });
  const F = ds.features.length;
  const labelOf = (row: number) => table.rows[row].fields[li].trim();

  // Rows of each sequence, as indices into the table.
  const groups: { id: string; rows: number[] }[] = [];
  if (opts.idColumn) {
    const idIdx = table.header.indexOf(opts.idColumn);
    const byId = new Map<string, number[]>();
    table.rows.forEach((r, i) => {
      const id = r.fields[idIdx].trim();
      let g = byId.get(id);
      if (!g) {
        byId.set(id, (g = []));
        groups.push({ id, rows: g });
      }
      g.push(i);
    });
  } else {
    const n = opts.seqLen;
    if (!n) throw new TsganError(`${file}: without --id-column, give --seq-len (rows per sequence)`);
    if (table.rows.length % n !== 0) throw new TsganError(`${file}: ${table.rows.length} rows do not split into sequences of --seq-len ${n}`);
    for (let s = 0; s < table.rows.length / n; s++) groups.push({ id: String(s), rows: Array.from({ length: n }, (_, k) => s * n + k) });
  }
  const seqLen = opts.seqLen ?? groups[0].rows.length;
  const values = new Float64Array(groups.length * seqLen * F);
  const labels: string[] = [];
  // Values by table row, from the checked dataset (series are in first-appearance order of ids).
  const rowValues = new Map<number, Float64Array>();
  if (opts.idColumn) {
    ds.series.forEach((s, k) => groups[k].rows.forEach((row, r) => rowValues.set(row, s.values.subarray(r * F, (r + 1) * F))));
  } else {
    const all = ds.series[0].values;
    table.rows.forEach((_, i) => rowValues.set(i, all.subarray(i * F, (i + 1) * F)));
  }
  groups.forEach((g, k) => {
    if (g.rows.length !== seqLen) {
      throw new TsganError(`${file}: sequence "${g.id}" has ${g.rows.length} rows, expected ${seqLen} (--seq-len)`);
    }
    const label = labelOf(g.rows[0]);
    if (label === '') throw new TsganError(`${locate(file, table.rows[g.rows[0]].line, li + 1)}: empty label`);
    for (const row of g.rows) {
      if (labelOf(row) !== label) {
        throw new TsganError(`${locate(file, table.rows[row].line, li + 1)}: sequence "${g.id}" changes label from "${label}" to "${labelOf(row)}"`);
      }
    }
    labels.push(label);
    g.rows.forEach((row, t) => values.set(rowValues.get(row)!, (k * seqLen + t) * F));
  });
  return { file, features: ds.features, ids: groups.map((g) => g.id), labels, values, count: groups.length, seqLen };
}

function isNumeric(cell: string): boolean {
  return parseNumber(cell) !== null;
}

/** Class names in a stable order: numerically when every label is a number, else alphabetically. */
export function classNames(labels: string[]): string[] {
  const set = [...new Set(labels)];
  return set.every((l) => isNumeric(l)) ? set.sort((a, b) => Number(a) - Number(b)) : set.sort();
}
