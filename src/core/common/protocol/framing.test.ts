import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, type FrameEvent } from './framing.js';
import { encodeMessage } from './messages.js';

const maxMessageLength = 4 + 1024;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Messages that exercise COBS: empty, zeros, 254-byte runs, the largest allowed. */
function sampleMessages(): Uint8Array[] {
  const next = random(3);
  const fill = (length: number, zeroRate: number) =>
    Uint8Array.from({ length }, () => (next() < zeroRate ? 0 : 1 + Math.floor(next() * 255)));
  return [
    new Uint8Array(0),
    Uint8Array.of(0),
    fill(5, 0.5),
    fill(250, 0), // with the CRC, a 254-byte run
    fill(254, 0),
    fill(255, 0),
    fill(600, 0.2),
    new Uint8Array(300),
    fill(maxMessageLength, 0),
  ];
}

function messagesOf(events: FrameEvent[]): number[][] {
  return events.filter((event) => event.kind === 'message').map((event) => [...event.message]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

describe('framing', () => {
  it('produces the example of PROTOCOL.md §5', () => {
    const hello = encodeMessage({ requestId: 1, command: 0x01, status: 0, payload: new Uint8Array(0) });
    const frame = encodeFrame(hello, { leadingDelimiter: true });
    expect([...frame]).toEqual([0x00, 0x02, 0x01, 0x02, 0x01, 0x05, 0x38, 0x89, 0xe3, 0x80, 0x00]);
  });

  const messages = sampleMessages();
  const stream = concat(messages.map((message) => encodeFrame(message)));
  const expected = messages.map((message) => [...message]);

  it('decodes a stream fed in chunks of every size from 1 to 64 bytes', () => {
    for (let size = 1; size <= 64; size++) {
      const decoder = new FrameDecoder({ maxMessageLength });
      const events: FrameEvent[] = [];
      for (let offset = 0; offset < stream.length; offset += size) events.push(...decoder.push(stream.subarray(offset, offset + size)));
      expect(events.filter((event) => event.kind === 'error')).toEqual([]);
      expect(messagesOf(events)).toEqual(expected);
    }
  });

  it('decodes a stream cut in two at every position', () => {
    const short = concat(messages.slice(0, 6).map((message) => encodeFrame(message)));
    for (let cut = 0; cut <= short.length; cut++) {
      const decoder = new FrameDecoder({ maxMessageLength });
      const events = [...decoder.push(short.subarray(0, cut)), ...decoder.push(short.subarray(cut))];
      expect(messagesOf(events)).toEqual(expected.slice(0, 6));
    }
  });

  it('decodes a stream cut at random places (100 seeds)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const next = random(seed);
      const decoder = new FrameDecoder({ maxMessageLength });
      const events: FrameEvent[] = [];
      for (let offset = 0; offset < stream.length; ) {
        const size = 1 + Math.floor(next() * 40);
        events.push(...decoder.push(stream.subarray(offset, offset + size)));
        offset += size;
      }
      expect(messagesOf(events)).toEqual(expected);
    }
  });

  it('resynchronises after garbage before and between frames sent with a leading delimiter', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const next = random(seed);
      const garbage = () => Uint8Array.from({ length: Math.floor(next() * 40) }, () => (next() < 0.1 ? 0 : Math.floor(next() * 256)));
      const parts = messages.flatMap((message) => [garbage(), encodeFrame(message, { leadingDelimiter: true })]);
      const decoder = new FrameDecoder({ maxMessageLength });
      const events = decoder.push(concat([...parts, garbage()]));
      // Every frame arrives; garbage yields errors, never a message.
      expect(messagesOf(events)).toEqual(expected);
    }
  });

  it('never accepts a frame with one flipped bit, wherever the bit is', () => {
    const message = encodeMessage({ requestId: 0x1234, command: 0x85, status: 0, payload: Uint8Array.from({ length: 40 }, (_, i) => i * 7) });
    const frame = encodeFrame(message);
    for (let position = 0; position < frame.length - 1; position++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = frame.slice();
        damaged[position] ^= 1 << bit;
        const events = new FrameDecoder({ maxMessageLength }).push(damaged);
        // Dropped and reported (a flip that makes a 0x00 cuts the frame in two: both parts are dropped).
        expect(messagesOf(events)).toEqual([]);
        expect(events.some((event) => event.kind === 'error')).toBe(true);
      }
    }
  });

  it('never accepts frames with two flipped bits (2000 random cases)', () => {
    const next = random(11);
    const message = encodeMessage({ requestId: 7, command: 0x83, status: 0, payload: Uint8Array.from({ length: 300 }, () => Math.floor(next() * 256)) });
    const frame = encodeFrame(message);
    for (let trial = 0; trial < 2000; trial++) {
      const damaged = frame.slice();
      const first = Math.floor(next() * (frame.length - 1));
      let second = Math.floor(next() * (frame.length - 1));
      const firstBit = Math.floor(next() * 8);
      const secondBit = Math.floor(next() * 8);
      if (second === first && secondBit === firstBit) second = (second + 1) % (frame.length - 1);
      damaged[first] ^= 1 << firstBit;
      damaged[second] ^= 1 << secondBit;
      expect(messagesOf(new FrameDecoder({ maxMessageLength }).push(damaged))).toEqual([]);
    }
  });

  it('names the reason a frame was dropped', () => {
    const decoder = new FrameDecoder({ maxMessageLength: 16, minMessageLength: 4 });
    const good = encodeMessage({ requestId: 1, command: 1, status: 0, payload: new Uint8Array(0) });
    const badCrc = encodeFrame(good);
    badCrc[6] ^= 0x10;
    const events = decoder.push(
      concat([
        badCrc,
        Uint8Array.of(0x05, 0x11, 0x00), // COBS code past the end
        encodeFrame(Uint8Array.of(1, 2)), // shorter than the header
        encodeFrame(new Uint8Array(17).fill(1)), // a 17-byte message, the limit is 16
        encodeFrame(good),
      ]),
    );
    expect(events.map((event) => (event.kind === 'error' ? event.error.reason : 'message'))).toEqual([
      'crc',
      'cobs',
      'too-short',
      'too-long',
      'message',
    ]);
    const crcError = events[0];
    expect(crcError.kind === 'error' && crcError.error.detail).toMatch(/^CRC-32 0x[0-9a-f]{8} does not match the frame's 0x[0-9a-f]{8}$/);
  });

  it('skips a frame too long for its buffer without storing it, then decodes the next one', () => {
    const decoder = new FrameDecoder({ maxMessageLength: 16 });
    const huge = new Uint8Array(5000).fill(0x41);
    const good = encodeFrame(Uint8Array.of(9, 9, 9, 9));
    const events = [...decoder.push(huge), ...decoder.push(Uint8Array.of(0)), ...decoder.push(good)];
    expect(events[0]).toEqual({ kind: 'error', error: expect.objectContaining({ reason: 'too-long', bytes: 5000 }) });
    expect(messagesOf(events)).toEqual([[9, 9, 9, 9]]);
  });

  it('drops a partial frame on reset (stale input)', () => {
    const decoder = new FrameDecoder({ maxMessageLength });
    const frame = encodeFrame(Uint8Array.of(1, 2, 3, 4, 5));
    decoder.push(frame.subarray(0, 3));
    expect(decoder.pending).toBe(true);
    decoder.reset();
    expect(decoder.pending).toBe(false);
    expect(messagesOf(decoder.push(frame))).toEqual([[1, 2, 3, 4, 5]]);
  });
});
