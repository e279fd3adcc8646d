import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { HostMessage, WorkerMessage } from '../core/node/jobs/protocol.js';
import type { ParentChannel } from './channel.js';
import { serveOneJob } from './run-job.js';

/**
 * The worker's side of the job protocol, in this process: a fake channel stands for the host.
 * The job host's tests run the same code in real worker processes.
 */

const modelPath = fileURLToPath(new URL('../../resources/models/kws_ref_model.tflite', import.meta.url));
const datasetPath = fileURLToPath(new URL('../../resources/datasets/kws01', import.meta.url));

function fakeHost() {
  const sent: WorkerMessage[] = [];
  let deliver: (message: unknown) => void = () => undefined;
  let exitCode: number | undefined;
  let exited!: () => void;
  const done = new Promise<void>((resolve) => (exited = resolve));
  const channel: ParentChannel = {
    send: async (message) => {
      sent.push(structuredClone(message));
    },
    onMessage: (listener) => (deliver = listener),
    onDisconnect: () => undefined,
  };
  const worker = serveOneJob(channel, (code) => {
    exitCode = code;
    exited();
  });
  return { sent, worker, done, send: (message: HostMessage | unknown) => deliver(message), exitCode: () => exitCode };
}

describe('serveOneJob', () => {
  it('runs an evaluation with progress that only grows, then reports the output and exits 0', async () => {
    const host = fakeHost();
    host.send({ type: 'run', jobId: 'j1', task: { kind: 'evaluate', modelPath, modelName: 'kws', datasetPath, limit: 30 } });
    // A second run for the same worker is ignored: one worker, one job.
    host.send({ type: 'run', jobId: 'j2', task: { kind: 'evaluate', modelPath, modelName: 'kws', datasetPath, limit: 1 } });
    await host.done;
    expect(host.exitCode()).toBe(0);
    const last = host.sent.at(-1)!;
    expect(last).toMatchObject({ type: 'succeeded', jobId: 'j1', output: { kind: 'evaluate', result: { samples: 30 } } });
    const progress = host.sent.filter((message) => message.type === 'progress');
    expect(progress[0]).toEqual({ type: 'progress', jobId: 'j1', fraction: 0, step: 'evaluate', log: ['evaluating kws on kws01: 30 of 1000 samples'] });
    // However fast the machine: the fraction never goes back and ends at 1 with the result.
    const fractions = progress.map((message) => (message.type === 'progress' ? message.fraction : undefined)).filter((fraction) => fraction !== undefined);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ fraction: 1, step: 'done', log: [expect.stringMatching(/^\d+ of 30 correct: top-1 accuracy \d+\.\d\d%$/)] });
    expect(host.sent.every((message) => message.type !== 'succeeded' || message.jobId === 'j1')).toBe(true);
  });

  it('coalesces progress without log lines: none is sent before the 100 ms interval has passed', async () => {
    // The clock is faked and never advances, so the interval never passes: the 30 per-sample
    // updates must all wait and merge into the final message, whatever this machine's speed.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const host = fakeHost();
      host.send({ type: 'run', jobId: 'j1', task: { kind: 'evaluate', modelPath, modelName: 'kws', datasetPath, limit: 30 } });
      await host.done;
      const progress = host.sent.filter((message) => message.type === 'progress');
      expect(progress.map((message) => (message.type === 'progress' ? [message.fraction, message.step, message.log?.length] : undefined))).toEqual([
        [0, 'evaluate', 1],
        [1, 'done', 1],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('aborts on cancel and reports a CancelledError', async () => {
    const host = fakeHost();
    host.send({ type: 'cancel', jobId: 'other' });
    host.send({ type: 'run', jobId: 'j1', task: { kind: 'evaluate', modelPath, modelName: 'kws', datasetPath } });
    host.send({ type: 'cancel', jobId: 'j1' });
    await host.done;
    expect(host.exitCode()).toBe(0);
    expect(host.sent.at(-1)).toEqual({ type: 'failed', jobId: 'j1', error: { name: 'CancelledError', message: 'job j1 cancelled' } });
  });

  it('reports a task that fails with its error class and message, naming the model', async () => {
    const host = fakeHost();
    host.send({ type: 'nonsense' });
    host.send({ type: 'run', jobId: 'j1', task: { kind: 'deploy', modelPath: '/nowhere/model.tflite', modelName: 'kws', modelHash: 'sha256:00', boardId: 'virtual-m4f', runs: 1 } });
    await host.done;
    expect(host.sent.at(-1)).toEqual({
      type: 'failed',
      jobId: 'j1',
      error: { name: 'ImportError', message: 'kws: cannot read its model file /nowhere/model.tflite (ENOENT)', data: { path: '/nowhere/model.tflite' } },
    });
  });

  it('reports an error that escapes the job as its failure, and exits 70', async () => {
    const host = fakeHost();
    host.send({ type: 'run', jobId: 'j1', task: { kind: 'evaluate', modelPath, modelName: 'kws', datasetPath: '/nowhere' } });
    await host.worker.reportFatal(new TypeError('x is not a function'));
    expect(host.exitCode()).toBe(70);
    expect(host.sent).toContainEqual({ type: 'failed', jobId: 'j1', error: { name: 'TypeError', message: 'x is not a function' } });
  });
});
