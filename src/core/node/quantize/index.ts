// Post-training quantization from Node: datasets as calibration samples, the quantize-int8 pipeline and its report.
export { loadDatasetSlice } from './dataset-samples.js';
export type { DatasetSlice } from './dataset-samples.js';
export { describeVariant, loadSamples, quantizationSensitivity, quantizeModel } from './quantize-model.js';
export type { LoadedSamples, SensitivityOptions, CalibrationRecord, CalibrationSource, QuantizeModelOptions, QuantizeProgress, QuantizeReport, SampleSetEvaluation } from './quantize-model.js';
