/**
 * The lowest layer of the device stack (STYLE.md §14): a transport moves bytes and nothing else. It
 * knows no frames, no commands and no timeouts; those are the framing and session layers'. It lives
 * in `core/common` so the pure session can use it; the serial port and TCP implementations are Node
 * code in `core/node/devices/transport/`, the mock pair (pure) is in `testing/mock-transport.ts`.
 */

/** Undoes a registration. */
export interface Disposable {
  dispose(): void;
}

export interface Transport {
  /** What this transport is connected to, for error messages: `serial /dev/ttyACM0`, `tcp 127.0.0.1:4444`. */
  readonly description: string;
  /** True once closed, by either side. */
  readonly closed: boolean;
  /** Sends bytes; resolves when the transport has taken them (not when the far side has read them). */
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes received, in order, in chunks of any size. */
  onData(listener: (bytes: Uint8Array) => void): Disposable;
  /** The connection ended: `error` is set when it was not closed by `close()` (port unplugged, peer gone). */
  onClose(listener: (error?: Error) => void): Disposable;
  /**
   * Drops bytes received but not yet delivered (the OS input buffer of a serial port). Optional: a
   * transport that delivers everything at once has nothing to drop.
   */
  discardInput?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A tiny listener list for transport implementations: `add` returns the `Disposable`, `emit` calls
 * every listener registered at the time of the call.
 */
export class Listeners<Arguments extends unknown[]> {
  private readonly listeners = new Set<(...args: Arguments) => void>();

  add(listener: (...args: Arguments) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  emit(...args: Arguments): void {
    for (const listener of [...this.listeners]) listener(...args);
  }

  clear(): void {
    this.listeners.clear();
  }
}
