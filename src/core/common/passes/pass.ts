/**
 * What a graph pass is (STYLE.md §6): a pure function `(graph, context) => graph` that never
 * mutates its input, registered once by name (see `registry.ts`) with a one-line description,
 * what it requires and the options it accepts. Pipelines (`pipelines.ts`) are ordered lists of
 * pass names; `runPipeline` runs them. The core never calls a UI: a pass reports progress and
 * notes through its context, and obeys the context's abort signal, so the same pass serves the
 * worker, the CLI and tests.
 */

import type { Graph, TensorData } from '../ir/types.js';

/** An option value: plain data, so a pipeline entry crosses process boundaries as it is. */
export type PassOptionValue = string | number | boolean;

/** The options bag of one pass run: option name → value, checked against the pass's `options`. */
export type PassOptions = Readonly<Record<string, PassOptionValue | undefined>>;

/** How one option of a pass is declared: its type, what it does and its default. */
export interface PassOptionSpec {
  type: 'number' | 'string' | 'boolean';
  /** One line for `tinydeploy optimize --list`. */
  description: string;
  /** Used when neither the pipeline entry nor the caller gives a value; absent means "unset". */
  default?: PassOptionValue;
  /** For string options: the accepted values. */
  choices?: readonly string[];
}

/**
 * Representative inputs for post-training quantization: random access, so a pass can report
 * progress as `done / count`, take a subset, or make two passes over the data.
 */
export interface CalibrationData {
  /** Number of samples. */
  readonly count: number;
  /** Sample `index` (0-based): one typed array per graph input, in graph input order. */
  sample(index: number): readonly TensorData[] | Promise<readonly TensorData[]>;
}

/**
 * Inputs beyond the graph that some passes need. A pass names the ones it reads in its
 * registration (`resources`); the runner refuses to start a pipeline when one is missing.
 */
export interface PassResources {
  /** Samples for calibrating activation ranges (read by the int8 quantization pass). */
  readonly calibration?: CalibrationData;
  /** Labelled samples for the training passes (finetune, Taylor importance of prune-channels). */
  readonly training?: TrainingData;
}

/** A labelled set held in memory: `count` samples of `sampleSize` real values each, back to back. */
export interface LabelledSet {
  readonly count: number;
  readonly sampleSize: number;
  readonly inputs: Float32Array;
  readonly labels: Int32Array;
}

/**
 * A labelled set kept on disk (a dataset larger than memory): labels in memory, sample values read
 * a batch at a time by index. `streamed` tells it apart from a `LabelledSet`.
 */
export interface StreamedLabelledSet {
  readonly streamed: true;
  readonly count: number;
  readonly sampleSize: number;
  readonly labels: Int32Array;
  /** The values of samples `indices`, one after the other (indices.length × sampleSize). */
  read(indices: ArrayLike<number>): Promise<Float32Array>;
  /** Says a batch `read` gave is no longer held (the loader counts what it holds). */
  release(batch: Float32Array): void;
}

/**
 * What training passes learn from: the training part of a dataset and the validation part early
 * stopping watches, each in memory or streamed from disk. A dataset's held-out part never reaches a pass.
 */
export interface TrainingData {
  readonly train: LabelledSet | StreamedLabelledSet;
  readonly validation?: LabelledSet | StreamedLabelledSet;
  /** Class count (the width of the model's output). */
  readonly classes: number;
  /** The model training started from: distillation's teacher unless another is given. */
  readonly teacher?: Graph;
}

/** A note a pass leaves for the user: what it changed, or what it skipped and why. */
export interface PassLogEntry {
  pass: string;
  level: 'info' | 'warning';
  message: string;
}

/**
 * Everything a running pass may use besides the graph. `O` is the pass's own options type;
 * the runner fills in defaults and has checked every value against the pass's declaration.
 */
export interface PassContext<O extends PassOptions = PassOptions> {
  /** The name the pass runs under (for messages). */
  readonly pass: string;
  readonly options: O;
  readonly resources: PassResources;
  /** Cancellation: long passes call `signal.throwIfAborted()` between steps. */
  readonly signal: AbortSignal;
  /** Progress inside the pass, `done` out of `total` steps (the runner reports start and end itself). */
  progress(done: number, total: number, detail?: string): void;
  /** A note for the user (`info`: what changed; `warning`: what was skipped and why). */
  log(message: string, level?: PassLogEntry['level']): void;
}

/**
 * A pass as registered: name, one-line description, what it requires, its options and the
 * function itself. `run` returns its input unchanged (the same object) when it has nothing to
 * do, and otherwise a new graph that shares every tensor, op and typed array it did not change.
 */
export interface PassDefinition<O extends PassOptions = PassOptions> {
  /** kebab-case, unique: what pipelines and the CLI call it. */
  name: string;
  /** One line: what the pass does to the graph. */
  description: string;
  /** One line: what the graph must satisfy (or the pass leaves alone) for it to apply. */
  requires: string;
  /** Resources the pass reads from its context; checked before a pipeline starts. */
  resources?: readonly (keyof PassResources)[];
  /** Options the pass accepts; any other option name is refused before the pipeline starts. */
  options?: { readonly [K in keyof O]-?: PassOptionSpec };
  run(graph: Graph, context: PassContext<O>): Graph | Promise<Graph>;
}
