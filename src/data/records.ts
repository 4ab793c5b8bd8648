/**
 * Tables that do not start as CSV: a JSON file holding an array of records
 * (as pandas' `to_json(orient="records")` and vega-datasets write them), an
 * array of records in memory, or an object of equal-length columns. Each
 * becomes the same CsvTable a CSV file does, so that every check, the schema
 * and the codec see one form; and a table goes back to records with the
 * JSON types its schema implies.
 */
import { TsganError, locate } from '../errors.js';
import { badColumnName, parseNumber, showCell, type CsvTable } from './csv.js';
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
    // JSON.parse has already rounded a whole number past 2^53: two ids could now be one.
    if (Number.isInteger(v) && !Number.isSafeInteger(v) && Math.abs(v) < 1e21) throw new TsganError(`${at()}: ${v} is a whole number beyond 2^53, which JavaScript cannot hold exactly; write it as a string`);
    return plain(v);
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new TsganError(`${at()}: an invalid Date`);
    return v.toISOString();
  }
  throw new TsganError(`${at()}: expected a string, number, boolean or null, got ${Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v}`);
}

/** A number as a CSV would hold it: without an exponent where JavaScript writes one for a small value (1e-7 → 0.0000001), so that its decimals are counted. */
function plain(v: number): string {
  const s = String(v);
  const m = /^(-?\d+)(?:\.(\d+))?e-(\d+)$/.exec(s);
  return m ? v.toFixed(Math.min(100, (m[2] ?? '').length + Number(m[3]))) : s;
}

/** Keys × records beyond which sparse records are refused (a table of N records with N different keys would hold N² cells). */
const MAX_SPARSE_CELLS = 1_000_000;

/**
 * Records → a table: the columns are every key, in the order first seen; a
 * key a record lacks is a missing cell. `lines[i]` is where record i starts
 * in `file` (a JSON file), else its 1-based position.
 */
export function tableFromRecords(records: unknown, file: string, lines?: number[]): CsvTable {
  if (!Array.isArray(records)) throw new TsganError(`${file}: expected an array of records (objects of column → value), got ${records === null ? 'null' : typeof records}`);
  if (records.length === 0) throw new TsganError(`${file}: no records`);
  const lineOf = (i: number) => lines?.[i] ?? i + 1;
  // Column names as a CSV header's are read (trimmed); each key is checked at the first record that has it.
  const keys: string[] = [];
  const known = new Set<string>();
  const names = new Map<string, string>();
  let values = 0;
  records.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new TsganError(`${locate(file, lineOf(i))}: record ${i + 1} is not an object of column → value`);
    for (const k of Object.keys(r)) {
      values++;
      if (known.has(k)) continue;
      const name = k.trim();
      const twin = names.get(name);
      if (twin !== undefined) throw new TsganError(`${locate(file, lineOf(i))}: record ${i + 1}: key ${showCell(k)} is the column ${showCell(twin)} again (keys are compared trimmed)`);
      const bad = badColumnName(name);
      if (bad) throw new TsganError(`${locate(file, lineOf(i))}: record ${i + 1}, key ${showCell(k)}: ${bad.replace(' in the header', '')}`);
      names.set(name, k);
      known.add(k);
      keys.push(k);
    }
  });
  if (keys.length === 0) throw new TsganError(`${file}: no record has a key; expected records of column → value`);
  if (keys.length * records.length > Math.max(MAX_SPARSE_CELLS, 10 * values)) {
    throw new TsganError(`${file}: ${records.length} records hold ${keys.length} different keys, most of them absent from most records; give every record the same keys`);
  }
  const rows = records.map((r: Record<string, unknown>, i) => ({
    line: lineOf(i),
    fields: keys.map((k, j) => cell(Object.hasOwn(r, k) ? r[k] : undefined, () => `${locate(file, lineOf(i), j + 1)}: record ${i + 1}, key ${showCell(k)}`)),
  }));
  return { file, header: keys.map((k) => k.trim()), headerLine: lineOf(0), rows };
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

/** The line each element of a top-level JSON array starts on, records or not (strings and nesting skipped). */
function recordLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expecting && !/\s/.test(c) && c !== ']') {
      out.push(line);
      expecting = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') expecting = ++depth === 1;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expecting = true;
  }
  return out;
}

/** A JSON file's text → a table; a syntax error names the file and the parser's message. */
export function parseJsonTable(text: string, file: string): CsvTable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // The parser's message quotes the file: its control characters are shown, not sent to the terminal; its offset becomes line and column.
    const message = (e as Error).message.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    const at = /at position (\d+)/.exec(message);
    const pos = at ? Number(at[1]) : -1;
    const before = pos >= 0 ? text.slice(0, pos) : '';
    const where = pos >= 0 ? locate(file, before.split('\n').length, pos - before.lastIndexOf('\n')) : file;
    throw new TsganError(`${where}: not valid JSON (${message})`);
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
  if (c.type === 'categorical' && cats.length > 0 && cats.every((k) => String(parseNumber(k)) === k)) return 'number';
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
