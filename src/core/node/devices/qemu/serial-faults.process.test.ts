import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../../../test/testing/tools.js';
import { runSerialFaultCampaign } from './testing/serial-fault-campaign.js';
import { virtualBoardTestsUnavailable } from './testing/qemu.js';

/**
 * The serial fault campaign of bench/serial-faults, short and seeded: 200 RUNs on virtual-m4f
 * (a fresh input each, compared with the host interpreter) through a line that drops, duplicates
 * and corrupts 1% of the bytes each way, pulled mid-RUN every 50th RUN and reopened. No wrong
 * result may be accepted, every failure must come within the deadline the session states for the
 * failing call (`Session.deadlineMs`), and after each pull the next RUN must work.
 */
const unavailable = virtualBoardTestsUnavailable();

describe('serial fault campaign on QEMU', () => {
  requireTools(unavailable);

  it('accepts no wrong result and reports every failure within its deadline, unplugs included', async () => {
    const counts = await runSerialFaultCampaign({
      runs: 200,
      seed: 200,
      rates: { drop: 0.01, duplicate: 0.01, corrupt: 0.01 },
      unplugEvery: 50,
      // Deadlines of 150 ms: shorter than the 300 ms a virtual board's guard once waited after any failure.
      session: { timeoutMs: 50, attempts: 3, corruptionGraceMs: 15 },
      runTimeoutMs: 50,
      lateAllowanceMs: 50,
    });
    expect(counts.examples).toEqual({ wrongAccepted: [], late: [], unexpected: [] });
    expect(counts).toMatchObject({ runs: 200, wrongAccepted: 0, lateFailures: 0, unexpectedErrors: 0 });
    expect(counts.correct + counts.cleanFailures).toBe(200);
    // The faults happened and were survived: some RUNs got through, some failed cleanly.
    expect(counts.correct).toBeGreaterThan(0);
    expect(counts.cleanFailures).toBeGreaterThan(0);
    expect(counts.faults.toBoard.dropped + counts.faults.toHost.corrupted).toBeGreaterThan(0);
    expect(counts.unplugs.cases).toBeGreaterThanOrEqual(3);
    expect(counts.unplugs).toMatchObject({
      cleanWithinDeadline: counts.unplugs.cases,
      reconnected: counts.unplugs.cases,
      nextRunCorrect: counts.unplugs.cases,
    });
  }, 300_000);
});
