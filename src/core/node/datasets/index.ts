// Datasets on disk and host evaluation: see dataset.ts for the folder format.
export { openDataset, parseLabelCsv } from './dataset.js';
export type { Dataset, DatasetSample, LabelEntry, SampleSpec } from './dataset.js';
export { sampleConverter } from './sample-input.js';
export type { SampleConverter } from './sample-input.js';
export { argmax, evaluate } from './evaluate.js';
export type { EvaluationOptions, EvaluationProgress, EvaluationResult } from './evaluate.js';
