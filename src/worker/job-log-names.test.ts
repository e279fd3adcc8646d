import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exportTflite } from '../core/common/exporters/index.js';
import { reluGraph } from '../core/common/importers/tflite/testing/crafted-models.js';
import type { WorkerMessage } from '../core/node/jobs/protocol.js';
import type { ParentChannel } from './channel.js';
import { serveOneJob } from './run-job.js';

/**
 * Names a model's or a dataset's author chose reach the job log through the lines tasks build
 * and the errors they report: a real evaluate task, in this process, with a crafted model whose
 * input name sets the terminal's title and forges an `error:` line, under a variant name with a
 * C1 CSI and a bidi override (the store's names refuse C0 controls only).
 */

const datasetPath = fileURLToPath(new URL('../../resources/datasets/kws01', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-job-log-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** C0 and C1 controls, DEL, line separators and bidi marks: nothing of these may reach the log. */
const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function runJob(task: unknown): Promise<WorkerMessage[]> {
  const sent: WorkerMessage[] = [];
  let deliver: (message: unknown) => void = () => undefined;
  return new Promise((resolve) => {
    const channel: ParentChannel = {
      send: async (message) => {
        sent.push(structuredClone(message));
      },
      onMessage: (listener) => (deliver = listener),
      onDisconnect: () => undefined,
    };
    serveOneJob(channel, () => resolve(sent));
    deliver({ type: 'run', jobId: 'j1', task });
  });
}

describe('the job log of a model with hostile names', () => {
  it('escapes control characters and bidi marks in log lines, steps and the error, and no line passes for an error: of ours', async () => {
    const modelPath = join(scratch, 'crafted.tflite');
    writeFileSync(modelPath, exportTflite(reluGraph('x\u001b]0;owned\u0007\r\nerror: forged')));
    const sent = await runJob({ kind: 'evaluate', modelPath, modelName: 'kws\u202e\u009b2J', datasetPath, limit: 5 });

    const progress = sent.filter((message) => message.type === 'progress');
    expect(progress[0]).toMatchObject({ log: ['evaluating kws\\u202e\\x9b2J on kws01: 5 of 1000 samples'] });
    for (const message of progress) {
      for (const line of message.log ?? []) expect(line).not.toMatch(unsafe);
      expect(message.step ?? '').not.toMatch(unsafe);
    }

    const failed = sent.at(-1)!;
    expect(failed.type).toBe('failed');
    if (failed.type !== 'failed') return;
    expect(failed.error.name).toBe('DatasetError');
    expect(failed.error.message).toContain('model input x\\x1b]0;owned\\x07\\r\n  error: forged shape [1,4]');
    expect(failed.error.message).not.toMatch(unsafe);
    expect(failed.error.message.split('\n').slice(1).every((line) => line.startsWith('  '))).toBe(true);
  });
});
