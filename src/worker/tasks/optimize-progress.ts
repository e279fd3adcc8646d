/**
 * The pipeline's share of an optimize job's progress bar. Its passes take very different times:
 * the graph clean-ups take milliseconds, calibration nearly all of it. So each pass gets a thin
 * slice of the bar, and a pass that reports progress (calibration, sample by sample) gets what is
 * left but the slices of the passes after it: the bar moves with the samples instead of jumping
 * over the clean-ups' equal shares first (7 passes put calibration's first sample at 56%).
 */

import type { PipelineProgress } from '../../core/common/passes/run-pipeline.js';

/** Bar share of a pass that reports no progress of its own. */
export const lightPassShare = 0.01;

/** Tracks one pipeline run: `fraction(event)` is the bar's position (0 … 1) within `share` after `start`. */
export function pipelineProgress(start: number, share: number): (event: Pick<PipelineProgress, 'index' | 'count' | 'phase' | 'done' | 'total'>) => number {
  let reached = 0;
  let passStart = 0;
  return ({ index, count, phase, done, total }) => {
    const light = Math.min(lightPassShare, share / Math.max(1, count));
    const reserve = light * (count - index - 1);
    if (phase === 'start') {
      passStart = reached;
      return start + reached;
    }
    if (phase === 'end') {
      // A pass that reported progress filled its slice; one that did not advances a thin one.
      reached = Math.max(reached, Math.min(share - reserve, passStart + light));
      return start + reached;
    }
    const within = (done ?? 0) / Math.max(1, total ?? 1);
    reached = Math.max(reached, passStart + (share - reserve - passStart) * Math.min(1, within));
    return start + reached;
  };
}
