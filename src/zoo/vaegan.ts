/** The VAE–GAN's registry entry: its config, encoder, decoder and D, its trainer, sizes and saved config. */
import { z } from 'zod';
import { Vaegan, vaeganConfig, VAEGAN_SPEC, type VaeganConfig } from '../models/vaegan.js';
import { VaeganTrainer } from '../train/vaegan-trainer.js';
import { recurrentSizes, attentionWidths } from '../models/size-check.js';
import { obj, archShape, trainingShape, pacDivides, pacMessage, headsDivide, headsMessage, atLeast0 } from '../io/model-schema.js';
import { TsganError } from '../errors.js';
import type { Windows } from '../data/windows.js';
import type { ModelEntry } from './entry.js';

export const VAEGAN: ModelEntry<VaeganConfig, Vaegan> = {
  spec: VAEGAN_SPEC,
  learns: 'sequences',
  encodes: true,
  config: (values) => vaeganConfig(values as Partial<VaeganConfig> & { features: number }),
  build: (config, seed) => new Vaegan(config, seed),
  sizes(c) {
    const F = c.features;
    const latent = c.noiseDim ?? F;
    const packed = F * (c.pac ?? 1);
    // Decoder, D, encoder; their heads.
    const stacks = [{ input: latent, layers: c.layers }, { input: packed, layers: c.layers }, { input: F, layers: c.layers }];
    const heads: [number, number][] = [[c.hidden, F], [c.hidden, 1], [c.hidden, 2 * latent]];
    return recurrentSizes(c, stacks, heads, Math.max(latent, packed), attentionWidths(c, c.hidden, c.hidden));
  },
  trainer(model, data, seed, iterations) {
    if (!('seqLen' in data)) throw new TsganError('the VAE-GAN trains on windows of a sequence');
    return new VaeganTrainer(model, data as Windows, seed, iterations);
  },
  saved: {
    schema: obj({ model: z.literal('vaegan', { error: 'must be "vaegan"' }), ...archShape, ...trainingShape, reconWeight: atLeast0(), advWeight: atLeast0() })
      .refine(pacDivides, pacMessage)
      .refine(headsDivide, headsMessage),
  },
  historyNote: 'gLoss is the decoder\'s adversarial loss on prior samples; reconLoss (mean squared error per value) and klLoss are its VAE terms.',
};
