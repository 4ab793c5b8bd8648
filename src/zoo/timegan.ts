/** TimeGAN's registry entry: its config, five networks, three-phase trainer, sizes and saved config. */
import { z } from 'zod';
import { Timegan, timeganConfig, TIMEGAN_SPEC, GENERATOR_INITS, type TimeganConfig } from '../models/timegan.js';
import { TimeganTrainer } from '../train/timegan-trainer.js';
import { recurrentSizes, attentionWidths, SIZE_RANGES, type Stack } from '../models/size-check.js';
import { obj, archShape, trainingShape, pacDivides, pacMessage, headsDivide, headsMessage, int, positive, atLeast0, finite, sizeOf, count, bool, oneOf } from '../io/model-schema.js';
import { TsganError } from '../errors.js';
import type { Windows } from '../data/windows.js';
import type { ModelEntry } from './entry.js';

/** What a TimeGAN saved before these keys existed was trained with: a forward-only D, the reference's moments, no further G terms, no collapse check. */
export const LEGACY_V1_TIMEGAN = { bidirectional: false, correlationLoss: 0, momentLoss: 'moments', slicedLoss: 0, incrementLoss: 0, collapseRefit: 0 } as const;

const configSchema = obj({
  model: z.literal('timegan', { error: 'must be "timegan"' }),
  ...archShape,
  seqLen: int(2, SIZE_RANGES.seqLen[1]),
  ...trainingShape,
  lrE: positive().optional(),
  gamma: atLeast0().optional(),
  dThreshold: finite().optional(),
  gSteps: sizeOf('gSteps').optional(),
  embeddingIterations: count().optional(),
  supervisedIterations: count().optional(),
  bidirectional: bool(),
  momentLoss: oneOf(['moments', 'quantiles', 'sliced']),
  slicedLoss: atLeast0(),
  incrementLoss: atLeast0(),
  correlationLoss: atLeast0(),
  correlationPairs: oneOf(['weak', 'all', 'cross']).optional(),
  correlationThreshold: z.number({ error: 'must be a number in (0, 1]' }).refine((v) => v > 0 && v <= 1, { error: 'must be a number in (0, 1]' }).optional(),
  dataCritic: atLeast0().optional(),
  windowNoise: sizeOf('windowNoise').optional(),
  balanceSteps: bool().optional(),
  generatorInit: oneOf(GENERATOR_INITS).optional(),
  collapseRefit: count().optional(),
}).refine(pacDivides, pacMessage).refine(headsDivide, headsMessage);

/** What the correlation term will compare, in a line (with 'weak' pairs it can be nothing). */
function correlationNotice(c: TimeganConfig, { pairs, of }: { pairs: number; of: number }): string {
  const weak = `|ρ| < ${c.correlationThreshold} over the training windows`;
  if (pairs === 0) return `tsgan: the correlation term is off: no pair of a window's values has ${weak}`;
  const which = { all: 'all pairs', cross: 'pairs of different features', weak: `pairs with ${weak}` }[c.correlationPairs];
  return `tsgan: the correlation term (weight ${c.correlationLoss}) compares ${pairs} of ${of} pairs of a window's values (${which})`;
}

export const TIMEGAN: ModelEntry<TimeganConfig, Timegan> = {
  spec: TIMEGAN_SPEC,
  learns: 'sequences',
  encodes: true,
  config: (values, iterations) => timeganConfig(values as Partial<TimeganConfig> & { features: number }, iterations),
  build: (config, seed) => new Timegan(config, seed),
  sizes(c) {
    const { features: F, hidden: H, layers: L } = c;
    const pac = c.pac ?? 1;
    const noise = (c.noiseDim ?? F) + (c.windowNoise ?? 0);
    const bidirectional = c.bidirectional !== false;
    // Embedder, recovery, generator, supervisor (one layer fewer), D (and its backward stack).
    const stacks: Stack[] = [
      { input: F, layers: L },
      { input: H, layers: L },
      { input: noise, layers: L },
      { input: H, layers: Math.max(1, L - 1) },
      { input: H * pac, layers: L },
    ];
    if (bidirectional) stacks.push({ input: H * pac, layers: L });
    const heads: [number, number][] = [[H, H], [H, F], [H, H], [H, H], [bidirectional ? 2 * H : H, 1]];
    if ((c.dataCritic ?? 0) > 0) {
      stacks.push({ input: 2 * F, layers: L }); // the data critic
      heads.push([H, 1]);
    }
    return recurrentSizes(c, stacks, heads, Math.max(noise, F * pac, H * pac, 2 * F), attentionWidths(c, H, bidirectional ? 2 * H : H));
  },
  trainer(model, data, seed, iterations) {
    if (!('seqLen' in data)) throw new TsganError('TimeGAN trains on windows of a sequence');
    const trainer = new TimeganTrainer(model, data as Windows, seed, iterations);
    return Object.assign(trainer, { notice: trainer.correlationPairs ? correlationNotice(model.config, trainer.correlationPairs) : null });
  },
  saved: {
    schema: configSchema,
    migrate(config) {
      for (const [k, v] of Object.entries(LEGACY_V1_TIMEGAN)) if (config[k] === undefined) config[k] = v;
      return config;
    },
    resumeDefaults: { collapseRefit: 0 },
  },
  // TimeGAN weighs two generated batches against one real: read wrongly, a D at chance looks broken.
  historyNote:
    "TimeGAN's D judges two generated batches for each real one, so a D that cannot tell them apart calls every window generated: accuracy near 0 on real and near 1 on generated windows, with dLoss near 1.91 (γ = 1), is the sign of a good run.",
};
