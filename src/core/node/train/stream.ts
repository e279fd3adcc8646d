/**
 * Datasets larger than memory, streamed in batches. A dataset (any layout the readers know: a
 * folder of sample files, IDX files gzip-compressed or not — the MNIST set, Fashion-MNIST — or
 * windows of CSV time series) is read once, sample by sample, and each sample's real values are
 * appended to a cache file on disk, one per part of the split (training, validation, held out),
 * sample `i` at byte offset `i × sampleSize × 4`. Training and evaluation then read the samples a
 * batch asks for by their file offsets: the trainer draws its seeded order over sample indices
 * as it does for a set in memory (so the same seed gives the same weights, streamed or not) and
 * reads each batch with one positioned read per run of adjacent offsets.
 *
 * What stays in memory: the labels (4 bytes a sample), a write buffer of `batchSize` samples
 * while the caches are filled, and the batch being read. `residentBytes` counts the sample bytes
 * the loader holds at a time and `peakResidentBytes` the most it ever held, so tests hold the
 * loader to a cap below the dataset's size.
 */

import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatasetError } from '../../common/errors.js';
import type { Graph, TensorData } from '../../common/ir/types.js';
import type { CalibrationData, StreamedLabelledSet } from '../../common/passes/pass.js';
import { elementCount } from '../../common/ir/tensor.js';
import type { Dataset } from '../datasets/dataset.js';
import { sampleConverter } from '../datasets/sample-input.js';
import type { CsvWindowOptions } from './csv-windows.js';
import { DEFAULT_HOLDOUT, DEFAULT_VALIDATION } from './data.js';
import { splitWindows, type WindowRef } from './window-split.js';

/** Samples on disk read by index: what the trainer and evaluation take in place of a set in memory. */
export type StreamedSet = StreamedLabelledSet;

/** A set in memory or streamed: what `isStreamed` tells apart. */
export function isStreamed(set: object): set is StreamedSet {
  return (set as Partial<StreamedSet>).streamed === true;
}

/** Counts the sample bytes a loader holds, now and at most. */
export class ResidentBytes {
  current = 0;
  peak = 0;
  hold(bytes: number): void {
    this.current += bytes;
    this.peak = Math.max(this.peak, this.current);
  }
  release(bytes: number): void {
    this.current -= bytes;
  }
}

/** One cache file: samples appended in order, then read by index. */
export class SampleCache implements StreamedSet {
  readonly streamed = true;
  count = 0;
  labels: Int32Array;
  private pending: Float32Array;
  private pendingCount = 0;
  private readonly pendingLabels: number[] = [];

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly sampleSize: number,
    private readonly bufferSamples: number,
    private readonly resident: ResidentBytes,
  ) {
    this.pending = new Float32Array(0);
    this.labels = new Int32Array(0);
  }

  static async create(path: string, sampleSize: number, bufferSamples: number, resident: ResidentBytes): Promise<SampleCache> {
    return new SampleCache(await open(path, 'w+'), path, sampleSize, Math.max(1, bufferSamples), resident);
  }

  /** Appends one sample (its real values, `sampleSize` of them). */
  async append(values: Float32Array, label: number): Promise<void> {
    if (values.length !== this.sampleSize) throw new DatasetError(`a sample of ${values.length} values in a cache of ${this.sampleSize}-value samples`);
    if (this.pending.length === 0) {
      this.pending = new Float32Array(this.bufferSamples * this.sampleSize);
      this.resident.hold(this.pending.byteLength);
    }
    this.pending.set(values, this.pendingCount * this.sampleSize);
    this.pendingCount++;
    this.pendingLabels.push(label);
    if (this.pendingCount === this.bufferSamples) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingCount === 0) return;
    const bytes = this.pendingCount * this.sampleSize * 4;
    await this.handle.write(new Uint8Array(this.pending.buffer, 0, bytes), 0, bytes, this.count * this.sampleSize * 4);
    this.count += this.pendingCount;
    this.pendingCount = 0;
  }

  /** Writes what is buffered and frees the buffer: the cache is complete. */
  async finish(): Promise<void> {
    await this.flush();
    this.resident.release(this.pending.byteLength);
    this.pending = new Float32Array(0);
    this.labels = Int32Array.from(this.pendingLabels);
    this.pendingLabels.length = 0;
  }

  async read(indices: ArrayLike<number>): Promise<Float32Array> {
    const size = this.sampleSize;
    const out = new Float32Array(indices.length * size);
    this.resident.hold(out.byteLength);
    try {
      // Positions sorted by offset, runs of adjacent samples read at once.
      const order = Array.from({ length: indices.length }, (_, i) => i).sort((a, b) => indices[a] - indices[b]);
      for (let i = 0; i < order.length; ) {
        const first = indices[order[i]];
        if (!(Number.isInteger(first) && first >= 0 && first < this.count)) throw new DatasetError(`sample ${first} is outside the cache's ${this.count} samples`);
        let run = 1;
        while (i + run < order.length && indices[order[i + run]] === first + run && order[i + run] === order[i] + run) run++;
        const target = new Uint8Array(out.buffer, order[i] * size * 4, run * size * 4);
        const { bytesRead } = await this.handle.read(target, 0, target.length, first * size * 4);
        if (bytesRead !== target.length) throw new DatasetError(`${this.path}: read ${bytesRead} of ${target.length} bytes of samples ${first}…${first + run - 1}`);
        i += run;
      }
    } catch (error) {
      this.resident.release(out.byteLength);
      throw error;
    }
    // The caller owns the batch now; it is counted until `releaseBatch`.
    return out;
  }

  release(batch: Float32Array): void {
    this.resident.release(batch.byteLength);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

export interface StreamOptions {
  holdout?: number;
  validation?: number;
  /** Read at most this many samples (default: all). */
  limit?: number;
  /** A dataset with its own test set: held out whole (at most `heldOutLimit` samples), `holdout` unused. */
  heldOutSet?: Dataset;
  heldOutLimit?: number;
  /** Samples buffered before each write (default 64: a batch). */
  bufferSamples?: number;
  /** Where the cache files go (default: a new folder in the system's temp folder). */
  directory?: string;
  signal?: AbortSignal;
}

export interface StreamedData {
  train: SampleCache;
  validation?: SampleCache;
  heldOut: SampleCache;
  classes: number;
  split: { train: [number, number]; validation: [number, number]; heldOut: [number, number]; dataset: string; heldOutDataset?: string };
  /** Sample bytes held by the loader: now and at most since it was opened. */
  resident: ResidentBytes;
  /** Closes and removes the cache files. */
  close(): Promise<void>;
}

/**
 * Streams `dataset` through the caches for `graph`'s input, split as `loadTrainingData` splits it
 * in memory (the last `holdout` fraction held out, the last `validation` fraction of the rest
 * validating, in file order), so a streamed run trains on the same samples in the same order.
 */
export async function streamTrainingData(dataset: Dataset, graph: Graph, options: StreamOptions = {}): Promise<StreamedData> {
  const holdout = options.holdout ?? DEFAULT_HOLDOUT;
  const validation = options.validation ?? DEFAULT_VALIDATION;
  if (!(holdout >= 0 && holdout < 1)) throw new DatasetError(`holdout ${holdout} is not a fraction in [0, 1)`, { holdout });
  if (!(validation >= 0 && validation < 1)) throw new DatasetError(`validation ${validation} is not a fraction in [0, 1)`, { validation });
  if (graph.inputs.length !== 1) throw new DatasetError(`dataset ${dataset.name}: the model has ${graph.inputs.length} inputs; a dataset feeds exactly one`);
  const input = graph.tensors[graph.inputs[0]];
  const sampleSize = elementCount(input.shape);
  const total = Math.min(options.limit ?? Infinity, dataset.size);
  const heldOutCount = options.heldOutSet ? 0 : Math.round(total * holdout);
  const rest = total - heldOutCount;
  const validationCount = Math.round(rest * validation);
  const trainCount = rest - validationCount;
  if (trainCount < 1) throw new DatasetError(`dataset ${dataset.name}: ${total} samples leave none to train on (holdout ${holdout}, validation ${validation})`);
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'tinydeploy-stream-')));
  const ownsDirectory = options.directory === undefined;
  const resident = new ResidentBytes();
  const buffer = options.bufferSamples ?? 64;
  const caches: SampleCache[] = [];
  const cache = async (name: string) => {
    const created = await SampleCache.create(join(directory, `${name}.f32`), sampleSize, buffer, resident);
    caches.push(created);
    return created;
  };
  const close = async () => {
    await Promise.all(caches.map((entry) => entry.close()));
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
  };
  try {
    const train = await cache('train');
    const validationCache = validationCount > 0 ? await cache('validation') : undefined;
    const heldOut = await cache('held-out');
    const fill = async (source: Dataset, count: number, target: (index: number) => SampleCache) => {
      const convert = sampleConverter(source.name, source.sample, { ...input, dtype: 'float32', quantization: undefined });
      let read = 0;
      for await (const sample of source.samples({ limit: count })) {
        options.signal?.throwIfAborted();
        await target(sample.index).append(convert(sample.values) as Float32Array, sample.label);
        read++;
      }
      return read;
    };
    await fill(dataset, total, (index) => (index < trainCount ? train : index < rest ? validationCache! : heldOut));
    let heldOutRange: [number, number] = [rest, heldOutCount];
    if (options.heldOutSet) {
      const other = options.heldOutSet;
      if (other.classes.length !== dataset.classes.length) throw new DatasetError(`held-out set ${other.name} has ${other.classes.length} classes, ${dataset.name} ${dataset.classes.length}`);
      const count = await fill(other, Math.min(other.size, options.heldOutLimit ?? options.limit ?? Infinity), () => heldOut);
      heldOutRange = [0, count];
    }
    for (const entry of caches) await entry.finish();
    return {
      train,
      ...(validationCache ? { validation: validationCache } : {}),
      heldOut,
      classes: dataset.classes.length,
      split: {
        train: [0, trainCount],
        validation: [trainCount, validationCount],
        heldOut: heldOutRange,
        dataset: dataset.name,
        ...(options.heldOutSet ? { heldOutDataset: options.heldOutSet.name } : {}),
      },
      resident,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The lines of a text file one at a time, with their 1-based numbers, skipping blank ones. */
async function* lines(path: string): AsyncGenerator<{ line: string; number: number }> {
  const reader = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of reader) {
      number++;
      if (line.trim() !== '') yield { line, number };
    }
  } finally {
    reader.close();
  }
}

/**
 * Windows of CSV time series labelled by a column (`csv-windows.ts`'s format and split) without
 * holding a file in memory: a first pass reads each file line by line for its header and the label
 * of every window's last row; the split is made over those windows; a second pass reads the lines
 * again through a ring of `window` rows and appends each kept window to its part's cache as its
 * last row arrives. In memory: the ring, the caches' write buffers, one label per window.
 */
export async function streamCsvWindows(directory: string, options: CsvWindowOptions & Pick<StreamOptions, 'bufferSamples' | 'directory' | 'signal'>): Promise<StreamedData> {
  const { window, stride } = options;
  if (!(Number.isInteger(window) && window >= 1 && Number.isInteger(stride) && stride >= 1)) {
    throw new DatasetError(`window ${window} and stride ${stride} must be whole numbers >= 1`);
  }
  const scale = options.scale ?? 1;
  const names = (await readdir(directory)).filter((name) => name.toLowerCase().endsWith('.csv')).sort();
  if (names.length === 0) throw new DatasetError(`${directory} holds no .csv file`, { path: directory });
  const files: { path: string; labelIndex: number; header: string[]; windows: string[] }[] = [];
  let channels = -1;
  for (const name of names) {
    const path = join(directory, name);
    let header: string[] | undefined;
    let labelIndex = -1;
    let row = 0;
    const windowLabels: string[] = [];
    for await (const { line, number } of lines(path)) {
      options.signal?.throwIfAborted();
      const fields = line.split(',').map((field) => field.trim());
      if (!header) {
        header = fields;
        labelIndex = typeof options.labelColumn === 'number' ? options.labelColumn : header.indexOf(options.labelColumn);
        if (labelIndex < 0 || labelIndex >= header.length) throw new DatasetError(`${path}: no label column ${JSON.stringify(options.labelColumn)} (columns: ${header.join(', ')})`, { path });
        if (channels >= 0 && header.length - 1 !== channels) throw new DatasetError(`${path}: ${header.length - 1} channels, the files before it ${channels}`, { path });
        channels = header.length - 1;
        continue;
      }
      if (fields.length !== header.length) throw new DatasetError(`${path} line ${number}: ${fields.length} fields, the header has ${header.length}`, { path, line: number });
      const start = row - window + 1;
      if (start >= 0 && start % stride === 0) windowLabels.push(fields[labelIndex]);
      row++;
    }
    if (!header) throw new DatasetError(`${path}: no header line`, { path });
    files.push({ path, labelIndex, header, windows: windowLabels });
  }
  const classes = [...new Set(files.flatMap((file) => file.windows))].sort();
  const refs: WindowRef[] = [];
  files.forEach((file, index) => file.windows.forEach((label, i) => refs.push({ file: index, start: i * stride, label: classes.indexOf(label) })));
  if (refs.length === 0) throw new DatasetError(`${directory}: no file has ${window} rows`, { path: directory });
  const parts = splitWindows([refs], window, options);
  if (parts.train.length === 0) throw new DatasetError(`${directory}: ${refs.length} windows leave none to train on`);
  // Where each kept window goes, by file and start.
  const destination = new Map<string, { part: number; label: number }>();
  [parts.train, parts.validation, parts.heldOut].forEach((list, part) => list.forEach((ref) => destination.set(`${ref.file}/${ref.start}`, { part, label: ref.label })));

  const cacheDirectory = options.directory ?? (await mkdtemp(join(tmpdir(), 'tinydeploy-stream-')));
  const resident = new ResidentBytes();
  const size = window * channels;
  const caches: SampleCache[] = [];
  const close = async () => {
    await Promise.all(caches.map((entry) => entry.close()));
    if (options.directory === undefined) await rm(cacheDirectory, { recursive: true, force: true });
  };
  try {
    for (const name of ['train', 'validation', 'held-out']) caches.push(await SampleCache.create(join(cacheDirectory, `${name}.f32`), size, options.bufferSamples ?? 64, resident));
    const ring = new Float32Array(size);
    const sample = new Float32Array(size);
    resident.hold(ring.byteLength + sample.byteLength);
    for (const [fileIndex, file] of files.entries()) {
      let row = -2;
      for await (const { line, number } of lines(file.path)) {
        if (++row < 0) continue; // the header
        options.signal?.throwIfAborted();
        const fields = line.split(',');
        const slot = (row % window) * channels;
        let channel = 0;
        fields.forEach((field, column) => {
          if (column === file.labelIndex) return;
          const text = field.trim();
          const value = Number(text);
          if (text === '' || !Number.isFinite(value)) throw new DatasetError(`${file.path} line ${number}: column ${file.header[column]} is not a number`, { path: file.path, line: number });
          ring[slot + channel++] = value / scale;
        });
        const start = row - window + 1;
        const kept = start >= 0 ? destination.get(`${fileIndex}/${start}`) : undefined;
        if (kept === undefined) continue;
        // The ring holds the window's rows from `start`, wrapped: unroll them in time order.
        for (let step = 0; step < window; step++) sample.set(ring.subarray(((start + step) % window) * channels, ((start + step) % window + 1) * channels), step * channels);
        await caches[kept.part].append(sample, kept.label);
      }
    }
    resident.release(ring.byteLength + sample.byteLength);
    for (const entry of caches) await entry.finish();
    const validationStart = parts.before.train;
    const heldOutStart = validationStart + parts.before.validation;
    const [train, validationCache, heldOut] = caches;
    return {
      train,
      ...(validationCache.count > 0 ? { validation: validationCache } : {}),
      heldOut,
      classes: classes.length,
      split: { train: [0, train.count], validation: [validationStart, validationCache.count], heldOut: [heldOutStart, heldOut.count], dataset: basename(directory) },
      resident,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Reads samples `indices` of a set in memory or streamed (a streamed batch is released by `done`). */
export async function readBatch(set: { sampleSize: number; inputs?: Float32Array } | StreamedSet, indices: ArrayLike<number>): Promise<{ inputs: Float32Array; done(): void }> {
  if (isStreamed(set)) {
    const inputs = await set.read(indices);
    return { inputs, done: () => set.release(inputs) };
  }
  const size = set.sampleSize;
  const inputs = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) inputs.set(set.inputs!.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
  return { inputs, done: () => {} };
}

/** Above this many bytes of float32 sample values, `tinydeploy optimize` streams the dataset from disk (256 MiB). */
export const STREAM_THRESHOLD_BYTES = 256 * 2 ** 20;

/** The bytes `count` samples of `graph`'s input take as float32 values in memory. */
export function decodedBytes(graph: Graph, count: number): number {
  return count * elementCount(graph.tensors[graph.inputs[0]].shape) * 4;
}

/**
 * The first `count` samples of a streamed set as calibration data, read `chunk` samples at a time
 * as they are asked for in order: one chunk held at a time, released when the next is read.
 * (Calibration takes the first samples of the training part, streamed or in memory alike.)
 */
export function streamedCalibration(set: StreamedSet, count: number, chunk = 64): CalibrationData & { release(): void } {
  const total = Math.min(count, set.count);
  let held: { start: number; values: Float32Array } | undefined;
  const release = () => {
    if (held) set.release(held.values);
    held = undefined;
  };
  return {
    count: total,
    async sample(index: number): Promise<readonly TensorData[]> {
      if (!(Number.isInteger(index) && index >= 0 && index < total)) throw new DatasetError(`calibration sample ${index} is outside the ${total} samples`);
      if (!held || index < held.start || index >= held.start + held.values.length / set.sampleSize) {
        release();
        const start = index - (index % chunk);
        const values = await set.read(Array.from({ length: Math.min(chunk, total - start) }, (_, i) => start + i));
        held = { start, values };
      }
      const offset = (index - held.start) * set.sampleSize;
      // A copy: the chunk is released once the calibration moves past it, or has read the last sample.
      const values = held.values.slice(offset, offset + set.sampleSize);
      if (index === total - 1) release();
      return [values];
    },
    release,
  };
}
