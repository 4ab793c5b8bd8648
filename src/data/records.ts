/**
 * Tables that do not start as CSV: a JSON file holding an array of records
 * (as pandas' `to_json(orient="records")` and vega-datasets write them), an
 * array of records in memory, or an object of equal-length columns. Each
 * becomes the same CsvTable a CSV file does, so that every check, the schema
 * and the codec see one form; and a table goes back to records with the
 * JSON types its schema implies.
 */
import { TsganError, locate } from '../errors.js';
import { checkHeader, parseNumber, showCell, type CsvTable } from './csv.js';
import type { DataSchema } from './schema.js';

export type Cell = string | number | boolean | null;
export type TableRecord = Record<string, Cell>;
/** What a caller may hand over: records or columns of plain values (a Date becomes its ISO string; NaN, null and undefined are missing). */
export type TableInput = readonly Record<string, unknown>[] | Readonly<Record<string, readonly unknown[]>>;

/** A value as a CSV cell would hold it; `at` names it in errors. */
function cell(v: unknown, at: () => string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '';
    if (!Number.isFinite(v)) throw new TsganError(`${at()}: ${v} is not a finite number`);
    return String(v);
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new TsganError(`${at()}: an invalid Date`);
    return v.toISOString();
  }
  throw new TsganError(`${at()}: expected a string, number, boolean or null, got ${Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v}`);
}

/**
 * Records → a table: the columns are every key, in the order first seen; a
 * key a record lacks is a missing cell. `lines[i]` is where record i starts
 * in `file` (a JSON file), else its 1-based position.
 */
export function tableFromRecords(records: unknown, file: string, lines?: number[]): CsvTable {
  if (!Array.isArray(records)) throw new TsganError(`${file}: expected an array of records (objects of column → value), got ${records === null ? 'null' : typeof records}`);
  if (records.length === 0) throw new TsganError(`${file}: no records`);
  const lineOf = (i: number) => lines?.[i] ?? i + 1;
  const header: string[] = [];
  const index = new Map<string, number>();
  records.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new TsganError(`${locate(file, lineOf(i))}: record ${i + 1} is not an object of column → value`);
    for (const k of Object.keys(r)) {
      if (!index.has(k)) {
        index.set(k, header.length);
        header.push(k);
      }
    }
  });
  checkHeader(header, file, lineOf(0));
  const rows = records.map((r: Record<string, unknown>, i) => ({
    line: lineOf(i),
    fields: header.map((k, j) => cell(r[k], () => `${locate(file, lineOf(i), j + 1)}: record ${i + 1}, key ${showCell(k)}`)),
  }));
  return { file, header, headerLine: lineOf(0), rows };
}

/** Columns (name → values, all of one length) → a table. */
export function tableFromColumns(columns: Readonly<Record<string, readonly unknown[]>>, file: string): CsvTable {
  const names = Object.keys(columns);
  if (names.length === 0) throw new TsganError(`${file}: no columns`);
  for (const k of names) if (!Array.isArray(columns[k])) throw new TsganError(`${file}: column ${showCell(k)} is not an array`);
  const n = columns[names[0]].length;
  const uneven = names.find((k) => columns[k].length !== n);
  if (uneven !== undefined) throw new TsganError(`${file}: column ${showCell(uneven)} has ${columns[uneven].length} values, column ${showCell(names[0])} has ${n}`);
  return tableFromRecords(Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, columns[k][i]]))), file);
}

/** Records or columns, as a caller holds them. */
export function tableFromInput(data: TableInput, file = 'records'): CsvTable {
  return Array.isArray(data) ? tableFromRecords(data, file) : tableFromColumns(data as Record<string, unknown[]>, file);
}

/** The line each top-level record of a JSON array starts on (strings and nesting skipped). */
function recordLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (depth === 1) out.push(line);
      depth++;
    } else if (c === ']' || c === '}') depth--;
  }
  return out;
}

/** A JSON file's text → a table; a syntax error names the file and the parser's message. */
export function parseJsonTable(text: string, file: string): CsvTable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TsganError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return tableFromRecords(value, file, recordLines(text));
}

/** How a column's cells are typed in JSON: numbers, booleans or strings. */
function jsonType(schema: DataSchema, name: string): 'number' | 'boolean' | 'string' {
  const c = schema.columns.find((x) => x.name === name);
  if (!c) return 'string';
  if (c.type === 'continuous' || c.type === 'integer') return 'number';
  const cats = c.categories ?? [];
  // Categories written as numbers (a cluster 0–5) or as JSON's true/false stay so.
  if (c.type === 'boolean' && cats.every((k) => k === 'true' || k === 'false')) return 'boolean';
  if (c.type === 'categorical' && cats.length > 0 && cats.every((k) => parseNumber(k) !== null)) return 'number';
  return 'string';
}

/** A table → records, each column typed as its schema says; a missing cell is null. */
export function tableToRecords(table: CsvTable, schema: DataSchema, isMissing: (c: string) => boolean): TableRecord[] {
  const types = table.header.map((k) => jsonType(schema, k));
  return table.rows.map((r) =>
    Object.fromEntries(
      table.header.map((k, j) => {
        const v = r.fields[j];
        if (isMissing(v)) return [k, null];
        return [k, types[j] === 'number' ? (parseNumber(v) ?? v) : types[j] === 'boolean' ? v === 'true' : v];
      }),
    ),
  );
}

/** Records as a JSON array, one record per line (so that a line number names a record). */
export function recordsToJson(records: TableRecord[]): string {
  return `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
}
