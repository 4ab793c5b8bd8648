/**
 * A schema as a file the user edits (`tsgan inspect --schema-out`, then
 * `--schema`): its JSON checked by a zod schema, then against the table it
 * describes. A schema that contradicts the data names the column, and the
 * cell, and why.
 */
import { z } from 'zod';
import { TsganError, locate } from '../errors.js';
import { parseNumber, showCell, type CsvTable } from './csv.js';
import { readDataFile, decodeUtf8 } from './table.js';
import { DATETIME_FORMATS, changeWithin, checkTimeColumn, inferSchema, missingTest, parseDatetime, type DataSchema, type InferOptions } from './schema.js';

const ROLES = ['id', 'time', 'attribute', 'feature', 'ignored'] as const;
const TYPES = ['continuous', 'integer', 'categorical', 'boolean', 'datetime', 'text'] as const;
const text = (max: number) => z.string({ error: 'must be a string' }).max(max, { error: `must be a string of at most ${max} characters` });

// Names are printed on terminals: no control characters (C0, DEL, C1), as a CSV header may not hold them either.
const name = () => text(1000).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, { error: 'must not hold control characters' });
/** zod's message for an unknown key names it; every other problem with the object gets `message`. */
const objectError = (message: string) => (iss: { code?: string; keys?: string[] }) => (iss.code === 'unrecognized_keys' ? `unknown key ${iss.keys!.map((k) => `"${k}"`).join(', ')}` : message);

const columnSchema = z.strictObject(
  {
    name: name(),
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    type: z.enum(TYPES, { error: `must be one of ${TYPES.join(', ')}` }),
    missing: z.number({ error: 'must be a number in [0, 1]' }).min(0, { error: 'must be a number in [0, 1]' }).max(1, { error: 'must be a number in [0, 1]' }).optional(),
    categories: z.array(text(1000), { error: 'must be a list of strings' }).max(100_000, { error: 'must be a list of at most 100000 strings' }).optional(),
    format: z.enum(DATETIME_FORMATS.map((f) => f.name) as [string, ...string[]], { error: `must be one of ${DATETIME_FORMATS.map((f) => f.name).join(', ')}` }).optional(),
    decimals: z.number().int({ error: 'must be an integer in [0, 20]' }).min(0, { error: 'must be an integer in [0, 20]' }).max(20, { error: 'must be an integer in [0, 20]' }).optional(),
    zeroShare: z.number({ error: 'must be a number in [0, 1]' }).min(0).max(1).optional(),
    drawn: z.boolean({ error: 'must be true or false' }).optional(),
    why: text(10000).optional(),
  },
  { error: objectError('must be an object with name, role and type') },
);

/** A schema file's JSON (also kept inside a table model's tsgan.json). */
export const schemaFileSchema = z.strictObject(
  {
    format: z.literal('tsgan-schema', { error: 'must be "tsgan-schema"' }),
    formatVersion: z.literal(1, { error: 'must be 1' }),
    naTokens: z.array(text(100), { error: 'must be a list of strings' }).max(1000, { error: 'must be a list of at most 1000 strings' }),
    columns: z.array(columnSchema, { error: 'must be a list of columns' }).min(1, { error: 'must list at least one column' }).max(100_000, { error: 'must list at most 100000 columns' }),
  },
  { error: objectError('must be a JSON object with format, formatVersion, naTokens and columns') },
);

/** The largest schema file tsgan reads. */
const MAX_SCHEMA_BYTES = 64 * 2 ** 20;

/** Reads and checks a schema file (its JSON, then its consistency); errors name the file and the key. */
export function readSchemaFile(path: string): DataSchema {
  const bytes = readDataFile(path, MAX_SCHEMA_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(decodeUtf8(bytes, path));
  } catch (e) {
    if (e instanceof TsganError) throw e;
    throw new TsganError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseSchemaJson(raw, path);
}

/** A schema's parsed JSON, checked whole (its keys, then its consistency); errors start with `path` (a file, or a file and key). */
export function parseSchemaJson(raw: unknown, path: string): DataSchema {
  const r = schemaFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const key = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new TsganError(`${path}: ${key || '(top)'}: ${issue.message}`);
  }
  const schema = r.data as DataSchema;
  const names = new Set<string>();
  for (const [i, c] of schema.columns.entries()) {
    if (names.has(c.name)) throw new TsganError(`${path}: columns[${i}].name: ${showCell(c.name)} is listed twice`);
    names.add(c.name);
    if (c.type === 'datetime' && c.format === undefined) throw new TsganError(`${path}: columns[${i}].format: a datetime column needs its format`);
    if ((c.type === 'categorical' || c.type === 'boolean') && c.role !== 'id' && c.role !== 'ignored' && c.categories === undefined) {
      throw new TsganError(`${path}: columns[${i}].categories: a ${c.type} column lists its categories`);
    }
    const twice = (c.categories ?? []).find((k, n, all) => all.indexOf(k) !== n);
    if (twice !== undefined) throw new TsganError(`${path}: columns[${i}].categories: ${showCell(twice)} is listed twice`);
    if (c.drawn === true && (c.role !== 'id' || c.type !== 'categorical' || c.categories === undefined)) {
      throw new TsganError(`${path}: columns[${i}].drawn: only an id column of type categorical, with its categories listed, is drawn like an attribute`);
    }
    if (c.role === 'id' && c.type !== 'categorical' && c.type !== 'integer' && c.type !== 'text') throw new TsganError(`${path}: columns[${i}].type: an id column is categorical, integer or text, not ${c.type}`);
    if (c.role === 'time' && c.type !== 'datetime' && c.type !== 'integer' && c.type !== 'continuous') throw new TsganError(`${path}: columns[${i}].type: a time column is datetime, integer or continuous, not ${c.type}`);
  }
  for (const role of ['id', 'time'] as const) {
    const n = schema.columns.filter((c) => c.role === role).length;
    if (n > 1) throw new TsganError(`${path}: columns: ${n} columns have role "${role}"; a table has at most one`);
  }
  return schema;
}

/**
 * The schema of `table`: the file `opts.schema` checked against it, or one
 * inferred with the options. A schema file holds the id and time columns and
 * the missing-value tokens, so the flags that set them are refused beside it.
 */
export function schemaFor(table: CsvTable, opts: InferOptions & { schema?: string | DataSchema }): DataSchema {
  if (opts.schema === undefined) return inferSchema(table, opts);
  // A schema given as an object (the library's, a checkpoint's) is checked as a file's is.
  const label = typeof opts.schema === 'string' ? opts.schema : 'schema';
  const given = (['idColumn', 'timeColumn', 'naTokens'] as const).filter((k) => opts[k] !== undefined);
  if (given.length > 0) throw new TsganError(`${label}: a schema file holds the id and time columns and the missing-value tokens; give it alone, without ${given.map((k) => ({ idColumn: '--id-column', timeColumn: '--time-column', naTokens: '--na' })[k]).join(', ')}`);
  const schema = typeof opts.schema === 'string' ? readSchemaFile(opts.schema) : parseSchemaJson(opts.schema, label);
  checkSchemaFits(schema, table, label);
  return schema;
}

/**
 * Checks that `schema` describes `table`: the same columns, and every present
 * cell of the type its column has (a category among its categories, a date in
 * its format). The first contradiction is an error naming the schema file,
 * the column, and the cell by file, line and column.
 */
export function checkSchemaFits(schema: DataSchema, table: CsvTable, schemaFile: string, opts: { timeOrder?: boolean } = {}): void {
  const { file, header } = table;
  for (const name of header) {
    if (!schema.columns.some((c) => c.name === name)) throw new TsganError(`${schemaFile}: column ${showCell(name)} of ${file} is not in the schema; add it (role "ignored" leaves it out)`);
  }
  const isMissing = missingTest(schema.naTokens);
  for (const c of schema.columns) {
    const j = header.indexOf(c.name);
    if (j < 0) throw new TsganError(`${schemaFile}: column ${showCell(c.name)} is not in ${file}`);
    if (c.role === 'ignored') continue;
    const fits = c.type === 'text' ? () => null : cellTest(c.type, c.categories, c.format);
    for (const r of table.rows) {
      const cell = r.fields[j];
      if (isMissing(cell)) {
        if (c.role === 'id' || c.role === 'time') throw new TsganError(`${locate(file, r.line, j + 1)}: the ${c.role} column ${showCell(c.name)} is missing here; every row needs its ${c.role === 'id' ? 'entity' : 'time'}`);
        continue;
      }
      const why = fits(cell.trim());
      if (why) throw new TsganError(`${locate(file, r.line, j + 1)}: column ${showCell(c.name)} is ${c.type} in ${schemaFile}, but ${showCell(cell)} ${why}`);
    }
  }
  const idName = schema.columns.find((c) => c.role === 'id')?.name;
  const idIdx = idName === undefined ? -1 : header.indexOf(idName);
  // A static attribute holds one value per entity: the first row where it changes within its entity is named.
  for (const c of schema.columns.filter((x) => x.role === 'attribute')) {
    const j = header.indexOf(c.name);
    const change = changeWithin(table, j, idIdx);
    if (change) {
      const r = table.rows[change.row];
      throw new TsganError(`${locate(file, r.line, j + 1)}: column ${showCell(c.name)} is a static attribute in ${schemaFile}, but it changes within its entity here (${showCell(r.fields[j])} after ${showCell(change.first)}); make it a feature`);
    }
  }
  const time = schema.columns.find((c) => c.role === 'time');
  if (time && opts.timeOrder !== false) checkTimeColumn(table, idIdx, header.indexOf(time.name), time.type === 'datetime' ? 'datetime' : 'number', isMissing);
}

/** A test of one present cell for a column type: null when it fits, else why not. */
function cellTest(type: string, categories: string[] | undefined, format: string | undefined): (cell: string) => string | null {
  switch (type) {
    case 'continuous':
      return (c) => (parseNumber(c) === null ? 'is not a number' : null);
    case 'integer':
      return (c) => (!/^[+-]?\d+$/.test(c) || parseNumber(c) === null ? 'is not a whole number' : null);
    case 'datetime': {
      const re = DATETIME_FORMATS.find((f) => f.name === format)!.re;
      return (c) => (!re.test(c) || Number.isNaN(parseDatetime(c)) ? `is not a date written ${format}` : null);
    }
    default: {
      if (!categories) return () => null;
      const seen = new Set(categories);
      return (c) => (seen.has(c) ? null : `is not one of its categories (${categories.slice(0, 5).map((v) => `"${v}"`).join(', ')}${categories.length > 5 ? ', …' : ''})`);
    }
  }
}
