/**
 * What a model registers (src/registry.ts lists the entries): its spec (name
 * and options), what it learns, how its config is filled and checked, how
 * it is built, trained, sized and read back from a saved file. Loading, the
 * pipeline, the CLI and the report look a model up by name here; no code
 * outside a model's own files names one. In the spirit of keras-io's
 * `WGAN(discriminator, generator)`: networks and their trainer are passed in,
 * not switched on.
 */
import type { z } from 'zod';
import type { Gan } from '../models/gan.js';
import type { CodecLayout } from '../data/table-codec.js';
import type { ModelSpec } from '../models/spec.js';
import type { NetworkSizes, SizedConfig } from '../models/size-check.js';
import type { Items } from '../data/batches.js';
import type { Windows } from '../data/windows.js';
import type { Trainable, TrainerState } from '../train/loop.js';

export type { TableGan } from '../models/gan.js';

/** A model's saved config: tsgan.json's `config`, whose `model` is the entry's name. */
export type ModelConfig = SizedConfig & { model: string };

/** What the pipeline drives: one training of one model. */
export interface ModelTrainer extends Trainable {
  /** The training items (monitors draw from them). */
  readonly items: Items;
  /** Iterations of the whole training (a model with phases runs more than the asked-for ones). Default: the asked-for ones. */
  readonly totalIterations?: number;
  /** One line for the user about what this training will do, or null. */
  readonly notice?: string | null;
  /** One line for the user about the last step (TimeGAN's refit), or null. */
  readonly stepNotice?: string | null;
  getState(): TrainerState;
  setState(state: TrainerState): void;
}

export interface ModelEntry<C extends ModelConfig = ModelConfig, M extends Gan = Gan> {
  spec: ModelSpec;
  /**
   * What it learns from a table: windows of rows (its config takes
   * `features` and `seqLen`), single rows (`dataDim` and `imageShape`), or
   * whole tables of entities (the shape of the table's layout, see
   * src/data/table-codec.ts; it samples the table back). Picks the training
   * pipeline and the sample file's layout.
   */
  learns: 'sequences' | 'vectors' | 'tables';
  /**
   * A full config from the user's options (by library name) and the data's
   * shape: defaults filled in, every value checked, errors naming the key.
   * `iterations`: the run's, for defaults that follow it.
   */
  config(values: object, iterations?: number): C;
  /** The networks, with weights drawn from `seed`. */
  build(config: C, seed: number): M;
  /** Its networks' sizes, for the bounds checked before anything is built (src/models/size-check.ts). */
  sizes(config: C): NetworkSizes;
  /** A trainer for `iterations` (of its last phase) on `data`. */
  trainer(model: M, data: Windows | Items, seed: number, iterations: number): ModelTrainer;
  /** How a saved config is read: its schema, and the fill-in of keys that older files of the current format lack. */
  saved: {
    schema: z.ZodType;
    migrate?: (config: Record<string, unknown>) => Record<string, unknown>;
    /** For a training checkpoint that names only the options given (written before 2026-12-07): the defaults of its time, where they have changed since. */
    resumeDefaults?: Record<string, unknown>;
  };
  /** Has an encoder: its models' `reconstruct` sends real windows through it and the decoder (`tsgan eval --reconstruction`). Default false. */
  encodes?: boolean;
  /** A sentence the report adds under the training history, where the curves read differently from a plain GAN's. */
  historyNote?: string;
  /**
   * A table model's config keys from the data's layout (its slots, lengths
   * and softmax groups); required when it learns 'tables', and checked
   * against a saved config before it samples.
   */
  tableShape?: (layout: CodecLayout) => Record<string, unknown>;
  /** Built-in data sets it trains on by name (`--data mnist`): the name and a loader. */
  builtInData?: Record<string, () => { values: Float32Array; count: number; features: string[]; range: [number, number]; imageShape: [number, number] | null }>;
}
