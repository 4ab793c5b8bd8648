/** The whole-entity GAN's registry entry: its config (shaped by the data's layout), networks, trainer, sizes and saved config. */
import { z } from 'zod';
import { Dgan, dganConfig, DGAN_SPEC, type DganConfig, type DganDataKeys, type SoftmaxGroup } from '../models/dgan.js';
import { GanTrainer } from '../train/gan-trainer.js';
import { estimateStackBytes } from '../kernels/wasm-kernels.js';
import { obj, list, sizeOf, int, oneOf, layerWidths, trainingShape } from '../io/model-schema.js';
import { layerChain } from '../models/size-check.js';
import { staticSlotCount, type CodecLayout, type Slot } from '../data/table-codec.js';
import type { Items } from '../data/batches.js';
import type { ModelEntry } from './entry.js';

const widths = layerWidths();
const groups = list(z.tuple([int(0, 2 ** 24), int(1, 2 ** 24)], { error: 'must be a [first, size] pair' }), 0, 2 ** 20);
const configSchema = obj({
  model: z.literal('dgan', { error: 'must be "dgan"' }),
  attributes: sizeOf('features'),
  staticAttributes: int(0, 65536),
  features: sizeOf('features'),
  maxLength: sizeOf('seqLen'),
  attributeSoftmax: groups,
  featureSoftmax: groups,
  sampleLen: sizeOf('seqLen'),
  noiseDim: sizeOf('noiseDim'),
  attributeHidden: widths,
  cell: oneOf(['rnn', 'lstm', 'gru']),
  hidden: sizeOf('hidden'),
  layers: sizeOf('layers'),
  dHidden: widths,
  auxHidden: widths,
  ...trainingShape,
});


/** Runs of slots that form one softmax: a categorical column's categories. */
function softmaxGroups(slots: Slot[]): SoftmaxGroup[] {
  const out: SoftmaxGroup[] = [];
  slots.forEach((s, i) => {
    if (s.kind !== 'category') return;
    const last = out.at(-1);
    if (last && last[0] + last[1] === i && slots[last[0]].column === s.column) last[1]++;
    else out.push([i, 1]);
  });
  return out;
}

/** The config keys a table's layout sets. */
export function dganShape(layout: CodecLayout): Pick<DganConfig, DganDataKeys> {
  return {
    attributes: layout.attributes.length,
    staticAttributes: staticSlotCount(layout),
    features: layout.features.length,
    maxLength: layout.maxLength,
    attributeSoftmax: softmaxGroups(layout.attributes),
    featureSoftmax: softmaxGroups(layout.features),
  };
}

export const DGAN: ModelEntry<DganConfig, Dgan> = {
  spec: DGAN_SPEC,
  learns: 'tables',
  config: (values) => dganConfig(values as Partial<DganConfig> & Pick<DganConfig, DganDataKeys>),
  build: (config, seed) => new Dgan(config, seed),
  sizes(c) {
    const A = c.attributes ?? 1;
    const S = c.staticAttributes ?? 0;
    const F = c.features ?? 1;
    const T = c.maxLength ?? 1;
    const Z = c.noiseDim ?? 1;
    const L = c.sampleLen || 1;
    const H = c.hidden ?? 1;
    const item = A + T * (F + 1);
    const h = c.attributeHidden ?? [];
    return {
      stacks: [{ input: A + Z, layers: c.layers ?? 1 }],
      dense: [...(S > 0 ? layerChain([Z, ...h, S]) : []), ...layerChain([S + Z, ...h, A - S]), [H, L * F], ...layerChain([item, ...(c.dHidden ?? []), 1]), ...layerChain([A, ...(c.auxHidden ?? []), 1])],
      main: 'dHidden',
      drivers: ['dHidden', 'hidden', 'layers', 'maxLength', 'features'],
      itemValues: item,
      itemText: `${T} steps × ${F} feature slots and ${A} attribute slots`,
      // The recurrent pass over ⌈T / L⌉ steps, and D's activations over the flat items (real and generated).
      batchBytes: (batch) =>
        estimateStackBytes({ cell: c.cell ?? 'lstm', batch, time: Math.ceil(T / L), inputSize: A + Z, hidden: H, headUnits: Math.max(L * F, H) }, c.layers ?? 1, 1) +
        4 * 4 * batch * [item, ...(c.dHidden ?? [])].reduce((a, w) => a + w, 0),
      batchKey: 'maxLength',
      batchDrivers: ['batchSize', 'dHidden', 'maxLength'],
    };
  },
  trainer: (model, data, seed, iterations) => new GanTrainer(model, data as Items, seed, iterations),
  saved: { schema: configSchema },
  tableShape: dganShape,
};

export type { DganConfig };
