/**
 * Splits windows of time series into training, validation and held-out parts, shared by the CSV
 * readers (`csv-windows.ts`, label column; `search/time-series.ts`, a folder per class). The
 * windows come in groups (one recording stream or one file each), in time order inside a group:
 * in every group the last `holdout` fraction of its windows is held out and the last `validation`
 * fraction of the rest validates, so a reader that makes one group per file holds out every file,
 * hence every class, in proportion. A window that shares readings with a window of a later part
 * of the same file (it starts fewer than `window` steps before it) is dropped: held-out windows
 * are kept whole, no reading is both trained on and held out.
 */

import type { LabelledSet } from '../../common/passes/pass.js';

export interface WindowRef {
  /** Index of the file the window is cut from (its values are `values[file]`). */
  file: number;
  /** First step of the window in its file. */
  start: number;
  label: number;
}

export interface WindowParts {
  train: WindowRef[];
  validation: WindowRef[];
  heldOut: WindowRef[];
  /** Windows before dropping those next to a part boundary, per part. */
  before: { train: number; validation: number; heldOut: number };
}

/** The parts of `groups` (see the module comment); `window` is the window length in steps. */
export function splitWindows(groups: readonly (readonly WindowRef[])[], window: number, options: { holdout?: number; validation?: number } = {}): WindowParts {
  const holdout = options.holdout ?? 0.2;
  const validation = options.validation ?? 0.1;
  const assigned: { ref: WindowRef; part: 0 | 1 | 2 }[] = [];
  for (const group of groups) {
    const heldOutStart = group.length - Math.round(group.length * holdout);
    const validationStart = heldOutStart - Math.round(heldOutStart * validation);
    group.forEach((ref, i) => assigned.push({ ref, part: i >= heldOutStart ? 2 : i >= validationStart ? 1 : 0 }));
  }
  // From the end: the earliest start of a kept window, per file and part.
  const parts: WindowRef[][] = [[], [], []];
  const partStart = new Map<string, number>();
  for (let i = assigned.length - 1; i >= 0; i--) {
    const { ref, part } = assigned[i];
    let next = Infinity;
    for (let later = part + 1; later <= 2; later++) next = Math.min(next, partStart.get(`${ref.file}/${later}`) ?? Infinity);
    if (ref.start + window > next) continue;
    parts[part].push(ref);
    partStart.set(`${ref.file}/${part}`, Math.min(ref.start, partStart.get(`${ref.file}/${part}`) ?? Infinity));
  }
  for (const part of parts) part.reverse();
  const count = (p: number) => assigned.filter((entry) => entry.part === p).length;
  return { train: parts[0], validation: parts[1], heldOut: parts[2], before: { train: count(0), validation: count(1), heldOut: count(2) } };
}

/** The windows' values (window × channels each) and labels as a labelled set. */
export function gatherWindows(refs: readonly WindowRef[], values: readonly Float32Array[], window: number, channels: number): LabelledSet {
  const size = window * channels;
  const inputs = new Float32Array(refs.length * size);
  refs.forEach((ref, i) => inputs.set(values[ref.file].subarray(ref.start * channels, (ref.start + window) * channels), i * size));
  return { count: refs.length, sampleSize: size, inputs, labels: Int32Array.from(refs, (ref) => ref.label) };
}
