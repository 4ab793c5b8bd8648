/** The dense GAN's registry entry: its config, two MLPs, the plain GAN trainer, sizes and saved config. */
import { z } from 'zod';
import { DenseGan, denseGanConfig, DENSE_GAN_SPEC, type DenseGanConfig } from '../models/dense-gan.js';
import { GanTrainer } from '../train/gan-trainer.js';
import { obj, sizeOf, unit, layerWidths, trainingShape, pacDivides, pacMessage } from '../io/model-schema.js';
import { layerChain } from '../models/size-check.js';
import { loadMnist, MNIST_PIXELS, MNIST_SIZE } from '../data/mnist.js';
import type { Items } from '../data/batches.js';
import type { ModelEntry } from './entry.js';

const widths = layerWidths();
const configSchema = obj({
  model: z.literal('dense-gan', { error: 'must be "dense-gan"' }),
  dataDim: sizeOf('dataDim'),
  noiseDim: sizeOf('noiseDim'),
  gHidden: widths,
  dHidden: widths,
  alpha: unit().optional(),
  imageShape: z.union([z.null(), z.tuple([sizeOf('dataDim'), sizeOf('dataDim')])], { error: 'must be null or [height, width]' }).optional(),
  ...trainingShape,
})
  .refine(pacDivides, pacMessage)
  .refine((c) => !c.imageShape || c.imageShape[0] * c.imageShape[1] === c.dataDim, { error: 'must hold config.dataDim values (height × width)', path: ['imageShape'] });


export const DENSE_GAN: ModelEntry<DenseGanConfig, DenseGan> = {
  spec: DENSE_GAN_SPEC,
  learns: 'vectors',
  config: (values) => denseGanConfig(values as Partial<DenseGanConfig> & { dataDim: number }),
  build: (config, seed) => new DenseGan(config, seed),
  sizes(c) {
    const noise = c.noiseDim ?? 1;
    const D = c.dataDim ?? 1;
    const pac = c.pac ?? 1;
    return {
      stacks: [],
      dense: [...layerChain([noise, ...(c.gHidden ?? []), D]), ...layerChain([D * pac, ...(c.dHidden ?? []), 1])],
      main: 'gHidden',
      drivers: ['gHidden', 'dHidden', 'noiseDim', 'dataDim'],
      itemValues: D,
      itemText: `${D} values`,
      // Forward activations and their gradients, for G and (packed) D.
      batchBytes: (batch) => 4 * 4 * batch * [noise, ...(c.gHidden ?? []), D, ...(c.dHidden ?? [])].reduce((a, w) => a + w * pac, 0),
      batchKey: 'gHidden',
      batchDrivers: ['batchSize', 'gHidden', 'dHidden'],
    };
  },
  trainer: (model, data, seed, iterations) => new GanTrainer(model, data as Items, seed, iterations),
  saved: { schema: configSchema },
  builtInData: {
    mnist: () => {
      const digits = loadMnist();
      return { values: digits.images, count: digits.count, features: Array.from({ length: MNIST_PIXELS }, (_, i) => `pixel_${i}`), range: [0, 1], imageShape: [MNIST_SIZE, MNIST_SIZE] };
    },
  },
};
