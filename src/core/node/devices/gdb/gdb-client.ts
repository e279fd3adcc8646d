import { Socket, connect } from 'node:net';
import { DeviceError, ProtocolError, TimeoutError } from '../../../common/errors.js';
import { RspDecoder, bytesToHex, encodeRspPacket, encodedRspPacketLength, hexToBytes, type RspEvent } from './rsp-packet.js';

/**
 * A client for the GDB remote serial protocol (RSP), enough to flash and reset a target without
 * a gdb binary: QEMU's gdbstub, OpenOCD, pyOCD, J-Link and st-util all speak it.
 *
 * Contract:
 * - One command at a time: calls are queued and each waits for the previous one's reply.
 * - Every packet is acknowledged (`+`/`-`, no no-ack mode: QEMU 7.2 lacks it); a `-` or a reply
 *   with a bad checksum makes the packet go again, up to `retries` times, then a ProtocolError.
 * - A command that gets no answer within its timeout is a TimeoutError naming the command and
 *   the server; a connection that closes is a DeviceError. After either the client is unusable.
 * - `M` packets never exceed the server's PacketSize (from `qSupported`) nor 4096 characters:
 *   QEMU 7.2 silently drops a longer packet and the client would wait forever.
 */
export interface GdbClientOptions {
  /** Time allowed for each reply, in ms (default 5000). */
  timeoutMs?: number;
  /** Retransmissions of a packet the server nacked, or a reply that arrived corrupted (default 3). */
  retries?: number;
}

/** The largest packet TinyDeploy ever sends, whatever the server claims (QEMU 7.2's own buffer). */
export /** How long an early packet waits for the ack that would make it unsolicited, ms. */
const earlyReplyWindowMs = 200;
const maximumPacketCharacters = 4096;

/** How a stopped target reported its state (`?`, or after an interrupt): `S`/`T` signal, or `W`/`X` exit. */
export interface StopReply {
  kind: 'signal' | 'exited' | 'terminated';
  /** Signal number for `signal`/`terminated`, exit status for `exited`. */
  value: number;
  raw: string;
}

export class GdbClient {
  private readonly decoder = new RspDecoder();
  private readonly events: RspEvent[] = [];
  private waiter?: () => void;
  private closedError?: Error;
  private queue: Promise<unknown> = Promise.resolve();
  private packetCharacters = maximumPacketCharacters;
  private features: string[] = [];
  private readonly timeoutMs: number;
  private readonly retries: number;

  private constructor(
    private readonly socket: Socket,
    /** `host:port`, for messages. */
    readonly address: string,
    options: GdbClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 3;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.decoder.push(chunk)) this.events.push(event);
      this.wake();
    });
    socket.on('error', (error) => this.markClosed(new DeviceError(`GDB connection to ${address} failed: ${error.message}`, { address })));
    socket.on('close', () => this.markClosed(new DeviceError(`GDB connection to ${address} closed`, { address })));
  }

  /**
   * Connects to a GDB server and negotiates packet size (`qSupported`). A refused connection is
   * a DeviceError; no answer within the timeout is a TimeoutError.
   */
  static async connect(host: string, port: number, options: GdbClientOptions = {}): Promise<GdbClient> {
    const address = `${host}:${port}`;
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const candidate = connect({ host, port });
      const timer = setTimeout(() => {
        candidate.destroy();
        reject(new TimeoutError(`GDB server ${address} did not accept a connection within ${timeoutMs} ms`, { address, timeoutMs }));
      }, timeoutMs);
      candidate.once('connect', () => {
        clearTimeout(timer);
        candidate.removeAllListeners('error');
        resolve(candidate);
      });
      candidate.once('error', (error) => {
        clearTimeout(timer);
        reject(new DeviceError(`cannot connect to GDB server ${address}: ${error.message}`, { address }));
      });
    });
    const client = new GdbClient(socket, address, options);
    try {
      const features = await client.command('qSupported:multiprocess-;swbreak+;hwbreak+');
      client.features = features.split(';');
      const size = /(?:^|;)PacketSize=([0-9a-fA-F]+)/.exec(features);
      if (size) client.packetCharacters = Math.min(maximumPacketCharacters, parseInt(size[1], 16));
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  /** The largest packet this client sends to this server, in characters including `$`, `#` and checksum. */
  get maximumPacketLength(): number {
    return this.packetCharacters;
  }

  /**
   * Sends one packet and returns the payload of the reply. `E nn` replies are returned as they
   * are; the typed helpers below turn them into DeviceErrors naming the command.
   */
  command(payload: string, options: { timeoutMs?: number } = {}): Promise<string> {
    return this.serialized(async () => {
      const replies = await this.exchange(payload, options.timeoutMs ?? this.timeoutMs, () => true);
      return replies[replies.length - 1];
    });
  }

  /** Why the target is stopped (`?`). */
  async haltReason(): Promise<StopReply> {
    return parseStopReply(await this.command('?'));
  }

  /** Reads `length` bytes of target memory at `address`, in as many `m` packets as needed. */
  async readMemory(address: number, length: number): Promise<Uint8Array> {
    const result = new Uint8Array(length);
    // The reply carries 2 hex characters per byte plus framing.
    const chunk = Math.floor((this.packetCharacters - 8) / 2);
    for (let offset = 0; offset < length; offset += chunk) {
      const count = Math.min(chunk, length - offset);
      const request = `m${hex(address + offset)},${hex(count)}`;
      const reply = await this.command(request);
      const bytes = reply.startsWith('E') ? undefined : hexToBytes(reply);
      if (!bytes || bytes.length !== count) {
        throw new DeviceError(`GDB server ${this.address}: reading ${count} bytes at 0x${hex(address + offset)} failed (reply "${truncate(reply)}")`, {
          address: address + offset,
          length: count,
          reply,
        });
      }
      result.set(bytes, offset);
    }
    return result;
  }

  /**
   * Writes `bytes` to target memory at `address` with `M` packets, each no longer than the
   * server's packet size. `onProgress(bytesWritten)` is called after each packet.
   */
  async writeMemory(address: number, bytes: Uint8Array, onProgress?: (written: number) => void): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const target = address + offset;
      const header = `M${hex(target)},`;
      // Budget: framing (4) + header + up to 8 hex digits of length + ':' + 2 characters per byte.
      const count = Math.min(bytes.length - offset, Math.floor((this.packetCharacters - 4 - header.length - 8 - 1) / 2));
      const payload = `${header}${hex(count)}:${bytesToHex(bytes.subarray(offset, offset + count))}`;
      if (encodedRspPacketLength(payload) > this.packetCharacters) {
        throw new ProtocolError(`GDB packet of ${encodedRspPacketLength(payload)} characters exceeds the server's ${this.packetCharacters}`);
      }
      const reply = await this.command(payload);
      if (reply !== 'OK') {
        throw new DeviceError(`GDB server ${this.address}: writing ${count} bytes at 0x${hex(target)} failed (reply "${truncate(reply)}")`, {
          address: target,
          length: count,
          reply,
        });
      }
      offset += count;
      onProgress?.(offset);
    }
  }

  /** Whether the server announced `feature+` in its qSupported reply (e.g. `qXfer:memory-map:read`). */
  supports(feature: string): boolean {
    return this.features.includes(`${feature}+`);
  }

  /**
   * The target's memory map (`qXfer:memory-map:read`, GDB's memory-map XML): which ranges are
   * RAM, ROM or flash, and flash's erase block size. Undefined when the server offers none (QEMU).
   */
  async readMemoryMap(): Promise<MemoryMapRegion[] | undefined> {
    if (!this.supports('qXfer:memory-map:read')) return undefined;
    let xml = '';
    const chunk = Math.max(64, this.packetCharacters - 16);
    for (let offset = 0; ; ) {
      const reply = await this.command(`qXfer:memory-map:read::${hex(offset)},${hex(chunk)}`);
      if (reply[0] !== 'm' && reply[0] !== 'l') {
        throw new DeviceError(`GDB server ${this.address}: reading its memory map failed (reply "${truncate(reply)}")`, { reply });
      }
      xml += reply.slice(1);
      offset += reply.length - 1;
      if (reply[0] === 'l') break;
      if (reply.length === 1) throw new ProtocolError(`GDB server ${this.address}: empty memory-map chunk at offset ${offset} not marked last`);
    }
    return parseMemoryMap(xml);
  }

  /** Erases flash (`vFlashErase`); `address` and `length` must be whole erase blocks of the memory map. */
  async flashErase(address: number, length: number): Promise<void> {
    const reply = await this.command(`vFlashErase:${hex(address)},${hex(length)}`, { timeoutMs: Math.max(this.timeoutMs, flashTimeoutMs) });
    if (reply !== 'OK') {
      throw new DeviceError(`GDB server ${this.address}: erasing ${length} bytes of flash at 0x${hex(address)} failed (reply "${truncate(reply)}")`, { address, length, reply });
    }
  }

  /**
   * Writes erased flash (`vFlashWrite`, binary data escaped), in packets no longer than the
   * server's packet size; the server may buffer until `flashDone`. `onProgress(bytesWritten)` after each.
   */
  async flashWrite(address: number, bytes: Uint8Array, onProgress?: (written: number) => void): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const target = address + offset;
      let payload = `vFlashWrite:${hex(target)}:`;
      let length = payload.length + 4;
      let count = 0;
      while (offset + count < bytes.length) {
        const byte = bytes[offset + count];
        const size = byte === 0x23 || byte === 0x24 || byte === 0x7d || byte === 0x2a ? 2 : 1;
        if (length + size > this.packetCharacters) break;
        payload += String.fromCharCode(byte);
        length += size;
        count++;
      }
      const reply = await this.command(payload, { timeoutMs: Math.max(this.timeoutMs, flashTimeoutMs) });
      if (reply !== 'OK') {
        throw new DeviceError(`GDB server ${this.address}: writing ${count} bytes of flash at 0x${hex(target)} failed (reply "${truncate(reply)}")`, { address: target, length: count, reply });
      }
      offset += count;
      onProgress?.(offset);
    }
  }

  /** Ends a flash programming sequence (`vFlashDone`): the server writes what it buffered. */
  async flashDone(): Promise<void> {
    const reply = await this.command('vFlashDone', { timeoutMs: Math.max(this.timeoutMs, flashTimeoutMs) });
    if (reply !== 'OK') throw new DeviceError(`GDB server ${this.address}: finishing the flash write failed (reply "${truncate(reply)}")`, { reply });
  }

  /** Reads one register by its number in the target description (Cortex-M: 0–12 r0–r12, 13 sp, 14 lr, 15 pc, 25 xpsr). */
  async readRegister(index: number): Promise<number> {
    const reply = await this.command(`p${hex(index)}`);
    const bytes = hexToBytes(reply);
    if (!bytes || bytes.length === 0 || bytes.length > 8) {
      throw new DeviceError(`GDB server ${this.address}: reading register ${index} failed (reply "${truncate(reply)}")`, { index, reply });
    }
    let value = 0;
    for (let i = Math.min(bytes.length, 4) - 1; i >= 0; i--) value = value * 256 + bytes[i];
    return value;
  }

  /**
   * Runs a monitor command (`qRcmd`, what gdb's `monitor …` sends), e.g. QEMU's `system_reset`.
   * Returns the text the server printed; an `E` reply is a DeviceError.
   */
  async monitor(commandLine: string, options: { timeoutMs?: number } = {}): Promise<string> {
    const replies = await this.serialized(() =>
      this.exchange(`qRcmd,${bytesToHex(new TextEncoder().encode(commandLine))}`, options.timeoutMs ?? this.timeoutMs, (reply) => !/^O[0-9a-fA-F]/.test(reply) || reply === 'OK'),
    );
    const final = replies[replies.length - 1];
    if (final !== 'OK' && final !== '') {
      if (/^E/.test(final)) throw new DeviceError(`GDB server ${this.address}: monitor command "${commandLine}" failed (reply "${truncate(final)}")`, { commandLine, reply: final });
    }
    let output = '';
    for (const reply of replies) {
      if (/^O[0-9a-fA-F]+$/.test(reply)) output += new TextDecoder().decode(hexToBytes(reply.slice(1)) ?? new Uint8Array());
    }
    // Some servers answer the command's output as one hex payload without the O prefix.
    if (final !== 'OK' && /^[0-9a-fA-F]+$/.test(final)) output += new TextDecoder().decode(hexToBytes(final) ?? new Uint8Array());
    return output;
  }

  /** Detaches (`D`): the target resumes running and the server forgets this client. Closes the connection. */
  async detach(): Promise<void> {
    const reply = await this.command('D');
    if (reply !== 'OK') throw new DeviceError(`GDB server ${this.address}: detach failed (reply "${truncate(reply)}")`, { reply });
    this.close();
  }

  /** Closes the connection without detaching (the target stays as it is). Idempotent. */
  close(): void {
    this.markClosed(new DeviceError(`GDB connection to ${this.address} was closed by TinyDeploy`, { address: this.address }));
    this.socket.destroy();
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Sends `payload` until acked, then collects reply packets (acking each) until `isFinal`
   * accepts one. Corrupted replies are nacked so the server sends them again.
   */
  private async exchange(payload: string, timeoutMs: number, isFinal: (reply: string) => boolean): Promise<string[]> {
    const packet = encodeRspPacket(payload);
    const shown = truncate(payload);
    let attempts = 0;
    this.events.length = 0;
    this.send(packet);
    // Wait for the ack; a nack means the packet arrived damaged: send it again. A packet before
    // the ack is either the answer of a server in no-ack mode, or one the server sent unasked
    // (QEMU announces the stop when a debugger attaches to a running VM): it is the answer only
    // if no ack follows shortly.
    let early: string | undefined;
    for (;;) {
      let event: RspEvent;
      try {
        event = await this.nextEvent(early === undefined ? timeoutMs : earlyReplyWindowMs, `the acknowledgement of "${shown}"`);
      } catch (error) {
        if (early !== undefined && error instanceof TimeoutError) return isFinal(early) ? [early] : this.collectReplies(shown, timeoutMs, isFinal, [early]);
        throw error;
      }
      if (event.kind === 'ack') break;
      if (event.kind === 'nack') {
        if (++attempts > this.retries) throw new ProtocolError(`GDB server ${this.address} rejected "${shown}" ${attempts} times (checksum errors on the link)`);
        this.send(packet);
        continue;
      }
      if (event.kind === 'packet') {
        this.send(ackByte);
        early = event.payload;
      }
    }
    return this.collectReplies(shown, timeoutMs, isFinal, []);
  }

  private async collectReplies(shown: string, timeoutMs: number, isFinal: (reply: string) => boolean, replies: string[]): Promise<string[]> {
    let corrupted = 0;
    for (;;) {
      const event = await this.nextEvent(timeoutMs, `the reply to "${shown}"`);
      if (event.kind === 'corrupt') {
        if (++corrupted > this.retries) throw new ProtocolError(`GDB server ${this.address}: reply to "${shown}" arrived corrupted ${corrupted} times`);
        this.send(nackByte);
        continue;
      }
      if (event.kind !== 'packet') continue;
      this.send(ackByte);
      replies.push(event.payload);
      if (isFinal(event.payload)) return replies;
    }
  }

  private send(bytes: Uint8Array): void {
    if (this.closedError) throw this.closedError;
    this.socket.write(bytes);
  }

  private async nextEvent(timeoutMs: number, awaited: string): Promise<RspEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.events.shift();
      if (event) return event;
      if (this.closedError) throw new DeviceError(`${this.closedError.message} while waiting for ${awaited}`, { address: this.address });
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new TimeoutError(`GDB server ${this.address} did not send ${awaited} within ${timeoutMs} ms`, { address: this.address, timeoutMs });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  private wake(): void {
    this.waiter?.();
  }

  private markClosed(error: Error): void {
    if (!this.closedError) this.closedError = error;
    this.wake();
  }
}

/** Erasing a large flash sector takes seconds (an STM32F4 128 KiB sector: up to 2 s typical, 4 s max). */
const flashTimeoutMs = 30_000;

/** One `<memory>` element of GDB's memory-map XML. */
export interface MemoryMapRegion {
  type: 'ram' | 'rom' | 'flash';
  start: number;
  length: number;
  /** Flash only: the erase block size (`<property name="blocksize">`). */
  blockSize?: number;
}

/** Parses GDB's memory-map XML (gdb/features/memory-map.dtd): the `<memory>` elements, in order. */
export function parseMemoryMap(xml: string): MemoryMapRegion[] {
  const regions: MemoryMapRegion[] = [];
  const element = /<memory(\s[^>]*?)(\/>|>([\s\S]*?)<\/memory>)/g;
  for (let match; (match = element.exec(xml)); ) {
    const attribute = (name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']*)["']`).exec(match![1])?.[1];
    const type = attribute('type');
    const start = Number(attribute('start'));
    const length = Number(attribute('length'));
    if ((type !== 'ram' && type !== 'rom' && type !== 'flash') || !Number.isFinite(start) || !Number.isFinite(length)) {
      throw new ProtocolError(`memory map: cannot read element <memory${truncate(match[1], 80)}>`, { element: match[0] });
    }
    const blockSize = /<property\s+name\s*=\s*["']blocksize["']\s*>\s*([^<\s]+)\s*<\/property>/.exec(match[3] ?? '')?.[1];
    regions.push({ type, start, length, ...(type === 'flash' && blockSize !== undefined ? { blockSize: Number(blockSize) } : {}) });
  }
  return regions;
}

const ackByte = Uint8Array.of(0x2b);
const nackByte = Uint8Array.of(0x2d);

function hex(value: number): string {
  return value.toString(16);
}

function truncate(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

/** Parses a stop reply: `S05`, `T05thread:01;…`, `W00` (exited), `X09` (terminated by a signal). */
export function parseStopReply(reply: string): StopReply {
  const match = /^([STWX])([0-9a-fA-F]{2})/.exec(reply);
  if (!match) throw new ProtocolError(`not a GDB stop reply: "${truncate(reply)}"`, { reply });
  const kind = match[1] === 'W' ? 'exited' : match[1] === 'X' ? 'terminated' : 'signal';
  return { kind, value: parseInt(match[2], 16), raw: reply };
}
