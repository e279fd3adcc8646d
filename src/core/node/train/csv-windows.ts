/**
 * Windowed time series whose label is a column of the CSV (a recording that changes activity part
 * way), beside `search/time-series.ts`, which takes the label from the class folder. Every `.csv`
 * file of the folder (sorted by name; sub-folders are not read) has a header line naming its
 * columns; the label column holds class names (the classes are its distinct values, sorted), every
 * other column is a channel (numbers, divided by `scale`). Windows of `window` rows every `stride`
 * rows inside each file; a window's label is the label of its last row (what a streaming classifier
 * reports at that moment).
 *
 * The split follows the windows in file order: the held-out part is the last `holdout` fraction,
 * the validation part the last `validation` fraction of the rest (`window-split.ts`, which the
 * folder-per-class reader shares); the windows that would overlap a window of a later part of the
 * same file are dropped, so no reading is both trained on and held out.
 */

import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatasetError } from '../../common/errors.js';
import type { SplitData } from './data.js';
import { gatherWindows, splitWindows, type WindowRef } from './window-split.js';

export interface CsvWindowOptions {
  window: number;
  stride: number;
  /** The label column's name (or its 0-based index, as a number). */
  labelColumn: string | number;
  holdout?: number;
  validation?: number;
  /** Values are divided by it (default 1). */
  scale?: number;
}

export async function readCsvWindows(directory: string, options: CsvWindowOptions): Promise<SplitData> {
  const { window, stride } = options;
  if (!(Number.isInteger(window) && window >= 1 && Number.isInteger(stride) && stride >= 1)) {
    throw new DatasetError(`window ${window} and stride ${stride} must be whole numbers >= 1`);
  }
  const scale = options.scale ?? 1;
  const names = (await readdir(directory)).filter((name) => name.toLowerCase().endsWith('.csv')).sort();
  if (names.length === 0) throw new DatasetError(`${directory} holds no .csv file`, { path: directory });
  const files: { path: string; labels: string[]; values: Float32Array; rows: number }[] = [];
  let channels = -1;
  for (const name of names) {
    const path = join(directory, name);
    const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((line) => line.trim() !== '');
    const header = (lines[0] ?? '').split(',').map((field) => field.trim());
    const labelIndex = typeof options.labelColumn === 'number' ? options.labelColumn : header.indexOf(options.labelColumn);
    if (labelIndex < 0 || labelIndex >= header.length) throw new DatasetError(`${path}: no label column ${JSON.stringify(options.labelColumn)} (columns: ${header.join(', ')})`, { path });
    if (channels >= 0 && header.length - 1 !== channels) throw new DatasetError(`${path}: ${header.length - 1} channels, the files before it ${channels}`, { path });
    channels = header.length - 1;
    const rows = lines.length - 1;
    const values = new Float32Array(rows * channels);
    const labels: string[] = [];
    for (let row = 0; row < rows; row++) {
      const fields = lines[row + 1].split(',').map((field) => field.trim());
      if (fields.length !== header.length) throw new DatasetError(`${path} line ${row + 2}: ${fields.length} fields, the header has ${header.length}`, { path, line: row + 2 });
      let channel = 0;
      fields.forEach((field, column) => {
        if (column === labelIndex) {
          labels.push(field);
          return;
        }
        const value = Number(field);
        if (field === '' || !Number.isFinite(value)) throw new DatasetError(`${path} line ${row + 2}: column ${header[column]} is not a number`, { path, line: row + 2 });
        values[row * channels + channel++] = value / scale;
      });
    }
    files.push({ path, labels, values, rows });
  }
  const classes = [...new Set(files.flatMap((file) => file.labels))].sort();
  const windows: WindowRef[] = [];
  files.forEach((file, index) => {
    for (let start = 0; start + window <= file.rows; start += stride) windows.push({ file: index, start, label: classes.indexOf(file.labels[start + window - 1]) });
  });
  if (windows.length === 0) throw new DatasetError(`${directory}: no file has ${window} rows`, { path: directory });
  // One group: the parts follow the windows in file order (a recording may change activity part way).
  const parts = splitWindows([windows], window, options);
  const values = files.map((file) => file.values);
  const train = gatherWindows(parts.train, values, window, channels);
  const validationSet = gatherWindows(parts.validation, values, window, channels);
  const heldOut = gatherWindows(parts.heldOut, values, window, channels);
  const validationStart = parts.before.train;
  const heldOutStart = validationStart + parts.before.validation;
  if (train.count === 0) throw new DatasetError(`${directory}: ${windows.length} windows leave none to train on`);
  return {
    train,
    ...(validationSet.count > 0 ? { validation: validationSet } : {}),
    heldOut,
    classes: classes.length,
    split: { train: [0, train.count], validation: [validationStart, validationSet.count], heldOut: [heldOutStart, heldOut.count], dataset: basename(directory) },
  };
}
