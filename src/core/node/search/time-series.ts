/**
 * Windowed time series from CSV files, for the architecture search (the accelerometer activity
 * set in `../shared/datasets/st_har_lsm6dsl`): a folder with one sub-folder per class, each holding
 * CSV files of readings, one line per time step, one column per channel (a header line of names is
 * skipped). Samples are windows of `window` steps taken every `stride` steps inside each file.
 *
 * The split is by file so that overlapping windows never straddle training and held-out data: the
 * files are put in an order that takes one file of each class in turn, the samples follow that
 * order, and the held-out part is the last `holdout` fraction of the samples rounded to whole files
 * (so every class is held out in proportion); the validation part is taken the same way from what
 * remains. Values are divided by `scale` (default 1000: milli-g to g).
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../../common/errors.js';
import type { LabelledSet } from '../../common/passes/pass.js';

export interface TimeSeriesFile {
  path: string;
  label: number;
  steps: number;
  /** Steps × channels, row-major. */
  values: Float32Array;
}

export interface TimeSeriesSet {
  name: string;
  directory: string;
  classes: string[];
  channels: number;
  /** Files in split order (one of each class in turn). */
  files: TimeSeriesFile[];
}

export interface WindowSplit {
  train: LabelledSet;
  validation?: LabelledSet;
  heldOut: LabelledSet;
  classes: number;
  /** Windows per part and the files they come from. */
  split: { train: [number, number]; validation: [number, number]; heldOut: [number, number]; dataset: string; files: { train: number; validation: number; heldOut: number } };
}

/** True when `directory` looks like a time-series folder (class folders of CSV files, no dataset.json). */
export async function isTimeSeriesFolder(directory: string): Promise<boolean> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  if (entries.some((entry) => entry.isFile() && entry.name === 'dataset.json')) return false;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const inside = await readdir(join(directory, entry.name)).catch(() => [] as string[]);
    if (inside.some((name) => name.toLowerCase().endsWith('.csv'))) return true;
  }
  return false;
}

function parseCsv(text: string, path: string, scale: number): { steps: number; channels: number; values: Float32Array } {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  let start = 0;
  if (lines.length && lines[0].split(',').some((field) => field.trim() !== '' && Number.isNaN(Number(field)))) start = 1;
  const rows = lines.slice(start);
  if (rows.length === 0) throw new DatasetError(`${path}: no readings`);
  const channels = rows[0].split(',').length;
  const values = new Float32Array(rows.length * channels);
  rows.forEach((line, i) => {
    const fields = line.split(',');
    if (fields.length !== channels) throw new DatasetError(`${path} line ${i + start + 1}: ${fields.length} values, expected ${channels}`);
    fields.forEach((field, c) => {
      const value = Number(field);
      if (!Number.isFinite(value)) throw new DatasetError(`${path} line ${i + start + 1} column ${c + 1}: not a number`);
      values[i * channels + c] = value / scale;
    });
  });
  return { steps: rows.length, channels, values };
}

/** Reads a time-series folder (see the module comment); at most `filesPerClass` files of each class. */
export async function readTimeSeries(directory: string, options: { filesPerClass?: number; scale?: number } = {}): Promise<TimeSeriesSet> {
  const scale = options.scale ?? 1000;
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: Error) => {
    throw new DatasetError(`${directory}: cannot read the folder (${error.message})`);
  });
  const classes = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const perClass: TimeSeriesFile[][] = [];
  let channels = 0;
  for (const [label, name] of classes.entries()) {
    const names = (await readdir(join(directory, name))).filter((file) => file.toLowerCase().endsWith('.csv')).sort();
    const files: TimeSeriesFile[] = [];
    for (const file of names.slice(0, options.filesPerClass ?? names.length)) {
      const path = join(directory, name, file);
      const parsed = parseCsv(await readFile(path, 'utf8'), path, scale);
      if (channels && parsed.channels !== channels) throw new DatasetError(`${path}: ${parsed.channels} channels, other files have ${channels}`);
      channels = parsed.channels;
      files.push({ path, label, steps: parsed.steps, values: parsed.values });
    }
    perClass.push(files);
  }
  const used = perClass.map((files, i) => ({ files, name: classes[i] })).filter(({ files }) => files.length > 0);
  if (used.length < 2) throw new DatasetError(`${directory}: a time-series folder needs at least two class folders of CSV files, found ${used.length}`);
  const ordered: TimeSeriesFile[] = [];
  for (let i = 0; i < Math.max(...perClass.map((files) => files.length)); i++) for (const files of perClass) if (files[i]) ordered.push(files[i]);
  return { name: directory.split(/[\\/]/).filter(Boolean).pop() ?? directory, directory, classes, channels, files: ordered };
}

function windowsOf(file: TimeSeriesFile, window: number, stride: number): number {
  return file.steps < window ? 0 : Math.floor((file.steps - window) / stride) + 1;
}

function gather(files: readonly TimeSeriesFile[], channels: number, window: number, stride: number): LabelledSet {
  const count = files.reduce((sum, file) => sum + windowsOf(file, window, stride), 0);
  const sampleSize = window * channels;
  const inputs = new Float32Array(count * sampleSize);
  const labels = new Int32Array(count);
  let n = 0;
  for (const file of files) {
    for (let w = 0; w < windowsOf(file, window, stride); w++, n++) {
      inputs.set(file.values.subarray(w * stride * channels, (w * stride + window) * channels), n * sampleSize);
      labels[n] = file.label;
    }
  }
  return { count, sampleSize, inputs, labels };
}

/** Windows of `window` steps every `stride` steps, split by file (see the module comment). */
export function windowSplit(set: TimeSeriesSet, window: number, stride: number, options: { holdout?: number; validation?: number } = {}): WindowSplit {
  if (!Number.isInteger(window) || window < 1 || !Number.isInteger(stride) || stride < 1) throw new DatasetError(`window ${window} and stride ${stride} must be positive integers`);
  const holdout = options.holdout ?? 0.2;
  const validation = options.validation ?? 0.1;
  const counts = set.files.map((file) => windowsOf(file, window, stride));
  const total = counts.reduce((a, b) => a + b, 0);
  // The first file index of the last `fraction` of the windows among files [0, end).
  const cut = (end: number, fraction: number) => {
    const inPart = counts.slice(0, end).reduce((a, b) => a + b, 0);
    let target = Math.round(inPart * fraction);
    let index = end;
    while (index > 0 && target > 0) target -= counts[--index];
    return index;
  };
  const heldOutStart = cut(set.files.length, holdout);
  const validationStart = cut(heldOutStart, validation);
  const train = gather(set.files.slice(0, validationStart), set.channels, window, stride);
  const valid = gather(set.files.slice(validationStart, heldOutStart), set.channels, window, stride);
  const heldOut = gather(set.files.slice(heldOutStart), set.channels, window, stride);
  if (train.count === 0 || heldOut.count === 0) throw new DatasetError(`${set.directory}: window ${window} stride ${stride} leaves ${train.count} training and ${heldOut.count} held-out windows (${total} in all)`);
  return {
    train,
    ...(valid.count ? { validation: valid } : {}),
    heldOut,
    classes: set.classes.length,
    split: {
      train: [0, train.count],
      validation: [train.count, valid.count],
      heldOut: [train.count + valid.count, heldOut.count],
      dataset: set.name,
      files: { train: validationStart, validation: heldOutStart - validationStart, heldOut: set.files.length - heldOutStart },
    },
  };
}
