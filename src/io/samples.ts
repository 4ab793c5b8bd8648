/**
 * Synthetic sequences as a long-format CSV: `sequence,step,<features>`, one
 * row per step, values in the data's original units. Numbers are written
 * with 7 significant digits (float32 precision), so the same values always
 * give the same bytes.
 */
import { csvField, formatValue } from '../data/csv.js';
import { TsganError } from '../errors.js';

/** A value as written: a constant column's own value exactly, else 7 significant digits. */
function cell(v: number, constant: number | null | undefined): string {
  return constant === null || constant === undefined ? formatValue(v) : String(constant);
}

/** A NaN or infinity would be written as text no reader takes for a number; refuse before writing anything. */
function checkFinite(values: ArrayLike<number>, rowOf: (i: number) => string, features: string[]): void {
  const F = features.length;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new TsganError(`the model generated ${values[i]} for ${rowOf(Math.floor(i / F))}, column "${features[i % F]}": it is broken (diverged or edited); retrain it`);
    }
  }
}

/** `constants[f]`, where given, is written for feature f at full precision: a constant column comes back exactly, not to 7 digits. */
export function samplesToCsv(values: ArrayLike<number>, count: number, seqLen: number, features: string[], constants: (number | null)[] = []): string {
  checkFinite(values, (r) => `sequence ${Math.floor(r / seqLen)}, step ${r % seqLen}`, features);
  const F = features.length;
  const parts: string[] = [['sequence', 'step', ...features].map(csvField).join(',') + '\n'];
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < seqLen; t++) {
      let line = `${i},${t}`;
      const base = (i * seqLen + t) * F;
      for (let f = 0; f < F; f++) line += ',' + cell(values[base + f], constants[f]);
      parts.push(line + '\n');
    }
  }
  return parts.join('');
}

/** Generated vectors as CSV: `sample,<features>`, one row per item. */
export function vectorsToCsv(values: ArrayLike<number>, count: number, features: string[], constants: (number | null)[] = []): string {
  checkFinite(values, (r) => `sample ${r}`, features);
  const F = features.length;
  const parts: string[] = [['sample', ...features].map(csvField).join(',') + '\n'];
  for (let i = 0; i < count; i++) {
    let line = String(i);
    for (let f = 0; f < F; f++) line += ',' + cell(values[i * F + f], constants[f]);
    parts.push(line + '\n');
  }
  return parts.join('');
}
