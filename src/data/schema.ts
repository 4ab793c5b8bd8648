/**
 * A table's schema, inferred from the whole of every column and editable as
 * JSON: each column's role (entity id, time index, static attribute of an
 * entity, temporal feature, or left out) and type (continuous, integer,
 * categorical, boolean, datetime, text), with its missing share, its seen
 * categories, its datetime format and its point mass at zero. In the spirit of
 * SDV's metadata (sdtypes, sequence_key, sequence_index) and DoppelGANger's
 * attribute / feature / example-id / time columns.
 */
import { TsganError, locate } from '../errors.js';
import { parseNumber, showCell, type CsvTable } from './csv.js';

export type ColumnType = 'continuous' | 'integer' | 'categorical' | 'boolean' | 'datetime' | 'text';
export type ColumnRole = 'id' | 'time' | 'attribute' | 'feature' | 'ignored';

export interface ColumnSchema {
  name: string;
  role: ColumnRole;
  type: ColumnType;
  /** Share of the column's cells that are missing (NA tokens or blank). */
  missing: number;
  /** Categorical and boolean: the values seen, in the order they first appear. */
  categories?: string[];
  /** Datetime: how the values are written (see DATETIME_FORMATS). */
  format?: string;
  /** Continuous: the most decimals a value is written with, to write values back alike. */
  decimals?: number;
  /** Continuous and integer: the share of present values that are exactly 0, when it is a point mass (≥ POINT_MASS). */
  zeroShare?: number;
  /**
   * Id column only: its values mean something (a city, a stock symbol: a few
   * names), so synthetic entities draw them like a static attribute from
   * `categories` and `--where` can ask for one; else synthetic ids are fresh.
   */
  drawn?: boolean;
  /** Why the role and type were chosen, in a phrase (for `tsgan inspect`). */
  why: string;
}

export interface DataSchema {
  format: 'tsgan-schema';
  formatVersion: 1;
  /** The cells read as missing (besides blanks), compared after trimming, case-insensitively. */
  naTokens: string[];
  columns: ColumnSchema[];
}

/** What a blank or one of these means: no value. */
export const NA_TOKENS = ['NA', 'N/A', 'NaN', 'null', 'none', '-', '?'];
/** A share of exact zeros from which a numeric column is modelled as a mixture (a point mass at 0 and the rest). */
export const POINT_MASS = 0.1;
/** Integer columns with at most this many distinct values, each seen 20 times on average, are categories (a code, a level). */
export const FEW_LEVELS = 10;
/** Text columns with at most this many distinct values are categories; more are free text, left out. */
export const MAX_CATEGORIES = 1000;

/** An id column of names with at most this many values (not codes with digits, like s001 or A01B) means something: it is drawn like an attribute. */
export const MEANINGFUL_IDS = 20;

/** The columns an entity holds one value of: its static attributes, and an id whose values are drawn. */
export const isStatic = (c: ColumnSchema): boolean => c.role === 'attribute' || (c.role === 'id' && c.drawn === true);

/** Names rather than codes: a few values, none of them numbered (s001, A01B, p1_a are codes; north, GOOG are names). */
function meaningful(values: string[]): boolean {
  return values.length <= MEANINGFUL_IDS && !values.some((v) => /\d/.test(v));
}

/** Datetime formats tsgan reads and writes back as they were, most specific first. */
export const DATETIME_FORMATS: readonly { name: string; re: RegExp }[] = [
  { name: 'YYYY-MM-DDTHH:mm:ss', re: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/ },
  { name: 'YYYY-MM-DD HH:mm:ss', re: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/ },
  { name: 'YYYY-MM-DD HH:mm', re: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/ },
  { name: 'YYYY-MM-DD', re: /^\d{4}-\d{2}-\d{2}$/ },
  { name: 'YYYY/MM/DD', re: /^\d{4}\/\d{2}\/\d{2}$/ },
  { name: 'YYYY-MM', re: /^\d{4}-\d{2}$/ },
];

const BOOLEAN_PAIRS: readonly [string, string][] = [
  ['true', 'false'],
  ['yes', 'no'],
  ['y', 'n'],
  ['t', 'f'],
];

export interface InferOptions {
  /** The entity column, if the user named it; else one is suggested. */
  idColumn?: string;
  /** The time column, if the user named it; else one is suggested. */
  timeColumn?: string;
  /** Missing-value tokens besides blanks. */
  naTokens?: string[];
}

/** A cell → whether it is missing, for `tokens`. */
export function missingTest(tokens: readonly string[]): (cell: string) => boolean {
  const set = new Set(tokens.map((t) => t.trim().toLowerCase()));
  return (cell) => {
    const c = cell.trim();
    return c === '' || set.has(c.toLowerCase());
  };
}

/** A datetime cell's instant in milliseconds (UTC for values without a zone), or NaN. */
export function parseDatetime(cell: string): number {
  const s = cell.trim();
  const iso = s.replace(/\//g, '-').replace(' ', 'T');
  const full = /^\d{4}-\d{2}$/.test(iso) ? `${iso}-01` : iso;
  // Date.parse rolls 2021-02-30 over to March: the calendar date as written must exist.
  const [y, m, d] = full.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return NaN;
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(full) || !full.includes('T') ? full : `${full}Z`;
  return Date.parse(zoned);
}

interface ColumnFacts {
  present: string[];
  /** The file line of each present cell, and the column's position (for naming a cell). */
  lines: number[];
  column: number;
  file: string;
  missing: number;
  distinct: Map<string, number>;
}

function facts(table: CsvTable, j: number, isMissing: (c: string) => boolean): ColumnFacts {
  const present: string[] = [];
  const lines: number[] = [];
  const distinct = new Map<string, number>();
  let missing = 0;
  for (const r of table.rows) {
    const c = r.fields[j];
    if (isMissing(c)) {
      missing++;
      continue;
    }
    const v = c.trim();
    present.push(v);
    lines.push(r.line);
    distinct.set(v, (distinct.get(v) ?? 0) + 1);
  }
  return { present, lines, column: j + 1, file: table.file, missing, distinct };
}

/** A date column may hold this share of cells that are not dates in its format; each is named, and is an error where the data are used. */
export const DATE_TYPOS = 0.05;

/** The column's type from all of its present cells, with the details that type keeps. */
function inferType(f: ColumnFacts): Omit<ColumnSchema, 'name' | 'role' | 'missing' | 'why'> & { reason: string; codes?: boolean } {
  const { present, distinct } = f;
  if (present.length === 0) return { type: 'text', reason: 'every cell is missing' };
  const levels = [...distinct.keys()];
  const lower = new Set(levels.map((v) => v.toLowerCase()));
  for (const pair of BOOLEAN_PAIRS) {
    if ([...lower].every((v) => pair.includes(v))) return { type: 'boolean', categories: levels, reason: `only ${pair.join('/')}` };
  }
  const numbers = present.map(parseNumber);
  if (numbers.every((v) => v !== null)) {
    const zeros = numbers.filter((v) => v === 0).length / numbers.length;
    const mass = zeros >= POINT_MASS ? { zeroShare: round(zeros) } : {};
    if (lower.size === 2 && [...lower].every((v) => v === '0' || v === '1')) return { type: 'boolean', categories: levels, reason: 'only 0 and 1' };
    const integers = present.every((c) => /^[+-]?\d+$/.test(c));
    if (integers && distinct.size <= FEW_LEVELS && present.length >= 20 * distinct.size) {
      // `codes`: still numbers, so a step counter (cycle 1–5) can be the time column.
      return { type: 'categorical', categories: levels, reason: `integers with ${distinct.size} levels`, codes: true };
    }
    if (integers) return { type: 'integer', ...mass, reason: 'whole numbers' };
    // A loop, not Math.max(...cells): a spread of a long column overflows the stack.
    let decimals = 0;
    for (const c of present) if (!/e/i.test(c)) decimals = Math.max(decimals, (c.split('.')[1] ?? '').length);
    decimals = Math.min(decimals, 20); // toFixed's bound, and the schema file's

    return { type: 'continuous', decimals, ...mass, reason: 'numbers' };
  }
  for (const fmt of DATETIME_FORMATS) {
    const bad: number[] = [];
    for (let i = 0; i < present.length && bad.length <= DATE_TYPOS * present.length; i++) {
      if (!fmt.re.test(present[i]) || Number.isNaN(parseDatetime(present[i]))) bad.push(i);
    }
    if (bad.length > DATE_TYPOS * present.length) continue;
    const first = bad.length > 0 ? `; ${bad.length} ${bad.length === 1 ? 'cell is' : 'cells are'} not, first ${locate(f.file, f.lines[bad[0]], f.column)} ${showCell(present[bad[0]])}` : '';
    return { type: 'datetime', format: fmt.name, reason: `dates written ${fmt.name}${first}` };
  }
  if (distinct.size <= MAX_CATEGORIES && distinct.size < present.length) return { type: 'categorical', categories: levels, reason: `${distinct.size} distinct values` };
  return { type: 'text', reason: distinct.size === present.length ? 'every value differs' : `${distinct.size} distinct values, too many for categories` };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Rows of each entity, in file order, by the values of column `j`. */
function entities(table: CsvTable, j: number): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  table.rows.forEach((r, i) => {
    const id = r.fields[j].trim();
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push(i);
  });
  return groups;
}

/** Whether every entity's rows stand together in the file (a panel written entity by entity). */
function contiguous(groups: Map<string, number[]>): boolean {
  return [...groups.values()].every((rows) => rows[rows.length - 1] - rows[0] === rows.length - 1);
}

/** Whether column `j`'s present values are the same on every row of each entity. */
/**
 * The first row (in file order) where column `j` differs from its entity's
 * first value, with that value, or null when it is constant within every
 * entity (entities by column `idIdx`; −1: one series).
 */
export function changeWithin(table: CsvTable, j: number, idIdx: number): { row: number; first: string } | null {
  const first = new Map<string, string>();
  for (let i = 0; i < table.rows.length; i++) {
    const r = table.rows[i];
    const key = idIdx >= 0 ? r.fields[idIdx].trim() : '';
    const v = r.fields[j].trim();
    const was = first.get(key);
    if (was === undefined) first.set(key, v);
    else if (was !== v) return { row: i, first: was };
  }
  return null;
}

/** Whether column `j` never falls down the file (its numbers). */
function growing(table: CsvTable, j: number): boolean {
  let last = -Infinity;
  for (const r of table.rows) {
    const v = parseNumber(r.fields[j]) ?? NaN;
    if (!(v >= last)) return false;
    last = v;
  }
  return true;
}

/** Whether column `k` grows within each of `groups` (in file order) and starts again at each next one. */
function restartsAt(table: CsvTable, groups: Map<string, number[]>, k: number, value: (cell: string) => number): boolean {
  if (!increasingWithin(table, k, groups, value)) return false;
  const blocks = [...groups.values()];
  return blocks.length > 1 && blocks.every((rows, b) => b === 0 || value(table.rows[rows[0]].fields[k]) <= value(table.rows[blocks[b - 1][blocks[b - 1].length - 1]].fields[k]));
}

/** Whether column `j` only grows within each entity (a time index), read as `value`. */
function increasingWithin(table: CsvTable, j: number, groups: Map<string, number[]>, value: (cell: string) => number): boolean {
  for (const rows of groups.values()) {
    let last = -Infinity;
    for (const i of rows) {
      const v = value(table.rows[i].fields[j]);
      if (!(v > last)) return false;
      last = v;
    }
  }
  return true;
}

/**
 * The schema of `table`, every column judged over all of its cells. With no
 * id column given, the first categorical or integer column whose values come
 * in blocks (each entity's rows together, at least two entities, two rows
 * each on average) is suggested; with no time column, the first datetime (or
 * integer) column that grows within every entity. Columns constant within
 * every entity are its static attributes.
 */
export function inferSchema(table: CsvTable, opts: InferOptions = {}): DataSchema {
  const { header, file } = table;
  const naTokens = opts.naTokens ?? NA_TOKENS;
  const isMissing = missingTest(naTokens);
  const index = (name: string, flag: string) => {
    const j = header.indexOf(name);
    if (j < 0) throw new TsganError(`${file}: unknown column "${name}" in ${flag}; the columns are ${header.join(', ')}`);
    return j;
  };
  const all = header.map((_, j) => facts(table, j, isMissing));
  const types = all.map(inferType);
  const isTimeLike = (j: number) => all[j].missing === 0 && (types[j].type === 'datetime' || types[j].type === 'integer' || types[j].codes === true);
  const timeValue = (j: number) => (types[j].type === 'datetime' ? parseDatetime : (c: string) => parseNumber(c) ?? NaN);

  let idIdx = opts.idColumn !== undefined ? index(opts.idColumn, '--id-column') : -1;
  let idWhy = 'given with --id-column';
  if (idIdx >= 0) {
    const bad = table.rows.find((r) => isMissing(r.fields[idIdx]));
    if (bad) throw new TsganError(`${locate(file, bad.line, idIdx + 1)}: the id column "${header[idIdx]}" is missing here; every row needs its entity`);
  } else {
    const blocks = (j: number) => all[j].missing === 0 && all[j].distinct.size >= 2 && all[j].distinct.size * 2 <= table.rows.length && contiguous(entities(table, j));
    // Names first; a number column only when it does not simply grow down the file (a year of a single series).
    idIdx = header.findIndex((_, j) => (types[j].type === 'categorical' || types[j].type === 'text') && blocks(j));
    // A number id sorted down the file (unit 1, 1, 2, 2, …) counts when another column starts again at each of its blocks (cycle 1, 2, 1, 2, …),
    // unless it reads as a calendar year (a single series' year and month).
    const yearLike = (j: number) => all[j].present.every((c) => Number(c) >= 1800 && Number(c) <= 2200);
    const restarts = (j: number) => header.some((_, k) => k !== j && isTimeLike(k) && restartsAt(table, entities(table, j), k, timeValue(k)));
    if (idIdx < 0) idIdx = header.findIndex((_, j) => types[j].type === 'integer' && blocks(j) && !yearLike(j) && (!growing(table, j) || restarts(j)));
    idWhy = 'suggested: its values come in blocks of rows, one block per entity';
  }
  const groups = idIdx >= 0 ? entities(table, idIdx) : new Map([['', table.rows.map((_, i) => i)]]);
  if (idIdx >= 0 && opts.idColumn !== undefined && !contiguous(groups)) {
    // Entities may interleave (a long table sorted by time); each keeps its rows in file order.
    idWhy = 'given with --id-column (entities interleave; each keeps its rows in file order)';
  }

  let timeIdx = opts.timeColumn !== undefined ? index(opts.timeColumn, '--time-column') : -1;
  let timeWhy = 'given with --time-column';
  if (timeIdx >= 0) {
    if (types[timeIdx].type !== 'datetime' && types[timeIdx].type !== 'integer' && types[timeIdx].type !== 'continuous' && !types[timeIdx].codes) {
      throw new TsganError(`${file}: the time column "${header[timeIdx]}" holds ${types[timeIdx].type} values; a time column holds dates or numbers`);
    }
    checkTimeColumn(table, idIdx, timeIdx, types[timeIdx].type === 'datetime' ? 'datetime' : 'number', isMissing);
  } else {
    for (const dates of [true, false]) {
      timeIdx = header.findIndex((_, j) => j !== idIdx && isTimeLike(j) && (types[j].type === 'datetime') === dates && increasingWithin(table, j, groups, timeValue(j)));
      if (timeIdx >= 0) break;
    }
    timeWhy = 'suggested: it grows within every entity';
  }

  const columns: ColumnSchema[] = header.map((name, j) => {
    const { reason, codes, ...typed } = types[j];
    // Codes that count time up are whole numbers, not categories.
    const t = j === timeIdx && codes ? { type: 'integer' as const } : typed;
    const missing = round(all[j].missing / Math.max(1, table.rows.length));
    const base = { name, missing, ...t };
    // An id names entities: as a number it stays one, anything else (text, dates, yes/no) is a label.
    if (j === idIdx) {
      const id = { ...base, role: 'id', type: t.type === 'integer' ? 'integer' : 'categorical', categories: undefined, format: undefined, decimals: undefined, zeroShare: undefined, why: idWhy };
      const names = [...groups.keys()];
      if (id.type === 'integer' || !meaningful(names)) return id;
      return { ...id, drawn: true, categories: names, why: `${idWhy}; ${names.length} names, so synthetic entities draw them like an attribute` };
    }
    if (j === timeIdx) return { ...base, role: 'time', why: `${timeWhy}; ${reason}` };
    if (t.type === 'text') return { ...base, role: 'ignored', why: `left out: ${reason}` };
    if (idIdx >= 0 && groups.size > 1 && changeWithin(table, j, idIdx) === null) return { ...base, role: 'attribute', why: `constant within each entity; ${reason}` };
    return { ...base, role: 'feature', why: reason };
  }) as ColumnSchema[];
  return { format: 'tsgan-schema', formatVersion: 1, naTokens: [...naTokens], columns: columns.map(clean) };
}

/**
 * The time column is present, readable and strictly increasing within each
 * entity (rows in file order); the first row that is not names its cell.
 * `idIdx` −1: one series.
 */
export function checkTimeColumn(table: CsvTable, idIdx: number, timeIdx: number, kind: 'datetime' | 'number', isMissing: (cell: string) => boolean): void {
  const { file, header } = table;
  const name = header[timeIdx];
  const value = kind === 'datetime' ? parseDatetime : (c: string) => parseNumber(c) ?? NaN;
  const last = new Map<string, { v: number; cell: string }>();
  for (const r of table.rows) {
    const cell = r.fields[timeIdx];
    const at = locate(file, r.line, timeIdx + 1);
    if (isMissing(cell)) throw new TsganError(`${at}: the time column "${name}" is missing here; every row needs its time`);
    const v = value(cell.trim());
    if (Number.isNaN(v)) throw new TsganError(`${at}: the time column "${name}" holds ${showCell(cell)} here, which is not ${kind === 'datetime' ? 'a date' : 'a number'}`);
    const key = idIdx >= 0 ? r.fields[idIdx].trim() : '';
    const before = last.get(key);
    if (before && !(v > before.v)) {
      throw new TsganError(`${at}: the time column "${name}" does not increase within its entity here (${showCell(cell)} after ${showCell(before.cell)}); sort the file by entity and time`);
    }
    last.set(key, { v, cell });
  }
}

/** The entity column inferSchema would suggest for `table`, or null (one series, or no column whose values come in blocks). */
export function suggestedIdColumn(table: CsvTable): string | null {
  return inferSchema(table).columns.find((c) => c.role === 'id')?.name ?? null;
}

/** The keys in the order a user reads them, without those a column does not use. */
function clean(c: ColumnSchema): ColumnSchema {
  const { name, role, type, missing, why, ...rest } = c;
  return Object.fromEntries(Object.entries({ name, role, type, missing, ...rest, why }).filter(([, v]) => v !== undefined)) as unknown as ColumnSchema;
}
