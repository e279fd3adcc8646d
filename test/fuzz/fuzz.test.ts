/**
 * The short seeded fuzzing run of every target (the long one is bench/fuzz): a few thousand
 * mutated inputs each, none of which may crash, hang or run out of memory. A failure prints the
 * seed and case of each finding; `runCampaign` with that seed and `cases` past the index replays it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign, describeFindings, type CampaignResult } from './campaign.js';
import { concat, mutate, Random } from './mutate.js';
import { canaryTarget } from './targets.js';

const seed = 20261206;

function expectNoFindings(result: CampaignResult): void {
  expect(result.counts.crash + result.counts.hang + result.counts.oom, describeFindings(result)).toBe(0);
  // Both paths are exercised: some inputs are refused, some run to the end.
  expect(result.counts.clean).toBeGreaterThan(0);
  expect(result.counts.accepted).toBeGreaterThan(0);
  expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(result.cases);
}

describe('mutation engine', () => {
  it('repeats a case from its seed and index, and leaves the seed bytes alone', () => {
    const seedBytes = Uint8Array.from({ length: 300 }, (_, i) => i * 7);
    const copy = seedBytes.slice();
    const a = mutate(seedBytes, new Random(5, 42), undefined, { flatbuffer: true });
    const b = mutate(seedBytes, new Random(5, 42), undefined, { flatbuffer: true });
    expect(b).toEqual(a);
    expect(seedBytes).toEqual(copy);
    expect(new Random(5, 43).u32()).not.toBe(new Random(5, 42).u32());
  });

  it('copies a Buffer seed instead of writing through its view', () => {
    const pooled = Buffer.from(concat(new Uint8Array(16), Uint8Array.of(1, 2, 3, 4)));
    const before = Uint8Array.from(pooled);
    for (let i = 0; i < 50; i++) mutate(pooled, new Random(1, i));
    expect(Uint8Array.from(pooled)).toEqual(before);
  });
});

describe('campaign', () => {
  it('classifies refused, accepted, crashing, hanging, out-of-memory and escaping cases, and saves the findings', async () => {
    const findingsDir = mkdtempSync(join(tmpdir(), 'tinydeploy-fuzz-findings-'));
    try {
      // Seed 15's first six cases are the six behaviours, each once (one worker restart per hang, OOM and escape).
      const cases = 6;
      const behaviours = Array.from({ length: cases }, (_, index) => canaryTarget.generate(undefined, new Random(15, index)));
      expect(new Set(behaviours).size).toBe(6);
      const result = await runCampaign({ target: 'canary', seed: 15, cases, findingsDir, maxOldGenerationSizeMb: 48 });
      expect(result.counts).toEqual({ accepted: 1, clean: 1, crash: 2, hang: 1, oom: 1 });
      expect(result.cleanErrors).toEqual({ ImportError: 1 });
      expect(result.findings.map((f) => [behaviours[f.index], f.outcome, f.errorName])).toEqual(
        expect.arrayContaining([
          ['crash', 'crash', 'TypeError'],
          ['escape', 'crash', 'RangeError'],
          ['oom', 'oom', 'ERR_WORKER_OUT_OF_MEMORY'],
          ['hang', 'hang', 'timeout'],
        ]),
      );
      expect(result.findings).toHaveLength(4);
      for (const finding of result.findings) {
        expect(readFileSync(join(finding.saved!, 'behaviour.txt'), 'utf8')).toBe(canaryTarget.generate(undefined, new Random(15, finding.index)));
        expect(JSON.parse(readFileSync(join(finding.saved!, 'finding.json'), 'utf8'))).toMatchObject({ seed: 15, index: finding.index, outcome: finding.outcome });
      }
    } finally {
      rmSync(findingsDir, { recursive: true, force: true });
    }
  });
});

describe('seeded fuzzing: 0 crashes, 0 hangs, 0 out-of-memory', () => {
  it('TFLite models through import, analysis, the interpreter and the C generator', async () => {
    expectNoFindings(await runCampaign({ target: 'tflite', seed, cases: 2000, jobs: 2 }));
  });

  it('dataset folders through openDataset and every sample', async () => {
    expectNoFindings(await runCampaign({ target: 'dataset', seed, cases: 2000, jobs: 2 }));
  });

  it('device protocol byte streams through framing, the message parser and a client session', async () => {
    expectNoFindings(await runCampaign({ target: 'protocol', seed, cases: 3000, jobs: 2 }));
  });
});
