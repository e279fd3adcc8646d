/**
 * How a deploy's check against the host ended, as History and the latest-latency grid mark it:
 * a float run within the tolerance passed although it is not bit-exact, so only a failed check
 * (`passed === false`) is marked ✗.
 */

import type { Measurement } from '../../../shared/services/types.js';

export type CheckOutcome = 'bit-exact' | 'within-tolerance' | 'failed';

export function checkOutcome(measurement: Pick<Measurement, 'bitExact' | 'passed'>): CheckOutcome | undefined {
  if (measurement.bitExact === undefined && measurement.passed === undefined) return undefined;
  if (measurement.bitExact) return 'bit-exact';
  // Measurements stored before `passed` was recorded: not bit-exact was then a failure.
  return measurement.passed === true ? 'within-tolerance' : 'failed';
}

/** The mark beside a latency in the grid: nothing when bit-exact, ≈ within the tolerance, ✗ failed. */
export function checkMark(measurement: Pick<Measurement, 'bitExact' | 'passed'>): { mark: string; title: string } | undefined {
  switch (checkOutcome(measurement)) {
    case 'within-tolerance':
      return { mark: '≈', title: 'float outputs within the tolerance of the host’s (passed, not bit-exact)' };
    case 'failed':
      return { mark: '✗', title: 'the outputs differ from the host’s (check failed)' };
    default:
      return undefined;
  }
}
