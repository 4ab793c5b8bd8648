/** The recurrent GAN's registry entry: its config, networks, trainer, sizes and saved config. */
import { z } from 'zod';
import { Rgan, rganConfig, RGAN_SPEC, type RganConfig } from '../models/rgan.js';
import { GanTrainer } from '../train/gan-trainer.js';
import { recurrentSizes, attentionWidths } from '../models/size-check.js';
import { obj, archShape, trainingShape, pacDivides, pacMessage, headsDivide, headsMessage } from '../io/model-schema.js';
import type { ModelEntry } from './entry.js';

export const RGAN: ModelEntry<RganConfig, Rgan> = {
  spec: RGAN_SPEC,
  learns: 'sequences',
  config: (values) => rganConfig(values as Partial<RganConfig> & { features: number }),
  build: (config, seed) => new Rgan(config, seed),
  sizes(c) {
    const F = c.features;
    const noise = c.noiseDim ?? F;
    const packed = F * (c.pac ?? 1);
    return recurrentSizes(c, [{ input: noise, layers: c.layers }, { input: packed, layers: c.layers }], [[c.hidden, F], [c.hidden, 1]], Math.max(noise, packed), attentionWidths(c, c.hidden, c.hidden));
  },
  trainer: (model, data, seed, iterations) => new GanTrainer(model, data, seed, iterations),
  saved: { schema: obj({ model: z.literal('rgan', { error: 'must be "rgan"' }), ...archShape, ...trainingShape }).refine(pacDivides, pacMessage).refine(headsDivide, headsMessage) },
};
