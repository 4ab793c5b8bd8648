/**
 * A strict CSV reader (RFC 4180: commas, double-quoted fields with "" escapes,
 * LF or CRLF line ends, an optional UTF-8 byte-order mark) that remembers the
 * line each record starts on, so that every later error can name file, line
 * and column. Blank lines are skipped; everything else must be well formed.
 */
import { TsganError, locate } from '../errors.js';

export interface CsvRecord {
  /** 1-based line number in the file where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvTable {
  file: string;
  header: string[];
  headerLine: number;
  rows: CsvRecord[];
}

/** Splits text into records. `file` is used in error messages only. */
export function parseCsvRecords(text: string, file: string): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let blank = true;
    for (;;) {
      if (i < n && text[i] === '"' && field === '') {
        // Quoted field: runs to the closing quote, may hold commas and newlines.
        blank = false;
        const quoteLine = line;
        const quoteCol = fields.length + 1;
        i++;
        for (;;) {
          if (i >= n) throw new TsganError(`${locate(file, quoteLine, quoteCol)}: unterminated quoted field`);
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new TsganError(`${locate(file, line, fields.length + 1)}: text after a closing quote`);
        }
      }
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        field += text[i];
        i++;
      }
      if (field !== '') blank = false;
      // A NUL never belongs in text: the file is binary or UTF-16, and a cell would hide it.
      if (field.includes('\0')) throw new TsganError(`${locate(file, line, fields.length + 1)}: NUL byte in a field (is this a binary or UTF-16 file? tsgan reads UTF-8 text)`);
      fields.push(field);
      field = '';
      if (i < n && text[i] === ',') {
        blank = false;
        i++;
        continue;
      }
      // End of record.
      if (i < n && text[i] === '\r') i++;
      if (i < n && text[i] === '\n') i++;
      line++;
      break;
    }
    if (!blank) records.push({ line: startLine, fields });
  }
  return records;
}

/** What is wrong with a column name, or null: empty, a control character, or a name no object may have. */
export function badColumnName(name: string): string | null {
  if (name === '') return 'empty column name in the header';
  // A line break or escape in a name would split or garble every message that names the column.
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(name)) return `column name ${showCell(name)} holds a control character`;
  // An object keyed by column names would take this one as its prototype.
  if (name === '__proto__') return 'column name "__proto__" is reserved; rename the column';
  return null;
}

/** Column names: none empty, none with a control character, none twice; the first bad one named by `file:line:column`. */
export function checkHeader(header: string[], file: string, line: number): void {
  const seen = new Map<string, number>();
  header.forEach((name, j) => {
    const bad = badColumnName(name);
    if (bad) throw new TsganError(`${locate(file, line, j + 1)}: ${bad}`);
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new TsganError(`${locate(file, line, j + 1)}: duplicate column name ${showCell(name)} (also column ${prev + 1})`);
    }
    seen.set(name, j);
  });
}

/**
 * Parses a CSV with a header row and checks that every row has as many
 * fields as the header.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const records = parseCsvRecords(text, file);
  if (records.length === 0) throw new TsganError(`${file}: empty file (expected a header row and data rows)`);
  const [head, ...rows] = records;
  const header = head.fields.map((h) => h.trim());
  checkHeader(header, file, head.line);
  if (rows.length === 0) throw new TsganError(`${file}: no data rows after the header`);
  for (const r of rows) {
    if (r.fields.length !== header.length) {
      throw new TsganError(
        `${locate(file, r.line)}: row has ${r.fields.length} fields, the header has ${header.length}${separatorHint(header)}`,
      );
    }
  }
  return { file, header, headerLine: head.line, rows };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const MISSING = /^(|na|n\/a|nan|null|none|-|\?)$/i;

/**
 * The largest magnitude a data value may have: float32's range (≈ 3.4e38), in which tsgan computes
 * (unscaled values reach float32 with `eval --scale none`); it also keeps every max − min finite.
 */
export const MAX_MAGNITUDE = 1e38;

/**
 * Strict number parsing: decimal or scientific notation only, surrounding
 * spaces allowed, magnitude at most MAX_MAGNITUDE. '2012-01-01', '12abc',
 * '0x10', '', '1e999' and '1e308' are not numbers.
 */
export function parseNumber(cell: string): number | null {
  const s = cell.trim();
  if (!NUMBER.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) && Math.abs(v) <= MAX_MAGNITUDE ? v : null;
}

/** Whether a cell is written as a number, usable or not ("1e999", "NaN", "inf" are; "12abc" is not). */
export function looksNumeric(cell: string): boolean {
  const s = cell.trim();
  return NUMBER.test(s) || NON_FINITE.test(s);
}

/** Whether a cell is a missing-value marker ('', NA, N/A, NaN, null, none, -, ?), which says nothing about its column's type. */
export function isMissing(cell: string): boolean {
  return MISSING.test(cell.trim());
}

/** Why a cell is not a usable number, for error messages. */
export function whyNotNumber(cell: string): string {
  const s = cell.trim();
  if (s === '') return 'empty cell';
  if (NON_FINITE.test(s)) return `"${s}" is not a finite number`;
  if (NUMBER.test(s)) {
    return Number.isFinite(Number(s)) ? `${showCell(s)} is beyond ±1e38, the largest magnitude tsgan accepts` : `${showCell(s)} is out of the range of a number`;
  }
  return `${showCell(s)} is not a number`;
}

/**
 * A cell quoted for an error message that stays one short line: control characters (a line break
 * in a quoted field, a terminal escape) written as \xNN, and a long cell cut to its first 40 characters.
 */
export function showCell(cell: string, quote = true): string {
  const max = 40;
  const cut = cell.length > max ? cell.slice(0, max) : cell;
  const safe = cut.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    return n > 0xff ? `\\u${n.toString(16).padStart(4, '0')}` : `\\x${n.toString(16).padStart(2, '0')}`;
  });
  const q = quote ? '"' : '';
  return cell.length > max ? `${q}${safe}…${q} (${cell.length} characters)` : `${q}${safe}${q}`;
}

/** Formats a field for CSV output, quoting when needed. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A table as CSV text: its header and rows, each field quoted where it must be. */
export function tableToCsv(t: Pick<CsvTable, 'header' | 'rows'>): string {
  return [t.header, ...t.rows.map((r) => r.fields)].map((f) => f.map(csvField).join(',')).join('\n') + '\n';
}

/** Float32-precision text of a value (7 significant digits): the same value always gives the same bytes. */
export function formatValue(v: number): string {
  if (Object.is(v, -0)) return '0';
  return String(Number(v.toPrecision(7)));
}

/**
 * Where the whole header is one field holding semicolons or tabs, the file is
 * most likely separated by them (spreadsheets in many locales write ';', with
 * decimal commas), which a bare "no numeric column" or a field count would
 * not tell the user.
 */
export function separatorHint(header: string[]): string {
  if (header.length !== 1) return '';
  const sep = [';', '\t'].find((c) => header[0].includes(c));
  return sep ? `; the header is one field, so the file looks separated by ${sep === ';' ? '";"' : 'tabs'}, and tsgan reads comma-separated values` : '';
}
