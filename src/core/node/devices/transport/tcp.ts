/**
 * A transport over TCP (node:net): a board behind a network bridge (ser2net, an ESP-link) or a
 * simulator that serves its UART on a socket. Bytes only; `setNoDelay` so small frames leave at once.
 */

import { connect, type Socket } from 'node:net';
import { DeviceError, TimeoutError } from '../../../common/errors.js';
import { Listeners, type Disposable, type Transport } from '../../../common/protocol/transport.js';

export interface TcpOptions {
  host?: string;
  port: number;
  /** Give up connecting after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
}

export class TcpTransport implements Transport {
  readonly description: string;
  private readonly socket: Socket;
  private readonly dataListeners = new Listeners<[Uint8Array]>();
  private readonly closeListeners = new Listeners<[Error | undefined]>();
  private closing = false;
  private isClosed = false;

  private constructor(socket: Socket, description: string) {
    this.socket = socket;
    this.description = description;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.dataListeners.emit(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    let lastError: Error | undefined;
    socket.on('error', (error) => {
      lastError = error;
    });
    socket.on('close', () => {
      this.isClosed = true;
      const unexpected = this.closing ? undefined : new DeviceError(`${description} closed: ${lastError?.message ?? 'the peer ended the connection'}`);
      this.closeListeners.emit(unexpected);
    });
  }

  /** Wraps a connected socket: the server side of a connection (a fake board served over TCP). */
  static fromSocket(socket: Socket): TcpTransport {
    return new TcpTransport(socket, `tcp ${socket.remoteAddress}:${socket.remotePort}`);
  }

  /** Connects; throws `DeviceError` (refused, unreachable) or `TimeoutError` naming the address. */
  static connect(options: TcpOptions): Promise<TcpTransport> {
    const host = options.host ?? '127.0.0.1';
    const description = `tcp ${host}:${options.port}`;
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`${description}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new DeviceError(`${description}: cannot connect: ${error.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new TcpTransport(socket, description));
      });
    });
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
      this.socket.write(bytes, (error) => (error ? reject(new DeviceError(`${this.description}: write failed: ${error.message}`)) : resolve()));
    });
  }

  onData(listener: (bytes: Uint8Array) => void): Disposable {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): Disposable {
    return this.closeListeners.add(listener);
  }

  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }
}
