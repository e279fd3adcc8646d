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

  /**
   * Opens `path`; throws `DeviceError` naming the path when it cannot be opened, with why in
   * words and in `data.reason` (`missing`, `busy`, `permission`, `other`; see serialOpenFailure).
   */
  static async open(path: string, options: SerialPortOptions = {}): Promise<SerialPortTransport> {
    const port = new SerialPort({ path, baudRate: options.baudRate ?? 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(serialOpenFailure(path, error)) : resolve())));
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

  /** Changes the port's rate (after SET_BAUD; see baud.ts). A pty takes it and ignores it. */
  setBaudRate(baudRate: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.port.update({ baudRate }, (error) => (error ? reject(new DeviceError(`${this.description}: cannot set ${baudRate} baud: ${error.message}`, { baudRate })) : resolve())),
    );
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

export type SerialOpenFailureReason = 'missing' | 'busy' | 'permission' | 'other';

/** Why a serial port could not be opened, from serialport's message (it carries no error code). */
export function serialOpenFailureReason(message: string): SerialOpenFailureReason {
  if (/No such file or directory|ENOENT|File not found|cannot find the file/i.test(message)) return 'missing';
  if (/Cannot lock port|Resource busy|EBUSY|Resource temporarily unavailable|Access denied.*in use/i.test(message)) return 'busy';
  if (/Permission denied|EACCES|Access denied/i.test(message)) return 'permission';
  return 'other';
}

/**
 * The DeviceError for a port that would not open: `serial <path>: cannot open: <what it means>
 * (<serialport's message>)`, e.g. busy: another program has it open (a serial monitor, another
 * TinyDeploy), missing: unplugged or not enumerated yet, permission: not in the dialout group.
 */
export function serialOpenFailure(path: string, error: Error): DeviceError {
  const reason = serialOpenFailureReason(error.message);
  const meaning = {
    missing: 'no such port (the board is unplugged, or its USB device has not come back yet)',
    busy: 'the port is busy: another program has it open (a serial monitor, another TinyDeploy); close it',
    permission: 'permission denied (on Linux, add yourself to the dialout group: sudo usermod -aG dialout $USER, then log in again)',
    other: '',
  }[reason];
  return new DeviceError(`serial ${path}: cannot open: ${meaning ? `${meaning} (${error.message})` : error.message}`, { path, reason });
}
