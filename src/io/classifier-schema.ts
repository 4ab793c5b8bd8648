/**
 * What a classifier's tsgan.json may contain (`tsgan classify train`): the
 * schemas of its file and its config, checked as every model file is (see
 * src/io/model-schema.ts).
 */
import { z } from 'zod';
import { obj, sizeOf, oneOf, positive, bool, str, count, list, names, maybeNumber, commonShape, type FileKind } from './model-schema.js';
export const classifierConfigSchema = obj({
  model: z.literal('classifier', { error: 'must be "classifier"' }),
  features: sizeOf('features'),
  seqLen: sizeOf('seqLen'),
  classes: sizeOf('classes'),
  cell: oneOf(['rnn', 'lstm', 'gru']),
  layers: sizeOf('layers'),
  hidden: sizeOf('hidden'),
  batchSize: sizeOf('batchSize').optional(),
  lr: positive().optional(),
  chrono: bool().optional(),
});


export const classifierMetaSchema = obj({
  ...commonShape,
  model: z.literal('classifier'),
  classes: names(2),
  data: obj({
    file: str(),
    sequences: count().optional(),
    train: count().optional(),
    heldOut: count().optional(),
    idColumn: str(1000).optional(),
    labelColumn: str(1000).optional(),
  }),
  gradNormPerStep: list(obj({ iteration: count(), norms: list(maybeNumber()) })).optional(),
  evaluation: obj({ accuracy: maybeNumber(), confusion: list(list(count())) }).optional(),
});

export const CLASSIFIER_KIND: FileKind = { meta: classifierMetaSchema, config: classifierConfigSchema, widthKey: 'features' };
