/**
 * The two sides of an evaluation as windows on one scale: REAL as `tsgan
 * train` reads it (cut into overlapping windows), SYNTH in the long format
 * `tsgan sample` writes (`sequence,step,<features>`). Both are min-max scaled
 * with REAL's per-feature minimum and maximum before any metric, as TimeGAN's
 * evaluation does (its data loader scales, its metrics see [0, 1] data).
 *
 * Every real window remembers where it came from (series, first row), so
 * that nearest-neighbour metrics can tell a genuinely close window from the
 * same rows shifted by one step.
 */
import type { OptionDecl } from '../config/options.js';
import { TsganError, locate } from '../errors.js';
import { readTableFile, tableToDataset } from '../data/table.js';
import { parseNumber, showCell } from '../data/csv.js';
import { MinMaxScaler } from '../data/scaler.js';
import { makeWindows } from '../data/windows.js';
import { gather } from '../data/batches.js';

/** Windows [count, seqLen, features], flat and scaled. */
export interface WindowSet {
  data: Float32Array;
  count: number;
  seqLen: number;
  features: number;
}

export interface EvalData {
  features: string[];
  seqLen: number;
  real: WindowSet;
  /** Per real window: [series index, first row], for the overlap test. */
  realOrigin: Int32Array;
  synthetic: WindowSet;
  scaler: MinMaxScaler;
}

/** The two sides' options (EvalDataOptions' keys), each default declared once. */
export const EVAL_DATA_OPTIONS: readonly OptionDecl[] = [
  { name: 'real', flag: 'real', kind: { type: 'text' }, target: 'run', required: true, metavar: 'FILE', section: 'Data', doc: 'real data CSV, as tsgan train reads it (cut into windows of --seq-len steps; with a table model or --table: the table, CSV or JSON)' },
  { name: 'synthetic', flag: 'synthetic', kind: { type: 'text' }, target: 'run', required: true, metavar: 'FILE', section: 'Data', doc: 'synthetic sequences as tsgan sample writes them ("sequence,step,<features>"; with a table model or --table: a table in the real one\'s shape)' },
  { name: 'seqLen', flag: 'seq-len', kind: { type: 'int', min: 2 }, target: 'run', defaultText: "the synthetic sequences' length", section: 'Data', doc: 'steps per sequence' },
  { name: 'columns', flag: 'columns', kind: { type: 'names' }, target: 'run', defaultText: 'every numeric column of REAL', section: 'Data', doc: 'features to compare' },
  { name: 'idColumn', flag: 'id-column', kind: { type: 'text' }, target: 'run', metavar: 'NAME', section: 'Data', doc: 'column that names the series of each REAL row (panel data)' },
  // TimeGAN scales its Stocks by their min and max before it scores them; its Sines already live in [0, 1] and are scored raw.
  { name: 'scale', flag: 'scale', kind: { type: 'choice', choices: ['minmax', 'none'] }, target: 'run', default: 'minmax', section: 'Data', doc: "scale both sides by REAL's per-feature range, or compare raw values" },
];

/** Defaults in EVAL_DATA_OPTIONS. */
export interface EvalDataOptions {
  real: string;
  synthetic: string;
  /** Must match the synthetic sequences. */
  seqLen?: number;
  columns?: string[];
  /** Panel column of REAL (evaluateFiles: the model's, when one is given). */
  idColumn?: string;
  /** A panel column to use only where REAL has it (the model's, which another file of the same data may lack). */
  idColumnIfPresent?: string;
  scale?: 'minmax' | 'none';
}

/** Windows `idx` of a set, copied, in that order. */
export function pickWindows(w: WindowSet, idx: ArrayLike<number>): WindowSet {
  return { ...w, data: gather(w.data, w.seqLen * w.features, idx), count: idx.length };
}

/** The origins ([series, first row] per window, see EvalData.realOrigin) of windows `idx`, in that order. */
export function pickOrigins(origin: Int32Array, idx: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: 2 * idx.length }, (_, k) => origin[2 * idx[k >> 1] + (k & 1)]);
}

/** Whether spans of `span` rows starting at origins i and j ([series, first row] pairs) share a row. */
export function shareRows(origin: Int32Array, i: number, j: number, span: number): boolean {
  return origin[2 * i] === origin[2 * j] && Math.abs(origin[2 * i + 1]! - origin[2 * j + 1]!) < span;
}

/** Fewest windows on either side for the 80/20 splits to mean anything. */
export const MIN_SEQUENCES = 10;

/**
 * The real side of an evaluation: every window of `seqLen` rows (stride 1) of
 * each series, scaled by the data's per-feature range (or not), with its origin.
 */
export function realWindows(
  real: ReturnType<typeof tableToDataset>,
  seqLen: number,
  opts: { scale?: 'minmax' | 'none'; real: string },
): Pick<EvalData, 'real' | 'realOrigin' | 'scaler'> {
  const F = real.features.length;
  const scaler =
    opts.scale === 'none'
      ? new MinMaxScaler({ min: new Array(F).fill(0), max: new Array(F).fill(1) })
      : MinMaxScaler.fit(real.series.map((s) => s.values), F);
  const windows = makeWindows(real.series, F, scaler, { seqLen, stride: 1, file: opts.real });
  const origin = new Int32Array(windows.count * 2);
  let w = 0;
  real.series.forEach((s, si) => {
    for (let start = 0; start + seqLen <= s.rows; start++, w++) {
      origin[2 * w] = si;
      origin[2 * w + 1] = start;
    }
  });
  return { real: windows, realOrigin: origin, scaler };
}

export function loadEvalData(opts: EvalDataOptions): EvalData {
  const realTable = readTableFile(opts.real);
  const idColumn = opts.idColumn ?? (opts.idColumnIfPresent !== undefined && realTable.header.includes(opts.idColumnIfPresent) ? opts.idColumnIfPresent : undefined);
  const real = tableToDataset(realTable, { columns: opts.columns, idColumn });
  const features = real.features;
  const F = features.length;
  const synthTable = readTableFile(opts.synthetic);
  const { header } = synthTable;
  if (header[0] !== 'sequence' || header[1] !== 'step') {
    throw new TsganError(
      `${locate(opts.synthetic, synthTable.headerLine, 1)}: expected the header of tsgan sample ("sequence,step,<features>"), got "${header.slice(0, 3).join(',')}"`,
    );
  }
  const synthFeatures = header.slice(2);
  const missing = features.filter((f) => !synthFeatures.includes(f));
  if (missing.length > 0) {
    throw new TsganError(
      `${opts.synthetic}: feature names do not match ${opts.real}: missing ${missing.map((m) => `"${m}"`).join(', ')} (it has ${synthFeatures.join(', ')})`,
    );
  }
  if (!opts.columns) {
    const extra = synthFeatures.filter((f) => !features.includes(f));
    if (extra.length > 0) throw new TsganError(`${opts.synthetic}: feature names do not match ${opts.real}: ${extra.map((m) => `"${m}"`).join(', ')} not in the real data (choose with --columns)`);
  }
  const synth = tableToDataset(synthTable, { columns: features, idColumn: 'sequence' });

  // Steps must run 0, 1, 2, … within each sequence.
  const stepCol = 1;
  const seen = new Map<string, number>();
  for (const r of synthTable.rows) {
    const id = r.fields[0].trim();
    const expected = seen.get(id) ?? 0;
    if (parseNumber(r.fields[stepCol]) !== expected) {
      throw new TsganError(`${locate(opts.synthetic, r.line, stepCol + 1)}: sequence ${showCell(id, false)} has step ${showCell(r.fields[stepCol])} where step ${expected} was expected`);
    }
    seen.set(id, expected + 1);
  }
  const synthLen = synth.series[0].rows;
  const odd = synth.series.find((s) => s.rows !== synthLen);
  if (odd) throw new TsganError(`${opts.synthetic}: sequences differ in length (${synthLen} steps, but sequence ${showCell(odd.id, false)} has ${odd.rows})`);
  const seqLen = opts.seqLen ?? synthLen;
  if (seqLen !== synthLen) {
    throw new TsganError(`length mismatch: --seq-len is ${seqLen} but the sequences in ${opts.synthetic} have ${synthLen} steps`);
  }

  const { real: realWin, realOrigin: origin, scaler } = realWindows(real, seqLen, opts);
  const synthWin = makeWindows(synth.series, F, scaler, { seqLen, stride: seqLen, file: opts.synthetic });
  if (realWin.count < MIN_SEQUENCES) {
    throw new TsganError(`${opts.real}: too few sequences: ${realWin.count} windows of ${seqLen} steps; the evaluation needs at least ${MIN_SEQUENCES}`);
  }
  if (synthWin.count < MIN_SEQUENCES) {
    throw new TsganError(`${opts.synthetic}: too few sequences: ${synthWin.count}; the evaluation needs at least ${MIN_SEQUENCES} (sample more with tsgan sample --count)`);
  }
  return { features, seqLen, real: realWin, realOrigin: origin, synthetic: synthWin, scaler };
}
