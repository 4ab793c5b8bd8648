/** The kernel module's functions by index, shared by the main thread and its helper worker. */
export const KERNEL_FUNCTIONS = [
  'gemm',
  'batch_to_time',
  'time_to_batch',
  'rnn_forward',
  'rnn_backward',
  'gru_forward',
  'gru_backward',
  'lstm_forward',
  'lstm_backward',
  'dense_forward',
  'dense_backward',
  'quantile_targets',
  'quantile_residual',
] as const;
export type KernelFunction = (typeof KERNEL_FUNCTIONS)[number];
