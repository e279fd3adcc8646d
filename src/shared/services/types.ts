/**
 * TinyDeploy's services: the typed interfaces the UI calls, served by the main process (Electron)
 * or by `tinydeploy serve` (browser mode), and carried by one generic proxy over Electron IPC, the
 * worker's port or a WebSocket. Methods take one plain object and resolve to plain data (JSON
 * values and Uint8Array); events are `onSomething(listener)` returning an unsubscribe function.
 * Every payload is validated against its schema where it enters the serving process.
 *
 * Ids are strings (UUIDs from the store); times are ISO-8601 strings.
 */

import type { JobKind, JobRequest, StartMethodName } from './job-kinds.js';
import type { CompareService, ExportService, GraphService } from './compare-types.js';

export type * from './compare-types.js';

export type Unsubscribe = () => void;

// ---- projects ----------------------------------------------------------------------------

import type { OptimizeFor } from './fields.js';

export type { OptimizeFor };

export interface Project {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** Model variants in the project (imported and derived). */
  variantCount: number;
  /** What the project's Deploy & Profile jobs generate code for (default `size`; a deploy may override it). */
  optimizeFor: OptimizeFor;
}

export interface ProjectService {
  list(): Promise<Project[]>;
  create(request: { name: string }): Promise<Project>;
  rename(request: { id: string; name: string }): Promise<Project>;
  /** Sets what the project's later Deploy & Profile jobs generate code for; measurements already taken keep theirs. */
  setOptimizeFor(request: { id: string; optimizeFor: OptimizeFor }): Promise<Project>;
  /** Deletes the project with its variants, jobs and measurements (their files too). */
  remove(request: { id: string }): Promise<void>;
}

// ---- models and variants -----------------------------------------------------------------

/** How a variant was made: imported from a file, or derived from its parent by a pipeline. */
export type VariantOrigin =
  | { kind: 'import'; fileName: string }
  | { kind: 'optimize'; pipeline: string; options?: Record<string, unknown>; calibration?: { datasetId?: string; synthetic: boolean; samples: number } }
  /** A trial of an architecture search (trained, quantized and measured there). */
  | { kind: 'search'; searchId: string; trialIndex: number; space: string; params: Record<string, string | number>; datasetId?: string };

export interface ModelVariant {
  id: string;
  projectId: string;
  /** The variant it was derived from (null for an import). */
  parentId: string | null;
  name: string;
  origin: VariantOrigin;
  /** `sha256:<hex>` of the model file. */
  fileHash: string;
  fileBytes: number;
  createdAt: string;
  /** Figures of `inspect`: ops, MACs, parameters, activation memory, main dtype. */
  summary: {
    ops: number;
    macs: number;
    parameters: number;
    peakActivationBytes: number;
    dtype: string;
    /** The dtype of most weights (int8 with a float32 `dtype`: a hybrid model); absent for variants stored before it was recorded. */
    weightDtype?: string;
  };
}

/** One row of the layer table (as `tinydeploy inspect --json` prints). */
export interface LayerRow {
  index: number;
  op: string;
  inputs: { tensor: number; shape: number[]; dtype: string }[];
  outputs: { tensor: number; shape: number[]; dtype: string }[];
  macs: number;
  parameters: number;
  /** Bytes of activations live while this op runs. */
  liveBytes: number;
}

export interface ModelDetail extends ModelVariant {
  layers: LayerRow[];
  inputs: { name: string; shape: number[]; dtype: string }[];
  outputs: { name: string; shape: number[]; dtype: string }[];
}

export interface ModelService {
  list(request: { projectId: string }): Promise<ModelVariant[]>;
  /**
   * Imports a model file's bytes into the project as a new variant; a bad file is an ImportError
   * naming it. Bytes the project already has give back that variant (no duplicate is made).
   */
  importModel(request: { projectId: string; fileName: string; bytes: Uint8Array }): Promise<ModelVariant>;
  /** Renames a variant (trimmed; empty or over 200 characters is a UsageError). */
  rename(request: { variantId: string; name: string }): Promise<ModelVariant>;
  get(request: { variantId: string }): Promise<ModelDetail>;
  remove(request: { variantId: string }): Promise<void>;
}

// ---- datasets ----------------------------------------------------------------------------

export interface Dataset {
  id: string;
  projectId: string;
  name: string;
  /** Folder or file on disk (datasets are referenced, not copied). */
  path: string;
  format: 'files' | 'idx';
  sampleCount: number;
  createdAt: string;
}

/** What a dataset's samples look like, which decides how a preview draws them (see core/node/datasets/preview.ts). */
export type DatasetSampleKind = 'image' | 'spectrogram' | 'time-series' | 'tensor';

/** A dataset's format and a few of its samples as real values, for the app to draw. */
export interface DatasetPreview {
  name: string;
  description?: string;
  layout: 'files' | 'idx';
  /** How one sample is stored (`real = (stored - zeroPoint) * scale`). */
  sample: { dtype: string; shape: number[]; scale: number; zeroPoint: number };
  classes: string[];
  sampleCount: number;
  kind: DatasetSampleKind;
  /** The sample's dimensions without those of size 1: rows × columns (× channels) for images, time × features or channels otherwise. */
  dimensions: number[];
  samples: { index: number; label: number; className: string; source: string; values: number[]; truncated: boolean }[];
}

export interface DatasetService {
  list(request: { projectId: string }): Promise<Dataset[]>;
  add(request: { projectId: string; path: string; name?: string }): Promise<Dataset>;
  remove(request: { datasetId: string }): Promise<void>;
  /** The dataset's format and its first `count` samples (default 6, at most 12). */
  preview(request: { datasetId: string; count?: number }): Promise<DatasetPreview>;
  /**
   * A dataset folder sent as files (browser mode's folder upload), or as one `.zip` of it:
   * written into the data folder's `datasets/<name>` (another name when taken), then added as
   * `add` would; nothing is kept when it is not a dataset. Paths are relative, '/'-separated,
   * inside the folder.
   */
  upload(request: { projectId: string; name: string; files: { path: string; bytes: Uint8Array }[] }): Promise<Dataset>;
  /** The desktop app's folder picker: the folder chosen, or null when cancelled. Browser mode has none (it uploads). */
  chooseFolder(): Promise<string | null>;
}

// ---- jobs --------------------------------------------------------------------------------

export type { JobKind } from './job-kinds.js';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface JobError {
  /** Error class name (DeviceError, TimeoutError, …). */
  name: string;
  message: string;
}

export interface Job {
  id: string;
  projectId: string;
  kind: JobKind;
  params: Record<string, unknown>;
  status: JobStatus;
  /** 0 … 1. */
  progress: number;
  /** What it is doing now ("flash", "run 3 of 10", …). */
  step: string;
  log: string[];
  result?: unknown;
  error?: JobError;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * One method per kind of job that queues it: `startDeploy`, `startEvaluate`, `startOptimize`, …
 * (the kinds and their parameters are declared in job-kinds.ts).
 */
export type StartJobMethods = { [K in JobKind as StartMethodName<K>]: (request: JobRequest<K>) => Promise<Job> };

export interface JobService extends StartJobMethods {
  list(request: { projectId?: string }): Promise<Job[]>;
  get(request: { jobId: string }): Promise<Job>;
  cancel(request: { jobId: string }): Promise<void>;
  /** Every change of any job (status, progress, log line). */
  onJobChanged(listener: (job: Job) => void): Unsubscribe;
}

// ---- devices -----------------------------------------------------------------------------

export interface BoardDescription {
  id: string;
  name: string;
  kind: 'virtual' | 'real';
  core: string;
  flashBytes: number;
  ramBytes: number;
  timerUnit: 'instructions' | 'cycles';
  /** Core clock in Hz (of the emulated core on a virtual board, which QEMU does not time). */
  cpuHz?: number;
  /** Deploy can run on it now (QEMU installed for virtual boards; real boards: not yet). */
  deployable: boolean;
  /** Why not, when it cannot. */
  reason?: string;
}

export interface SerialDevice {
  path: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  serialNumber?: string;
  /** Catalog boards with this USB id. */
  boardIds: string[];
  /** Known debug probe name for this USB id. */
  probe?: string;
}

export interface DeviceListing {
  boards: BoardDescription[];
  serial: SerialDevice[];
  /** Why `serial` is empty because the ports could not be listed (e.g. udevadm missing); absent when listing worked. */
  serialError?: string;
}

export interface DeviceService {
  list(): Promise<DeviceListing>;
  /** A serial device was plugged or unplugged. */
  onDevicesChanged(listener: (listing: DeviceListing) => void): Unsubscribe;
}

// ---- measurements ------------------------------------------------------------------------

export interface Measurement {
  id: string;
  projectId: string;
  variantId: string;
  jobId: string;
  kind: 'deploy' | 'evaluate';
  boardId?: string;
  createdAt: string;
  /** Deploy: what the firmware was generated for (absent for deploys made before it was recorded). */
  optimizeFor?: OptimizeFor;
  latency?: { value: number; unit: 'instructions' | 'cycles'; milliseconds?: number };
  instructionsPerMac?: number | null;
  arenaBytes?: number;
  stackBytes?: number;
  flashBytes?: number;
  ramBytes?: number;
  /** Board capacity, for "flash and RAM against the board's capacity". */
  boardFlashBytes?: number;
  boardRamBytes?: number;
  bitExact?: boolean;
  passed?: boolean;
  /** Deploy: how many runs were checked, their latency spread, and whether all gave the same output. */
  runs?: { count: number; min: number; max: number; identical: boolean };
  /** Deploy with differing outputs: the first layer whose output differs from the host's. */
  firstDifference?: { index: number; op: string; tensorId: number; description: string };
  /** Deploy on a virtual board: cycles and ms estimated from the instruction mix for `board`'s core at its clock (an estimate, not a measurement). */
  estimate?: { cycles: number; ms: number; core: string; cpuHz: number; board: string; instructions: number; source: string };
  layers?: { index: number; op: string; latency: number; macs: number }[];
  /** Arena bytes live per op (the memory timeline). */
  memoryTimeline?: { index: number; liveBytes: number }[];
  /** Deploy: flash and RAM by part, from the build's ELF symbols (absent for builds made before they were recorded). */
  memory?: MemoryParts;
  accuracy?: number;
  samples?: number;
}

/**
 * A deploy's flash and RAM by part (they add up to `flashBytes` and `ramBytes`). Flash: the
 * model's weights; the rest of the generated model (its code, per-op parameters); the kernels it
 * calls; the runtime (the on-device application and the C library); start-up (vector table,
 * reset, clocks, UART); other (alignment, what no symbol names). RAM: the planner's arena (every
 * activation, buffers shared when their lifetimes do not overlap); the stack estimated from the
 * call graph at build time; runtime variables (profiler and UART buffers); other.
 */
export interface MemoryParts {
  flash: { weights: number; model: number; kernels: number; runtime: number; startup: number; other: number };
  ram: { arena: number; stack: number; runtime: number; other: number };
}

export interface MeasurementService {
  list(request: { projectId: string; variantId?: string }): Promise<Measurement[]>;
}

// ---- evaluations and validations ---------------------------------------------------------

/** Precision, recall and F1 of one class (null when undefined: never predicted, or no sample of it). */
export interface ClassMetrics {
  name: string;
  /** Samples of this class. */
  support: number;
  /** Samples predicted as this class. */
  predicted: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/** Samples whose true class is among the k highest scores. */
export interface TopKAccuracy {
  k: number;
  correct: number;
  accuracy: number;
}

/** How a board's outputs agree with the host's over every element of every sample (real values). */
export interface OutputAgreement {
  elements: number;
  maxAbsDiff: number;
  rmse: number;
  mae: number;
  /** Cosine similarity of the board's and the host's outputs as one vector. */
  cosine: number;
  /** L2 relative error: ‖board − host‖ / ‖host‖. */
  l2r: number;
}

/** A classification's figures: top-1 accuracy, confusion matrix (rows actual, columns predicted), per class, top-k. */
export interface EvaluationReport {
  samples: number;
  correct: number;
  accuracy: number;
  classes: string[];
  confusion: number[][];
  perClass: ClassMetrics[];
  topK: TopKAccuracy[];
}

/** Samples of a dataset run on a board and on the host, compared sample by sample. */
export interface ValidationReport extends OutputAgreement {
  boardId: string;
  samples: number;
  /** Samples whose outputs are byte-identical on the board and the host. */
  equal: number;
  /** Samples that pass deploy's check: integer outputs byte-identical, float outputs within max |Δ| ≤ 1e-4·max |host|. */
  passed: number;
  /** The model's output dtype (int8: `equal` is the check; float32: the error figures are). */
  outputDType: string;
  /**
   * Top-1 accuracy of the board's and of the host's outputs on the same samples; null when the
   * model's first output does not have one score per class of the dataset (not a classifier of it).
   */
  accuracy: { board: number | null; host: number | null };
  /** Samples where board and host predict different classes (0 when there is no accuracy). */
  disagreements: number;
  /** The first samples whose outputs differ (at most 20): index, source file, max |Δ|. */
  differing: { index: number; source: string; maxAbsDiff: number }[];
  /**
   * What the firmware was generated for (the project's "optimize for" setting, or `--optimize`), as
   * a deploy's measurement records it; absent in validations stored before it was recorded.
   */
  optimizeFor?: OptimizeFor;
}

/** A stored evaluation (host accuracy) or validation (board against host) of a variant on a dataset. */
export interface Evaluation {
  id: string;
  projectId: string;
  variantId: string;
  jobId: string | null;
  /** Null once the dataset was removed from the project (its name stays). */
  datasetId: string | null;
  datasetName: string;
  kind: 'evaluate' | 'validate';
  /** Validations: the board. */
  boardId?: string;
  samples: number;
  /** Host top-1 accuracy (evaluate) or the board's (validate; null when the model does not classify the dataset's classes). */
  accuracy: number | null;
  evaluation?: EvaluationReport;
  validation?: ValidationReport;
  createdAt: string;
}

export interface EvaluationService {
  /** Evaluations and validations of a project (or one variant), newest first. */
  list(request: { projectId: string; variantId?: string }): Promise<Evaluation[]>;
}

// ---- architecture searches ----------------------------------------------------------------

/** One trial of a search: the candidate, how it ended and what the board measured. */
export interface SearchTrial {
  index: number;
  params: Record<string, string | number>;
  /** ok (within budget), over-budget (measured, over a budget), rejected (the planner proved it cannot fit), failed (with the reason). */
  status: 'ok' | 'over-budget' | 'rejected' | 'failed';
  reason?: string;
  /** Held-out top-1 of the deployed model (host interpreter). */
  accuracy?: number;
  latency?: number;
  /** instructions (virtual boards) or cycles (real ones). */
  latencyUnit?: string;
  arenaBytes?: number;
  stackBytes?: number;
  flashBytes?: number;
  bitExact?: boolean;
  /** Its model is kept: it can become a variant. */
  hasModel: boolean;
  /** Wall time of its parts, ms. */
  timings?: { trainMs?: number; buildMs?: number; deployMs?: number; evalMs?: number };
  createdAt?: string;
}

/** A search of a project: what defines it and how far it got. */
export interface SearchSummary {
  id: string;
  projectId: string;
  space: string;
  datasetId?: string;
  boardId: string;
  optimizer: string;
  seed: number;
  epochs: number;
  /** Trials asked for in its last run. */
  trials: number;
  /** Trials stored. */
  trialsDone: number;
  budget: { flashBytes?: number; ramBytes?: number; latency?: number };
  precisions: string[];
  /** The job that ran it last. */
  jobId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SearchDetail extends SearchSummary {
  /** Every stored trial, by index. */
  trialList: SearchTrial[];
  /** Indices of the trials on the Pareto front (accuracy, latency, RAM, flash) among those within budget. */
  front: number[];
}

export interface SearchService {
  /** The searches of a project, newest first. */
  list(request: { projectId: string }): Promise<SearchSummary[]>;
  /** A search with its trials and front. */
  get(request: { searchId: string }): Promise<SearchDetail>;
  /** Makes a trial's int8 model a variant of the search's project (origin: the search and the trial's parameters). */
  makeVariant(request: { searchId: string; trialIndex: number }): Promise<ModelVariant>;
}

// ---- all of them -------------------------------------------------------------------------

/** The services one process serves, by name (the proxy routes `<service>.<method>`). */
export interface Services {
  projects: ProjectService;
  models: ModelService;
  datasets: DatasetService;
  jobs: JobService;
  devices: DeviceService;
  measurements: MeasurementService;
  evaluations: EvaluationService;
  compare: CompareService;
  graphs: GraphService;
  exports: ExportService;
  searches: SearchService;
}

export type ServiceName = keyof Services;

// ---- the desktop shell -------------------------------------------------------------------

/** A command chosen in the native menu that the UI carries out (the UI knows the current project). */
export type MenuCommand = 'new-project' | 'import-model';

export interface MenuService {
  /** The user chose a menu command. Only the Electron shell has a menu: in browser mode it never fires. */
  onCommand(listener: (command: MenuCommand) => void): Unsubscribe;
}

/** What the UI reaches (`connectServices()` in the renderer): the services and the shell's menu. */
export interface AppServices extends Services {
  menu: MenuService;
}
