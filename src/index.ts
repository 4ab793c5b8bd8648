/**
 * tsgan's public API. The pipeline: data → models → training → io, and the
 * high-level calls that the CLI wraps.
 */
export { tf, initEngine, describeEngine, type EngineInfo, type BackendName } from './engine.js';
export { Rng, checkSeed, MAX_SEED } from './random.js';
export { TsganError } from './errors.js';
export { VERSION } from './version.js';

export { parseCsv, parseCsvRecords, parseNumber, type CsvTable, type CsvRecord } from './data/csv.js';
export { loadDataset, tableToDataset, readTableFile, type Dataset, type Series, type LoadOptions } from './data/table.js';
export { tableFromRecords, tableFromColumns, tableFromInput, parseJsonTable, tableToRecords, recordsToJson, type TableInput, type TableRecord, type Cell } from './data/records.js';
export { MinMaxScaler, type ScalerState } from './data/scaler.js';
export { makeWindows, type Windows, type WindowOptions } from './data/windows.js';
export { BatchSampler, type Items } from './data/batches.js';
export { sineData, sinesToCsv, type SinesOptions } from './data/sines.js';
export { inferSchema, parseDatetime, missingTest, isStatic, NA_TOKENS, type DataSchema, type ColumnSchema, type ColumnRole, type ColumnType, type InferOptions } from './data/schema.js';
export { readSchemaFile, checkSchemaFits } from './data/schema-file.js';
export { inspectCsv, formatInspection, type Inspection, type InspectOptions } from './data/inspect.js';
export { mixedPanel, MIXED_PANEL_TRUTH, type MixedPanelOptions } from './data/mixed-panel.js';
export { encodeTable, decodeTable, decodeRows, type EncodedTable, type CodecLayout, type Slot } from './data/table-codec.js';

export { RecurrentStack, runLayer, gateCount, CELL_TYPES, type CellType, type RecurrentStackArgs, type StackApplyOptions } from './nn/recurrent.js';
export { LayerNormRecurrent, type LayerNormRecurrentArgs } from './nn/layer-norm-layer.js';
export { DenseHead, Mlp, type DenseArgs, type Activation } from './nn/dense.js';
export { glorotUniform, orthogonal } from './nn/init.js';

export { Adam, globalNorm, type AdamArgs } from './models/adam.js';
export { Gan, featureMatchingLoss, GAN_TRAINING_OPTIONS, checkTrainingConfig, withTrainingDefaults, type GanTrainingConfig, type GanStepMetrics } from './models/gan.js';
export { Rgan, rganConfig, RGAN_DEFAULTS, type RganConfig, type RganStepMetrics } from './models/rgan.js';
export { ARCH_DEFAULTS, ARCH_OPTIONS, sequenceNoise, type RecurrentGanArch, type NoiseKind } from './models/recurrent-arch.js';
export { specDefaults, type ModelSpec } from './models/spec.js';
export { defaultsFor, type OptionDecl, type OptionKind, type OptionValues } from './config/options.js';
export { mlpLayers, denseLayers, recurrentStackLayers } from './nn/export.js';
export { nonSaturating, bceWithLogits, makeLoss, LOSS_NAMES, type GanLoss, type LossName, type LossOptions } from './losses/gan.js';

export { fit, History, type Trainable, type Callback, type Metrics, type FitOptions, type FitResult, type TrainControl, type HistoryData } from './train/loop.js';
export { progressBar, nanGuard, checkFiniteWeights, type ProgressBar, type ProgressOptions } from './train/callbacks.js';
export { GanTrainer, windowItems } from './train/gan-trainer.js';

export { saveModelDir, type ModelMeta, type LoadedModel, type DataInfo } from './io/model-dir.js';
export { loadModelDir, readModelMeta, buildGan } from './load.js';
export { writeDirAtomic, writeFileAtomic, checkOutDir, checkOutFile } from './io/atomic.js';
export { samplesToCsv } from './io/samples.js';
export { checkpointer, type Checkpointer, type CheckpointerOptions } from './train/checkpointer.js';
export { resumeTraining, readTrainingCheckpoint, type ResumeOptions } from './resume.js';
export { CHECKPOINT_DIR } from './io/checkpoint.js';

export { registerModel, modelNames, modelEntry } from './registry.js';
export type { ModelEntry, ModelConfig, ModelTrainer } from './zoo/entry.js';
export type { NetworkSizes } from './models/size-check.js';
/** The zod building blocks of a saved config's schema (for a model's `saved.schema`). */
export * as savedSchema from './io/model-schema.js';
export { trainFromCsv, sampleToCsv, sampleSequences, prepareData, type TrainCsvOptions, type SampleCsvOptions, type PreparedData } from './pipeline.js';
export { runDemo, type DemoOptions, type DemoResult } from './demo.js';
export { setFusedKernels, fusedKernelsActive } from './kernels/fused-stack.js';
export { setKernelThreads, kernelThreads, kernelBuild, estimateStackBytes } from './kernels/wasm-kernels.js';
export { SequenceClassifier, classifierConfig, CLASSIFIER_DEFAULTS, type ClassifierConfig } from './models/sequence-classifier.js';
export { DenseGan, denseGanConfig, DENSE_GAN_DEFAULTS, type DenseGanConfig } from './models/dense-gan.js';
export { trainDenseGan, sampleGrid, type TrainDenseOptions } from './pipeline.js';
export { trainClassifier, predictToCsv, loadClassifier, evaluate, ClassifierTrainer, type ClassifierMeta, type LabelledData, type ClassifyTrainOptions } from './classify.js';
export { loadMnist, splitDigits, type Digits } from './data/mnist.js';
export { loadLabelledSequences, type LabelledSequences } from './data/sequences.js';
export { imageGrid } from './io/png.js';

export { SequenceRegressor, regressorConfig, REGRESSOR_DEFAULTS, type RegressorConfig, type RegressorLoss } from './models/sequence-regressor.js';
export { loadEvalData, MIN_SEQUENCES, type EvalData, type EvalDataOptions, type WindowSet } from './eval/data.js';
export { discriminativeScore, predictiveScore, predictiveTask, type DiscriminativeOptions, type DiscriminativeResult, type PredictiveOptions } from './eval/posthoc.js';
export { distanceMetrics, sqDistances, type DistanceMetrics } from './eval/distance.js';
export { marginalStats, ecdfDistances, autocorrelation, correlationMatrix } from './eval/stats.js';
export { pca2, tsne, featureMeans, type TsneOptions } from './eval/embed.js';
export { evaluateWindows, evaluateData, formatEvalTable, type EvalResult, type EvaluateOptions, type Repeated } from './eval/evaluate.js';
export { evaluateFiles, type EvalFilesOptions, type EvalFilesResult } from './eval/run.js';
export { compareTables, type TableComparison, type Shares } from './eval/table.js';
export { attributeRecovery, type AttributeRecovery } from './eval/attribute.js';
export { evaluateTableFiles, formatTableComparison, type TableEvalOptions } from './eval/table-run.js';
export { trainTable, sampleTable, sampleRecords, MAX_DRAWS, type TrainTableOptions, type SampleTableOptions } from './table-pipeline.js';
export { buildReport, type Report, type ReportOptions } from './report/html.js';
export { EvalCallback, EVAL_METRICS, type EvalMetricName, type EvalEveryOptions } from './train/evaluator.js';
export { holdOutBlocks, type WindowSplit } from './data/split.js';
export { Timegan, timeganConfig, TIMEGAN_DEFAULTS, TIMEGAN_ITERATIONS, type TimeganConfig } from './models/timegan.js';
export { TimeganTrainer } from './train/timegan-trainer.js';
export { diversityMonitor, gradPerStepMonitor, type DiversityOptions, type GradStepOptions } from './train/monitors.js';
export { meanPairwiseDistance } from './train/diversity.js';
export { criticValues, lastStep } from './models/gan.js';
