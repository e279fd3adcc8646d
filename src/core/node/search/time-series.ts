/**
 * Windowed time series from CSV files, for the architecture search (the accelerometer activity
 * set in `../shared/datasets/st_har_lsm6dsl`): a folder with one sub-folder per class, each holding
 * CSV files of readings, one line per time step, one column per channel (a header line of names is
 * skipped). Samples are windows of `window` steps taken every `stride` steps inside each file.
 *
 * The split is inside each file (`train/window-split.ts`): the held-out part is the last `holdout`
 * fraction of every file's windows, the validation part the last `validation` fraction of the rest,
 * and the windows that would share readings with a window of a later part are dropped. Every class
 * and every recording is held out in proportion: the recordings of a class differ (the board worn
 * on the wrist, held, in a pocket, files numbered by session), so holding out whole files at the
 * end of the folder scored the models on placements, or classes, they had never seen. Values are
 * divided by `scale` (default 1000: milli-g to g).
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../../common/errors.js';
import type { LabelledSet } from '../../common/passes/pass.js';
import { gatherWindows, splitWindows } from '../train/window-split.js';

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
  /** Files, one of each class in turn. */
  files: TimeSeriesFile[];
}

export interface WindowSplit {
  train: LabelledSet;
  validation?: LabelledSet;
  heldOut: LabelledSet;
  classes: number;
  /** Windows per part and how many files they come from. */
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

/** Windows of `window` steps every `stride` steps, split inside each file (see the module comment). */
export function windowSplit(set: TimeSeriesSet, window: number, stride: number, options: { holdout?: number; validation?: number } = {}): WindowSplit {
  if (!Number.isInteger(window) || window < 1 || !Number.isInteger(stride) || stride < 1) throw new DatasetError(`window ${window} and stride ${stride} must be positive integers`);
  const groups = set.files.map((file, index) => Array.from({ length: windowsOf(file, window, stride) }, (_, w) => ({ file: index, start: w * stride, label: file.label })));
  const total = groups.reduce((sum, group) => sum + group.length, 0);
  const parts = splitWindows(groups, window, options);
  const values = set.files.map((file) => file.values);
  const train = gatherWindows(parts.train, values, window, set.channels);
  const valid = gatherWindows(parts.validation, values, window, set.channels);
  const heldOut = gatherWindows(parts.heldOut, values, window, set.channels);
  if (train.count === 0 || heldOut.count === 0) throw new DatasetError(`${set.directory}: window ${window} stride ${stride} leaves ${train.count} training and ${heldOut.count} held-out windows (${total} in all)`);
  const filesOf = (refs: readonly { file: number }[]) => new Set(refs.map((ref) => ref.file)).size;
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
      files: { train: filesOf(parts.train), validation: filesOf(parts.validation), heldOut: filesOf(parts.heldOut) },
    },
  };
}
