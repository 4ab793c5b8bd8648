/**
 * From a parsed CSV to numeric series: picks the feature columns (numeric
 * judged over the whole column, or named with `columns`), checks every feature cell,
 * and splits panel data into one series per id. Rows stay in file order
 * (TimeGAN's reference stock loader reverses them; tsgan does not).
 */
import { readFileSync, statSync } from 'node:fs';
import { TsganError, locate } from '../errors.js';
import { parseJsonTable } from './records.js';
import { isMissing, looksNumeric, parseCsv, parseNumber, separatorHint, whyNotNumber, type CsvTable } from './csv.js';

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

/** The largest CSV tsgan reads: what one JavaScript string can hold, about 512 MiB. */
export const MAX_CSV_BYTES = 2 ** 29 - 2 ** 16;

/** The largest JSON file tsgan reads: its parsed records take several times its size in memory. */
export const MAX_JSON_BYTES = 2 ** 26;

/** A data file's bytes: a regular file (a link to one is followed) of at most `max` bytes, checked before reading. */
export function readDataFile(file: string, max = MAX_CSV_BYTES): Buffer {
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new TsganError(`${file}: is a directory, expected a CSV file`);
    if (!st.isFile()) throw new TsganError(`${file}: is not a regular file (a device, FIFO or socket); give a CSV file`);
    if (st.size > max) throw new TsganError(`${file}: has ${st.size} bytes, over the ${max} tsgan reads; split it or choose fewer rows`);
    return readFileSync(file);
  } catch (e) {
    if (e instanceof TsganError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TsganError(`${file}: no such file`);
    throw new TsganError(`${file}: cannot read (${code ?? (e as Error).message})`);
  }
}

/** A data file as a table: CSV with a header row, or (named *.json) a JSON array of records. */
export function readTableFile(file: string): CsvTable {
  const json = /\.json$/i.test(file);
  const bytes = readDataFile(file, json ? MAX_JSON_BYTES : MAX_CSV_BYTES);
  const text = decodeUtf8(bytes, file);
  if (text.trim() === '') throw new TsganError(`${file}: empty file (expected ${json ? 'a JSON array of records' : 'a header row and data rows'})`);
  return json ? parseJsonTable(text, file) : parseCsv(text, file);
}

/** The file's text; a byte that is not UTF-8 is an error with its offset, never a silent U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    const hex = at < bytes.length ? ` (0x${bytes[at].toString(16).toUpperCase().padStart(2, '0')})` : '';
    throw new TsganError(`${file}: invalid UTF-8 at byte ${at}${hex} (line ${line}, counting bytes from 0); tsgan reads UTF-8 text: save the file as UTF-8`);
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (the Unicode standard's table 3-7), or the length if a sequence is cut off at the end. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) (need = 2), (lo = 0xa0);
    else if (c === 0xed) (need = 2), (hi = 0x9f);
    else if (c >= 0xe1 && c <= 0xef) need = 2;
    else if (c === 0xf0) (need = 3), (lo = 0x90);
    else if (c === 0xf4) (need = 3), (hi = 0x8f);
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else return i;
    if (i + 1 >= n || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= need; k++) if (i + k >= n || (b[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return n;
}

/**
 * A column is numeric when at least half of its cells that are not missing-value markers are
 * written as numbers (usable or not: "1e999" and "inf" count): a few typos or an overflow, in
 * the first row or later, make it an error naming the cell, not a silently dropped column.
 */
export function isNumericColumn(table: CsvTable, j: number): boolean {
  let numbers = 0;
  let others = 0;
  for (const r of table.rows) {
    const cell = r.fields[j];
    if (isMissing(cell)) continue;
    if (looksNumeric(cell)) numbers++;
    else others++;
  }
  return numbers > 0 && numbers >= others;
}

export function loadDataset(file: string, opts: LoadOptions = {}): Dataset {
  return tableToDataset(readTableFile(file), opts);
}

export function tableToDataset(table: CsvTable, opts: LoadOptions = {}): Dataset {
  const { file, header, rows } = table;
  const colIndex = (name: string, what: string): number => {
    const j = header.indexOf(name);
    if (j < 0) throw new TsganError(`${file}: unknown column "${name}" in ${what}; the columns are ${header.join(', ')}${separatorHint(header)}`);
    return j;
  };
  const idIdx = opts.idColumn !== undefined ? colIndex(opts.idColumn, '--id-column') : -1;

  let featureIdx: number[];
  const skipped: string[] = [];
  if (opts.columns && opts.columns.length > 0) {
    featureIdx = opts.columns.map((c) => colIndex(c, '--columns'));
    for (const j of featureIdx) {
      if (j === idIdx) throw new TsganError(`${file}: column "${header[j]}" is the id column and cannot be a feature`);
      if (!isNumericColumn(table, j)) {
        // Name a text cell, the reason the column is not numeric; a blank only when there is nothing else.
        const bad = rows.find((r) => !isMissing(r.fields[j]) && !looksNumeric(r.fields[j])) ?? rows.find((r) => parseNumber(r.fields[j]) === null) ?? rows[0];
        throw new TsganError(`${locate(file, bad.line, j + 1)}: column "${header[j]}" is not numeric: ${whyNotNumber(bad.fields[j])}`);
      }
    }
    if (new Set(featureIdx).size !== featureIdx.length) throw new TsganError(`${file}: --columns names a column twice`);
  } else {
    featureIdx = [];
    header.forEach((name, j) => {
      if (j === idIdx) return;
      if (isNumericColumn(table, j)) featureIdx.push(j);
      else skipped.push(name);
    });
    if (featureIdx.length === 0) {
      throw new TsganError(`${file}: no numeric column (a column is numeric when at least half of its cells, blanks and NA aside, are numbers)${separatorHint(header)}`);
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
