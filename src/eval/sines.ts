/**
 * Measures of a set of Sines sequences (real or generated) that TimeGAN's
 * scores miss: whether waves turn over at their peak, the predictive score's
 * floor on this data, and spurious coupling between the independent waves.
 */
import { correlationMatrix } from './stats.js';

/**
 * A shape check for generated sines, where TimeGAN's scores are weakest: of
 * the waves (one feature of one sequence) that come within 1 % of the top of
 * the range, the share that turn over afterwards, ending more than 1 % of the
 * range below their peak. Every real wave whose argument passes π/2 well
 * inside the window turns over (about 70 % of those that reach the top with
 * TimeGAN's frequencies); a generator that rises and then levels off scores
 * near 0, which the discriminative score barely notices
 * (docs/experiments/2026-11-27-timegan-three-seeds-turnover.md).
 * `data` is [count, seqLen, features] row-major, min-max scaled with the real
 * data's range (a MinMaxScaler fitted on it, as `tsgan eval` scales).
 */
export function peakTurnover(data: ArrayLike<number>, seqLen: number, features: number): { reached: number; turned: number } {
  const count = data.length / (seqLen * features);
  let reached = 0;
  let turned = 0;
  for (let i = 0; i < count; i++) {
    for (let f = 0; f < features; f++) {
      const at = (t: number) => data[(i * seqLen + t) * features + f];
      let peak = -Infinity;
      for (let t = 0; t < seqLen; t++) peak = Math.max(peak, at(t));
      if (peak <= 0.99) continue;
      reached++;
      if (peak - at(seqLen - 1) > 0.01) turned++;
    }
  }
  const waves = count * features;
  return { reached: waves > 0 ? reached / waves : 0, turned: reached > 0 ? turned / reached : 0 };
}

/**
 * The lowest predictive score (TimeGAN's next-step MAE of the last feature,
 * src/eval/posthoc.ts) any predictor can reach on a Sines set. Its inputs are
 * the other features, which are drawn independently of the last one, so they
 * tell it nothing: the best it can do is a value per step, and the value with
 * the least absolute error is that step's median. This is the in-sample
 * median's error on `data` ([count, seqLen, features] row-major, as scored),
 * a floor no generator can beat by matching the data — for TimeGAN's Sines
 * about .094, above the paper's .093
 * (docs/experiments/2026-11-27-timegan-predictive-floor-corr-loss.md).
 */
export function sinesPredictiveFloor(data: ArrayLike<number>, seqLen: number, features: number): number {
  const count = data.length / (seqLen * features);
  if (count === 0 || seqLen < 2) return 0;
  let total = 0;
  const column = new Float64Array(count);
  for (let t = 1; t < seqLen; t++) {
    for (let i = 0; i < count; i++) column[i] = data[(i * seqLen + t) * features + features - 1];
    column.sort();
    // Any value between the two middle ones is a median; the error is the same for each.
    const median = column[Math.floor((count - 1) / 2)];
    for (let i = 0; i < count; i++) total += Math.abs(column[i] - median);
  }
  return total / (count * (seqLen - 1));
}

/**
 * How strongly a set couples the last wave to the others, where Sines has
 * them independent: the mean over steps t ≥ 1 and the other features k of
 * |corr(last feature at t, feature k at t − 1)| over the sequences. It is
 * what TimeGAN's predictive score can be misled by: its predictor reads the
 * other features up to t to predict the last at t + 1, so it learns a
 * generator's spurious coupling and carries it to real data, where it does
 * not hold. Real Sines score about 1/√count by chance (.008 for 10,000).
 * `data` is [count, seqLen, features] row-major.
 */
export function sinesCoupling(data: ArrayLike<number>, seqLen: number, features: number): number {
  const count = data.length / (seqLen * features);
  if (count < 2 || seqLen < 2 || features < 2) return 0;
  const last = features - 1;
  // Per step t: one-step windows of [the other features at t − 1, the last at t]; the last
  // row of their correlation matrix is the last wave's correlation with each of the others.
  const pairs = new Float32Array(count * features);
  let total = 0;
  for (let t = 1; t < seqLen; t++) {
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < last; k++) pairs[i * features + k] = data[(i * seqLen + t - 1) * features + k];
      pairs[i * features + last] = data[(i * seqLen + t) * features + last];
    }
    const corr = correlationMatrix({ data: pairs, count, seqLen: 1, features });
    for (let k = 0; k < last; k++) total += Math.abs(corr[last][k]);
  }
  return total / ((seqLen - 1) * last);
}
