/**
 * TimeGAN's Sines data set (Yoon et al., NeurIPS 2019; reference code
 * `data_loading.sine_data_generation`): each sequence has `features`
 * independent sine waves x(t) = sin(freq·t + phase), freq and phase drawn
 * from U(0, 0.1), mapped to [0, 1] by (x + 1) / 2. Seeded, unlike the original.
 */
import { Rng } from '../random.js';
import { csvField, formatValue } from './csv.js';

export interface SinesOptions {
  /** Number of sequences. */
  count?: number;
  /** Length of each sequence. */
  seqLen?: number;
  /** Number of features (sine waves per sequence). */
  features?: number;
  seed?: number;
}

/** Returns [count, seqLen, features] in row-major order. */
export function sineData(opts: SinesOptions = {}): { data: Float32Array; count: number; seqLen: number; features: number } {
  const count = opts.count ?? 1000;
  const seqLen = opts.seqLen ?? 24;
  const features = opts.features ?? 5;
  const rng = new Rng(opts.seed ?? 0);
  const data = new Float32Array(count * seqLen * features);
  for (let i = 0; i < count; i++) {
    for (let f = 0; f < features; f++) {
      const freq = rng.uniform() * 0.1;
      const phase = rng.uniform() * 0.1;
      for (let t = 0; t < seqLen; t++) {
        data[(i * seqLen + t) * features + f] = (Math.sin(freq * t + phase) + 1) / 2;
      }
    }
  }
  return { data, count, seqLen, features };
}

/**
 * Panel CSV text: `id,sine_1..sine_F`, one block of `seqLen` rows per
 * sequence. `asSample`: `sequence,step,sine_1..sine_F`, as `tsgan sample`
 * writes, so that fresh draws can stand in for a generator's output.
 */
export function sinesToCsv(s: ReturnType<typeof sineData>, opts: { asSample?: boolean } = {}): string {
  const names = Array.from({ length: s.features }, (_, f) => `sine_${f + 1}`);
  const lines = [[...(opts.asSample ? ['sequence', 'step'] : ['id']), ...names].map(csvField).join(',')];
  for (let i = 0; i < s.count; i++) {
    for (let t = 0; t < s.seqLen; t++) {
      const row = opts.asSample ? [String(i), String(t)] : [String(i)];
      for (let f = 0; f < s.features; f++) row.push(formatValue(s.data[(i * s.seqLen + t) * s.features + f]));
      lines.push(row.join(','));
    }
  }
  return lines.join('\n') + '\n';
}
