/**
 * The pipeline runner: resolves a pipeline (by name or as a list of entries), checks every
 * pass, option and resource before running anything, then runs the passes in order, reporting
 * progress per pass and collecting the passes' notes. A failing pass becomes a PassError whose
 * message starts with the pass name; a cancelled run rejects with the abort signal's reason,
 * unwrapped, since a cancel is not a pass failure.
 *
 * With `validate` (on in tests) the runner also checks the pass contract after every pass:
 * the result satisfies `validateGraph`, and the input graph is unchanged (its canonical
 * printout, constant data checksums included, is the same as before the pass).
 */

import { PassError, TinyDeployError, serializeError } from '../errors.js';
import { printGraph } from '../ir/print.js';
import type { Graph } from '../ir/types.js';
import { graphProblems, validateGraph } from '../ir/validate.js';
import type { PassContext, PassDefinition, PassLogEntry, PassOptions, PassResources } from './pass.js';
import { type PipelineEntry, findPipeline, listPipelines } from './pipelines.js';
import { findPass, listPasses } from './registry.js';
import './builtin-passes.js';

/** Where a pipeline run is: emitted at the start and end of every pass and when a pass reports steps. */
export interface PipelineProgress {
  pass: string;
  /** Position of the pass in the pipeline (0-based) and number of passes. */
  index: number;
  count: number;
  phase: 'start' | 'step' | 'end';
  /** Steps inside the pass, when the pass reports them (`phase: 'step'`). */
  done?: number;
  total?: number;
  detail?: string;
}

export interface PipelineContext {
  /** Validate the graph and the purity of each pass after it runs (on in tests; costs a printout per pass). */
  validate?: boolean;
  signal?: AbortSignal;
  /** Options by pass name; they override what the pipeline entry sets. */
  options?: Readonly<Record<string, PassOptions>>;
  resources?: PassResources;
  onProgress?(progress: PipelineProgress): void;
  /** Each note as a pass logs it (they are also collected in the result). */
  onLog?(entry: PassLogEntry): void;
}

/** What one pass did. */
export interface PassStep {
  pass: string;
  /** False when the pass returned its input graph unchanged. */
  changed: boolean;
  opsBefore: number;
  opsAfter: number;
  tensorsBefore: number;
  tensorsAfter: number;
  milliseconds: number;
}

export interface PipelineResult {
  graph: Graph;
  steps: PassStep[];
  log: PassLogEntry[];
}

interface ResolvedStep {
  definition: PassDefinition;
  options: PassOptions;
}

/**
 * Runs a pipeline (a name from `pipelines.ts`, or a list of pass names / entries) over a graph
 * and returns the final graph with what each pass did. The input graph is never modified. With
 * `validate`, an invalid input graph is refused up front with the ValidationError listing its
 * problems (no pass is blamed for it).
 */
export async function runPipeline(graph: Graph, pipeline: string | readonly PipelineEntry[], context: PipelineContext = {}): Promise<PipelineResult> {
  const steps = resolve(pipeline, context);
  const signal = context.signal ?? new AbortController().signal;
  if (context.validate) validateGraph(graph);
  const log: PassLogEntry[] = [];
  const report: PassStep[] = [];
  let current = graph;
  for (const [index, { definition, options }] of steps.entries()) {
    signal.throwIfAborted();
    const name = definition.name;
    const progress = (fields: Omit<PipelineProgress, 'pass' | 'index' | 'count'>) =>
      context.onProgress?.({ pass: name, index, count: steps.length, ...fields });
    const passContext: PassContext = {
      pass: name,
      options,
      resources: context.resources ?? {},
      signal,
      progress: (done, total, detail) => progress({ phase: 'step', done, total, detail }),
      log: (message, level = 'info') => {
        const entry = { pass: name, level, message };
        log.push(entry);
        context.onLog?.(entry);
      },
    };
    progress({ phase: 'start' });
    const printoutBefore = context.validate ? printGraph(current) : '';
    const start = performance.now();
    let result: Graph;
    try {
      result = await definition.run(current, passContext);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw wrap(name, error);
    }
    const milliseconds = performance.now() - start;
    if (context.validate) checkContract(name, current, printoutBefore, result);
    report.push({
      pass: name,
      changed: result !== current,
      opsBefore: current.ops.length,
      opsAfter: result.ops.length,
      tensorsBefore: current.tensors.length,
      tensorsAfter: result.tensors.length,
      milliseconds,
    });
    progress({ phase: 'end' });
    current = result;
  }
  return { graph: current, steps: report, log };
}

/** The pipeline's steps with their options, or a PassError naming whatever is unknown or missing. */
function resolve(pipeline: string | readonly PipelineEntry[], context: PipelineContext): ResolvedStep[] {
  let entries: readonly PipelineEntry[];
  if (typeof pipeline === 'string') {
    const definition = findPipeline(pipeline);
    if (!definition) {
      throw new PassError(`unknown pipeline "${pipeline}"; pipelines: ${listPipelines().map((p) => p.name).join(', ')}`, { pipeline });
    }
    entries = definition.passes;
  } else {
    entries = pipeline;
  }
  return entries.map((entry) => {
    const name = typeof entry === 'string' ? entry : entry.pass;
    const definition = findPass(name);
    if (!definition) {
      throw new PassError(`unknown pass "${name}"; passes: ${listPasses().map((p) => p.name).join(', ')}`, { pass: name });
    }
    for (const resource of definition.resources ?? []) {
      if (context.resources?.[resource] === undefined) {
        throw new PassError(`${name}: needs the resource "${resource}", none was given`, { pass: name, resource });
      }
    }
    const given = { ...(typeof entry === 'string' ? {} : entry.options), ...context.options?.[name] };
    return { definition, options: checkOptions(definition, given) };
  });
}

/** The options with defaults filled in; a PassError for an unknown name or a value of the wrong type. */
function checkOptions(definition: PassDefinition, given: PassOptions): PassOptions {
  const specs = definition.options ?? {};
  const options: Record<string, PassOptions[string]> = {};
  for (const [key, value] of Object.entries(given)) {
    const spec = specs[key];
    if (!spec) {
      const known = Object.keys(specs);
      throw new PassError(`${definition.name}: unknown option "${key}"; ${known.length ? `options: ${known.join(', ')}` : 'the pass takes no options'}`, {
        pass: definition.name,
        option: key,
      });
    }
    if (value === undefined) continue;
    if (typeof value !== spec.type || (spec.type === 'number' && Number.isNaN(value))) {
      throw new PassError(`${definition.name}: option "${key}" is ${JSON.stringify(value)}, expected a ${spec.type}`, { pass: definition.name, option: key });
    }
    if (spec.choices && !spec.choices.includes(value as string)) {
      throw new PassError(`${definition.name}: option "${key}" is "${value}", expected one of ${spec.choices.join(', ')}`, { pass: definition.name, option: key });
    }
    options[key] = value;
  }
  for (const [key, spec] of Object.entries(specs)) {
    if (options[key] === undefined && spec.default !== undefined) options[key] = spec.default;
  }
  return options;
}

/** A PassError whose message starts with the pass name, keeping the original error's name and data. */
function wrap(pass: string, error: unknown): PassError {
  if (error instanceof PassError && error.message.startsWith(`${pass}: `)) return error;
  const cause = serializeError(error);
  // TinyDeploy's errors name the thing and the value already; anything else is a bug, so keep its class.
  const detail = error instanceof TinyDeployError ? cause.message : `${cause.name}: ${cause.message}`;
  return new PassError(`${pass}: ${detail}`, { pass, cause });
}

function checkContract(pass: string, input: Graph, printoutBefore: string, result: Graph): void {
  if (printGraph(input) !== printoutBefore) {
    throw new PassError(`${pass}: modified its input graph (a pass must build a new graph)`, { pass });
  }
  const problems = graphProblems(result);
  if (problems.length > 0) {
    throw new PassError(`${pass}: left an invalid graph: ${problems.join('; ')}`, { pass, problems });
  }
}
