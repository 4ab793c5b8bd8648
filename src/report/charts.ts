/**
 * The report's charts as Vega-Lite specifications (Satyanarayan et al. 2017),
 * rendered in Node without a browser: Vega-Lite → Vega → SVG (vega's
 * headless SVG renderer), and SVG → PNG with resvg. Each builder is a pure
 * function from numbers to a spec, so a chart can be reused or restyled
 * without touching the metrics.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import type { HistoryData } from '../train/loop.js';

export interface Chart {
  /** File-name stem of the PNG. */
  name: string;
  title: string;
  /** One line under the title: what to look for. */
  caption: string;
  spec: TopLevelSpec;
}

const SOURCE_COLORS = { domain: ['real', 'synthetic'], range: ['#1f77b4', '#e6550d'] };
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * The chart as an SVG string. Vega numbers clip paths and gradients with
 * counters global to the process; inlined side by side in one page, two
 * charts would share ids and draw with each other's clips. Every id is
 * renamed `<prefix>-<n>` in order of appearance: unique in the page, and the
 * same bytes on every run.
 */
export async function chartToSvg(spec: TopLevelSpec, prefix = 'chart'): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  // XML 1.0 has no place for C0 controls (a category "p\x07q" from a CSV): shown as U+FFFD, so that every SVG parser reads the chart.
  svg = svg.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '\ufffd');
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) if (!ids.has(m[1])) ids.set(m[1], `${prefix}-${ids.size}`);
  return svg.replace(/\b(id="|href="#|url\(#)([^")]+)/g, (all, lead: string, id: string) => (ids.has(id) ? lead + ids.get(id) : all));
}

/**
 * The SVG as it goes inline into the report. Vega escapes `<`, `>` and `&` in the text and attributes
 * it writes (feature names, history keys, ARIA labels), and `"` in attributes; on top of that every `=` and `:`
 * in text nodes and attribute values (but the xmlns declarations) becomes a character reference, so
 * that a column named `x onerror=alert(1)` or `javascript:…` cannot read as markup to any parser or filter.
 */
export function inertSvg(svg: string): string {
  const ref = (t: string) => t.replace(/[=:]/g, (c) => (c === '=' ? '&#61;' : '&#58;'));
  // Tags and text apart first (Vega escapes < and > everywhere, but leaves " raw in text): a quote in a name cannot shift what is read as an attribute.
  return svg.replace(/<[^>]*>|[^<]+/g, (part) =>
    part.startsWith('<')
      ? part.replace(/(\s)([\w:.-]+)="([^"]*)"/g, (all, sp: string, name: string, value: string) => (/^xmlns(:|$)/.test(name) ? all : `${sp}${name}="${ref(value)}"`))
      : ref(part),
  );
}

/** PNG at twice the SVG's size; text uses the system's fonts (DejaVu Sans where present). */
export function svgToPng(svg: string): Buffer {
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return r.render().asPng();
}

type Row = Record<string, string | number>;

/** A few real and synthetic windows, one panel per feature and side. */
export function samplesChart(features: string[], real: number[][][], synthetic: number[][][]): Chart {
  const values: Row[] = [];
  const add = (source: string, wins: number[][][]) =>
    wins.forEach((w, i) => w.forEach((step, t) => step.forEach((v, f) => values.push({ source, sample: `${source} ${i}`, id: i, step: t, feature: features[f], value: v }))));
  add('real', real);
  add('synthetic', synthetic);
  return {
    name: 'samples',
    title: 'Sample sequences',
    caption: `${real.length} random real and ${synthetic.length} random synthetic windows per feature, scaled to [0, 1] by the real data's range.`,
    spec: linesGrid(values, 'feature', features, [260, 90], null, 'sample'),
  };
}

/** Lines over steps, one panel per `row` value (in `order`) and source, each line a `detail` value, on one y scale. */
function linesGrid(values: Row[], row: string, order: string[], [width, height]: [number, number], yTitle: string | null, detail: string): TopLevelSpec {
  return {
    $schema: SCHEMA,
    data: { values },
    facet: { row: { field: row, type: 'nominal', sort: order, title: null }, column: { field: 'source', type: 'nominal', title: null } },
    spec: {
      width,
      height,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } },
        detail: { field: detail, type: 'nominal' },
        color: { field: 'id', type: 'nominal', legend: null, scale: { scheme: 'tableau10' } },
      },
    },
    resolve: { scale: { y: 'shared' } },
  };
}

/** A 2-D scatter of real vs synthetic points ([n, 2] each). */
export function scatterChart(name: string, title: string, caption: string, real: Float64Array, synthetic: Float64Array): Chart {
  const values: Row[] = [];
  for (let i = 0; i < real.length / 2; i++) values.push({ source: 'real', x: real[2 * i], y: real[2 * i + 1] });
  for (let i = 0; i < synthetic.length / 2; i++) values.push({ source: 'synthetic', x: synthetic[2 * i], y: synthetic[2 * i + 1] });
  const [ax, ay] = name === 'pca' ? ['PC 1', 'PC 2'] : ['t-SNE 1', 't-SNE 2'];
  return {
    name,
    title,
    caption,
    spec: {
      $schema: SCHEMA,
      width: 360,
      height: 320,
      data: { values },
      mark: { type: 'circle', size: 14, opacity: 0.45 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: ax, scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: ay, scale: { zero: false } },
        color: { field: 'source', type: 'nominal', scale: SOURCE_COLORS, title: null },
      },
    },
  };
}

/** Histograms of each feature's values, real vs synthetic, as densities on shared bins. */
export function histogramChart(features: string[], real: Float64Array[], synthetic: Float64Array[], bins = 30): Chart {
  const values: Row[] = [];
  features.forEach((feature, f) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of [...real[f], ...synthetic[f]]) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const width = hi > lo ? (hi - lo) / bins : 1;
    for (const [source, vs] of [['real', real[f]], ['synthetic', synthetic[f]]] as const) {
      const counts = new Array<number>(bins).fill(0);
      for (const v of vs) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
      counts.forEach((c, b) => values.push({ feature, source, x: lo + (b + 0.5) * width, density: c / vs.length / width }));
    }
  });
  return {
    name: 'histograms',
    title: 'Value distributions',
    caption: 'Per feature, the share of values in each bin (scaled units): the curves should lie on each other.',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { field: 'feature', type: 'nominal', sort: features, title: null },
      columns: 3,
      spec: {
        width: 220,
        height: 120,
        mark: { type: 'line', interpolate: 'step', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'value' },
          y: { field: 'density', type: 'quantitative', title: 'density' },
          color: { field: 'source', type: 'nominal', scale: SOURCE_COLORS, title: null },
        },
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
    },
  };
}

/** Category shares, real beside synthetic, one panel per column (`shares[column]` maps a category to its share). */
export function sharesChart(shares: Record<string, { real: Record<string, number>; synthetic: Record<string, number> }>): Chart {
  const values: Row[] = [];
  const columns = Object.keys(shares);
  for (const column of columns) {
    for (const source of ['real', 'synthetic'] as const) {
      for (const [category, share] of Object.entries(shares[column][source])) values.push({ column, source, category, share });
    }
  }
  return {
    name: 'categories',
    title: 'Category shares',
    caption: 'Per categorical column, each category\'s share of present cells (a static attribute once per entity): the bars of a pair should be equally tall.',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { field: 'column', type: 'nominal', sort: columns, title: null },
      columns: 3,
      spec: {
        // A step per category: a fixed width leaves the offset bars a hair wide.
        width: { step: 26 },
        height: 120,
        mark: 'bar',
        encoding: {
          x: { field: 'category', type: 'nominal', title: null, axis: { labelLimit: 80 } },
          xOffset: { field: 'source', type: 'nominal' },
          y: { field: 'share', type: 'quantitative', title: 'share' },
          color: { field: 'source', type: 'nominal', scale: SOURCE_COLORS, title: null },
        },
      },
      resolve: { scale: { x: 'independent' } },
    },
  };
}

/**
 * A few whole entities per value of a static attribute, real beside
 * synthetic: one numeric feature over each entity's steps, in the data's
 * units. `groups[value]` holds each side's entities as series.
 */
export function entitiesChart(attribute: string, feature: string, groups: Record<string, { real: number[][]; synthetic: number[][] }>): Chart {
  const values: Row[] = [];
  const order = Object.keys(groups);
  for (const value of order) {
    for (const source of ['real', 'synthetic'] as const) {
      groups[value][source].forEach((series, i) => series.forEach((v, t) => Number.isFinite(v) && values.push({ group: `${attribute} = ${value}`, source, entity: `${source} ${i}`, id: i, step: t, value: v })));
    }
  }
  return {
    name: 'entities',
    title: `Entities by ${attribute}`,
    caption: `"${feature}" over the steps of a few real and synthetic entities of each ${attribute}, in the data's units: synthetic entities of a value should move like real ones of the same value.`,
    spec: linesGrid(values, 'group', order.map((v) => `${attribute} = ${v}`), [300, 100], feature, 'entity'),
  };
}

/** Autocorrelation curves per feature ([features][lags]). */
export function autocorrelationChart(features: string[], real: number[][], synthetic: number[][]): Chart {
  const values: Row[] = [];
  for (const [source, acf] of [['real', real], ['synthetic', synthetic]] as const) {
    acf.forEach((row, f) => row.forEach((v, l) => values.push({ feature: features[f], source, lag: l + 1, acf: v })));
  }
  return {
    name: 'autocorrelation',
    title: 'Autocorrelation',
    caption: 'Correlation of each feature with itself k steps later: how the sequences move in time.',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { field: 'feature', type: 'nominal', sort: features, title: null },
      columns: 3,
      spec: {
        width: 220,
        height: 120,
        mark: { type: 'line', point: true, strokeWidth: 1.5 },
        encoding: {
          x: { field: 'lag', type: 'quantitative', title: 'lag (steps)' },
          y: { field: 'acf', type: 'quantitative', title: 'autocorrelation', scale: { domain: [-1, 1] } },
          color: { field: 'source', type: 'nominal', scale: SOURCE_COLORS, title: null },
        },
      },
    },
  };
}

/** The feature correlation matrices side by side. */
export function correlationChart(features: string[], real: number[][], synthetic: number[][]): Chart {
  const values: Row[] = [];
  for (const [source, m] of [['real', real], ['synthetic', synthetic]] as const) {
    m.forEach((row, i) => row.forEach((v, j) => values.push({ source, a: features[i], b: features[j], r: Math.round(v * 100) / 100 })));
  }
  const side = Math.max(120, 28 * features.length);
  return {
    name: 'correlation',
    title: 'Feature correlations',
    caption: 'Pearson correlation between features over all steps: the two matrices should look alike.',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { column: { field: 'source', type: 'nominal', title: null } },
      spec: {
        width: side,
        height: side,
        encoding: {
          x: { field: 'a', type: 'nominal', sort: features, title: null },
          y: { field: 'b', type: 'nominal', sort: features, title: null },
        },
        layer: [
          { mark: 'rect', encoding: { color: { field: 'r', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'redblue', reverse: true }, title: 'r' } } },
          ...(features.length <= 12 ? [{ mark: { type: 'text' as const, fontSize: 9 }, encoding: { text: { field: 'r', type: 'quantitative' as const } } }] : []),
        ],
      },
    },
  };
}

/**
 * Training curves from a model's history: every recorded metric, thinned to
 * ≤ 400 points, one panel each. `note`: the model's own sentence on reading
 * its curves (its registry entry's `historyNote`).
 */
export function historyChart(history: HistoryData, note?: string): Chart | null {
  const evals = history.evaluations ?? [];
  const evalKeys = [...new Set(evals.flatMap((e) => Object.keys(e.metrics)))].map((k) => `eval ${k}`);
  const sparse = history.sparse ?? {};
  const keys = [...Object.keys(history.metrics), ...Object.keys(sparse), ...evalKeys];
  if (keys.length === 0 || history.iteration.length === 0) return null;
  const n = history.iteration.length;
  const window = Math.max(1, Math.ceil(n / 400));
  const values: Row[] = [];
  for (const [k, v] of Object.entries(history.metrics)) {
    // Mean over each window of iterations: raw GAN losses are too noisy to read.
    for (let s = 0; s < n; s += window) {
      let sum = 0;
      let c = 0;
      for (let i = s; i < Math.min(n, s + window); i++) {
        if (isFiniteNumber(v[i])) {
          sum += v[i];
          c++;
        }
      }
      const it = history.iteration[Math.min(n, s + window) - 1];
      if (c > 0 && isFiniteNumber(it)) values.push({ metric: k, iteration: it, value: sum / c, sparse: 0 });
    }
  }
  // A model file is untrusted: a point whose iteration or value is not a finite number is left out, never drawn as text.
  const push = (metric: string, iteration: unknown, value: unknown) => {
    if (isFiniteNumber(iteration) && isFiniteNumber(value)) values.push({ metric, iteration, value, sparse: 1 });
  };
  for (const e of evals) for (const [k, v] of Object.entries(e.metrics)) push(`eval ${k}`, e.iteration, v);
  for (const [k, v] of Object.entries(sparse)) v.iteration.forEach((it, i) => push(k, it, v.values[i]));
  return {
    name: 'training',
    title: 'Training history',
    caption:
      `Metrics recorded while the model trained${window > 1 ? ` (each point the mean of ${window} iterations)` : ''}` +
      (evals.length > 0 && evalEvery(evals) !== null ? `; "eval" panels: measured on held-out data every ${evalEvery(evals)} iterations.` : evals.length > 0 ? '; "eval" panels: measured on held-out data.' : '.') +
      (note ? ` ${note}` : ''),
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { field: 'metric', type: 'nominal', sort: keys, title: null },
      columns: 3,
      spec: {
        width: 220,
        height: 110,
        encoding: {
          x: { field: 'iteration', type: 'quantitative', title: 'iteration' },
          // An explicit precision: without one, Vega cuts 'g' to the tick step's digits (30 → "3e+1").
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false }, axis: { format: '.4~g' } },
        },
        // Measurements taken every so many iterations get a dot each; per-iteration curves a line only.
        layer: [
          { mark: { type: 'line', strokeWidth: 1.2, color: '#555' } },
          { transform: [{ filter: 'datum.sparse === 1' }], mark: { type: 'point', size: 14, filled: true, color: '#555' } },
        ],
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

/** D's gradient per input step at a few points of training (log scale): the vanishing-gradient diagnostic. */
export function gradPerStepChart(records: { iteration: number; norms: number[] }[]): Chart | null {
  if (records.length === 0) return null;
  const pick = records.length <= 5 ? records : [0, 1, 2, 3, 4].map((k) => records[Math.round((k * (records.length - 1)) / 4)]);
  const values: Row[] = [];
  for (const r of pick) {
    if (!isFiniteNumber(r.iteration) || !Array.isArray(r.norms)) continue;
    r.norms.forEach((n, t) => {
      if (isFiniteNumber(n)) values.push({ iteration: `iteration ${r.iteration}`, order: r.iteration, step: t, norm: Math.max(n, 1e-30) });
    });
  }
  if (values.length === 0) return null;
  return {
    name: 'gradients',
    title: 'Gradient reaching each time step',
    caption:
      "‖∂ℓ/∂x_t‖ of the discriminator's judgment at the last step, per input step t, on a real batch. A curve that falls by orders of magnitude towards step 0 is a vanishing gradient: D cannot judge long-range structure (try --cell lstm, --chrono).",
    spec: {
      $schema: SCHEMA,
      width: 420,
      height: 240,
      data: { values },
      mark: { type: 'line', point: true, strokeWidth: 1.4 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'input step t' },
        // Powers of ten only, as decimals down to 0.001 and as 1e-4… below (d3's default switched at 1e-6, mid-axis).
        y: {
          field: 'norm',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'gradient norm',
          axis: {
            labelExpr:
              "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) > 1e-6 ? '' : datum.value >= 0.001 ? format(datum.value, '~g') : format(datum.value, '.0e')",
          },
        },
        color: { field: 'iteration', type: 'ordinal', sort: { field: 'order' }, scale: { scheme: 'viridis' }, title: null },
      },
    },
  };
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The evaluation interval, as a number or null when the model file's iterations are not numbers. */
function evalEvery(evals: { iteration: number }[]): number | null {
  const d = evals.length > 1 ? evals[1].iteration - evals[0].iteration : evals[0].iteration;
  return isFiniteNumber(d) ? d : null;
}
