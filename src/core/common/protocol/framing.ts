/**
 * Framing of the device protocol (firmware/runtime/PROTOCOL.md §1): a frame is
 * `COBS(message | crc32(message)) 0x00`. This module is pure: it turns messages into bytes and a
 * byte stream, cut anywhere, back into messages. It never trusts a frame whose COBS or CRC is wrong;
 * it reports it as a `FrameError` so the session can retry, and resynchronises at the next 0x00.
 */

import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.js';
import { crc32 } from './crc.js';

/** The frame delimiter. */
export const FRAME_DELIMITER = 0x00;
/** Bytes of CRC after the message. */
export const CRC_BYTES = 4;

/**
 * Encodes one message as a frame. With `leadingDelimiter` the frame starts with a 0x00 as well,
 * which makes the receiver drop whatever partial frame it holds (both sides do this, §1 "Sending").
 */
export function encodeFrame(message: Uint8Array, options: { leadingDelimiter?: boolean } = {}): Uint8Array {
  const body = new Uint8Array(message.length + CRC_BYTES);
  body.set(message);
  new DataView(body.buffer).setUint32(message.length, crc32(message), true);
  const encoded = cobsEncode(body);
  const lead = options.leadingDelimiter ? 1 : 0;
  const frame = new Uint8Array(lead + encoded.length + 1);
  frame.set(encoded, lead);
  // Both delimiters are already 0 in a fresh array.
  return frame;
}

/** Why a frame was dropped. */
export type FrameErrorReason = 'cobs' | 'crc' | 'too-short' | 'too-long';

/** A frame the decoder dropped; `bytes` is how many encoded bytes it held (for logs and statistics). */
export interface FrameError {
  reason: FrameErrorReason;
  bytes: number;
  detail: string;
}

export type FrameEvent = { kind: 'message'; message: Uint8Array } | { kind: 'error'; error: FrameError };

export interface FrameDecoderOptions {
  /** Largest message (header + payload, without CRC) accepted; longer frames are dropped as `too-long`. */
  maxMessageLength: number;
  /** Smallest message accepted; shorter frames are dropped as `too-short`. Default 0. */
  minMessageLength?: number;
}

/**
 * Incremental frame decoder. Feed it any chunks of the byte stream with `push`; it returns the
 * messages and errors of the frames completed by that chunk, in order. Memory is bounded by the
 * largest accepted frame: an over-long frame is skipped up to its delimiter without being stored.
 */
export class FrameDecoder {
  private readonly maxEncodedLength: number;
  private readonly minMessageLength: number;
  private readonly maxMessageLength: number;
  private readonly buffer: Uint8Array;
  private length = 0;
  /** Bytes of an over-long frame seen so far (it is being skipped), or 0. */
  private overflowBytes = 0;

  constructor(options: FrameDecoderOptions) {
    this.maxMessageLength = options.maxMessageLength;
    this.minMessageLength = options.minMessageLength ?? 0;
    this.maxEncodedLength = cobsMaxEncodedLength(options.maxMessageLength + CRC_BYTES);
    this.buffer = new Uint8Array(this.maxEncodedLength);
  }

  /** Drops any partial frame (stale input). The next byte starts a new frame. */
  reset(): void {
    this.length = 0;
    this.overflowBytes = 0;
  }

  /** True while a partial frame is held. */
  get pending(): boolean {
    return this.length > 0 || this.overflowBytes > 0;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === FRAME_DELIMITER) {
        const event = this.finishFrame();
        if (event) events.push(event);
        continue;
      }
      if (this.overflowBytes > 0) {
        this.overflowBytes++;
      } else if (this.length === this.maxEncodedLength) {
        this.overflowBytes = this.length + 1;
        this.length = 0;
      } else {
        this.buffer[this.length++] = byte;
      }
    }
    return events;
  }

  private finishFrame(): FrameEvent | undefined {
    if (this.overflowBytes > 0) {
      const bytes = this.overflowBytes;
      this.overflowBytes = 0;
      return error('too-long', bytes, `frame of ${bytes} encoded bytes exceeds ${this.maxEncodedLength}`);
    }
    const bytes = this.length;
    if (bytes === 0) return undefined;
    this.length = 0;
    let body: Uint8Array;
    try {
      body = cobsDecode(this.buffer.subarray(0, bytes));
    } catch (cause) {
      return error('cobs', bytes, (cause as Error).message);
    }
    const messageLength = body.length - CRC_BYTES;
    if (messageLength < this.minMessageLength) {
      return error('too-short', bytes, `frame holds ${body.length} bytes, less than a ${this.minMessageLength}-byte message and its CRC`);
    }
    if (messageLength > this.maxMessageLength) {
      return error('too-long', bytes, `message of ${messageLength} bytes exceeds ${this.maxMessageLength}`);
    }
    const message = body.slice(0, messageLength);
    const expected = new DataView(body.buffer, body.byteOffset + messageLength, CRC_BYTES).getUint32(0, true);
    const actual = crc32(message);
    if (actual !== expected) {
      return error('crc', bytes, `CRC-32 0x${hex(actual)} does not match the frame's 0x${hex(expected)}`);
    }
    return { kind: 'message', message };
  }
}

function error(reason: FrameErrorReason, bytes: number, detail: string): FrameEvent {
  return { kind: 'error', error: { reason, bytes, detail } };
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
