import { describe, expect, it } from 'vitest';
import { bytesToHex, encodeRspPacket, encodedRspPacketLength, expandRspPayload, hexToBytes, RspDecoder, rspChecksum } from './rsp-packet.js';

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const bytes = (value: string) => Uint8Array.from(value, (character) => character.charCodeAt(0));

describe('GDB RSP packets', () => {
  it('frames a payload with its modulo-256 checksum', () => {
    // Values checked by hand: "OK" = 0x4f + 0x4b = 0x9a; "qSupported" is gdb's own first packet.
    expect(text(encodeRspPacket('OK'))).toBe('$OK#9a');
    expect(text(encodeRspPacket(''))).toBe('$#00');
    expect(text(encodeRspPacket('m0,4'))).toBe(`$m0,4#${rspChecksum(bytes('m0,4'))}`);
    expect(rspChecksum(bytes('m0,4'))).toBe('fd');
  });

  it('escapes $ # } * and checksums what is sent', () => {
    const packet = text(encodeRspPacket('a$b#c}d*e'));
    expect(packet.slice(0, -3)).toBe('$a}\u0004b}\u0003c}]d}\u000ae');
    expect(packet.slice(-2)).toBe(rspChecksum(bytes(packet.slice(1, -3))));
    expect(encodedRspPacketLength('a$b#c}d*e')).toBe(packet.length);
    expect(() => encodeRspPacket('\u0100')).toThrow(/payloads are bytes/);
  });

  it('decodes acks, nacks and packets split across any chunks, skipping noise', () => {
    const wire = bytes('noise+$OK#9a-$T05thread:01;#07+');
    for (let split = 1; split < wire.length; split++) {
      const decoder = new RspDecoder();
      const events = [...decoder.push(wire.subarray(0, split)), ...decoder.push(wire.subarray(split))];
      expect(events).toEqual([
        { kind: 'ack' },
        { kind: 'packet', payload: 'OK' },
        { kind: 'nack' },
        { kind: 'packet', payload: 'T05thread:01;' },
        { kind: 'ack' },
      ]);
    }
  });

  it('reports a packet whose checksum does not match, and recovers on the next one', () => {
    const decoder = new RspDecoder();
    expect(decoder.push(bytes('$OK#00$OK#9a'))).toEqual([
      { kind: 'corrupt', received: '00', expected: '9a' },
      { kind: 'packet', payload: 'OK' },
    ]);
  });

  it('restarts a packet on a $ inside it (a lost # on the line)', () => {
    const decoder = new RspDecoder();
    expect(decoder.push(bytes('$garb$OK#9a'))).toEqual([{ kind: 'packet', payload: 'OK' }]);
  });

  it('round-trips escaped payloads and expands run-length encoding', () => {
    const payload = 'x$y#z}w*v';
    const decoder = new RspDecoder();
    expect(decoder.push(encodeRspPacket(payload))).toEqual([{ kind: 'packet', payload }]);
    // "0* " is '0' plus (' ' - 29) = 3 more: "0000".
    expect(expandRspPayload(bytes('0* 1'))).toBe('00001');
    const decoded = new RspDecoder().push(bytes(`$0* #${rspChecksum(bytes('0* '))}`));
    expect(decoded).toEqual([{ kind: 'packet', payload: '0000' }]);
  });

  it('converts memory to and from hex', () => {
    expect(bytesToHex(Uint8Array.of(0, 0x7f, 0xff))).toBe('007fff');
    expect(hexToBytes('007fFF')).toEqual(Uint8Array.of(0, 0x7f, 0xff));
    expect(hexToBytes('abc')).toBeUndefined();
    expect(hexToBytes('zz')).toBeUndefined();
  });
});
