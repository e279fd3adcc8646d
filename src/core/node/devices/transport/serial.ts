/**
 * A transport over a serial port (a USB CDC board, a UART adapter, a QEMU pty) with the
 * `serialport` package. It moves bytes only: no framing, no timeouts (STYLE.md §14).
 */

import { SerialPort } from 'serialport';
import { DeviceError } from '../../../common/errors.js';
import { Listeners, type Disposable, type Transport } from '../../../common/protocol/transport.js';

export interface SerialPortOptions {
  /** Default 115200; a pty ignores it. */
  baudRate?: number;
}

export class SerialPortTransport implements Transport {
  readonly description: string;
  private readonly port: SerialPort;
  private readonly dataListeners = new Listeners<[Uint8Array]>();
  private readonly closeListeners = new Listeners<[Error | undefined]>();
  private closing = false;
  private isClosed = false;

  private constructor(port: SerialPort, path: string) {
    this.port = port;
    this.description = `serial ${path}`;
    port.on('data', (chunk: Buffer) => this.dataListeners.emit(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    // serialport may emit 'close' twice (stream end, then the disconnect error): report it once.
    port.on('close', (error?: Error | null) => {
      if (this.isClosed) return;
      this.isClosed = true;
      const unexpected = this.closing ? undefined : new DeviceError(`${this.description} closed: ${error?.message ?? 'the port went away'}`);
      this.closeListeners.emit(unexpected);
    });
    // Errors after open surface as a close; without a listener Node would throw them.
    port.on('error', () => undefined);
  }

  /** Opens `path`; throws `DeviceError` naming the path when it cannot be opened (missing, busy, no permission). */
  static async open(path: string, options: SerialPortOptions = {}): Promise<SerialPortTransport> {
    const port = new SerialPort({ path, baudRate: options.baudRate ?? 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(new DeviceError(`serial ${path}: cannot open: ${error.message}`, { path })) : resolve())),
    );
    return new SerialPortTransport(port, path);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.isClosed) {
        reject(new DeviceError(`${this.description}: write after close`));
        return;
      }
      this.port.write(Buffer.from(bytes), (error) => {
        if (error) reject(new DeviceError(`${this.description}: write failed: ${error.message}`));
        else this.port.drain((drainError) => (drainError ? reject(new DeviceError(`${this.description}: ${drainError.message}`)) : resolve()));
      });
    });
  }

  onData(listener: (bytes: Uint8Array) => void): Disposable {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): Disposable {
    return this.closeListeners.add(listener);
  }

  /** Drops what the OS received and nobody has read yet. */
  discardInput(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.port.flush(() => resolve()));
  }

  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
