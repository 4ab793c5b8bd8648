/**
 * From a parsed CSV to numeric series: picks the feature columns (numeric by
 * their first data row, or named with `columns`), checks every feature cell,
 * and splits panel data into one series per id. Rows stay in file order
 * (TimeGAN's reference stock loader reverses them; tsgan does not).
 */
import { readFileSync, statSync } from 'node:fs';
import { TsganError, locate } from '../errors.js';
import { parseCsv, parseNumber, separatorHint, whyNotNumber, type CsvTable } from './csv.js';

export interface LoadOptions {
  /** Feature columns to use, in this order. Default: every numeric column. */
  columns?: string[];
  /** Column whose value names the series a row belongs to (panel data). Default: one series. */
  idColumn?: string;
}

export interface Series {
  /** The id value, or '' when the file is one series. */
  id: string;
  /** Row-major values, [rows, features]. */
  values: Float64Array;
  rows: number;
}

export interface Dataset {
  file: string;
  features: string[];
  series: Series[];
  /** Columns left out because they are not numeric (dates, labels, ...). */
  skipped: string[];
  idColumn?: string;
}

export function readCsvFile(file: string): CsvTable {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new TsganError(`${file}: is a directory, expected a CSV file`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof TsganError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TsganError(`${file}: no such file`);
    throw new TsganError(`${file}: cannot read (${(e as Error).message})`);
  }
  if (text.trim() === '') throw new TsganError(`${file}: empty file (expected a header row and data rows)`);
  return parseCsv(text, file);
}

export function loadDataset(file: string, opts: LoadOptions = {}): Dataset {
  return tableToDataset(readCsvFile(file), opts);
}

export function tableToDataset(table: CsvTable, opts: LoadOptions = {}): Dataset {
  const { file, header, rows } = table;
  const colIndex = (name: string, what: string): number => {
    const j = header.indexOf(name);
    if (j < 0) throw new TsganError(`${file}: unknown column "${name}" in ${what}; the columns are ${header.join(', ')}${separatorHint(header)}`);
    return j;
  };
  const idIdx = opts.idColumn !== undefined ? colIndex(opts.idColumn, '--id-column') : -1;
  const first = rows[0];

  let featureIdx: number[];
  const skipped: string[] = [];
  if (opts.columns && opts.columns.length > 0) {
    featureIdx = opts.columns.map((c) => colIndex(c, '--columns'));
    for (const j of featureIdx) {
      if (j === idIdx) throw new TsganError(`${file}: column "${header[j]}" is the id column and cannot be a feature`);
      if (parseNumber(first.fields[j]) === null) {
        throw new TsganError(
          `${locate(file, first.line, j + 1)}: column "${header[j]}" is not numeric: ${whyNotNumber(first.fields[j])}`,
        );
      }
    }
    if (new Set(featureIdx).size !== featureIdx.length) throw new TsganError(`${file}: --columns names a column twice`);
  } else {
    featureIdx = [];
    header.forEach((name, j) => {
      if (j === idIdx) return;
      if (parseNumber(first.fields[j]) !== null) featureIdx.push(j);
      else skipped.push(name);
    });
    if (featureIdx.length === 0) {
      throw new TsganError(`${file}: no numeric column (a column is numeric when its first data row, line ${first.line}, holds a number)${separatorHint(header)}`);
    }
  }

  // Group rows by id, keeping the order in which ids first appear.
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const id = idIdx >= 0 ? r.fields[idIdx].trim() : '';
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push(i);
  });

  const F = featureIdx.length;
  const series: Series[] = [];
  for (const [id, idxs] of groups) {
    const values = new Float64Array(idxs.length * F);
    idxs.forEach((ri, k) => {
      const r = rows[ri];
      for (let f = 0; f < F; f++) {
        const j = featureIdx[f];
        const v = parseNumber(r.fields[j]);
        if (v === null) {
          throw new TsganError(
            `${locate(file, r.line, j + 1)}: ${whyNotNumber(r.fields[j])} in feature column "${header[j]}"`,
          );
        }
        values[k * F + f] = v;
      }
    });
    series.push({ id, values, rows: idxs.length });
  }
  return { file, features: featureIdx.map((j) => header[j]), series, skipped, idColumn: opts.idColumn };
}
