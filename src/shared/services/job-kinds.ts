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

import { id } from './fields.js';
import { array, integer, object, optional, type Infer } from './validation.js';

export const jobParameters = {
  /**
   * Deploy & Profile a variant on a board: build, flash, run, verify; stores a measurement.
   * `runs` (default 1): at most 1000, which also keeps within the profiler protocol's 16-bit count.
   * `targetId` (virtual boards): the catalog board whose cycles and ms to estimate (`deploy --target`).
   */
  deploy: object({ variantId: id, boardId: id, runs: optional(integer(1, 1000)), targetId: optional(id) }),
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
   * and parent and variant accuracies on the held-out part are stored.
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
