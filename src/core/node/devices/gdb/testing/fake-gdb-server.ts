import { createServer, type Server, type Socket } from 'node:net';
import { bytesToHex, encodeRspPacket, hexToBytes, RspDecoder } from '../rsp-packet.js';

/**
 * Test support: a fake gdbstub over real TCP with 64 KiB of memory at address 0, QEMU 7.2's
 * packet handling (a packet longer than its buffer is dropped without an answer) and switches
 * to misbehave. The GDB client and flasher tests run against it; the QEMU tests use the real one.
 */
export interface FakeServerOptions {
  packetSize?: number;
  /** Nack this many packets before accepting any. */
  nacks?: number;
  /** Send the first N replies with a wrong checksum. */
  corruptReplies?: number;
  /** Never answer anything. */
  silent?: boolean;
  /** Close the connection on the first `m` packet. */
  hangUpOnRead?: boolean;
  /** Announce a stop (`T02`) unasked, before acknowledging the first packet, as QEMU does on attaching to a running VM. */
  stopOnAttach?: boolean;
  /** Memory from this address up acknowledges writes but keeps its contents (like ROM). */
  readOnlyFrom?: number;
  /**
   * Flash semantics for these erase blocks (within the 64 KiB, in address order, e.g. STM32F4's
   * 16 KiB then 64 KiB sectors): a memory map announced and served in small chunks, `M` refused
   * there, `vFlashErase` only of whole blocks (sets 0xFF), `vFlashWrite` only clearing bits
   * (bytes become old & new, as NOR flash does), `vFlashDone`. The rest stays RAM.
   */
  flashBlocks?: { start: number; count: number; size: number }[];
}

export class FakeGdbServer {
  readonly memory = new Uint8Array(0x10000);
  readonly received: string[] = [];
  readonly packetLengths: number[] = [];
  resets = 0;
  detached = false;
  /** `[start, length]` of every vFlashErase, and the number of vFlashDone. */
  readonly erases: [number, number][] = [];
  flashDones = 0;
  private server: Server;
  private nacksLeft: number;
  private corruptLeft: number;

  constructor(private readonly options: FakeServerOptions = {}) {
    this.nacksLeft = options.nacks ?? 0;
    this.corruptLeft = options.corruptReplies ?? 0;
    this.server = createServer((socket) => this.serve(socket));
  }

  /** Listens on loopback `port` (default: one the OS chooses); resolves to the port. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', resolve);
    });
    return (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    socket.setNoDelay(true);
    const decoder = new RspDecoder();
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      // Measure raw packet lengths the way QEMU's buffer sees them.
      pending += chunk.toString('latin1');
      for (let match; (match = /\$[^#]*#../.exec(pending)); ) {
        this.packetLengths.push(match[0].length);
        pending = pending.slice(match.index + match[0].length);
      }
      for (const event of decoder.push(chunk)) {
        if (event.kind !== 'packet' || this.options.silent) continue;
        const packetSize = this.options.packetSize ?? 0x1000;
        if (this.packetLengths[this.packetLengths.length - 1] > packetSize) continue; // dropped, as QEMU does
        if (this.nacksLeft > 0) {
          this.nacksLeft--;
          socket.write('-');
          continue;
        }
        if (this.options.stopOnAttach && this.received.length === 0) socket.write(Buffer.from(encodeRspPacket('T02thread:01;')));
        socket.write('+');
        this.received.push(event.payload);
        const replies = this.answer(event.payload, socket);
        for (const reply of replies) this.send(socket, reply);
      }
    });
  }

  private send(socket: Socket, payload: string): void {
    const packet = Buffer.from(encodeRspPacket(payload));
    if (this.corruptLeft > 0) {
      this.corruptLeft--;
      const damaged = Buffer.from(packet);
      damaged[damaged.length - 1] = damaged[damaged.length - 1] === 0x30 ? 0x31 : 0x30;
      socket.write(damaged);
      // The client nacks; resend the good one when it does.
      socket.once('data', () => socket.write(packet));
      return;
    }
    socket.write(packet);
  }

  private inFlash(address: number, length: number): boolean {
    const blocks = this.options.flashBlocks ?? [];
    return blocks.some(({ start, count, size }) => address < start + count * size && address + length > start);
  }

  private memoryMapXml(): string {
    const blocks = this.options.flashBlocks ?? [];
    const flash = blocks.map(({ start, count, size }) => `<memory type="flash" start="0x${start.toString(16)}" length="0x${(count * size).toString(16)}"><property name="blocksize">0x${size.toString(16)}</property></memory>`);
    const end = blocks.reduce((last, { start, count, size }) => Math.max(last, start + count * size), 0);
    return `<?xml version="1.0"?>\n<!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">\n<memory-map>${flash.join('')}<memory type="ram" start="0x${end.toString(16)}" length="0x${(this.memory.length - end).toString(16)}"/></memory-map>`;
  }

  private answerFlash(payload: string): string[] | undefined {
    const blocks = this.options.flashBlocks;
    if (!blocks) return undefined;
    let match = /^qXfer:memory-map:read::([0-9a-f]+),([0-9a-f]+)$/.exec(payload);
    if (match) {
      // At most 100 characters a chunk, so the client has to ask for the rest.
      const xml = this.memoryMapXml();
      const offset = parseInt(match[1], 16);
      const part = xml.slice(offset, offset + Math.min(100, parseInt(match[2], 16)));
      return [`${offset + part.length >= xml.length ? 'l' : 'm'}${part}`];
    }
    match = /^vFlashErase:([0-9a-f]+),([0-9a-f]+)$/.exec(payload);
    if (match) {
      const address = parseInt(match[1], 16);
      const length = parseInt(match[2], 16);
      const boundaries = new Set(blocks.flatMap(({ start, count, size }) => Array.from({ length: count + 1 }, (_, i) => start + i * size)));
      if (!boundaries.has(address) || !boundaries.has(address + length) || !this.inFlash(address, length)) return ['E01'];
      this.memory.fill(0xff, address, address + length);
      this.erases.push([address, length]);
      return ['OK'];
    }
    match = /^vFlashWrite:([0-9a-f]+):([\s\S]*)$/.exec(payload);
    if (match) {
      const address = parseInt(match[1], 16);
      const data = Uint8Array.from(match[2], (character) => character.charCodeAt(0));
      if (!this.inFlash(address, data.length)) return ['E01'];
      data.forEach((byte, i) => (this.memory[address + i] &= byte));
      return ['OK'];
    }
    if (payload === 'vFlashDone') {
      this.flashDones++;
      return ['OK'];
    }
    match = /^M([0-9a-f]+),([0-9a-f]+):/.exec(payload);
    if (match && this.inFlash(parseInt(match[1], 16), parseInt(match[2], 16))) return ['E01'];
    return undefined;
  }

  private answer(payload: string, socket: Socket): string[] {
    if (payload.startsWith('qSupported')) {
      return [`PacketSize=${(this.options.packetSize ?? 0x1000).toString(16)};qXfer:features:read+${this.options.flashBlocks ? ';qXfer:memory-map:read+' : ''}`];
    }
    const flash = this.answerFlash(payload);
    if (flash) return flash;
    if (payload === '?') return ['T05thread:01;'];
    if (payload === 'D') {
      this.detached = true;
      return ['OK'];
    }
    if (payload.startsWith('p')) return ['78563412'];
    let match = /^m([0-9a-f]+),([0-9a-f]+)$/.exec(payload);
    if (match) {
      if (this.options.hangUpOnRead) {
        socket.destroy();
        return [];
      }
      const address = parseInt(match[1], 16);
      const length = parseInt(match[2], 16);
      if (address + length > this.memory.length) return ['E14'];
      return [bytesToHex(this.memory.subarray(address, address + length))];
    }
    match = /^M([0-9a-f]+),([0-9a-f]+):([0-9a-f]*)$/.exec(payload);
    if (match) {
      const address = parseInt(match[1], 16);
      const data = hexToBytes(match[3])!;
      if (data.length !== parseInt(match[2], 16) || address + data.length > this.memory.length) return ['E01'];
      const writable = Math.max(0, Math.min(data.length, (this.options.readOnlyFrom ?? Infinity) - address));
      this.memory.set(data.subarray(0, writable), address);
      return ['OK'];
    }
    match = /^qRcmd,([0-9a-f]*)$/.exec(payload);
    if (match) {
      const command = new TextDecoder().decode(hexToBytes(match[1]));
      if (command === 'system_reset' || command === 'reset halt') {
        this.resets++;
        return ['OK'];
      }
      return [`O${bytesToHex(new TextEncoder().encode(`unknown command ${command}\n`))}`, 'OK'];
    }
    return [''];
  }
}
