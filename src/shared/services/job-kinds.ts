/**
 * The kinds of job and the parameters each takes, with their ranges: the one place they are
 * checked. `JobService.start<Kind>` takes them (types.ts derives those methods from this list),
 * the proxy validates every request against them where it enters the serving process
 * (schemas.ts), and the job host and the worker trust what was stored.
 *
 * A kind is declared three times, once per side, each in its own file: its parameters here, its
 * handler in core/node/jobs/kinds/ (checks against the store, the worker task, the results it
 * records) and its task in src/worker/tasks/. The compiler refuses a kind one side lacks.
 */

import { id, optimizeFor } from './fields.js';
import { array, integer, object, optional, string, type Infer } from './validation.js';

export const jobParameters = {
  /**
   * Deploy & Profile a variant on a board: build, flash, run, verify; stores a measurement.
   * `runs` (default 1): at most 1000, which also keeps within the profiler protocol's 16-bit count.
   * `targetId` (virtual boards): the catalog board whose cycles and ms to estimate (`deploy --target`).
   * `optimizeFor` (default: the project's setting): what the code is generated for, `size` or `speed`.
   */
  deploy: object({ variantId: id, boardId: id, runs: optional(integer(1, 1000)), targetId: optional(id), optimizeFor: optional(optimizeFor) }),
  /** Accuracy of a variant on a dataset with the host interpreter (`limit`: at most this many samples); stores a measurement. */
  evaluate: object({ variantId: id, datasetId: id, limit: optional(integer(1, 10_000_000)) }),
  /**
   * Validate on the board: build and flash a variant once, run the first `samples` samples of a
   * dataset of the project (default 100) on the board and on the host interpreter, and compare
   * their outputs sample by sample (byte-identical count; max |Δ|, RMSE, MAE, cosine, L2
   * relative error) and their accuracies; stores the validation.
   */
  validate: object({ variantId: id, boardId: id, datasetId: id, samples: optional(integer(1, 100_000)) }),
  /**
   * Post-training int8 quantization of a variant (the `quantize-int8` pipeline unless another
   * quantizing pipeline is named): calibrated on the first `samples` samples of a dataset of the
   * project (default 200), or on seeded synthetic inputs when no dataset is given. Makes a new
   * variant (parent = this one, origin `optimize`), then evaluates parent and variant on up to
   * `evaluationLimit` (default 500) of the dataset's samples not used for calibration and stores
   * both accuracies as measurements.
   *
   * With `passes` (e.g. ["prune-channels", "finetune"]) it is a training job instead: the dataset
   * (required) is split in file order, its last `holdoutPercent` % (default 20) never trained on;
   * the passes run in order (pruning by `ratioPercent` % of every prunable group, or to
   * `targetParams` / `targetMacs`; fine-tuning for `epochs` with `seed`, at most `maxSteps` steps),
   * and parent and variant accuracies on the held-out part are stored. `stream`: on (read the
   * dataset from disk a batch at a time), off (hold it in memory), auto (default: on above 256 MiB).
   */
  optimize: object({
    variantId: id,
    pipeline: optional(id),
    datasetId: optional(id),
    samples: optional(integer(1, 100_000)),
    evaluationLimit: optional(integer(1, 10_000_000)),
    passes: optional(array(id, 1, 16)),
    holdoutPercent: optional(integer(1, 90)),
    ratioPercent: optional(integer(1, 99)),
    targetParams: optional(integer(1, 1_000_000_000)),
    targetMacs: optional(integer(1, 1_000_000_000_000)),
    epochs: optional(integer(1, 10_000)),
    seed: optional(integer(0, 2_147_483_647)),
    maxSteps: optional(integer(1, 10_000_000)),
    stream: optional(string({ minLength: 2, maxLength: 4, pattern: { expression: /^(auto|on|off)$/, description: 'auto, on or off' } })),
  }),
  /**
   * Hardware-aware architecture search in a project: candidates of a built-in `space` (lstm, gru,
   * ds-cnn, mlp) are built, trained on a dataset of the project (its last 20 % held out), quantized
   * to int8 and measured on the board, `trials` in all; each trial is stored as it ends, and the
   * same search started again continues from its stored trials. Budgets: flash and RAM (arena +
   * stack) bytes, latency in the board's unit; `optimizer` bo (default), random or sobol;
   * `precisions` (default int8-ptq alone): with more than one, each candidate's precision is
   * searched too (float32, int8 by post-training quantization, or int8 by quantization-aware
   * fine-tuning after the float training); `limit`: samples read from the
   * dataset; `maxSteps`: training steps per trial; `workers`: trials run at once.
   */
  search: object({
    projectId: id,
    space: id,
    datasetId: id,
    boardId: id,
    trials: integer(1, 1000),
    epochs: optional(integer(1, 1000)),
    optimizer: optional(string({ minLength: 2, maxLength: 6, pattern: { expression: /^(bo|random|sobol)$/, description: 'bo, random or sobol' } })),
    seed: optional(integer(0, 2_147_483_647)),
    budgetFlash: optional(integer(1, 2 ** 40)),
    budgetRam: optional(integer(1, 2 ** 40)),
    maxLatency: optional(integer(1, Number.MAX_SAFE_INTEGER)),
    limit: optional(integer(1, 10_000_000)),
    maxSteps: optional(integer(1, 10_000_000)),
    workers: optional(integer(1, 16)),
    precisions: optional(array(string({ minLength: 1, maxLength: 16, pattern: { expression: /^(int8-ptq|int8-qat|float32)$/, description: 'int8-ptq, int8-qat or float32' } }), 1, 3)),
  }),
};

export type JobKind = keyof typeof jobParameters;

/** What `JobService.start<Kind>` takes for a kind. */
export type JobRequest<K extends JobKind> = Infer<(typeof jobParameters)[K]>;

/** Values of the parameters a request leaves out. */
export const jobDefaults = {
  deploy: { runs: 1 },
  validate: { samples: 100 },
  optimize: { pipeline: 'quantize-int8', samples: 200, evaluationLimit: 500 },
  search: { epochs: 10, optimizer: 'bo', seed: 1 },
} satisfies { [K in JobKind]?: Partial<JobRequest<K>> };

/** The JobService method that starts a job of `kind`: `startDeploy`, `startEvaluate`, … */
export type StartMethodName<K extends JobKind> = `start${Capitalize<K>}`;

export function startMethodName<K extends JobKind>(kind: K): StartMethodName<K> {
  return `start${kind.charAt(0).toUpperCase()}${kind.slice(1)}` as StartMethodName<K>;
}

/** Every kind, in the order of `jobParameters`. */
export const jobKinds = Object.keys(jobParameters) as JobKind[];

/** The schema of each start method's request (the job service's part of schemas.ts). */
export const startMethodSchemas = Object.fromEntries(jobKinds.map((kind) => [startMethodName(kind), jobParameters[kind]])) as {
  [K in JobKind as StartMethodName<K>]: (typeof jobParameters)[K];
};
