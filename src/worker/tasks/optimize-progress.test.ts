import { describe, expect, it } from 'vitest';
import { pipelineProgress } from './optimize-progress.js';

/** The quantize-int8 pipeline's events: six quick passes, then calibration sample by sample. */
function quantizeRun(samples: number) {
  const passes = ['dequantize-hybrid-weights', 'fold-static-shapes', 'fold-constants', 'remove-noop-reshapes', 'fuse-activation', 'remove-dead-code', 'quantize-int8'];
  const fraction = pipelineProgress(0.05, 0.6);
  const positions: { label: string; at: number }[] = [];
  passes.forEach((pass, index) => {
    positions.push({ label: `${pass} start`, at: fraction({ index, count: passes.length, phase: 'start' }) });
    if (pass === 'quantize-int8') {
      for (let done = 1; done <= samples; done++) positions.push({ label: `sample ${done}`, at: fraction({ index, count: passes.length, phase: 'step', done, total: samples }) });
    }
    positions.push({ label: `${pass} end`, at: fraction({ index, count: passes.length, phase: 'end' }) });
  });
  return positions;
}

describe('the quantize progress bar', () => {
  it('does not jump to 55% at the first calibration sample: the quick passes take a thin slice', () => {
    const positions = quantizeRun(200);
    const first = positions.find((position) => position.label === 'sample 1')!;
    expect(first.at).toBeLessThan(0.15);
    expect(positions.find((position) => position.label === 'sample 100')!.at).toBeGreaterThan(0.3);
    expect(positions.at(-1)!.at).toBeCloseTo(0.65, 6);
  });

  it('never moves backwards', () => {
    const positions = quantizeRun(50).map((position) => position.at);
    for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThanOrEqual(positions[i - 1]!);
  });
});
