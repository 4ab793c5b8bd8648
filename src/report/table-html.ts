/**
 * The report of a whole-table comparison (`tsgan eval --model M --report`,
 * or `--table --report`): the measures of src/eval/table.ts in a table that
 * says what each means, then the data — entity lengths, category shares,
 * numeric columns in the data's units, and a few real and synthetic entities
 * per value of a static attribute. Same page, policy and escaping as the
 * window report (src/report/html.ts): names and values come from CSV files
 * and model files, and are untrusted.
 */
import { runStream, type Rng } from '../random.js';
import { VERSION } from '../version.js';
import { parseNumber } from '../data/csv.js';
import { isStatic, missingTest, type DataSchema } from '../data/schema.js';
import type { CsvTable } from '../data/csv.js';
import { measureRows, side, type Side, type TableComparison } from '../eval/table.js';
import { entitiesChart, histogramChart, sharesChart, type Chart } from './charts.js';
import { esc, metricsTable, num, renderCharts, reportPage, type Report } from './html.js';

export interface TableReportOptions {
  realName: string;
  syntheticName: string;
  /** The model directory the schema came from, if any. */
  model?: string;
  /** Entities shown per attribute value and side. */
  shown?: number;
  seed?: number;
}

/** Up to `k` entities of `entities`, drawn with `rng`, in their order. */
function some(entities: number[][], k: number, rng: Rng): number[][] {
  if (entities.length <= k) return entities;
  return [...rng.sample(entities.length, k)].sort((a, b) => a - b).map((i) => entities[i]);
}

export async function buildTableReport(real: CsvTable, synthetic: CsvTable, schema: DataSchema, result: TableComparison, opts: TableReportOptions): Promise<Report> {
  const rng = runStream(opts.seed ?? 0, 'report');
  const isMissing = missingTest(schema.naTokens);
  const R = side(real, schema, 'real');
  const S = side(synthetic, schema, 'synthetic');
  const charts: Chart[] = [];
  const lengths = (x: Side) => Float64Array.from(x.entities, (rows) => rows.length);
  if (result.lengths) {
    const h = histogramChart(['rows per entity'], [lengths(R)], [lengths(S)], 20);
    charts.push({ ...h, name: 'lengths', title: 'Entity lengths', caption: 'Rows per entity, as densities on shared bins: the two curves should lie on each other.' });
  }
  if (Object.keys(result.categories).length > 0) charts.push(sharesChart(result.categories));
  const numeric = schema.columns.filter((c) => Object.hasOwn(result.numeric, c.name));
  if (numeric.length > 0) {
    const values = (x: Side, name: string, attribute: boolean) => {
      const cells = x.col(name);
      const picked = attribute ? x.entities.map((rows) => cells[rows[0]]) : cells;
      return Float64Array.from(picked.filter((v) => !isMissing(v)).map((v) => parseNumber(v) ?? NaN).filter(Number.isFinite));
    };
    const h = histogramChart(
      numeric.map((c) => c.name),
      numeric.map((c) => values(R, c.name, isStatic(c))),
      numeric.map((c) => values(S, c.name, isStatic(c))),
    );
    charts.push({ ...h, caption: "Per numeric column, the share of values in each bin, in the data's units (a static attribute once per entity): the curves should lie on each other." });
  }
  // A few whole entities per value of the first categorical attribute (or of none), on the first numeric feature.
  const feature = schema.columns.find((c) => c.role === 'feature' && (c.type === 'continuous' || c.type === 'integer'));
  const by = schema.columns.find((c) => isStatic(c) && c.role !== 'id' && (c.type === 'categorical' || c.type === 'boolean'));
  if (feature && R.entities.length > 0 && S.entities.length > 0) {
    const shown = opts.shown ?? 3;
    const series = (x: Side, rows: number[]) => {
      const cells = x.col(feature.name);
      return rows.map((r) => (isMissing(cells[r]) ? NaN : (parseNumber(cells[r]) ?? NaN)));
    };
    const groupsOf = (x: Side) => {
      const g = new Map<string, number[][]>();
      const cells = by ? x.col(by.name) : null;
      for (const rows of x.entities) {
        const key = cells ? cells[rows[0]] : 'all';
        g.set(key, [...(g.get(key) ?? []), rows]);
      }
      return g;
    };
    const gr = groupsOf(R);
    const gs = groupsOf(S);
    const groups: Record<string, { real: number[][]; synthetic: number[][] }> = Object.create(null);
    for (const key of [...gr.keys()].slice(0, 6)) {
      groups[key] = { real: some(gr.get(key)!, shown, rng).map((rows) => series(R, rows)), synthetic: some(gs.get(key) ?? [], shown, rng).map((rows) => series(S, rows)) };
    }
    charts.push(entitiesChart(by?.name ?? 'entity', feature.name, groups));
  }
  const { images, figures } = await renderCharts(charts);
  const rows = measureRows(result).map((m): [string, string, string] => [m.measure === '' ? m.column : `${m.column}: ${m.measure}`, m.value, m.meaning]);
  const body = `<h1>Synthetic table evaluation</h1>
<p class="meta"><b>${esc(opts.syntheticName)}</b> (${num(result.entities.synthetic, 0)} entities) against <b>${esc(opts.realName)}</b> (${num(result.entities.real, 0)} entities), column by column as ${opts.model !== undefined ? `the schema of model <code>${esc(opts.model)}</code>` : 'the schema'} describes them. tsgan ${esc(VERSION)}.</p>
<h2>Measures</h2>
${metricsTable('measure', rows)}
${figures.join('\n')}
`;
  return { html: reportPage(`tsgan evaluation: ${esc(opts.syntheticName)}`, body), images, charts: charts.map((c) => c.name) };
}
