import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 80, write: (chunk: string) => writes.push(chunk) };
}

describe('progressReporter', () => {
  it('off a terminal prints one line per 10% and nothing more', () => {
    const output = stream(false);
    const progress = progressReporter(output, 'eval kws01');
    for (let done = 1; done <= 1000; done++) progress.update(done, 1000);
    progress.finish();
    expect(output.writes).toHaveLength(11);
    expect(output.writes[0]).toBe('eval kws01: 0% (1/1000)\n');
    expect(output.writes[5]).toBe('eval kws01: 50% (500/1000)\n');
    expect(output.writes[10]).toBe('eval kws01: 100% (1000/1000)\n');
  });

  it('on a terminal redraws one bar at most every 100 ms, always the last step, and erases it', () => {
    const output = stream(true);
    let time = 0;
    const progress = progressReporter(output, 'eval', () => time);
    for (let done = 1; done <= 100; done++) {
      progress.update(done, 100, 'accuracy 90.00%');
      time += 10;
    }
    progress.finish();
    // Steps at 0, 100, ..., 900 ms, then the final one, then the erase.
    expect(output.writes).toHaveLength(12);
    expect(output.writes[10]).toBe(`\r\x1b[Keval [${'#'.repeat(20)}] 100% 100/100 accuracy 90.00%`);
    expect(output.writes[1]).toBe(`\r\x1b[Keval [${'#'.repeat(2)}${'-'.repeat(18)}]  11% 11/100 accuracy 90.00%`);
    expect(output.writes.at(-1)).toBe('\r\x1b[K');
  });
});
