/**
 * Resuming a training from its checkpoint (`tsgan train --resume DIR`): the
 * checkpoint holds the run's options and its whole state, so the resumed run
 * rebuilds the same data, model and streams, puts the state back and goes on;
 * it writes the same files as one run straight through (trainingSeconds aside).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { recoverLeftovers, isSystemError, userErrorFromSystem } from './io/atomic.js';
import { z } from 'zod';
import { TsganError } from './errors.js';
import { modelNames, modelEntry } from './registry.js';
import { VERSION } from './version.js';
import {
  CHECKPOINT_DIR,
  CHECKPOINT_FORMAT,
  readCheckpoint,
  trainerStateSchema,
  ganStateSchema,
  historySchema,
  float32s,
} from './io/checkpoint.js';
import { trainFromCsv, type CsvCheckpointState, type TrainCsvOptions } from './pipeline.js';
import type { ModelMeta } from './io/model-dir.js';
import { trainTable, type TrainTableOptions } from './table-pipeline.js';

const optionsSchema = z.looseObject({
  data: z.string().min(1),
  // A model this tsgan has registered, which learns sequences or tables (checked again when the run is rebuilt).
  modelType: z.string().refine((m) => modelNames().includes(m) && ['sequences', 'tables'].includes(modelEntry(m).learns), { error: 'must name a registered model that learns sequences or tables' }).optional(),
  iterations: z.number().int().min(1).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  seqLen: z.number().int().min(1).optional(),
  stride: z.number().int().min(1).optional(),
  columns: z.array(z.string()).optional(),
  idColumn: z.string().optional(),
  model: z.record(z.string(), z.unknown()).optional(),
  diversityEvery: z.number().int().min(0).optional(),
  gradStepsEvery: z.number().int().min(0).optional(),
  evalEvery: z.number().int().min(1).optional(),
  evalMetric: z.enum(['mmd', 'coverage', 'discriminative']).optional(),
  checkpointEvery: z.union([z.number().int().min(0), z.literal('auto')]).optional(),
});

const stateSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  formatVersion: z.number().int(),
  tsganVersion: z.string(),
  backend: z.enum(['wasm', 'cpu']),
  fused: z.boolean(),
  options: optionsSchema,
  dataPath: z.string().min(1),
  dataSha256: z.string().regex(/^[0-9a-f]{64}$/),
  iteration: z.number().int().min(0),
  trainingSeconds: z.number().min(0),
  model: ganStateSchema,
  trainer: trainerStateSchema,
  evaluator: z
    .object({
      best: z.object({ iteration: z.number().int(), metric: z.enum(['mmd', 'coverage', 'discriminative']), value: z.number() }).nullable(),
      weights: z.record(z.string(), z.array(float32s)).nullable(),
    })
    .nullable(),
  history: historySchema,
});

/** Reads and checks `dir/checkpoint`; one line naming the file and the key when it is broken. */
export function readTrainingCheckpoint(dir: string): CsvCheckpointState {
  // A kill between a checkpoint's renames leaves it set aside: put it back first.
  try {
    recoverLeftovers(resolve(dir));
  } catch (e) {
    throw isSystemError(e) ? userErrorFromSystem(e, dir, 'cannot recover') : e;
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new TsganError(`${dir}: no such directory to resume`);
  if (!existsSync(join(dir, CHECKPOINT_DIR))) {
    const done = existsSync(join(dir, 'tsgan.json'));
    throw new TsganError(`${dir}: ${done ? 'holds a finished model' : 'holds no checkpoint'}; nothing to resume (checkpoints are written by tsgan train every --checkpoint-every iterations and on Ctrl-C)`);
  }
  return readCheckpoint(dir, stateSchema) as unknown as CsvCheckpointState;
}

export interface ResumeOptions {
  /** Callbacks (progress) of the resumed run. */
  callbacks?: TrainCsvOptions['callbacks'];
  onNotice?: TrainCsvOptions['onNotice'];
  interrupt?: TrainCsvOptions['interrupt'];
  /** A checkpoint already read (readTrainingCheckpoint), to spare a second read. */
  checkpoint?: CsvCheckpointState;
}

/** Goes on with the training whose checkpoint is in `dir`, and writes the finished model there. */
export async function resumeTraining(dir: string, opts: ResumeOptions = {}): Promise<ModelMeta> {
  const state = opts.checkpoint ?? readTrainingCheckpoint(dir);
  if (state.tsganVersion !== VERSION) opts.onNotice?.(`tsgan: warning: the checkpoint was written by tsgan ${state.tsganVersion}, this is ${VERSION}; the result may differ from a run straight through`);
  opts.onNotice?.(`tsgan: resuming ${dir} at iteration ${state.iteration}`);
  const run = { out: dir, force: true, callbacks: opts.callbacks, onNotice: opts.onNotice, interrupt: opts.interrupt };
  // A table model's checkpoint holds its schema among the options; trainTable checks it as any schema.
  if (state.options.modelType !== undefined && modelEntry(state.options.modelType).learns === 'tables') {
    return trainTable({ ...(state.options as unknown as TrainTableOptions), ...run }, { state, dataPath: state.dataPath });
  }
  // A checkpoint without a model name was written by the library when rgan was the default (before TimeGAN, 2026-12-07).
  return trainFromCsv({ modelType: 'rgan', ...(state.options as TrainCsvOptions), ...run }, { state, dataPath: state.dataPath });
}
