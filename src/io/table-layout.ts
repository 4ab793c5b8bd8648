/**
 * A table model's `table` key in tsgan.json: the codec layout that reads
 * generated arrays back as the input's table (src/data/table-codec.ts). It is
 * untrusted like the rest of the file: checked by a zod schema, then for
 * consistency with the schema it carries, before anything is generated.
 */
import { z } from 'zod';
import { TsganError } from '../errors.js';
import { parseSchemaJson } from '../data/schema-file.js';
import { isStatic, missingTest } from '../data/schema.js';
import type { CodecLayout } from '../data/table-codec.js';
import { obj, list, int, bool, str, finite, oneOf, keyPath, describe } from './model-schema.js';

const KINDS = ['value', 'missing', 'zero', 'category', 'length', 'start', 'min', 'max', 'step'] as const;
const slot = z.strictObject({ column: str(1000), kind: oneOf(KINDS), category: str(1000).optional() }, { error: 'must be a slot: {column, kind[, category]}' });
const range = z.tuple([finite(), finite()], { error: 'must be a [low, high] pair of finite numbers' });

const layoutSchema = obj({
  schema: z.unknown(),
  attributes: list(slot, 1, 2 ** 20),
  features: list(slot, 1, 2 ** 20),
  maxLength: int(1, 100_000),
  ranges: z.record(z.string(), range, { error: 'must be an object of [low, high] ranges' }),
  steps: z.union([range, z.null()], { error: 'must be a [low, high] range or null' }),
  starts: z.union([range, z.null()], { error: 'must be a [low, high] range or null' }),
  missingAs: z.record(z.string(), str(100), { error: 'must be an object of strings' }),
  numericIds: bool(),
  trimmed: list(str(1000), 0, 2 ** 20),
});

/** Reads `raw` (tsgan.json's `table`) as a layout, or names the key that is wrong. */
export function checkLayout(raw: unknown, file: string): CodecLayout {
  const r = layoutSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const key = keyPath(issue.path);
    throw new TsganError(`${file}: table${key ? `.${key}` : ''}: ${issue.message}`);
  }
  const layout = r.data as unknown as CodecLayout;
  layout.schema = parseSchemaJson(r.data.schema, `${file}: table.schema`);
  // A drawn id stands among the attributes as one of them.
  const roleOf = new Map(layout.schema.columns.map((c) => [c.name, isStatic(c) ? 'attribute' : c.role]));
  // Which column a slot may stand for: the length stands for none, start and step for the time column,
  // an attribute's min and max for a feature (its per-entity range); every other slot for a column of its vector's role.
  const fits = (s: { column: string; kind: string }, role: 'attribute' | 'feature') =>
    s.kind === 'length' ||
    roleOf.get(s.column) === role ||
    ((s.kind === 'start' || s.kind === 'step') && roleOf.get(s.column) === 'time') ||
    (role === 'attribute' && (s.kind === 'min' || s.kind === 'max') && roleOf.get(s.column) === 'feature');
  for (const [key, role] of [['attributes', 'attribute'], ['features', 'feature']] as const) {
    const bad = layout[key].findIndex((s) => !fits(s, role));
    if (bad >= 0) throw new TsganError(`${file}: table.${key}[${bad}]: column ${describe(layout[key][bad].column)} is not a ${role} column of table.schema`);
  }
  // Every column the table writes has its slots, the length has one, and the static columns' slots come first (staticSlotCount).
  for (const c of layout.schema.columns) {
    const key = isStatic(c) ? 'attributes' : c.role === 'feature' ? 'features' : null;
    if (key && !layout[key].some((s) => s.column === c.name)) throw new TsganError(`${file}: table.${key}: has no slot for column ${describe(c.name)} of table.schema`);
  }
  if (!layout.attributes.some((s) => s.kind === 'length')) throw new TsganError(`${file}: table.attributes: has no length slot`);
  const statics = layout.attributes.filter((s) => roleOf.get(s.column) === 'attribute').length;
  if (layout.attributes.slice(0, statics).some((s) => roleOf.get(s.column) !== 'attribute')) throw new TsganError(`${file}: table.attributes: the static columns' slots must come first`);
  // Categories are the schema's, each once per vector, and every one has its slot; a missing cell is spelt as the schema reads one.
  const columnOf = new Map(layout.schema.columns.map((c) => [c.name, c]));
  for (const key of ['attributes', 'features'] as const) {
    layout[key].forEach((s, k) => {
      if (s.kind !== 'category') return;
      const c = columnOf.get(s.column)!;
      if (s.category !== '' && !(c.categories ?? []).includes(s.category ?? '')) throw new TsganError(`${file}: table.${key}[${k}].category: ${describe(s.category ?? '')} is not a category of column ${describe(s.column)} in table.schema`);
      if (layout[key].findIndex((x) => x.column === s.column && x.kind === 'category' && x.category === s.category) !== k) throw new TsganError(`${file}: table.${key}[${k}]: the category ${describe(s.category ?? '')} of ${describe(s.column)} has two slots`);
    });
  }
  for (const c of layout.schema.columns) {
    const key = isStatic(c) ? 'attributes' : c.role === 'feature' ? 'features' : null;
    if (!key || !(c.type === 'categorical' || c.type === 'boolean')) continue;
    const missing = (c.categories ?? []).find((k) => !layout[key].some((s) => s.column === c.name && s.kind === 'category' && s.category === k));
    if (missing !== undefined) throw new TsganError(`${file}: table.${key}: has no slot for category ${describe(missing)} of column ${describe(c.name)}`);
  }
  const isNa = missingTest(layout.schema.naTokens);
  for (const [column, spelt] of Object.entries(layout.missingAs)) {
    if (!columnOf.has(column)) throw new TsganError(`${file}: table.missingAs: column ${describe(column)} is not in table.schema`);
    if (!isNa(spelt)) throw new TsganError(`${file}: table.missingAs.${column}: ${describe(spelt)} is not a missing cell by table.schema's naTokens`);
  }
  for (const [column, [lo, hi]] of Object.entries(layout.ranges)) if (lo > hi) throw new TsganError(`${file}: table.ranges.${column}: starts above its end (${lo} > ${hi})`);
  for (const key of ['steps', 'starts'] as const) {
    const r = layout[key];
    if (r && r[0] > r[1]) throw new TsganError(`${file}: table.${key}: starts above its end (${r[0]} > ${r[1]})`);
  }
  // Times increase within an entity: a step is above 0 wherever an entity has two rows.
  if (layout.steps && (layout.steps[0] < 0 || (layout.maxLength > 1 && layout.steps[0] <= 0))) throw new TsganError(`${file}: table.steps: a time step of ${layout.steps[0]}; times increase within an entity`);
  // A date column's times stay where a Date can write them (±8.64e15 ms, ECMA-262 §21.4.1.1), all maxLength steps included.
  const time = layout.schema.columns.find((c) => c.role === 'time');
  if (time?.type === 'datetime' && layout.steps && layout.starts) {
    const last = layout.starts[1] + layout.maxLength * layout.steps[1];
    if (Math.abs(layout.starts[0]) > 8.64e15 || Math.abs(last) > 8.64e15) throw new TsganError(`${file}: table.starts: dates from ${layout.starts[0]} to ${last} ms lie outside what a date can hold`);
  }
  const numeric = [...layout.attributes, ...layout.features].filter((s) => ['value', 'min', 'max'].includes(s.kind));
  const noRange = numeric.find((s) => !Object.hasOwn(layout.ranges, s.column));
  if (noRange) throw new TsganError(`${file}: table.ranges: has no range for column ${describe(noRange.column)}`);
  const timed = [...layout.attributes, ...layout.features].some((s) => s.kind === 'start' || s.kind === 'step');
  if (timed && (layout.steps === null || layout.starts === null)) throw new TsganError(`${file}: table.steps: a table with a time column needs its step and start ranges`);
  return layout;
}
