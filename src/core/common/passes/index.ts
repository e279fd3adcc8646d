// Graph passes: the registry, the pipelines and their runner, and the rewrite-rule framework.
export type { CalibrationData, LabelledSet, TrainingData, PassContext, PassDefinition, PassLogEntry, PassOptionSpec, PassOptionValue, PassOptions, PassResources } from './pass.js';
export { findPass, listPasses, registerPass } from './registry.js';
export type { PassInfo } from './registry.js';
export { findPipeline, listPipelines } from './pipelines.js';
export type { PipelineDefinition, PipelineEntry } from './pipelines.js';
export { runPipeline } from './run-pipeline.js';
export type { PassStep, PipelineContext, PipelineProgress, PipelineResult } from './run-pipeline.js';
export { GraphEditor, applyRewriteRules } from './rewrite.js';
export type { GraphView, RewriteRule, RuleCounts } from './rewrite.js';
