/**
 * A table of entities ↔ the arrays a whole-entity generator learns, in the
 * layout of DoppelGANger (Lin et al. 2020, "Using GANs for Sharing Networked
 * Time Series Data"): per entity, an attribute vector (its static
 * attributes, its length, its start time, and each numeric feature's own
 * min and max, so that entities of very different scales share one model),
 * and per step a feature vector (each numeric feature scaled into its
 * entity's range, a missing flag and a zero flag where the column has them,
 * one-hot categories, the time step since the last row) plus a flag that the
 * entity is still running (DoppelGANger's generation flag). `decode` writes
 * arrays back as the same table: the columns in their order, names, types
 * and formats, integers as integers, categories from the seen set, blanks
 * where missing, dates at their spacing from the start.
 */
import { TsganError } from '../errors.js';
import { parseNumber, showCell, tableToCsv, type CsvTable } from './csv.js';
import { isStatic, missingTest, parseDatetime, type ColumnSchema, type DataSchema } from './schema.js';

/** One value's slot in a vector: which column it comes from and what it holds. */
export interface Slot {
  column: string;
  kind: 'value' | 'missing' | 'zero' | 'category' | 'length' | 'start' | 'min' | 'max' | 'step';
  /** For 'category': the category it stands for ('' for a missing cell). */
  category?: string;
}

/** What encode learnt from the real table, to read generated arrays back in its units and formats. */
export interface CodecLayout {
  schema: DataSchema;
  attributes: Slot[];
  features: Slot[];
  /** The longest entity: the arrays' time axis. */
  maxLength: number;
  /** Per numeric column, the range its values are scaled from (over the whole table). */
  ranges: Record<string, [number, number]>;
  /** The time column's step range in milliseconds (or its units), and the start's range. */
  steps: [number, number] | null;
  starts: [number, number] | null;
  /** Each column's spelling of a missing cell, as the data wrote it most often. */
  missingAs: Record<string, string>;
  /** The id column's values looked like numbers: fresh ids are numbers too. */
  numericIds: boolean;
  /** Continuous columns written without trailing zeros (53.80505, not 53.805050): written back so. */
  trimmed: string[];
}

export interface EncodedTable {
  layout: CodecLayout;
  entities: number;
  /** [entities, attributes] */
  attributes: Float64Array;
  /** [entities, maxLength, features]; steps past an entity's length are 0. */
  features: Float64Array;
  /** [entities, maxLength]: 1 while the entity runs. */
  running: Float64Array;
}

const scale = (v: number, [lo, hi]: [number, number]) => (hi > lo ? (v - lo) / (hi - lo) : 0);
const unscale = (u: number, [lo, hi]: [number, number]) => lo + u * (hi - lo);

function rangeOf(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** Columns held as a scaled number: counts, measures, and dates (as milliseconds). */
const isNumeric = (c: ColumnSchema) => c.type === 'continuous' || c.type === 'integer' || c.type === 'datetime';
const isCategorical = (c: ColumnSchema) => c.type === 'categorical' || c.type === 'boolean';

/** A present cell's number: dates as milliseconds since 1970. */
function numberOf(c: ColumnSchema, cell: string): number {
  return c.type === 'datetime' ? parseDatetime(cell) : parseNumber(cell)!;
}

/** The slots one column takes in a vector. */
function slotsOf(c: ColumnSchema, hasMissing: boolean, asFeature: boolean): Slot[] {
  if (isCategorical(c)) return [...(c.categories ?? []), ...(hasMissing ? [''] : [])].map((category) => ({ column: c.name, kind: 'category', category }));
  const out: Slot[] = [{ column: c.name, kind: 'value' }];
  if (hasMissing) out.push({ column: c.name, kind: 'missing' });
  if (asFeature && c.zeroShare !== undefined) out.push({ column: c.name, kind: 'zero' });
  return out;
}

/** Rows of each entity, in file order. */
function entitiesOf(table: CsvTable, schema: DataSchema): number[][] {
  const id = schema.columns.find((c) => c.role === 'id');
  const j = id ? table.header.indexOf(id.name) : -1;
  const groups = new Map<string, number[]>();
  table.rows.forEach((r, i) => {
    const key = j >= 0 ? r.fields[j].trim() : '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  });
  return [...groups.values()];
}

/** Encodes `table` as its schema describes it (the schema must fit it: see checkSchemaFits). */
export function encodeTable(table: CsvTable, schema: DataSchema): EncodedTable {
  const isMissing = missingTest(schema.naTokens);
  const col = (name: string) => {
    const j = table.header.indexOf(name);
    if (j < 0) throw new TsganError(`${table.file}: no column "${name}", which the schema lists`);
    return table.rows.map((r) => r.fields[j].trim());
  };
  const entities = entitiesOf(table, schema);
  const E = entities.length;
  const maxLength = entities.reduce((m, rows) => Math.max(m, rows.length), 0);
  const used = schema.columns.filter((c) => isStatic(c) || c.role === 'feature');
  const byName = new Map(used.map((c) => [c.name, c]));
  const text = used.find((c) => c.type === 'text');
  if (text) throw new TsganError(`${table.file}: column "${text.name}" is free text, which tsgan cannot generate; make its role "ignored" or its type "categorical" in the schema`);
  const cells: Record<string, string[]> = Object.fromEntries(used.map((c) => [c.name, col(c.name)]));
  const missingAs: Record<string, string> = {};
  for (const c of used) {
    const spellings = new Map<string, number>();
    for (const v of cells[c.name]) if (isMissing(v)) spellings.set(v, (spellings.get(v) ?? 0) + 1);
    if (spellings.size > 0) missingAs[c.name] = [...spellings].sort((a, b) => b[1] - a[1])[0][0];
  }
  const hasMissing = (c: ColumnSchema) => Object.hasOwn(missingAs, c.name);
  const ranges: Record<string, [number, number]> = {};
  for (const c of used.filter(isNumeric)) ranges[c.name] = rangeOf(cells[c.name].filter((v) => !isMissing(v)).map((v) => numberOf(c, v)));

  const time = schema.columns.find((c) => c.role === 'time');
  const timeOf = time ? col(time.name).map((v) => (time.type === 'datetime' ? parseDatetime(v) : parseNumber(v)!)) : null;
  const starts = timeOf ? rangeOf(entities.map((rows) => timeOf[rows[0]])) : null;
  const steps = timeOf ? rangeOf(entities.flatMap((rows) => rows.slice(1).map((r, k) => timeOf[r] - timeOf[rows[k]]))) : null;

  // Attributes: static columns, then the length and start, then each numeric feature's own range.
  const attributes: Slot[] = [];
  for (const c of used.filter(isStatic)) attributes.push(...slotsOf(c, hasMissing(c), false));
  attributes.push({ column: '', kind: 'length' });
  if (time) attributes.push({ column: time.name, kind: 'start' });
  const numericFeatures = used.filter((c) => c.role === 'feature' && isNumeric(c));
  for (const c of numericFeatures) attributes.push({ column: c.name, kind: 'min' }, { column: c.name, kind: 'max' });
  const features: Slot[] = [];
  for (const c of used.filter((c) => c.role === 'feature')) features.push(...slotsOf(c, hasMissing(c), true));
  if (time) features.push({ column: time.name, kind: 'step' });

  const trimmed = used.filter((c) => c.type === 'continuous' && !cells[c.name].some((v) => !isMissing(v) && /\.\d*0$/.test(v))).map((c) => c.name);
  const layout: CodecLayout = { schema, attributes, features, maxLength, ranges, steps, starts, missingAs, numericIds: false, trimmed };
  const idCol = schema.columns.find((c) => c.role === 'id');
  if (idCol) layout.numericIds = col(idCol.name).every((v) => /^\d+$/.test(v));

  const A = attributes.length;
  const F = features.length;
  const attr = new Float64Array(E * A);
  const feat = new Float64Array(E * maxLength * F);
  const running = new Float64Array(E * maxLength);
  entities.forEach((rows, e) => {
    const own: Record<string, [number, number]> = {};
    for (const c of numericFeatures) own[c.name] = rangeOf(rows.map((r) => cells[c.name][r]).filter((v) => !isMissing(v)).map((v) => numberOf(c, v)));
    attributes.forEach((s, a) => {
      const first = s.column ? cells[s.column]?.[rows[0]] : '';
      attr[e * A + a] = attributeValue(s, byName.get(s.column), first, rows, own, layout, timeOf, isMissing);
    });
    rows.forEach((r, t) => {
      running[e * maxLength + t] = 1;
      features.forEach((s, f) => {
        const v = s.kind === 'step' ? '' : cells[s.column][r];
        let x: number;
        if (s.kind === 'category') x = (isMissing(v) ? '' : v) === s.category ? 1 : 0;
        else if (s.kind === 'missing') x = isMissing(v) ? 1 : 0;
        else if (s.kind === 'zero') x = !isMissing(v) && parseNumber(v) === 0 ? 1 : 0;
        else if (s.kind === 'step') x = t === 0 ? 0 : scale(timeOf![r] - timeOf![rows[t - 1]], steps!);
        else x = isMissing(v) ? 0 : scale(numberOf(byName.get(s.column)!, v), own[s.column]);
        feat[(e * maxLength + t) * F + f] = x;
      });
    });
  });
  return { layout, entities: E, attributes: attr, features: feat, running };
}

function attributeValue(
  s: Slot,
  c: ColumnSchema | undefined,
  cell: string,
  rows: number[],
  own: Record<string, [number, number]>,
  layout: CodecLayout,
  timeOf: number[] | null,
  isMissing: (c: string) => boolean,
): number {
  switch (s.kind) {
    case 'category':
      return (isMissing(cell) ? '' : cell) === s.category ? 1 : 0;
    case 'missing':
      return isMissing(cell) ? 1 : 0;
    case 'value':
      return isMissing(cell) ? 0 : scale(numberOf(c!, cell), layout.ranges[s.column]);
    case 'length':
      return rows.length / layout.maxLength;
    case 'start':
      return scale(timeOf![rows[0]], layout.starts!);
    case 'min':
      return scale(own[s.column][0], layout.ranges[s.column]);
    case 'max':
      return scale(own[s.column][1], layout.ranges[s.column]);
    default:
      return 0;
  }
}

/** A column's value for a slot group: the category with the largest score. */
function argmaxCategory(slots: { slot: Slot; x: number }[]): string {
  let best = slots[0];
  for (const s of slots) if (s.x > best.x) best = s;
  return best.slot.category ?? '';
}

/** `decodeRows` as CSV text. */
export function decodeTable(enc: Omit<EncodedTable, 'layout'>, layout: CodecLayout, draw?: () => number): string {
  return tableToCsv(decodeRows(enc, layout, draw));
}

/**
 * Writes encoded (or generated) arrays back as the real table's cells (a
 * CsvTable named "samples"): its columns, in its order and formats. Entities get fresh ids; an entity runs
 * while its running flag is above 0.5 (at least one row) and no longer than
 * its length attribute says. A missing or zero flag is set when it is above
 * 0.5, or, with `draw` (uniform draws in [0, 1)), with its value as the
 * probability: a generator that learnt a rare flag's rate as a soft value
 * (4.7 % missing cells, each 0.047) then writes it at that rate.
 */
export function decodeRows(enc: Omit<EncodedTable, 'layout'>, layout: CodecLayout, draw?: () => number): CsvTable {
  const flag = draw ? (x: number) => draw() < x : (x: number) => x > 0.5;
  const { schema, attributes, features, maxLength } = layout;
  const A = attributes.length;
  const F = features.length;
  const header = schema.columns.map((c) => c.name);
  const written: CsvTable['rows'] = [];
  const byColumn = (slots: Slot[], values: ArrayLike<number>, base: number) => {
    const out = new Map<string, { slot: Slot; x: number }[]>();
    slots.forEach((slot, k) => {
      let g = out.get(slot.column);
      if (!g) out.set(slot.column, (g = []));
      g.push({ slot, x: values[base + k] });
    });
    return out;
  };
  const drawnId = schema.columns.find((c) => c.role === 'id' && c.drawn === true);
  const drawnIds = uniqueIds(drawnId?.categories ?? []);
  for (let e = 0; e < enc.entities; e++) {
    const attr = byColumn(attributes, enc.attributes, e * A);
    const lengthSlot = attr.get('')!.find((s) => s.slot.kind === 'length')!;
    const maxRows = Math.max(1, Math.min(maxLength, Math.round(lengthSlot.x * maxLength)));
    let rows = 1;
    while (rows < maxRows && enc.running[e * maxLength + rows] > 0.5) rows++;
    const own = (column: string): [number, number] => {
      const g = attr.get(column)!;
      const r = layout.ranges[column];
      const lo = unscale(g.find((s) => s.slot.kind === 'min')!.x, r);
      const hi = unscale(g.find((s) => s.slot.kind === 'max')!.x, r);
      return [Math.min(lo, hi), Math.max(lo, hi)];
    };
    const id = drawnId ? drawnIds.next(argmaxCategory(attr.get(drawnId.name)!)) : layout.numericIds ? String(e + 1) : `e${String(e + 1).padStart(String(enc.entities).length, '0')}`;
    let time = 0;
    for (let t = 0; t < rows; t++) {
      const feat = byColumn(features, enc.features, (e * maxLength + t) * F);
      const fields = schema.columns.map((c) => {
        if (c.role === 'id') return id;
        if (c.role === 'time') {
          const g = feat.get(c.name)!;
          const startSlot = attr.get(c.name)!.find((s) => s.slot.kind === 'start')!;
          time = t === 0 ? unscale(startSlot.x, layout.starts!) : time + unscale(g.find((s) => s.slot.kind === 'step')!.x, layout.steps!);
          return formatTime(time, c);
        }
        if (c.role === 'attribute') return cellOf(c, attr.get(c.name)!, layout.ranges[c.name], layout, flag);
        if (c.role === 'feature') return cellOf(c, feat.get(c.name)!, isNumeric(c) ? own(c.name) : [0, 0], layout, flag);
        return '';
      });
      written.push({ line: written.length + 2, fields });
    }
  }
  return { file: 'samples', header, headerLine: 1, rows: written };
}

/**
 * Drawn ids, each entity its own: a name drawn again gets a running number
 * ("north", "north-2", …), so that the rows of two entities never merge.
 * `baseId` reads the name back.
 */
function uniqueIds(names: readonly string[]): { next: (name: string) => string } {
  const taken = new Set<string>();
  const known = new Set(names);
  return {
    next: (name) => {
      // The first draw keeps the name; a later one takes the next number that is neither written nor a name of its own (the data may hold north-2).
      let id = name;
      for (let k = 2; taken.has(id) || (id !== name && known.has(id)); k++) id = `${name}-${k}`;
      taken.add(id);
      return id;
    },
  };
}

/** A drawn id's name: `id` itself when it is one of `names`, else without uniqueIds' running number. */
export function baseId(id: string, names: ReadonlySet<string>): string {
  if (names.has(id)) return id;
  const m = /^(.*)-\d+$/.exec(id);
  return m && names.has(m[1]) ? m[1] : id;
}

function cellOf(c: ColumnSchema, g: { slot: Slot; x: number }[], range: [number, number], layout: CodecLayout, flag: (x: number) => boolean): string {
  const missing = layout.missingAs[c.name] ?? '';
  if (isCategorical(c)) {
    const v = argmaxCategory(g);
    return v === '' ? missing : v;
  }
  if (flag(g.find((s) => s.slot.kind === 'missing')?.x ?? 0)) return missing;
  if (flag(g.find((s) => s.slot.kind === 'zero')?.x ?? 0)) return c.type === 'integer' || layout.trimmed.includes(c.name) ? '0' : (0).toFixed(c.decimals ?? 0);
  const v = unscale(g.find((s) => s.slot.kind === 'value')!.x, range);
  // A date without a time of day is the nearest day: a requested 2019-12-01 comes back from float32 as 23:59:59.9 the day before.
  if (c.type === 'datetime') return formatTime(c.format !== undefined && !c.format.includes('HH') ? Math.round(v / DAY_MS) * DAY_MS : v, c);
  if (c.type === 'integer') return String(Math.round(v) + 0);
  const s = fixed(v, c.decimals ?? 6);
  return layout.trimmed.includes(c.name) && s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const DAY_MS = 86_400_000;

/** `v` with `d` decimals, never "-0.00". */
function fixed(v: number, d: number): string {
  const s = v.toFixed(d);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A time value written as its column writes it. */
function formatTime(v: number, c: ColumnSchema): string {
  if (c.type !== 'datetime') return c.type === 'integer' ? String(Math.round(v) + 0) : fixed(v, c.decimals ?? 6);
  // Date's own bounds (±8.64e15 ms, ECMA-262 §21.4.1.1): a generated value past them is clamped, not a RangeError.
  const ms = Number.isFinite(v) ? Math.max(-8.64e15, Math.min(8.64e15, Math.round(v))) : 0;
  const iso = new Date(ms).toISOString(); // 2021-03-01T12:34:56.000Z
  switch (c.format) {
    case 'YYYY-MM':
      return iso.slice(0, 7);
    case 'YYYY/MM/DD':
      return iso.slice(0, 10).replace(/-/g, '/');
    case 'YYYY-MM-DD HH:mm':
      return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
    case 'YYYY-MM-DD HH:mm:ss':
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    case 'YYYY-MM-DDTHH:mm:ss':
      return iso.slice(0, 19);
    default:
      return iso.slice(0, 10);
  }
}

/** The attribute slots of the static columns, which come first among the attributes (the length, start and ranges follow). */
export function staticSlotCount(layout: CodecLayout): number {
  const statics = new Set(layout.schema.columns.filter(isStatic).map((c) => c.name));
  return layout.attributes.filter((s) => statics.has(s.column)).length;
}

/** An encoded table as one flat item per entity: [attributes, steps·features, running flags], row-major. */
export function flatItems(enc: EncodedTable): Float32Array {
  const { attributes: A, features: F, maxLength: T } = { attributes: enc.layout.attributes.length, features: enc.layout.features.length, maxLength: enc.layout.maxLength };
  const size = A + T * (F + 1);
  const out = new Float32Array(enc.entities * size);
  for (let e = 0; e < enc.entities; e++) {
    out.set(enc.attributes.subarray(e * A, (e + 1) * A), e * size);
    out.set(enc.features.subarray(e * T * F, (e + 1) * T * F), e * size + A);
    out.set(enc.running.subarray(e * T, (e + 1) * T), e * size + A + T * F);
  }
  return out;
}

/** Flat items (see flatItems) back as the arrays decodeTable reads. */
export function splitItems(items: ArrayLike<number>, count: number, layout: CodecLayout): Omit<EncodedTable, 'layout'> {
  const A = layout.attributes.length;
  const F = layout.features.length;
  const T = layout.maxLength;
  const size = A + T * (F + 1);
  const attributes = new Float64Array(count * A);
  const features = new Float64Array(count * T * F);
  const running = new Float64Array(count * T);
  for (let e = 0; e < count; e++) {
    for (let a = 0; a < A; a++) attributes[e * A + a] = items[e * size + a];
    for (let k = 0; k < T * F; k++) features[e * T * F + k] = items[e * size + A + k];
    for (let t = 0; t < T; t++) running[e * T + t] = items[e * size + A + T * F + t];
  }
  return { entities: count, attributes, features, running };
}

/**
 * What a request (`--where kind=A`, a row of `--given`) asks of the static
 * attribute slots: a target value per slot of a named column (a one-hot for a
 * category, the scaled number for a value), null for the slots left to the
 * generator. `where` names the request in errors.
 */
export function staticTargets(layout: CodecLayout, request: Record<string, string>, where: string): (number | null)[] {
  const statics = layout.schema.columns.filter(isStatic);
  const slots = layout.attributes.slice(0, staticSlotCount(layout));
  const isMissing = missingTest(layout.schema.naTokens);
  const out: (number | null)[] = slots.map(() => null);
  for (const [column, raw] of Object.entries(request)) {
    const c = statics.find((x) => x.name === column);
    if (!c) {
      const names = statics.map((x) => showCell(x.name)).join(', ');
      throw new TsganError(`${where}: ${showCell(column)} is not a static attribute of this model's table${names ? `; its static attributes are ${names}` : ' (it has none)'}`);
    }
    const value = raw.trim();
    const missing = isMissing(value);
    slots.forEach((s, k) => {
      if (s.column !== column) return;
      if (s.kind === 'category') out[k] = (missing ? '' : value) === s.category ? 1 : 0;
      else if (s.kind === 'missing') out[k] = missing ? 1 : 0;
      else if (s.kind === 'value' && !missing) {
        const v = c.type === 'datetime' ? parseDatetime(value) : parseNumber(value);
        if (v === null || Number.isNaN(v)) throw new TsganError(`${where}: ${column}=${value} is not ${c.type === 'datetime' ? `a date written ${c.format}` : 'a number'}`);
        const [lo, hi] = layout.ranges[column];
        if (v < lo || v > hi) throw new TsganError(`${where}: ${column}=${value} is outside the range the model learnt (${lo} to ${hi})`);
        out[k] = scale(v, [lo, hi]);
      }
    });
    if (isCategorical(c) && !slots.some((s, k) => s.column === column && out[k] === 1)) {
      const cats = c.categories ?? [];
      throw new TsganError(`${where}: ${showCell(`${column}=${value}`)} is not one of its categories (${cats.slice(0, 8).map((v) => showCell(v)).join(', ')}${cats.length > 8 ? ', …' : ''})`);
    }
    if (missing && !slots.some((s) => s.column === column && (s.kind === 'missing' || s.category === ''))) throw new TsganError(`${where}: ${column} is never missing in the data the model learnt`);
  }
  return out;
}
