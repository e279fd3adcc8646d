/**
 * A fault-injecting wrapper around any `Transport` (the serial port to a QEMU pty, a mock link):
 * in each direction independently, every byte is dropped, corrupted (XOR with a random non-zero
 * value) or duplicated with its own probability, from a seeded generator so a campaign can be
 * replayed. `unplug()` ends the line as a pulled cable would: the wrapped transport is closed and
 * the session sees an unexpected close (an error), mid-command if one is in flight.
 *
 * Test-only (the serial fault campaign, `bench/serial-faults`, and protocol tests).
 */

import { DeviceError } from '../../errors.js';
import { Listeners, type Disposable, type Transport } from '../transport.js';

/** Per-byte probabilities, each drawn independently (a byte may be both corrupted and duplicated). */
export interface FaultRates {
  drop: number;
  duplicate: number;
  corrupt: number;
}

export interface FaultyTransportOptions {
  /** Seed of the fault generator (same seed, same bytes in: same faults). */
  seed: number;
  /** Faults on what the host writes. Default: none. */
  toBoard?: FaultRates;
  /** Faults on what the board sends. Default: none. */
  toHost?: FaultRates;
}

/** Bytes seen and faults injected in one direction. */
export interface FaultCounts {
  bytes: number;
  dropped: number;
  duplicated: number;
  corrupted: number;
}

const none: FaultRates = { drop: 0, duplicate: 0, corrupt: 0 };

/** mulberry32: small, seeded, good enough to place faults. */
export function seededGenerator(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultyTransport implements Transport {
  readonly description: string;
  readonly counts: { toBoard: FaultCounts; toHost: FaultCounts } = {
    toBoard: { bytes: 0, dropped: 0, duplicated: 0, corrupted: 0 },
    toHost: { bytes: 0, dropped: 0, duplicated: 0, corrupted: 0 },
  };
  private readonly inner: Transport;
  private readonly random: () => number;
  private readonly toBoard: FaultRates;
  private readonly toHost: FaultRates;
  private readonly dataListeners = new Listeners<[Uint8Array]>();
  private readonly closeListeners = new Listeners<[Error | undefined]>();
  private readonly subscriptions: Disposable[];
  private isClosed = false;

  constructor(inner: Transport, options: FaultyTransportOptions) {
    this.inner = inner;
    this.description = inner.description;
    this.random = seededGenerator(options.seed);
    this.toBoard = options.toBoard ?? none;
    this.toHost = options.toHost ?? none;
    this.subscriptions = [
      inner.onData((bytes) => {
        if (this.isClosed) return;
        const faulty = this.apply(bytes, this.toHost, this.counts.toHost);
        if (faulty.length > 0) this.dataListeners.emit(faulty);
      }),
      inner.onClose((error) => this.end(error)),
    ];
    if (inner.closed) this.isClosed = true;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) throw new DeviceError(`${this.description}: write after close`);
    const faulty = this.apply(bytes, this.toBoard, this.counts.toBoard);
    // A write whose every byte was dropped still "left" the host.
    if (faulty.length > 0) await this.inner.write(faulty);
  }

  onData(listener: (bytes: Uint8Array) => void): Disposable {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): Disposable {
    return this.closeListeners.add(listener);
  }

  discardInput(): Promise<void> {
    return this.inner.discardInput?.() ?? Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.end(undefined);
    await this.inner.close();
  }

  /**
   * Pulls the cable: listeners hear an unexpected close (a `DeviceError` naming the line) at once,
   * then the wrapped transport is closed. Resolves when it is.
   */
  async unplug(): Promise<void> {
    if (this.isClosed) return;
    this.end(new DeviceError(`${this.description} closed: unplugged`));
    await this.inner.close();
  }

  private end(error: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.closeListeners.emit(error);
  }

  private apply(bytes: Uint8Array, rates: FaultRates, counts: FaultCounts): Uint8Array {
    counts.bytes += bytes.length;
    if (rates.drop === 0 && rates.duplicate === 0 && rates.corrupt === 0) return bytes;
    const out: number[] = [];
    for (const original of bytes) {
      if (this.random() < rates.drop) {
        counts.dropped++;
        continue;
      }
      let byte = original;
      if (this.random() < rates.corrupt) {
        byte ^= 1 + Math.floor(this.random() * 255);
        counts.corrupted++;
      }
      out.push(byte);
      if (this.random() < rates.duplicate) {
        out.push(byte);
        counts.duplicated++;
      }
    }
    return Uint8Array.from(out);
  }
}
