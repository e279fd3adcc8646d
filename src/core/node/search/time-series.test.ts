import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../../../../test/testing/shared-data.js';
import { isTimeSeriesFolder, readTimeSeries, windowSplit } from './time-series.js';

const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-time-series-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('time series from CSV folders', () => {
  it('windows each file, holds out whole files at the end, every class in turn', async () => {
    for (const [name, files] of Object.entries({ a: 3, b: 3 })) {
      await mkdir(join(scratch, name), { recursive: true });
      for (let f = 0; f < files; f++) {
        const rows = Array.from({ length: 10 }, (_, t) => `${name === 'a' ? 1000 : -1000},${f * 1000 + t}`);
        await writeFile(join(scratch, name, `${f}.csv`), `x,y\n${rows.join('\n')}\n`);
      }
    }
    expect(await isTimeSeriesFolder(scratch)).toBe(true);
    const set = await readTimeSeries(scratch);
    expect(set.classes).toEqual(['a', 'b']);
    expect(set.channels).toBe(2);
    expect(set.files.map((file) => file.path.split('/').slice(-2).join('/'))).toEqual(['a/0.csv', 'b/0.csv', 'a/1.csv', 'b/1.csv', 'a/2.csv', 'b/2.csv']);
    // 10 steps, window 4, stride 3: windows at 0, 3, 6 → 3 per file.
    const split = windowSplit(set, 4, 3, { holdout: 1 / 3, validation: 0 });
    expect(split.split.files).toEqual({ train: 4, validation: 0, heldOut: 2 });
    expect([split.train.count, split.heldOut.count]).toEqual([12, 6]);
    // The first held-out window is file a/2.csv's first: x = 1 g, y = 2000 + t mg.
    expect(Array.from(split.heldOut.inputs.subarray(0, 8))).toEqual([1, 2, 1, 2.001, 1, 2.002, 1, 2.003].map(Math.fround));
    expect(Array.from(split.heldOut.labels)).toEqual([0, 0, 0, 1, 1, 1]);
    // Training windows never come from held-out files.
    const trainingY = new Set(Array.from(split.train.inputs.filter((_, i) => i % 2 === 1)).map((y) => Math.floor(y)));
    expect([...trainingY].sort()).toEqual([0, 1]);
  });

  it('reads the accelerometer activity set', async () => {
    const set = await readTimeSeries(sharedPath('datasets/st_har_lsm6dsl'), { filesPerClass: 2 });
    expect(set.classes).toEqual(['running', 'stationary', 'walking']);
    expect(set.channels).toBe(3);
    const split = windowSplit(set, 32, 16);
    expect(split.heldOut.count).toBeGreaterThan(0);
    expect(new Set(split.train.labels).size).toBe(3);
  });

  it('says what is wrong with a bad file', async () => {
    const bad = join(scratch, 'bad');
    await mkdir(join(bad, 'c1'), { recursive: true });
    await mkdir(join(bad, 'c2'), { recursive: true });
    await writeFile(join(bad, 'c1', 'x.csv'), '1,2\n3\n');
    await writeFile(join(bad, 'c2', 'x.csv'), '1,2\n');
    await expect(readTimeSeries(bad)).rejects.toThrow(`${join(bad, 'c1', 'x.csv')} line 2: 1 values, expected 2`);
  });
});
