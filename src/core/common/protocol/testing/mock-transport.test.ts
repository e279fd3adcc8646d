import { describe, expect, it } from 'vitest';
import { chain, createMockLink, dropWrites, flipBit, injectGarbage, seededRandom, splitEvery, splitRandomly } from './mock-transport.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await tick();
}

describe('mock transport', () => {
  it('delivers what one end writes to the other, in order, one chunk per macrotask', async () => {
    const { host, board } = createMockLink({ toBoard: splitEvery(2) });
    const received: number[][] = [];
    board.onData((bytes) => received.push([...bytes]));
    await host.write(Uint8Array.of(1, 2, 3, 4, 5));
    await host.write(Uint8Array.of(6));
    expect(received).toEqual([]);
    await tick();
    expect(received).toEqual([[1, 2]]);
    await settle();
    expect(received).toEqual([[1, 2], [3, 4], [5], [6]]);
    expect(host.written.map((bytes) => [...bytes])).toEqual([[1, 2, 3, 4, 5], [6]]);
  });

  it('discards undelivered input on request', async () => {
    const { host, board } = createMockLink();
    const received: number[] = [];
    host.onData((bytes) => received.push(...bytes));
    await board.write(Uint8Array.of(9, 9));
    await host.discardInput();
    await board.write(Uint8Array.of(1));
    await settle();
    expect(received).toEqual([1]);
  });

  it('closes both ends, telling the other end why', async () => {
    const { host, board } = createMockLink();
    const reasons: (string | undefined)[] = [];
    host.onClose((error) => reasons.push(`host: ${error?.message}`));
    board.onClose((error) => reasons.push(`board: ${error?.message}`));
    await board.close();
    expect(reasons).toEqual(['board: undefined', 'host: mock host end: the other end closed']);
    expect(host.closed && board.closed).toBe(true);
    await expect(host.write(Uint8Array.of(1))).rejects.toThrow('mock host end: write after close');
  });

  it('splits randomly without losing or reordering bytes', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const chunks = splitRandomly(seededRandom(4), 9)(data);
    expect(chunks.length).toBeGreaterThan(100);
    expect(chunks.every((chunk) => chunk.length >= 1 && chunk.length <= 9)).toBe(true);
    expect(chunks.flatMap((chunk) => [...chunk])).toEqual([...data]);
  });

  it('flips exactly one bit of a chosen write and never makes a 0x00', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 500; trial++) {
      const data = Uint8Array.from({ length: 20 }, (_, i) => (i % 5 === 0 ? 0 : 1 << (i % 8)));
      const [out] = flipBit(() => true, random)(data.slice());
      const differing = [...out].map((byte, i) => byte ^ data[i]).filter((x) => x !== 0);
      expect(differing).toHaveLength(1);
      expect(differing[0] & (differing[0] - 1)).toBe(0);
      expect(out.filter((byte) => byte === 0)).toHaveLength(data.filter((byte) => byte === 0).length);
    }
  });

  it('drops chosen writes and chains filters', () => {
    const filter = chain(dropWrites((index) => index === 1), injectGarbage(seededRandom(1), 3));
    expect(filter(Uint8Array.of(7)).map((chunk) => chunk.length)).toEqual([3, 1]);
    expect(filter(Uint8Array.of(7))).toEqual([]);
    expect(filter(Uint8Array.of(7))).toHaveLength(2);
  });
});
