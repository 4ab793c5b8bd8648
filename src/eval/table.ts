/**
 * Whole tables compared by their schema (issue 27's measures): how many
 * entities and how long, each category's frequency and each categorical
 * feature's transitions within entities, missing and zero shares, and each
 * numeric column's marginal distribution, on the real and the synthetic
 * table alike. Differences are absolute, in shares (0.03 is 3 points).
 */
import { TsganError } from '../errors.js';
import { parseNumber, type CsvTable } from '../data/csv.js';
import { isStatic, missingTest, type ColumnSchema, type DataSchema } from '../data/schema.js';
import { baseId } from '../data/table-codec.js';
import { ecdfDistances } from './stats.js';
import { attributeRecovery, type AttributeRecovery } from './attribute.js';

export interface Shares {
  real: Record<string, number>;
  synthetic: Record<string, number>;
  /** The largest |real − synthetic| over the categories (or transitions). */
  maxDiff: number;
}

export interface TableComparison {
  entities: { real: number; synthetic: number };
  /** Rows per entity: both sides' means and the two-sample KS distance (null without an id column). */
  lengths: { real: number; synthetic: number; ks: number } | null;
  /** Categorical and boolean columns (features and attributes): each category's share of present cells; attributes once per entity. */
  categories: Record<string, Shares>;
  /** Categorical features: P(next | this) within entities, keyed "this → next". */
  transitions: Record<string, Shares>;
  /** Share of missing cells per column, both sides and the difference. */
  missing: Record<string, { real: number; synthetic: number; diff: number }>;
  /** Continuous and integer columns with a point mass at 0: the share of exact zeros. */
  zeros: Record<string, { real: number; synthetic: number; diff: number }>;
  /** Continuous and integer columns: KS distance of their present values (attributes: one value per entity). */
  numeric: Record<string, { ks: number }>;
  /** Categorical static attributes: recovered from the series by a classifier, on held-out real and on synthetic entities (src/eval/attribute.ts). */
  attributes: Record<string, AttributeRecovery>;
  /** Each pair of static attributes, keyed "a × b": how far their joint distribution moved (see attributePair). */
  pairs: Record<string, { measure: 'joint shares' | 'means by category' | 'correlation'; diff: number }>;
}

/** A table read by entity, as the schema describes it. */
export interface Side {
  table: CsvTable;
  col: (name: string) => string[];
  /** Row indices per entity, in file order. */
  entities: number[][];
}

/** `table` by entity (its id column's blocks), each column's trimmed cells by name; `label` names the side in errors. */
export function side(table: CsvTable, schema: DataSchema, label: string): Side {
  for (const c of schema.columns) {
    if (c.role !== 'ignored' && !table.header.includes(c.name)) throw new TsganError(`${table.file}: the ${label} table has no column "${c.name}"; its columns are ${table.header.join(', ')}`);
  }
  const raw = (name: string) => {
    const j = table.header.indexOf(name);
    return table.rows.map((r) => r.fields[j].trim());
  };
  const id = schema.columns.find((c) => c.role === 'id');
  // A drawn id is read as the name it was drawn as (north-2 is a north).
  const names = new Set(id?.categories ?? []);
  const col = (name: string) => (id?.drawn && name === id.name ? raw(name).map((v) => baseId(v, names)) : raw(name));
  const groups = new Map<string, number[]>();
  const ids = id ? raw(id.name) : table.rows.map(() => '');
  ids.forEach((v, i) => {
    let g = groups.get(v);
    if (!g) groups.set(v, (g = []));
    g.push(i);
  });
  return { table, col, entities: [...groups.values()] };
}

function shares(values: string[]): Record<string, number> {
  // No prototype: a category may be called "constructor".
  const out: Record<string, number> = Object.create(null);
  for (const v of values) out[v] = (out[v] ?? 0) + 1 / values.length;
  return out;
}

function compareShares(real: Record<string, number>, synthetic: Record<string, number>): Shares {
  let maxDiff = 0;
  for (const k of new Set([...Object.keys(real), ...Object.keys(synthetic)])) maxDiff = Math.max(maxDiff, Math.abs((real[k] ?? 0) - (synthetic[k] ?? 0)));
  return { real, synthetic, maxDiff };
}

/** P(next | this) within each entity, over consecutive present cells. */
function transitions(s: Side, values: string[], isMissing: (c: string) => boolean): Record<string, number> {
  const counts = new Map<string, Map<string, number>>();
  for (const rows of s.entities) {
    for (let k = 1; k < rows.length; k++) {
      const a = values[rows[k - 1]];
      const b = values[rows[k]];
      if (isMissing(a) || isMissing(b)) continue;
      let m = counts.get(a);
      if (!m) counts.set(a, (m = new Map()));
      m.set(b, (m.get(b) ?? 0) + 1);
    }
  }
  const out: Record<string, number> = Object.create(null);
  for (const [a, m] of counts) {
    const n = [...m.values()].reduce((x, y) => x + y, 0);
    for (const [b, c] of m) out[`${a} → ${b}`] = c / n;
  }
  return out;
}

/** The values of an attribute, one per entity (its first row's). */
function perEntity(s: Side, values: string[]): string[] {
  return s.entities.map((rows) => values[rows[0]]);
}

/** Compares a synthetic table with the real one, column by column as `schema` describes them. */
export function compareTables(real: CsvTable, synthetic: CsvTable, schema: DataSchema): TableComparison {
  const isMissing = missingTest(schema.naTokens);
  const R = side(real, schema, 'real');
  const S = side(synthetic, schema, 'synthetic');
  const hasId = schema.columns.some((c) => c.role === 'id');
  const lengthsOf = (s: Side) => Float64Array.from(s.entities, (rows) => rows.length);
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  const out: TableComparison = {
    entities: { real: R.entities.length, synthetic: S.entities.length },
    lengths: hasId ? { real: mean(lengthsOf(R)), synthetic: mean(lengthsOf(S)), ks: ecdfDistances(lengthsOf(R), lengthsOf(S)).ks } : null,
    categories: Object.create(null),
    transitions: Object.create(null),
    missing: Object.create(null),
    zeros: Object.create(null),
    numeric: Object.create(null),
    attributes: hasId ? attributeRecovery(R, S, schema, isMissing) : {},
    pairs: Object.create(null),
  };
  const statics = hasId ? schema.columns.filter((c) => c.role === 'attribute' && c.type !== 'datetime' && c.type !== 'text') : [];
  for (let i = 0; i < statics.length; i++) {
    for (let j = i + 1; j < statics.length; j++) out.pairs[`${statics[i].name} × ${statics[j].name}`] = attributePair(statics[i], statics[j], R, S, isMissing);
  }
  const used = schema.columns.filter((c) => c.role !== 'ignored' && (c.role !== 'id' || isStatic(c)));
  for (const c of used) {
    // An attribute counts once per entity: a long entity is not more of a site than a short one.
    const r = isStatic(c) ? perEntity(R, R.col(c.name)) : R.col(c.name);
    const s = isStatic(c) ? perEntity(S, S.col(c.name)) : S.col(c.name);
    const share = (v: string[]) => v.filter(isMissing).length / Math.max(1, v.length);
    out.missing[c.name] = { real: share(r), synthetic: share(s), diff: Math.abs(share(r) - share(s)) };
    if (c.type === 'categorical' || c.type === 'boolean') categorical(out, c, R, S, r, s, isMissing);
    if (c.type === 'continuous' || c.type === 'integer') {
      const nums = (v: string[]) => Float64Array.from(v.filter((x) => !isMissing(x)).map((x) => parseNumber(x) ?? NaN).filter(Number.isFinite));
      const [a, b] = [nums(r), nums(s)];
      if (a.length > 0 && b.length > 0) out.numeric[c.name] = { ks: ecdfDistances(a, b).ks };
      if (c.zeroShare !== undefined) {
        const z = (x: Float64Array) => x.filter((v) => v === 0).length / Math.max(1, x.length);
        out.zeros[c.name] = { real: z(a), synthetic: z(b), diff: Math.abs(z(a) - z(b)) };
      }
    }
  }
  return out;
}

/**
 * How far the joint distribution of two static attributes moved, one value
 * per entity: two categories by the largest difference of their joint
 * shares; a category and a number by the largest difference of the number's
 * mean within a category, in real standard deviations; two numbers by the
 * difference of their Pearson correlations. Entities missing either are left out.
 */
function attributePair(a: ColumnSchema, b: ColumnSchema, R: Side, S: Side, isMissing: (c: string) => boolean): TableComparison['pairs'][string] {
  const isCat = (c: ColumnSchema) => c.type === 'categorical' || c.type === 'boolean';
  const [x, y] = isCat(b) && !isCat(a) ? [b, a] : [a, b]; // a category first
  const pairsOf = (side: Side) => {
    const [u, v] = [perEntity(side, side.col(x.name)), perEntity(side, side.col(y.name))];
    return u.map((p, k) => [p, v[k]]).filter(([p, q]) => !isMissing(p) && !isMissing(q));
  };
  const [r, s] = [pairsOf(R), pairsOf(S)];
  const num = (v: string) => parseNumber(v) ?? NaN;
  const avg = (v: number[]) => v.reduce((p, q) => p + q, 0) / Math.max(1, v.length);
  if (isCat(x) && isCat(y)) return { measure: 'joint shares', diff: compareShares(shares(r.map(([p, q]) => `${p} ${q}`)), shares(s.map(([p, q]) => `${p} ${q}`))).maxDiff };
  if (isCat(x)) {
    const all = r.map(([, q]) => num(q));
    const m = avg(all);
    const sd = Math.sqrt(avg(all.map((v) => (v - m) ** 2))) || 1;
    let diff = 0;
    for (const k of new Set(r.map(([p]) => p))) {
      const within = (t: string[][]) => t.filter(([p]) => p === k).map(([, q]) => num(q));
      if (within(s).length > 0) diff = Math.max(diff, Math.abs(avg(within(r)) - avg(within(s))) / sd);
    }
    return { measure: 'means by category', diff };
  }
  const corr = (t: string[][]) => {
    const [u, v] = [t.map(([p]) => num(p)), t.map(([, q]) => num(q))];
    const [mu, mv] = [avg(u), avg(v)];
    const cov = avg(u.map((p, k) => (p - mu) * (v[k] - mv)));
    const den = Math.sqrt(avg(u.map((p) => (p - mu) ** 2)) * avg(v.map((q) => (q - mv) ** 2)));
    return den > 0 ? cov / den : 0;
  };
  return { measure: 'correlation', diff: Math.abs(corr(r) - corr(s)) };
}

function categorical(out: TableComparison, c: ColumnSchema, R: Side, S: Side, r: string[], s: string[], isMissing: (c: string) => boolean): void {
  const present = (v: string[]) => v.filter((x) => !isMissing(x));
  out.categories[c.name] = compareShares(shares(present(r)), shares(present(s)));
  if (c.role === 'feature') out.transitions[c.name] = compareShares(transitions(R, r, isMissing), transitions(S, s, isMissing));
}

/** One measure of a comparison, as the terminal and the report show it. */
export interface MeasureRow {
  /** The column, or "entities" / "lengths". */
  column: string;
  measure: string;
  value: string;
  /** What it means, in a phrase (for the report). */
  meaning: string;
}

const f3 = (x: number) => x.toFixed(3);

/** Every measure of `r`, column by column: entities and lengths first. */
export function measureRows(r: TableComparison): MeasureRow[] {
  const out: MeasureRow[] = [{ column: 'entities', measure: '', value: `${r.entities.real} real, ${r.entities.synthetic} synthetic`, meaning: 'how many entities each table holds' }];
  if (r.lengths) {
    out.push({ column: 'lengths', measure: 'KS', value: `${f3(r.lengths.ks)} (mean ${r.lengths.real.toFixed(1)} real, ${r.lengths.synthetic.toFixed(1)} synthetic)`, meaning: 'largest gap between the two distributions of rows per entity' });
  }
  for (const [pair, p] of Object.entries(r.pairs)) {
    const meaning = { 'joint shares': 'largest difference of the share of a pair of categories, per entity', 'means by category': "largest difference of the number's mean within a category, in real standard deviations", correlation: 'difference of the Pearson correlation of the two, per entity' }[p.measure];
    out.push({ column: pair, measure: p.measure, value: `±${f3(p.diff)}`, meaning });
  }
  const columns = new Set([...Object.keys(r.categories), ...Object.keys(r.numeric), ...Object.keys(r.missing)]);
  const own = <T>(o: Record<string, T>, c: string) => (Object.hasOwn(o, c) ? o[c] : undefined);
  for (const column of columns) {
    const add = (measure: string, value: string, meaning: string) => out.push({ column, measure, value, meaning });
    const cat = own(r.categories, column);
    if (cat) add('category shares', `±${f3(cat.maxDiff)}`, "largest difference of a category's share, in shares (0.03 is 3 points)");
    const tr = own(r.transitions, column);
    if (tr) add('transitions', `±${f3(tr.maxDiff)}`, 'largest difference of P(next | this) within entities');
    const ks = own(r.numeric, column);
    if (ks) add('KS', f3(ks.ks), 'largest gap between the real and synthetic distributions of its values');
    const a = own(r.attributes, column);
    if (a) {
      add('told from the series', `${f3(a.synthetic)} synthetic, ${f3(a.heldOut)} held-out real (chance ${f3(a.chance)})`, `a classifier trained on real series predicts ${column}: near the held-out real accuracy, the synthetic series carry it; near chance, they do not (higher is better)`);
    }
    const z = own(r.zeros, column);
    if (z) add('zeros', `${f3(z.real)} real, ${f3(z.synthetic)} synthetic`, 'share of exact zeros (a point mass)');
    const m = own(r.missing, column);
    if (m && (m.real > 0 || m.synthetic > 0)) add('missing', `${f3(m.real)} real, ${f3(m.synthetic)} synthetic`, 'share of missing cells');
  }
  return out;
}
