/**
 * Do the series still carry their attributes? A classifier learns a
 * categorical static attribute from each real entity's series (summaries of
 * its features), and is scored on held-out real entities (k-fold) and on the
 * synthetic entities, against the attribute each was written with. A
 * generator that ignores its attributes scores near `chance` on synthetic
 * data; one that carries them scores near the held-out real accuracy.
 * Like SDMetrics' ML-efficacy checks, with a deterministic multinomial
 * logistic regression so that the score needs no seed.
 */
import { parseNumber } from '../data/csv.js';
import type { ColumnSchema, DataSchema } from '../data/schema.js';
import type { Side } from './table.js';

/** A table read by entity: a column's trimmed cells, and each entity's row indices in order. */
export type EntityColumns = Pick<Side, 'col' | 'entities'>;

export interface AttributeRecovery {
  /** Accuracy on held-out real entities (FOLDS-fold cross-validation). */
  heldOut: number;
  /** Accuracy on the synthetic entities of a classifier fit on every real entity. */
  synthetic: number;
  /** The most frequent real value's share: what a classifier that ignores the series scores. */
  chance: number;
}

export const FOLDS = 5;
/** Fewer real entities than this, or one value only: no classifier. */
export const MIN_ENTITIES = 10;
/** More values than this: no classifier (a name per entity says nothing a series could carry, and the cost grows with the values). */
export const MAX_LEVELS = 50;
/** The classifier learns from at most this many real entities (every k-th), so that its cost stays bounded. */
export const MAX_ENTITIES = 2000;
const STEPS = 300;
const LEARNING_RATE = 0.5;
const L2 = 1e-2;

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

/** One entity's series as a fixed-length vector: its length, and per feature column the summaries a dynamics difference shows in. */
function summaries(s: EntityColumns, features: ColumnSchema[], isMissing: (c: string) => boolean): number[][] {
  const cols = features.map((c) => s.col(c.name));
  return s.entities.map((rows) => {
    const out = [Math.log(rows.length)];
    features.forEach((c, j) => {
      const cells = rows.map((r) => cols[j][r]);
      const present = cells.filter((x) => !isMissing(x));
      out.push(1 - present.length / cells.length);
      if (c.type === 'categorical' || c.type === 'boolean') {
        for (const k of c.categories ?? []) out.push(present.filter((x) => x === k).length / Math.max(1, present.length));
        let stays = 0;
        for (let t = 1; t < present.length; t++) stays += present[t] === present[t - 1] ? 1 : 0;
        out.push(stays / Math.max(1, present.length - 1));
      } else if (c.type === 'continuous' || c.type === 'integer') {
        const x = present.map((v) => parseNumber(v) ?? NaN).filter(Number.isFinite);
        const m = mean(x);
        const sd = Math.sqrt(mean(x.map((v) => (v - m) ** 2)));
        const d = x.slice(1).map((v, t) => v - x[t]);
        let ac = 0;
        for (let t = 1; t < x.length; t++) ac += (x[t] - m) * (x[t - 1] - m);
        out.push(m, sd, mean(d.map(Math.abs)), sd > 0 ? ac / ((x.length - 1) * sd * sd) : 0, x.filter((v) => v === 0).length / Math.max(1, x.length));
      }
    });
    return out;
  });
}

/** Multinomial logistic regression by full-batch gradient descent from zero: deterministic. Returns a predictor. */
function fit(x: number[][], y: number[], classes: number): (row: number[]) => number {
  const D = x[0].length;
  // Standardised by the training rows; a summary an entity lacks (NaN) sits at the mean.
  const mu = Array.from({ length: D }, (_, d) => mean(x.map((r) => r[d]).filter(Number.isFinite)) || 0);
  const sd = Array.from({ length: D }, (_, d) => Math.sqrt(mean(x.map((r) => r[d]).filter(Number.isFinite).map((v) => (v - mu[d]) ** 2))) || 1);
  const z = (r: number[]) => r.map((v, d) => (Number.isFinite(v) ? (v - mu[d]) / sd[d] : 0));
  const X = x.map(z);
  const W = Array.from({ length: classes }, () => new Float64Array(D + 1));
  const logits = (r: number[]) => W.map((w) => w[D] + r.reduce((a, v, d) => a + v * w[d], 0));
  for (let step = 0; step < STEPS; step++) {
    const grad = Array.from({ length: classes }, () => new Float64Array(D + 1));
    X.forEach((r, i) => {
      const l = logits(r);
      const top = Math.max(...l);
      const e = l.map((v) => Math.exp(v - top));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let k = 0; k < classes; k++) {
        const g = e[k] / sum - (y[i] === k ? 1 : 0);
        for (let d = 0; d < D; d++) grad[k][d] += g * r[d];
        grad[k][D] += g;
      }
    });
    for (let k = 0; k < classes; k++) for (let d = 0; d <= D; d++) W[k][d] -= LEARNING_RATE * (grad[k][d] / X.length + (d < D ? L2 * W[k][d] : 0));
  }
  return (row) => {
    const l = logits(z(row));
    return l.indexOf(Math.max(...l));
  };
}

/**
 * For each categorical or boolean static attribute: how often a classifier
 * trained on real series recovers it, on held-out real entities and on the
 * synthetic ones. Attributes with too few real entities or one value are left out.
 */
export function attributeRecovery(real: EntityColumns, synthetic: EntityColumns, schema: DataSchema, isMissing: (c: string) => boolean): Record<string, AttributeRecovery> {
  const features = schema.columns.filter((c) => c.role === 'feature');
  // Static attributes only: a drawn id is one entity per value in the real table, so no held-out entity shares its value.
  const targets = schema.columns.filter((c) => c.role === 'attribute' && (c.type === 'categorical' || c.type === 'boolean'));
  const out: Record<string, AttributeRecovery> = Object.create(null);
  if (features.length === 0 || targets.length === 0) return out;
  const xr = summaries(real, features, isMissing);
  const xs = summaries(synthetic, features, isMissing);
  for (const c of targets) {
    const values = real.col(c.name);
    const labels = real.entities.map((rows) => values[rows[0]]);
    const levels = [...new Set(labels.filter((v) => !isMissing(v)))];
    const present = labels.map((v, i) => i).filter((i) => !isMissing(labels[i]));
    const stride = Math.ceil(present.length / MAX_ENTITIES);
    const keep = present.filter((_, k) => k % stride === 0);
    if (keep.length < MIN_ENTITIES || levels.length < 2 || levels.length > MAX_LEVELS) continue;
    const y = keep.map((i) => levels.indexOf(labels[i]));
    const x = keep.map((i) => xr[i]);
    let right = 0;
    for (let f = 0; f < FOLDS; f++) {
      const train = x.map((_, i) => i).filter((i) => i % FOLDS !== f);
      const predict = fit(train.map((i) => x[i]), train.map((i) => y[i]), levels.length);
      for (let i = f; i < x.length; i += FOLDS) right += predict(x[i]) === y[i] ? 1 : 0;
    }
    const predict = fit(x, y, levels.length);
    const sv = synthetic.col(c.name);
    const written = synthetic.entities.map((rows) => levels.indexOf(sv[rows[0]]));
    const hits = xs.filter((row, i) => predict(row) === written[i]).length;
    const counts = levels.map((_, k) => y.filter((v) => v === k).length);
    out[c.name] = { heldOut: right / x.length, synthetic: hits / Math.max(1, xs.length), chance: Math.max(...counts) / y.length };
  }
  return out;
}
