/**
 * The short seeded fuzzing run of every target (the long one is bench/fuzz): a few thousand
 * mutated inputs each, none of which may crash, hang or run out of memory. A failure prints the
 * seed and case of each finding; `runCampaign` with that seed and `cases` past the index replays it.
 */
import { describe, expect, it } from 'vitest';
import { runCampaign, describeFindings, type CampaignResult } from './campaign.js';
import { concat, mutate, Random } from './mutate.js';

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
