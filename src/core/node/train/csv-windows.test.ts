import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvWindows } from './csv-windows.js';

const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-csv-windows-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('CSV windows labelled by a column', () => {
  it('windows each file, labels a window by its last row, and drops the windows that would overlap another part', async () => {
    // Two recordings of 20 rows: "sit" for the first 10 rows, then "walk"; x = file·100 + row.
    for (const file of [0, 1]) {
      const rows = Array.from({ length: 20 }, (_, row) => `${file * 100 + row},${-row},${row < 10 ? 'sit' : 'walk'}`);
      await writeFile(join(scratch, `rec${file}.csv`), `x,y,activity\n${rows.join('\n')}\n`);
    }
    await writeFile(join(scratch, 'notes.txt'), 'not a recording');
    // Window 4, stride 2: windows start at 0, 2, …, 16 → 9 per file, 18 in all.
    const data = await readCsvWindows(scratch, { window: 4, stride: 2, labelColumn: 'activity', holdout: 0.5, validation: 0 });
    expect(data.classes).toBe(2);
    // Held out: the last 9 windows (file 1); the training part is file 0's, every window kept (another file follows).
    expect([data.train.count, data.heldOut.count]).toEqual([9, 9]);
    expect(data.validation).toBeUndefined();
    // Classes sorted: sit 0, walk 1. A window ending on row 9 is "sit", one ending on row 11 "walk".
    expect(Array.from(data.train.labels)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(data.heldOut.inputs.subarray(0, 8))).toEqual([100, 0, 101, -1, 102, -2, 103, -3]);

    // Within one file, the windows next to a boundary are dropped: no row is both trained on and held out.
    const one = await readCsvWindows(scratch, { window: 4, stride: 2, labelColumn: 2, holdout: 0.25, validation: 0 });
    const trainedX = new Set(Array.from(one.train.inputs.filter((_, i) => i % 2 === 0)));
    const heldX = Array.from(one.heldOut.inputs.filter((_, i) => i % 2 === 0));
    expect(heldX.some((x) => trainedX.has(x))).toBe(false);
    expect(one.train.count + one.heldOut.count).toBeLessThan(18);

    await expect(readCsvWindows(scratch, { window: 4, stride: 2, labelColumn: 'label' })).rejects.toThrow('no label column "label" (columns: x, y, activity)');
    await writeFile(join(scratch, 'rec2.csv'), 'x,y,activity\n1,oops,sit\n');
    await expect(readCsvWindows(scratch, { window: 1, stride: 1, labelColumn: 'activity' })).rejects.toThrow('rec2.csv line 2: column y is not a number');
  });
});
