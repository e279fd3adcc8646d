import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared data folder (models, datasets, TFLite Micro vectors, baseline) that every developer
 * and CI has beside the repository; TINYDEPLOY_SHARED overrides it. This module is the one place
 * tests locate it, and importing it fails when the folder is missing: a bit-exact test must not
 * go green by skipping.
 */
export const sharedDir = resolve(process.env.TINYDEPLOY_SHARED ?? join(repoRoot, '../shared'));

const missingParts = ['models', 'vectors'].filter((part) => !existsSync(join(sharedDir, part)));
if (missingParts.length > 0) {
  throw new Error(
    `shared data folder ${sharedDir} ${existsSync(sharedDir) ? `has no ${missingParts.join('/ or ')}/` : 'not found'} ` +
      `(${process.env.TINYDEPLOY_SHARED ? 'from TINYDEPLOY_SHARED' : 'expected beside the repository; set TINYDEPLOY_SHARED to use another'})`,
  );
}

export const sharedPath = (...parts: string[]) => join(sharedDir, ...parts);

/** MLPerf Tiny and RNN models of the shared folder by short name. */
export const sharedModels = {
  kws_ref_model: sharedPath('models/mlperf_tiny/kws_ref_model.tflite'),
  kws_ref_model_float32: sharedPath('models/mlperf_tiny/kws_ref_model_float32.tflite'),
  vww_96_int8: sharedPath('models/mlperf_tiny/vww_96_int8.tflite'),
  vww_96_float: sharedPath('models/mlperf_tiny/vww_96_float.tflite'),
  pretrainedResnet_quant: sharedPath('models/mlperf_tiny/pretrainedResnet_quant.tflite'),
  pretrainedResnet: sharedPath('models/mlperf_tiny/pretrainedResnet.tflite'),
  ad01_int8: sharedPath('models/mlperf_tiny/ad01_int8.tflite'),
  ad01_fp32: sharedPath('models/mlperf_tiny/ad01_fp32.tflite'),
  trained_lstm: sharedPath('models/rnn/trained_lstm.tflite'),
  trained_lstm_int8: sharedPath('models/rnn/trained_lstm_int8.tflite'),
} as const;

export type SharedModelName = keyof typeof sharedModels;

/** The int8 models for which ../shared/vectors holds TFLite Micro's outputs. */
export const vectorModels = ['kws_ref_model', 'vww_96_int8', 'pretrainedResnet_quant', 'ad01_int8', 'trained_lstm_int8'] as const;

export { join };
