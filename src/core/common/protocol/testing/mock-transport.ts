/**
 * An in-memory transport pair, the node-serialport `binding-mock` of TinyDeploy (STYLE.md §15):
 * what the host writes arrives at the board end and back, each chunk on its own macrotask, so
 * listeners see bytes arrive piecemeal as from a real port. A `LineFilter` per direction rewrites
 * the stream in flight: split it into tiny chunks, inject garbage, flip a bit, drop a frame. Every
 * protocol test runs over this pair, with frames split on purpose.
 */

import { DeviceError } from '../../errors.js';
import { Listeners, type Disposable, type Transport } from '../transport.js';

/**
 * Runs `callback` on a later macrotask. Node's setImmediate where there is one: setTimeout(0)
 * waits at least 1 ms there, which would make a byte-by-byte stream a thousand times slower than
 * the session's timeouts allow; setTimeout elsewhere (a browser).
 */
const nextMacrotask: (callback: () => void) => void = typeof setImmediate === 'function' ? (callback) => void setImmediate(callback) : (callback) => void setTimeout(callback, 0);

/** Rewrites one write on its way through the line: returns the chunks to deliver, in order. */
export type LineFilter = (bytes: Uint8Array) => Uint8Array[];

export interface MockLinkOptions {
  /** Applied to what the host writes. */
  toBoard?: LineFilter;
  /** Applied to what the board writes. */
  toHost?: LineFilter;
}

export interface MockLink {
  host: MockTransport;
  board: MockTransport;
}

/** Two connected transports. Closing either end closes both; the other end's `onClose` gets an error. */
export function createMockLink(options: MockLinkOptions = {}): MockLink {
  const host = new MockTransport('mock host end', options.toBoard);
  const board = new MockTransport('mock board end', options.toHost);
  host.peer = board;
  board.peer = host;
  return { host, board };
}

export class MockTransport implements Transport {
  readonly description: string;
  /** Every write made on this end, as given (before the filter). */
  readonly written: Uint8Array[] = [];
  /** Set by `createMockLink`. */
  peer?: MockTransport;
  private readonly filter?: LineFilter;
  private readonly dataListeners = new Listeners<[Uint8Array]>();
  private readonly closeListeners = new Listeners<[Error | undefined]>();
  private readonly inbox: Uint8Array[] = [];
  private pumping = false;
  private isClosed = false;

  constructor(description: string, filter?: LineFilter) {
    this.description = description;
    this.filter = filter;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) throw new DeviceError(`${this.description}: write after close`);
    this.written.push(bytes.slice());
    const chunks = this.filter ? this.filter(bytes.slice()) : [bytes.slice()];
    this.peer?.enqueue(chunks.filter((chunk) => chunk.length > 0));
  }

  onData(listener: (bytes: Uint8Array) => void): Disposable {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): Disposable {
    return this.closeListeners.add(listener);
  }

  /** Bytes queued for this end and not yet delivered are dropped, like a serial port's input buffer. */
  async discardInput(): Promise<void> {
    this.inbox.length = 0;
  }

  async close(): Promise<void> {
    this.end(undefined);
    this.peer?.end(new DeviceError(`${this.peer.description}: the other end closed`));
  }

  /** Delivers `bytes` to this end's listeners as if they came over the line (garbage injection). */
  inject(bytes: Uint8Array): void {
    this.enqueue([bytes.slice()]);
  }

  private enqueue(chunks: Uint8Array[]): void {
    if (this.isClosed) return;
    this.inbox.push(...chunks);
    if (!this.pumping) {
      this.pumping = true;
      nextMacrotask(() => this.pump());
    }
  }

  private pump(): void {
    const chunk = this.inbox.shift();
    if (!chunk || this.isClosed) {
      this.pumping = false;
      return;
    }
    this.dataListeners.emit(chunk);
    nextMacrotask(() => this.pump());
  }

  private end(error: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.inbox.length = 0;
    this.closeListeners.emit(error);
  }
}

// ---------------------------------------------------------------------------------------------
// Line filters

/** A small seeded generator (mulberry32) so that "random" line faults repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts every write into chunks of `size` bytes (1: byte by byte). */
export function splitEvery(size: number): LineFilter {
  return (bytes) => {
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
    return chunks;
  };
}

/** Cuts every write at random places into chunks of 1 … `maxChunk` bytes. */
export function splitRandomly(random: () => number, maxChunk = 16): LineFilter {
  return (bytes) => {
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; ) {
      const size = 1 + Math.floor(random() * maxChunk);
      chunks.push(bytes.subarray(offset, offset + size));
      offset += size;
    }
    return chunks;
  };
}

/** Random bytes, zeros included (delimiters in garbage are the hard case). */
export function garbage(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => (random() < 0.1 ? 0 : Math.floor(random() * 256)));
}

/** Puts `length` random bytes before every write (and so between frames). */
export function injectGarbage(random: () => number, length = 8): LineFilter {
  return (bytes) => [garbage(random, length), bytes];
}

/**
 * Flips one bit in the writes whose index (0, 1, 2, … over this filter's life) `select` picks.
 * The bit is chosen among the write's non-delimiter bytes, so the frame still ends where it did
 * and only its CRC can catch the damage.
 */
export function flipBit(select: (writeIndex: number) => boolean, random: () => number): LineFilter {
  let writeIndex = 0;
  return (bytes) => {
    if (select(writeIndex++)) {
      const positions = [...bytes.keys()].filter((i) => bytes[i] !== 0);
      const position = positions[Math.floor(random() * positions.length)];
      let bit = Math.floor(random() * 8);
      // Flipping the only set bit would make a 0x00 and cut the frame in two: flip the next bit.
      if ((bytes[position] ^ (1 << bit)) === 0) bit = (bit + 1) % 8;
      bytes[position] ^= 1 << bit;
    }
    return [bytes];
  };
}

/** Drops the writes whose index `select` picks (a lost frame). */
export function dropWrites(select: (writeIndex: number) => boolean): LineFilter {
  let writeIndex = 0;
  return (bytes) => (select(writeIndex++) ? [] : [bytes]);
}

/** Applies filters left to right. */
export function chain(...filters: LineFilter[]): LineFilter {
  return (bytes) => filters.reduce<Uint8Array[]>((chunks, filter) => chunks.flatMap((chunk) => filter(chunk)), [bytes]);
}
