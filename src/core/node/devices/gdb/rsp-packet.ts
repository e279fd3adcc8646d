/**
 * The GDB remote serial protocol's packet layer, as pure functions: `$payload#cc` framing with
 * the modulo-256 checksum, `}` escaping and `*` run-length expansion, and a decoder that takes
 * bytes in arbitrary chunks and yields acks, nacks and checksum-verified packets.
 *
 * Payloads are handled as "binary strings" (one character per byte, code 0–255), which is how
 * the protocol itself treats them; everything TinyDeploy sends is ASCII (hex-encoded memory).
 */

/** Characters that must be escaped inside a payload: `$`, `#`, `}` and `*`. */
const escapedCharacters = new Set([0x23, 0x24, 0x7d, 0x2a]);

/** Sum of the byte values modulo 256, as two lowercase hex digits (the protocol's checksum). */
export function rspChecksum(bytes: Uint8Array): string {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

/** Encodes one packet: `$`, the escaped payload, `#`, the checksum of what was sent. */
export function encodeRspPacket(payload: string): Uint8Array {
  const body: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    const code = payload.charCodeAt(i);
    if (code > 0xff) throw new RangeError(`GDB packet payload has character U+${code.toString(16)} at ${i}: payloads are bytes`);
    if (escapedCharacters.has(code)) body.push(0x7d, code ^ 0x20);
    else body.push(code);
  }
  const bodyBytes = Uint8Array.from(body);
  const checksum = rspChecksum(bodyBytes);
  const packet = new Uint8Array(bodyBytes.length + 4);
  packet[0] = 0x24; // $
  packet.set(bodyBytes, 1);
  packet[bodyBytes.length + 1] = 0x23; // #
  packet[bodyBytes.length + 2] = checksum.charCodeAt(0);
  packet[bodyBytes.length + 3] = checksum.charCodeAt(1);
  return packet;
}

/** How many characters `encodeRspPacket(payload)` produces (the server's PacketSize limit counts them). */
export function encodedRspPacketLength(payload: string): number {
  let length = 4;
  for (let i = 0; i < payload.length; i++) length += escapedCharacters.has(payload.charCodeAt(i)) ? 2 : 1;
  return length;
}

export type RspEvent =
  | { kind: 'ack' }
  | { kind: 'nack' }
  /** A packet whose checksum matched; `payload` is unescaped and run-length expanded. */
  | { kind: 'packet'; payload: string }
  /** A packet whose checksum did not match: the receiver answers `-` and the sender retransmits. */
  | { kind: 'corrupt'; received: string; expected: string }
  /** An asynchronous notification (`%…#cc`, non-stop mode); TinyDeploy never enables them. */
  | { kind: 'notification'; payload: string };

/**
 * Incremental decoder. Bytes outside packets other than `+`/`-` (line noise, a `0x03` echo)
 * are skipped; a `$` inside a packet restarts the packet, as gdb's own reader does.
 */
export class RspDecoder {
  private state: 'idle' | 'body' | 'checksum' = 'idle';
  private body: number[] = [];
  private checksumText = '';
  private notification = false;

  push(chunk: Uint8Array): RspEvent[] {
    const events: RspEvent[] = [];
    for (const byte of chunk) {
      if (this.state === 'idle') {
        if (byte === 0x2b) events.push({ kind: 'ack' });
        else if (byte === 0x2d) events.push({ kind: 'nack' });
        else if (byte === 0x24 || byte === 0x25) this.startPacket(byte === 0x25);
      } else if (this.state === 'body') {
        if (byte === 0x23) {
          this.state = 'checksum';
          this.checksumText = '';
        } else if (byte === 0x24) {
          this.startPacket(false);
        } else {
          this.body.push(byte);
        }
      } else {
        this.checksumText += String.fromCharCode(byte);
        if (this.checksumText.length === 2) {
          events.push(this.finishPacket());
          this.state = 'idle';
        }
      }
    }
    return events;
  }

  private startPacket(notification: boolean): void {
    this.state = 'body';
    this.body = [];
    this.notification = notification;
  }

  private finishPacket(): RspEvent {
    const raw = Uint8Array.from(this.body);
    const expected = rspChecksum(raw);
    if (expected !== this.checksumText.toLowerCase()) {
      return { kind: 'corrupt', received: this.checksumText, expected };
    }
    const payload = expandRspPayload(raw);
    return this.notification ? { kind: 'notification', payload } : { kind: 'packet', payload };
  }
}

/** Undoes `}` escaping and `X*n` run-length encoding (X repeated n - 29 more times). */
export function expandRspPayload(raw: Uint8Array): string {
  let text = '';
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === 0x7d && i + 1 < raw.length) {
      text += String.fromCharCode(raw[++i] ^ 0x20);
    } else if (byte === 0x2a && i + 1 < raw.length && text.length > 0) {
      const repeat = raw[++i] - 29;
      text += text[text.length - 1].repeat(Math.max(0, repeat));
    } else {
      text += String.fromCharCode(byte);
    }
  }
  return text;
}

/** Bytes to lowercase hex, two characters per byte (memory contents in `m`/`M` packets). */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Hex to bytes; undefined when `hex` has an odd length or a non-hex character. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
