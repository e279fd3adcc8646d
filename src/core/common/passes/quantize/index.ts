// Post-training quantization: calibration, the quantize-int8 pass, metrics and per-layer sensitivity.
export { calibrate } from './calibrate.js';
export type { CalibrationControl, CalibrationTable } from './calibrate.js';
export { observerKinds } from './observers.js';
export type { ObserverKind, ObserverOptions, ValueRange } from './observers.js';
export { DEFAULT_CALIBRATION_SAMPLES, parseLayerList, precisionPlan, quantizeInt8 } from './quantize-int8.js';
export type { QuantizeInt8Options } from './quantize-int8.js';
export { computesInFloat, int16OpTypes, int8OpTypes, precisionRefusal, quantizeGraph } from './quantize-graph.js';
export type { Precision, QuantizationPlan } from './quantize-graph.js';
export { RealValuedRunner, SqnrMeter, argmax, evaluateGraph, referenceOutputs } from './metrics.js';
export type { EvaluationControl, GraphEvaluation, LabelledSamples } from './metrics.js';
export { layerSensitivity } from './sensitivity.js';
export type { LayerSensitivity, SensitivityControl, SensitivityReport } from './sensitivity.js';
export { syntheticSamples } from './synthetic.js';
export type { SyntheticOptions } from './synthetic.js';
