import { describe, expect, it } from 'vitest';
import type { DeployResult } from '../../core/node/deploy/deploy.js';
import { deployJson } from './deploy.js';

/** The `deploy --json` document's keys for a real board (cycles and ms measured) and a virtual one (instructions only). */
describe('deploy --json', () => {
  const result = (unit: 'cycles' | 'instructions', milliseconds?: number) =>
    ({
      board: 'nucleo-f446re',
      model: { name: 'kws_ref_model.tflite', hash: 'sha256:00', macs: 2_700_000, hybrid: false },
      latency: { value: 9_000_000, unit, min: 8_999_000, max: 9_001_000, runs: 3, ...(milliseconds !== undefined ? { milliseconds } : {}) },
      instructionsPerMac: 3.33,
      arenaBytes: 1,
      stackBytes: 2,
      flashBytes: 3,
      build: { ramBytes: 4 },
      bitExact: true,
      passed: true,
      runsIdentical: true,
      layers: [],
      timings: { totalMs: 1234.4 },
    }) as unknown as DeployResult;

  it('a real board gains "cycles" and "ms", measured', () => {
    expect(deployJson(result('cycles', 50))).toMatchObject({ board: 'nucleo-f446re', cycles: 9_000_000, ms: 50, latency: { unit: 'cycles', milliseconds: 50 }, wallMs: 1234 });
  });

  it('a virtual board counts instructions: no "cycles" or "ms"', () => {
    const json = deployJson(result('instructions'));
    expect(json).not.toHaveProperty('cycles');
    expect(json).not.toHaveProperty('ms');
  });
});
