export * from './generate.js';
export { dequantizeHybridWeights } from './hybrid.js';
export { optimizeGoals, supportedOpTypes, type OptimizeFor } from './lowering.js';
export * as kernelBuffers from './kernel-buffers.js';
export * from './memory/index.js';
