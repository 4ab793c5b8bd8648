/** The toy model's spec and registry entry: its options, config, networks, trainer, sizes and saved config. */
import { z } from 'zod';
// Only what the package exports: a model outside tsgan sees nothing else.
import { TsganError, GAN_TRAINING_OPTIONS, ARCH_OPTIONS, GanTrainer, checkTrainingConfig, withTrainingDefaults, specDefaults, savedSchema, type ModelSpec, type ModelEntry } from '../../src/index.js';
import { ToyGan, type ToyConfig } from './network.js';

export const TOY_SPEC: ModelSpec = {
  name: 'toy-mlp',
  summary: 'a toy GAN of two small MLPs (per-step G, whole-window D), registered from outside tsgan',
  options: [
    ARCH_OPTIONS.find((d) => d.name === 'seqLen')!,
    { name: 'noiseDim', flag: 'noise-dim', kind: { type: 'int', min: 1 }, target: 'model', default: 4, section: 'Toy', doc: 'noise values per step' },
    { name: 'width', flag: 'toy-width', kind: { type: 'int', min: 1 }, target: 'model', default: 16, section: 'Toy', doc: 'units of each network\'s hidden layer' },
    ...GAN_TRAINING_OPTIONS,
  ],
  fixed: ['featureMatching'],
  defaults: { iterations: 200 },
};

const DEFAULTS = { model: 'toy-mlp', ...specDefaults(TOY_SPEC, 'model') };

function toyConfig(values: object): ToyConfig {
  const c = withTrainingDefaults(DEFAULTS, values) as ToyConfig;
  for (const k of ['features', 'seqLen', 'noiseDim', 'width'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TsganError(`${k} must be a positive integer, got ${c[k]}`);
  }
  checkTrainingConfig(c);
  return c;
}

export const TOY: ModelEntry<ToyConfig, ToyGan> = {
  spec: TOY_SPEC,
  learns: 'sequences',
  config: toyConfig,
  build: (config, seed) => new ToyGan(config, seed),
  sizes: (c) => ({
    stacks: [],
    dense: [[c.noiseDim, c.width], [c.width, c.features], [c.seqLen * c.features * c.pac, c.width], [c.width, 1]],
    main: 'width',
    drivers: ['width', 'seqLen', 'features'],
    itemValues: c.seqLen * c.features,
    itemText: `${c.seqLen} steps × ${c.features} features`,
    batchBytes: (batch) => 4 * 4 * batch * c.seqLen * (c.noiseDim + c.width + c.features) * c.pac,
    batchKey: 'width',
  }),
  trainer: (model, data, seed, iterations) => new GanTrainer(model, data, seed, iterations),
  saved: {
    schema: savedSchema.obj({
      model: z.literal('toy-mlp'),
      features: savedSchema.sizeOf('features'),
      seqLen: savedSchema.sizeOf('seqLen'),
      noiseDim: savedSchema.sizeOf('noiseDim'),
      width: savedSchema.sizeOf('hidden'),
      ...savedSchema.trainingShape,
    }),
  },
};
