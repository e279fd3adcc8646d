import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../errors.js';
import { commands } from '../messages.js';
import { Session } from '../session.js';
import { FaultyTransport } from './faulty-transport.js';
import { createMockLink } from './mock-transport.js';

const received = async (link: ReturnType<typeof createMockLink>, bytes: Uint8Array, faulty: FaultyTransport) => {
  const chunks: Uint8Array[] = [];
  link.board.onData((chunk) => chunks.push(chunk));
  await faulty.write(bytes);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
};

describe('FaultyTransport', () => {
  it('passes bytes through untouched at zero rates', async () => {
    const link = createMockLink();
    const faulty = new FaultyTransport(link.host, { seed: 1 });
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(await received(link, bytes, faulty)).toEqual(bytes);
  });

  it('drops, duplicates and corrupts about the given share of bytes, the same way for the same seed', async () => {
    const bytes = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) & 0xff);
    const outcomes = [];
    for (let round = 0; round < 2; round++) {
      const link = createMockLink();
      const faulty = new FaultyTransport(link.host, { seed: 5, toBoard: { drop: 0.01, duplicate: 0.01, corrupt: 0.01 } });
      outcomes.push({ bytes: await received(link, bytes, faulty), counts: faulty.counts.toBoard });
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    const { counts } = outcomes[0];
    expect(counts.bytes).toBe(20_000);
    for (const count of [counts.dropped, counts.duplicated, counts.corrupted]) {
      expect(count).toBeGreaterThan(120);
      expect(count).toBeLessThan(280);
    }
    expect(outcomes[0].bytes.length).toBe(20_000 - counts.dropped + counts.duplicated);
  });

  it('unplugged, fails the command in flight with a DeviceError naming the line and closes the wrapped transport', async () => {
    const link = createMockLink();
    const faulty = new FaultyTransport(link.host, { seed: 1 });
    const session = new Session(faulty, { timeoutMs: 5000, firstRequestId: 7 });
    const call = session.call(commands.HELLO, undefined);
    while (link.host.written.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await faulty.unplug();
    await expect(call).rejects.toThrow(DeviceError);
    await expect(call).rejects.toThrow('HELLO (request 7): mock host end is closed (mock host end closed: unplugged)');
    expect(link.host.closed).toBe(true);
    expect(faulty.closed).toBe(true);
  });
});
