/**
 * The session layer of the device stack (STYLE.md §14): turns a byte transport into request/reply
 * calls. It serialises commands (one in flight, later calls wait their turn), flushes stale input
 * before each command, matches the reply by request id and command, times out, resends idempotent
 * commands after a timeout or a corrupted frame, and never takes a corrupted frame as a reply (the
 * framing layer drops anything whose COBS or CRC-32 is wrong). See firmware/runtime/PROTOCOL.md §4.
 */

import { DeviceError, ProtocolError, TimeoutError } from '../errors.js';
import { encodeFrame, FrameDecoder, type FrameError, type FrameEvent } from './framing.js';
import {
  decodeMessage,
  encodeMessage,
  MAX_MAX_PAYLOAD,
  MESSAGE_HEADER_BYTES,
  REPLY_BIT,
  runFailure,
  statusCodes,
  statusName,
  type Command,
  type Message,
} from './messages.js';
import { Listeners, type Disposable, type Transport } from './transport.js';

export interface SessionOptions {
  /** Time to wait for each attempt's reply when a call gives none. Default 1000 ms. */
  timeoutMs?: number;
  /** Attempts for an idempotent command (the first send and the resends). Default 3. */
  attempts?: number;
  /**
   * After a corrupted frame arrives, how long to wait for a valid reply before resending an
   * idempotent command (the corrupted frame may have been line noise, with the real reply behind it).
   * Default 100 ms: a 524-byte frame takes 45 ms at 115200 baud.
   */
  corruptionGraceMs?: number;
  /** Request id of the first command (then +1, wrapping at 65536). Default: random, so replies meant for an earlier session do not match. */
  firstRequestId?: number;
}

export interface CallOptions {
  timeoutMs?: number;
  attempts?: number;
}

/** Counters since the session started; for logs, the benchmark and tests. */
export interface SessionStatistics {
  /** Commands called. */
  commands: number;
  /** Frames written (commands plus resends). */
  framesSent: number;
  resends: number;
  /** Frames dropped by the framing layer (bad COBS or CRC, too short or too long). */
  corruptFrames: number;
  /** Valid frames that answered no command in flight (late replies, replies to an earlier session). */
  staleFrames: number;
}

/** What happened on the line, for logging; the session has already acted on it. */
export type SessionEvent =
  | { kind: 'corrupt-frame'; error: FrameError }
  | { kind: 'stale-frame'; message: Message }
  | { kind: 'resend'; command: string; requestId: number; attempt: number; reason: 'timeout' | 'corrupt-frame' };

type Outcome =
  | { kind: 'reply'; message: Message }
  /** `corruptions`: frames dropped while waiting without settling on them (commands that are not resent). */
  | { kind: 'timeout'; corruptions: FrameError[] }
  | { kind: 'corrupt'; errors: FrameError[] }
  | { kind: 'closed' }
  | { kind: 'write-failed'; error: DeviceError };

interface InFlight {
  requestId: number;
  replyCode: number;
  /** Resend soon after a corrupted frame (idempotent commands) rather than wait for the timeout. */
  resendOnCorruption: boolean;
  corruptions: FrameError[];
  timer?: ReturnType<typeof setTimeout>;
  graceTimer?: ReturnType<typeof setTimeout>;
  settle(outcome: Outcome): void;
}

export class Session {
  private readonly transport: Transport;
  private readonly decoder = new FrameDecoder({
    maxMessageLength: MESSAGE_HEADER_BYTES + MAX_MAX_PAYLOAD,
    minMessageLength: MESSAGE_HEADER_BYTES,
  });
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly corruptionGraceMs: number;
  private readonly subscriptions: Disposable[];
  private readonly events = new Listeners<[SessionEvent]>();
  private requestId: number;
  private queue: Promise<unknown> = Promise.resolve();
  private inFlight?: InFlight;
  private closedBy?: { error?: Error };
  private readonly counters: SessionStatistics = {
    commands: 0,
    framesSent: 0,
    resends: 0,
    corruptFrames: 0,
    staleFrames: 0,
  };

  constructor(transport: Transport, options: SessionOptions = {}) {
    this.transport = transport;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.attempts = options.attempts ?? 3;
    this.corruptionGraceMs = options.corruptionGraceMs ?? 100;
    this.requestId = (options.firstRequestId ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
    this.subscriptions = [
      transport.onData((bytes) => this.receive(bytes)),
      transport.onClose((error) => this.closed(error)),
    ];
    if (transport.closed) this.closedBy = {};
  }

  get statistics(): SessionStatistics {
    return { ...this.counters };
  }

  /** Each attempt's timeout when a call gives none (the floor of the client's scaled deadlines). */
  get defaultTimeoutMs(): number {
    return this.timeoutMs;
  }

  /** Line events (dropped frames, stale replies, resends) as they happen. */
  onEvent(listener: (event: SessionEvent) => void): Disposable {
    return this.events.add(listener);
  }

  /**
   * Sends one command and resolves with its decoded reply. Calls are serialised: a call made while
   * another is in flight starts when it ends. Throws `TimeoutError` when no valid reply came in time
   * (after the resends an idempotent command gets), `ProtocolError` when replies kept arriving
   * corrupted or a reply does not decode, `DeviceError` when the board answered with an error status
   * or the transport closed.
   */
  call<Request, Reply>(command: Command<Request, Reply>, request: Request, options: CallOptions = {}): Promise<Reply> {
    const result = this.queue.then(() => this.execute(command, request, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * The session's deadline for `call(command, request, options)`: the longest it may take from the
   * moment it starts (calls queued before it have ended) to its reply or its error, i.e. every
   * attempt's timeout (an idempotent command gets `attempts` of them, any other one). A closed line
   * or a failed write ends the call sooner.
   */
  deadlineMs<Request, Reply>(command: Command<Request, Reply>, request: Request, options: CallOptions = {}): number {
    const attempts = command.idempotent(request) ? Math.max(1, options.attempts ?? this.attempts) : 1;
    return attempts * (options.timeoutMs ?? this.timeoutMs);
  }

  /** Stops listening to the transport and fails any call still queued. Does not close the transport. */
  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.events.clear();
    this.closed(undefined, 'session disposed');
  }

  private async execute<Request, Reply>(
    command: Command<Request, Reply>,
    request: Request,
    options: CallOptions,
  ): Promise<Reply> {
    const requestId = this.nextRequestId();
    const label = `${command.name} (request ${requestId})`;
    if (this.closedBy) throw this.closedError(label);
    this.counters.commands++;
    const frame = encodeFrame(
      encodeMessage({ requestId, command: command.code, status: 0, payload: command.request.encode(request) }),
      { leadingDelimiter: true },
    );
    const idempotent = command.idempotent(request);
    const attempts = idempotent ? Math.max(1, options.attempts ?? this.attempts) : 1;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;

    // The stated deadline (`deadlineMs`) holds for the whole call, whatever the attempts' timers
    // and the transport do: when it passes, the attempt in flight ends as a timeout and is the last.
    const deadlineMs = attempts * timeoutMs;
    let expired = false;
    let onExpiry = (): void => undefined;
    const expiry = new Promise<void>((resolve) => (onExpiry = resolve));
    const deadlineTimer = setTimeout(() => {
      expired = true;
      onExpiry();
      const inFlight = this.inFlight;
      if (inFlight?.requestId === requestId) inFlight.settle({ kind: 'timeout', corruptions: inFlight.corruptions });
    }, deadlineMs);
    try {
      // Stale input: anything received before this command cannot be its reply. A transport that
      // never finishes discarding must not hold the call past its deadline.
      this.decoder.reset();
      await Promise.race([this.transport.discardInput?.(), expiry]);
      if (expired) {
        throw new TimeoutError(`${label}: ${this.transport.description} did not discard its input within ${deadlineMs} ms`, {
          command: command.name,
          attempts: 0,
          timeoutMs,
        });
      }
      this.decoder.reset();

      let timeouts = 0;
      const corruptions: FrameError[] = [];
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.exchange(frame, requestId, command.code | REPLY_BIT, timeoutMs, idempotent, label);
        if (outcome.kind === 'reply') return this.interpret(command, outcome.message, label);
        if (outcome.kind === 'closed') throw this.closedError(label);
        if (outcome.kind === 'write-failed') throw outcome.error;
        if (outcome.kind === 'timeout') {
          timeouts++;
          corruptions.push(...outcome.corruptions);
        } else {
          corruptions.push(...outcome.errors);
        }
        if (attempt >= attempts || expired) throw this.failure(label, command.name, outcome.kind, attempt, timeouts, timeoutMs, corruptions, idempotent);
        this.counters.resends++;
        this.events.emit({
          kind: 'resend',
          command: command.name,
          requestId,
          attempt: attempt + 1,
          reason: outcome.kind === 'timeout' ? 'timeout' : 'corrupt-frame',
        });
      }
    } finally {
      clearTimeout(deadlineTimer);
    }
  }

  private exchange(
    frame: Uint8Array,
    requestId: number,
    replyCode: number,
    timeoutMs: number,
    resendOnCorruption: boolean,
    label: string,
  ): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const inFlight: InFlight = {
        requestId,
        replyCode,
        resendOnCorruption,
        corruptions: [],
        settle: (outcome) => {
          if (this.inFlight !== inFlight) return;
          this.inFlight = undefined;
          clearTimeout(inFlight.timer);
          clearTimeout(inFlight.graceTimer);
          resolve(outcome);
        },
      };
      this.inFlight = inFlight;
      this.counters.framesSent++;
      // The clock starts at the write: a transport that never takes the bytes times out too.
      inFlight.timer = setTimeout(() => inFlight.settle({ kind: 'timeout', corruptions: inFlight.corruptions }), timeoutMs);
      this.transport.write(frame).then(
        () => undefined,
        (error: Error) =>
          inFlight.settle({
            kind: 'write-failed',
            // Transport errors name the transport already; anything else gets its name here.
            error: new DeviceError(
              error instanceof DeviceError ? `${label}: ${error.message}` : `${label}: writing to ${this.transport.description} failed: ${error.message}`,
            ),
          }),
      );
    });
  }

  private receive(bytes: Uint8Array): void {
    for (const event of this.decoder.push(bytes)) this.handle(event);
  }

  private handle(event: FrameEvent): void {
    const inFlight = this.inFlight;
    if (event.kind === 'error') {
      this.counters.corruptFrames++;
      this.events.emit({ kind: 'corrupt-frame', error: event.error });
      if (!inFlight) return;
      inFlight.corruptions.push(event.error);
      if (inFlight.resendOnCorruption && !inFlight.graceTimer) {
        inFlight.graceTimer = setTimeout(() => inFlight.settle({ kind: 'corrupt', errors: inFlight.corruptions }), this.corruptionGraceMs);
      }
      return;
    }
    const message = decodeMessage(event.message);
    if (inFlight && message.requestId === inFlight.requestId && message.command === inFlight.replyCode) {
      inFlight.settle({ kind: 'reply', message });
      return;
    }
    this.counters.staleFrames++;
    this.events.emit({ kind: 'stale-frame', message });
  }

  private closed(error?: Error, reason?: string): void {
    if (!this.closedBy) this.closedBy = { error: error ?? (reason ? new Error(reason) : undefined) };
    this.inFlight?.settle({ kind: 'closed' });
  }

  private closedError(label: string): DeviceError {
    const cause = this.closedBy?.error;
    return new DeviceError(
      `${label}: ${this.transport.description} is closed${cause ? ` (${cause.message})` : ''}`,
      { transport: this.transport.description },
    );
  }

  private interpret<Request, Reply>(command: Command<Request, Reply>, message: Message, label: string): Reply {
    if (message.status === statusCodes.OK) return command.reply.decode(message.payload);
    const status = statusName(message.status);
    if (status === 'RUN_FAILED') {
      const failure = runFailure.decode(message.payload);
      throw new DeviceError(`${label}: the board failed in op ${failure.op} (kernel status ${failure.kernelStatus})`, {
        command: command.name,
        status,
        ...failure,
      });
    }
    throw new DeviceError(
      `${label}: the board answered ${status ?? `unknown status 0x${message.status.toString(16).padStart(2, '0')}`}`,
      { command: command.name, status: status ?? message.status },
    );
  }

  private failure(
    label: string,
    command: string,
    last: 'timeout' | 'corrupt',
    attempts: number,
    timeouts: number,
    timeoutMs: number,
    corruptions: FrameError[],
    idempotent: boolean,
  ): Error {
    const tried = `${attempts} attempt${attempts > 1 ? 's' : ''}`;
    const data = { command, attempts, timeouts, timeoutMs, corruptFrames: corruptions.length };
    const lastCorruption = corruptions.at(-1);
    if (last === 'corrupt' || (lastCorruption && !idempotent)) {
      const cannotResend = idempotent ? '' : `; ${command} with these arguments cannot be resent`;
      return new ProtocolError(
        `${label}: no valid reply from ${this.transport.description} in ${tried}, ${corruptions.length} corrupted frame(s) ` +
          `(last: ${lastCorruption!.reason}: ${lastCorruption!.detail})${cannotResend}`,
        data,
      );
    }
    return new TimeoutError(
      `${label}: no reply from ${this.transport.description} within ${timeoutMs} ms (${tried})`,
      data,
    );
  }

  private nextRequestId(): number {
    const id = this.requestId;
    this.requestId = (this.requestId + 1) & 0xffff;
    return id;
  }
}
