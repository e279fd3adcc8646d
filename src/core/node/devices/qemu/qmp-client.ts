import { Socket, connect } from 'node:net';
import { DeviceError, TimeoutError } from '../../../common/errors.js';

/**
 * A minimal client of the QEMU Machine Protocol (QMP): JSON objects, one per line, over a unix
 * socket. After the greeting it negotiates capabilities; then `execute` sends one command and
 * resolves with its `return` value. Asynchronous events (`{"event": …}`) are kept for `events`
 * listeners and otherwise ignored. TinyDeploy uses it to stop QEMU cleanly (`quit`) and to read
 * the run state.
 */
export interface QmpEvent {
  event: string;
  data?: unknown;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  command: string;
  timer: NodeJS.Timeout;
}

export class QmpClient {
  private buffer = '';
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closedError?: Error;
  private readonly eventListeners = new Set<(event: QmpEvent) => void>();

  private constructor(
    private readonly socket: Socket,
    readonly path: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.receive(text));
    socket.on('close', () => this.fail(new DeviceError(`QMP connection ${path} closed`, { path })));
    socket.on('error', (error) => this.fail(new DeviceError(`QMP connection ${path} failed: ${error.message}`, { path })));
  }

  /** Connects, reads the greeting and enters command mode (`qmp_capabilities`). */
  static async connect(path: string, timeoutMs = 5000): Promise<QmpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const candidate = connect({ path });
      const timer = setTimeout(() => {
        candidate.destroy();
        reject(new TimeoutError(`QMP socket ${path} did not accept a connection within ${timeoutMs} ms`, { path, timeoutMs }));
      }, timeoutMs);
      candidate.once('connect', () => {
        clearTimeout(timer);
        candidate.removeAllListeners('error');
        resolve(candidate);
      });
      candidate.once('error', (error) => {
        clearTimeout(timer);
        reject(new DeviceError(`cannot connect to QMP socket ${path}: ${error.message}`, { path }));
      });
    });
    const client = new QmpClient(socket, path);
    try {
      await client.greeting(timeoutMs);
      await client.execute('qmp_capabilities', undefined, timeoutMs);
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  /** Runs a QMP command; an `error` answer is a DeviceError with QEMU's description. */
  execute(command: string, args?: Record<string, unknown>, timeoutMs = 5000): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`QEMU did not answer QMP command "${command}" within ${timeoutMs} ms`, { command, timeoutMs }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, command, timer });
      this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    });
  }

  /** Registers a listener for asynchronous events (SHUTDOWN, STOP, RESUME, …). */
  onEvent(listener: (event: QmpEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  close(): void {
    this.fail(new DeviceError(`QMP connection ${this.path} was closed by TinyDeploy`, { path: this.path }));
    this.socket.destroy();
  }

  private greetingWaiter?: (error?: Error) => void;
  private greeted = false;

  private greeting(timeoutMs: number): Promise<void> {
    if (this.greeted) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(`QEMU sent no QMP greeting on ${this.path} within ${timeoutMs} ms`, { path: this.path })), timeoutMs);
      this.greetingWaiter = (error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
    });
  }

  private receive(text: string): void {
    this.buffer += text;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.handle(line);
    }
  }

  private handle(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not QMP; QEMU writes only JSON here, so this is noise
    }
    if ('QMP' in message) {
      this.greeted = true;
      this.greetingWaiter?.();
      return;
    }
    if (typeof message.event === 'string') {
      for (const listener of [...this.eventListeners]) listener({ event: message.event, data: message.data });
      return;
    }
    const pending = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!pending) return;
    this.pending.delete(message.id as number);
    clearTimeout(pending.timer);
    if ('error' in message) {
      const error = message.error as { class?: string; desc?: string };
      pending.reject(new DeviceError(`QMP command "${pending.command}" failed: ${error.desc ?? error.class ?? 'unknown error'}`, { command: pending.command, error }));
    } else {
      pending.resolve(message.return);
    }
  }

  private fail(error: Error): void {
    if (this.closedError) return;
    this.closedError = error;
    this.greetingWaiter?.(error);
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}
