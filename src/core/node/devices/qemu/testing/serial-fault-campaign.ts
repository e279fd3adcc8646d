import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virtualM4f } from '../../../../common/boards/index.js';
import { TinyDeployError } from '../../../../common/errors.js';
import { Interpreter } from '../../../../common/interp/interpreter.js';
import { bytesOf, dataFromBytes } from '../../../../common/ir/tensor.js';
import type { Graph, Tensor } from '../../../../common/ir/types.js';
import { DeviceClient } from '../../../../common/protocol/client.js';
import { Session, type SessionOptions } from '../../../../common/protocol/session.js';
import { FaultyTransport, seededGenerator, type FaultCounts, type FaultRates } from '../../../../common/protocol/testing/faulty-transport.js';
import { seededInputs } from '../../../deploy/inputs.js';
import { buildModelGraph } from '../../../toolchain/build-model.js';
import { SerialPortTransport } from '../../transport/serial.js';
import { connectVirtualBoard, type VirtualBoardConnection } from '../virtual-board-connection.js';

/**
 * The serial fault campaign (issue 16; `bench/serial-faults`, `serial-faults.process.test.ts`):
 * a small int8 model built into the profiler firmware for virtual-m4f, and RUNs — LOAD_INPUT of a
 * fresh input, RUN, READ_OUTPUT, compared with the host interpreter — through a `FaultyTransport`
 * between the QEMU pty and the session, which drops, duplicates and corrupts bytes in both
 * directions. Every `unplugEvery`-th RUN the line is pulled mid-RUN and reopened. Each RUN is
 * classified; a wrong result accepted (output differs, no error) or a failure later than the
 * session's stated deadline for the failing call is a bug.
 */

export interface CampaignOptions {
  runs: number;
  seed: number;
  /** Per-byte fault rates, each direction. */
  rates: FaultRates;
  /** Pull the line mid-RUN on every n-th RUN (0: never). */
  unplugEvery: number;
  /** Session timeouts (short ones keep the campaign fast; the checks are against whatever is stated). */
  session: SessionOptions;
  /** RUN reply timeout per run, ms. */
  runTimeoutMs: number;
  /** How long after the call's deadline (as the event loop reaches it) a failure may come before it counts as late, ms. */
  lateAllowanceMs: number;
  /** Called every 100 RUNs. */
  onProgress?: (done: number, counts: CampaignCounts) => void;
}

export interface CampaignCounts {
  runs: number;
  correct: number;
  /** Failed with a TinyDeploy error within the deadline. */
  cleanFailures: number;
  /** Output differs from the host's and no error: must stay 0. */
  wrongAccepted: number;
  /**
   * Failed more than the allowance after the event loop reached the call's stated deadline (see
   * `instrumentedSession`; `wallClockOverAllowance` for the wall clock), or never settled: must stay 0.
   */
  lateFailures: number;
  /** Failed with something that is not a TinyDeploy error (a crash): must stay 0. */
  unexpectedErrors: number;
  /** Clean failures by error class and command: `TimeoutError RUN`. */
  failuresByKind: Record<string, number>;
  unplugs: {
    cases: number;
    /** The RUN in flight failed with DeviceError or TimeoutError within its deadline. */
    cleanWithinDeadline: number;
    /** The line was reopened and HELLO answered. */
    reconnected: number;
    /** A RUN after reconnecting gave the host's output (tried until one gets through the faulty line). */
    nextRunCorrect: number;
    /** Clean failures of the RUNs tried after reconnecting before one was correct (not in `runs`). */
    recoveryFailures: number;
    /** Slowest failure of the pulled RUN, ms. */
    maxFailureMs: number;
  };
  /** Largest (time to error − stated deadline) over all failures, wall clock, ms (negative: all early). */
  maxOvershootMs: number;
  /**
   * Failures whose wall-clock time exceeded deadline + allowance: on a loaded host the process may
   * not run for a while, and every timer fires late; `lateFailures` counts only those late by the
   * stack's own doing.
   */
  wallClockOverAllowance: number;
  /** Slowest failure, with its deadline. */
  slowestFailure?: { command: string; ms: number; deadlineMs: number; error: string };
  examples: { wrongAccepted: string[]; late: string[]; unexpected: string[] };
  faults: { toBoard: FaultCounts; toHost: FaultCounts };
  session: { commands: number; framesSent: number; resends: number; corruptFrames: number; staleFrames: number };
  wallMs: number;
}

/** The campaign's model: int8 FULLY_CONNECTED 16 → 8 then SOFTMAX (16-byte input, 8-byte output: short frames). */
export function campaignGraph(seed = 7): Graph {
  const random = seededGenerator(seed);
  const weights = Int8Array.from({ length: 8 * 16 }, () => Math.floor(random() * 255) - 127);
  const bias = Int32Array.from({ length: 8 }, () => Math.floor(random() * 4000) - 2000);
  const q = (scale: number, zeroPoint: number): Tensor['quantization'] => ({ scale: [scale], zeroPoint: [zeroPoint], axis: 0 });
  const tensors: Tensor[] = [
    { id: 0, name: 'input', dtype: 'int8', shape: [1, 16], quantization: q(0.05, -3) },
    { id: 1, name: 'weights', dtype: 'int8', shape: [8, 16], data: weights, quantization: q(0.01, 0) },
    { id: 2, name: 'bias', dtype: 'int32', shape: [8], data: bias, quantization: q(0.05 * 0.01, 0) },
    { id: 3, name: 'dense', dtype: 'int8', shape: [1, 8], quantization: q(0.08, 2) },
    { id: 4, name: 'probabilities', dtype: 'int8', shape: [1, 8], quantization: q(1 / 256, -128) },
  ];
  return {
    name: 'serial_fault_model',
    tensors,
    ops: [
      { type: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [3], attrs: { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false } },
      { type: 'SOFTMAX', inputs: [3], outputs: [4], attrs: { beta: 1 } },
    ] as Graph['ops'],
    inputs: [0],
    outputs: [4],
  };
}

interface CallRecord {
  command: string;
  startedAt: number;
  deadlineMs: number;
  /** When the marker timer due at the deadline fired (performance.now()), if it did. */
  deadlineSeenAt?: number;
  marker?: ReturnType<typeof setTimeout>;
}

/**
 * A session whose calls remember when the last one started and the deadline the session states
 * for it, and set a marker timer due at that deadline, of the same duration as the session's own
 * deadline timer and made just before it (so Node runs it just before it). On a loaded host every
 * timer fires late; the time from the marker to the failure is what the protocol stack and the
 * board's guard added after the deadline, whatever the scheduler did.
 */
function instrumentedSession(transport: FaultyTransport, options: SessionOptions): { session: Session; last: () => CallRecord | undefined } {
  const session = new Session(transport, options);
  let last: CallRecord | undefined;
  const call = session.call.bind(session);
  session.call = ((command, request, callOptions) => {
    // Calls are sequential here (the client awaits each), so a call starts when it is made.
    const record: CallRecord = { command: command.name, startedAt: performance.now(), deadlineMs: session.deadlineMs(command, request, callOptions) };
    record.marker = setTimeout(() => (record.deadlineSeenAt = performance.now()), record.deadlineMs);
    last = record;
    const result = call(command, request, callOptions);
    result.then(
      () => clearTimeout(record.marker),
      () => undefined,
    );
    return result;
  }) as Session['call'];
  return { session, last: () => last };
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

export async function runSerialFaultCampaign(options: CampaignOptions): Promise<CampaignCounts> {
  const started = performance.now();
  const graph = campaignGraph();
  const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-serial-faults-'));
  const counts: CampaignCounts = {
    runs: 0,
    correct: 0,
    cleanFailures: 0,
    wrongAccepted: 0,
    lateFailures: 0,
    unexpectedErrors: 0,
    failuresByKind: {},
    unplugs: { cases: 0, cleanWithinDeadline: 0, reconnected: 0, nextRunCorrect: 0, recoveryFailures: 0, maxFailureMs: 0 },
    maxOvershootMs: -Infinity,
    wallClockOverAllowance: 0,
    examples: { wrongAccepted: [], late: [], unexpected: [] },
    faults: { toBoard: zeroFaults(), toHost: zeroFaults() },
    session: { commands: 0, framesSent: 0, resends: 0, corruptFrames: 0, staleFrames: 0 },
    wallMs: 0,
  };
  let connection: VirtualBoardConnection | undefined;
  let line: SerialPortTransport | undefined;
  try {
    const hash = createHash('sha256').update(JSON.stringify(graph, (_, value) => (ArrayBuffer.isView(value) ? Array.from(value as Int8Array) : value))).digest('hex');
    const { model, build } = await buildModelGraph(graph, { board: virtualM4f, out: directory, application: 'profiler', name: graph.name, hash });
    const reference = model.graph;
    const host = new Interpreter(reference, { state: 'reset' });
    let lineSeed = options.seed;
    let faulty: FaultyTransport | undefined;
    const wrap = (transport: SerialPortTransport) => {
      faulty = new FaultyTransport(transport, { seed: lineSeed++, toBoard: options.rates, toHost: options.rates });
      return faulty;
    };
    // Bring-up over a clean line (the campaign is about RUNs), then faults from the first RUN.
    connection = await connectVirtualBoard(virtualM4f, build!.elf, { session: options.session });
    const board = connection.board;
    line = connection.transport;
    let current = instrumentedSession(wrap(line), options.session);
    let client = new DeviceClient(current.session, { runTimeoutMs: options.runTimeoutMs });
    const retire = () => {
      const statistics = current.session.statistics;
      for (const key of Object.keys(counts.session) as (keyof CampaignCounts['session'])[]) counts.session[key] += statistics[key];
      for (const direction of ['toBoard', 'toHost'] as const) {
        for (const key of Object.keys(counts.faults[direction]) as (keyof FaultCounts)[]) counts.faults[direction][key] += faulty!.counts[direction][key];
      }
      current.session.dispose();
    };
    // HELLO over the faulty line until it gets through (the board info is needed for chunking).
    const hello = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await board.guard(client.hello({ attempts: 20, timeoutMs: 250 }));
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
        }
      }
    };
    await hello();
    const random = seededGenerator(options.seed ^ 0x5eed);
    /** The pull of the current line, once made (the pty must be closed before it is reopened). */
    let unplugged: Promise<void> | undefined;

    /** One RUN; `unplugAfterMs` pulls the line that long after RUN is sent. */
    /** True once the pull of the current unplug case has been made while its RUN cycle was in flight. */
    let pulledMidRun = false;
    const runOnce = async (index: number, unplugAfterMs?: number, recovery = false): Promise<'correct' | 'failed' | 'wrong'> => {
      const input = seededInputs(reference, index + 1)[0];
      const expected = bytesOf(host.run([dataFromBytes(reference.tensors[reference.inputs[0]].dtype, input.slice())]).outputs[0]).slice();
      const session = current;
      const line = faulty!;
      let settled = false;
      try {
        const work = (async () => {
          await client.loadInput(0, input);
          const run = client.run();
          if (unplugAfterMs !== undefined) {
            setTimeout(() => {
              if (settled) return;
              pulledMidRun = true;
              unplugged = line.unplug();
            }, unplugAfterMs);
          }
          await run;
          return client.readOutput(0);
        })();
        // A call that never settles would hang the campaign: give up well past its deadline.
        const output = await board.guard(
          Promise.race([
            work,
            (async () => {
              for (;;) {
                await new Promise((resolve) => setTimeout(resolve, 1000));
                if (settled) return new Uint8Array();
                const last = session.last();
                if (last && performance.now() - last.startedAt > last.deadlineMs + 10_000) throw new HangError(last);
              }
            })(),
          ]),
        );
        settled = true;
        if (same(output, expected)) return 'correct';
        counts.wrongAccepted++;
        if (counts.examples.wrongAccepted.length < 10) {
          counts.examples.wrongAccepted.push(`RUN ${index}: board ${Buffer.from(output).toString('hex')}, host ${Buffer.from(expected).toString('hex')}`);
        }
        return 'wrong';
      } catch (error) {
        settled = true;
        const now = performance.now();
        const last = session.last();
        if (last) clearTimeout(last.marker);
        if (error instanceof HangError || !(error instanceof TinyDeployError)) {
          if (error instanceof HangError) counts.lateFailures++;
          else counts.unexpectedErrors++;
          const list = error instanceof HangError ? counts.examples.late : counts.examples.unexpected;
          if (list.length < 10) list.push(`RUN ${index}: ${(error as Error).stack ?? String(error)}`);
          return 'failed';
        }
        const ms = now - (last?.startedAt ?? now);
        const deadlineMs = last?.deadlineMs ?? 0;
        const overshoot = ms - deadlineMs;
        counts.maxOvershootMs = Math.max(counts.maxOvershootMs, overshoot);
        if (overshoot > options.lateAllowanceMs) counts.wallClockOverAllowance++;
        // Late: the failure came more than the allowance after the loop reached the call's deadline.
        const late = last?.deadlineSeenAt !== undefined && now - last.deadlineSeenAt > options.lateAllowanceMs;
        if (!counts.slowestFailure || ms > counts.slowestFailure.ms) {
          counts.slowestFailure = { command: last?.command ?? '?', ms: Math.round(ms), deadlineMs, error: `${error.name}: ${error.message}` };
        }
        if (late) {
          counts.lateFailures++;
          if (counts.examples.late.length < 10) counts.examples.late.push(`RUN ${index}: ${last?.command} failed after ${Math.round(ms)} ms, deadline ${deadlineMs} ms: ${error.name}: ${error.message}`);
        } else if (recovery) {
          counts.unplugs.recoveryFailures++;
        } else {
          counts.cleanFailures++;
        }
        const kind = `${error.name} ${last?.command ?? '?'}`;
        if (!recovery) counts.failuresByKind[kind] = (counts.failuresByKind[kind] ?? 0) + 1;
        if (unplugAfterMs !== undefined && pulledMidRun) {
          counts.unplugs.maxFailureMs = Math.max(counts.unplugs.maxFailureMs, ms);
          if ((error.name === 'DeviceError' || error.name === 'TimeoutError') && !late) counts.unplugs.cleanWithinDeadline++;
        }
        return 'failed';
      }
    };

    /** An unplug case is due; it stays due until a pull lands while a RUN cycle is in flight. */
    let unplugDue = false;
    for (let index = 0; index < options.runs; index++) {
      if (options.unplugEvery > 0 && (index + 1) % options.unplugEvery === 0) unplugDue = true;
      counts.runs++;
      // The pull lands within the RUN's first attempt: while the command is on its way, the board computes or the reply comes back.
      pulledMidRun = false;
      const outcome = await runOnce(index, unplugDue ? Math.floor(random() * 8) : undefined);
      if (outcome === 'correct') counts.correct++;
      if (pulledMidRun) {
        unplugDue = false;
        counts.unplugs.cases++;
        await unplugged;
        unplugged = undefined;
        retire();
        // Plug back in: reopen the pty, a new session, HELLO.
        line = await SerialPortTransport.open(board.serialPath);
        current = instrumentedSession(wrap(line), options.session);
        client = new DeviceClient(current.session, { runTimeoutMs: options.runTimeoutMs });
        await hello();
        counts.unplugs.reconnected++;
        // The next RUN must work: tried (not counted as campaign RUNs) until one gets through the faulty line.
        for (let attempt = 0; attempt < 50; attempt++) {
          if ((await runOnce(index + 1_000_000 + attempt, undefined, true)) === 'correct') {
            counts.unplugs.nextRunCorrect++;
            break;
          }
        }
      }
      if ((index + 1) % 100 === 0) options.onProgress?.(index + 1, counts);
    }
    retire();
  } finally {
    await line?.close();
    await connection?.board.stop();
    await rm(directory, { recursive: true, force: true });
    counts.wallMs = Math.round(performance.now() - started);
  }
  return counts;
}

class HangError extends Error {
  constructor(record: CallRecord) {
    super(`${record.command} did not settle within ${record.deadlineMs} ms + 10 s`);
  }
}

function zeroFaults(): FaultCounts {
  return { bytes: 0, dropped: 0, duplicated: 0, corrupted: 0 };
}

/**
 * The campaign on `boards` virtual boards at once (each its own QEMU and line, seeds `seed`,
 * `seed + 1`, …), the RUNs shared out between them; the counts are summed.
 */
export async function runSerialFaultCampaigns(options: CampaignOptions, boards: number): Promise<CampaignCounts> {
  const done = new Array<number>(boards).fill(0);
  const live: CampaignCounts[] = [];
  const parts = await Promise.all(
    Array.from({ length: boards }, (_, board) =>
      runSerialFaultCampaign({
        ...options,
        seed: options.seed + board,
        runs: Math.floor(options.runs / boards) + (board < options.runs % boards ? 1 : 0),
        onProgress: (count, counts) => {
          done[board] = count;
          live[board] = counts;
          options.onProgress?.(done.reduce((sum, value) => sum + value, 0), sumCounts(live.filter(Boolean)));
        },
      }),
    ),
  );
  return sumCounts(parts);
}

/** Sums campaign counts (maxima for the max fields, the slowest failure overall, examples concatenated). */
export function sumCounts(parts: CampaignCounts[]): CampaignCounts {
  const add = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
  const faults = (direction: 'toBoard' | 'toHost'): FaultCounts => ({
    bytes: add(parts.map((part) => part.faults[direction].bytes)),
    dropped: add(parts.map((part) => part.faults[direction].dropped)),
    duplicated: add(parts.map((part) => part.faults[direction].duplicated)),
    corrupted: add(parts.map((part) => part.faults[direction].corrupted)),
  });
  const failuresByKind: Record<string, number> = {};
  for (const part of parts) for (const [kind, count] of Object.entries(part.failuresByKind)) failuresByKind[kind] = (failuresByKind[kind] ?? 0) + count;
  const slowest = parts.map((part) => part.slowestFailure).filter((failure) => failure !== undefined).sort((a, b) => b.ms - a.ms)[0];
  return {
    runs: add(parts.map((part) => part.runs)),
    correct: add(parts.map((part) => part.correct)),
    cleanFailures: add(parts.map((part) => part.cleanFailures)),
    wrongAccepted: add(parts.map((part) => part.wrongAccepted)),
    lateFailures: add(parts.map((part) => part.lateFailures)),
    unexpectedErrors: add(parts.map((part) => part.unexpectedErrors)),
    failuresByKind,
    unplugs: {
      cases: add(parts.map((part) => part.unplugs.cases)),
      cleanWithinDeadline: add(parts.map((part) => part.unplugs.cleanWithinDeadline)),
      reconnected: add(parts.map((part) => part.unplugs.reconnected)),
      nextRunCorrect: add(parts.map((part) => part.unplugs.nextRunCorrect)),
      recoveryFailures: add(parts.map((part) => part.unplugs.recoveryFailures)),
      maxFailureMs: Math.max(0, ...parts.map((part) => part.unplugs.maxFailureMs)),
    },
    maxOvershootMs: Math.max(-Infinity, ...parts.map((part) => part.maxOvershootMs)),
    wallClockOverAllowance: add(parts.map((part) => part.wallClockOverAllowance)),
    ...(slowest ? { slowestFailure: slowest } : {}),
    examples: {
      wrongAccepted: parts.flatMap((part) => part.examples.wrongAccepted).slice(0, 10),
      late: parts.flatMap((part) => part.examples.late).slice(0, 10),
      unexpected: parts.flatMap((part) => part.examples.unexpected).slice(0, 10),
    },
    faults: { toBoard: faults('toBoard'), toHost: faults('toHost') },
    session: {
      commands: add(parts.map((part) => part.session.commands)),
      framesSent: add(parts.map((part) => part.session.framesSent)),
      resends: add(parts.map((part) => part.session.resends)),
      corruptFrames: add(parts.map((part) => part.session.corruptFrames)),
      staleFrames: add(parts.map((part) => part.session.staleFrames)),
    },
    wallMs: Math.max(0, ...parts.map((part) => part.wallMs)),
  };
}
