/**
 * Regression tests of what the fuzzer found, each from its case (seed, index) and as a crafted input.
 *
 * 1. A board's READ_TENSOR (or READ_OUTPUT) reply claiming a tensor of up to 4 GiB made
 *    `DeviceClient` allocate all of it before checking the reply (fuzz: protocol seed 2, cases 1021,
 *    6922, 9544, 16059: 2–4 GiB of array buffers for one corrupted reply).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/common/errors.js';
import { importModel } from '../../src/core/common/importers/index.js';
import { DeviceClient } from '../../src/core/common/protocol/client.js';
import { cobsDecode } from '../../src/core/common/protocol/cobs.js';
import { encodeFrame } from '../../src/core/common/protocol/framing.js';
import { commandCodes, decodeMessage, encodeMessage, REPLY_BIT } from '../../src/core/common/protocol/messages.js';
import { Session } from '../../src/core/common/protocol/session.js';
import { FakeBoard } from '../../src/core/common/protocol/testing/fake-board.js';
import { createMockLink } from '../../src/core/common/protocol/testing/mock-transport.js';
import { sharedModels } from '../testing/shared-data.js';
import { runCampaign } from './campaign.js';

/** A fake board whose replies to `command` claim `totalBytes` (the frame's CRC stays valid: the board itself says so). */
function lyingBoard(command: number, totalBytes: number, helloOutputBytes?: number) {
  const graph = importModel(new Uint8Array(readFileSync(sharedModels.trained_lstm_int8)), 'trained_lstm_int8.tflite');
  const link = createMockLink({
    toHost: (bytes) => {
      const body = cobsDecode(bytes.subarray(1, bytes.length - 1));
      const message = decodeMessage(body.subarray(0, body.length - 4));
      const view = new DataView(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength);
      if (message.command === (command | REPLY_BIT)) view.setUint32(0, totalBytes, true);
      else if (helloOutputBytes !== undefined && message.command === (commandCodes.HELLO | REPLY_BIT)) {
        // HELLO: 24 bytes of fields, then 8 bytes per input, then the outputs' 8 bytes (tensor id, dtype, reserved, bytes).
        view.setUint32(24 + 8 * graph.inputs.length + 4, helloOutputBytes, true);
      } else return [bytes];
      return [encodeFrame(encodeMessage(message), { leadingDelimiter: true })];
    },
  });
  const board = new FakeBoard(graph, link.board);
  const client = new DeviceClient(new Session(link.host, { timeoutMs: 5000, firstRequestId: 1 }));
  return { graph, client, close: () => (board.dispose(), link.host.close()) };
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Array buffer bytes `action` allocated and still holds when it ends (collected first, so earlier tests' garbage does not count). */
async function arrayBufferGrowth(action: () => Promise<unknown>): Promise<{ grown: number; error: unknown }> {
  collectGarbage();
  const before = process.memoryUsage().arrayBuffers;
  const error = await action().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { grown: process.memoryUsage().arrayBuffers - before, error };
}

describe('fuzz regressions: device protocol', () => {
  it('a READ_TENSOR reply claiming a 4 GiB tensor is refused without allocating it', async () => {
    const { graph, client, close } = lyingBoard(commandCodes.READ_TENSOR, 0xffffffff);
    try {
      await client.hello();
      await client.run();
      const { grown, error } = await arrayBufferGrowth(() => client.readTensor(graph.outputs[0]));
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(/^READ_TENSOR reply for tensor \d+: \d+ bytes at offset 0 of 4294967295, asked for 504 at 0 of 4294967295$/);
      expect(grown).toBeLessThan(64 << 20);
    } finally {
      await close();
    }
  });

  it('a HELLO and READ_OUTPUT both claiming a 3 GiB output are refused without allocating it', async () => {
    const claim = 3 * 2 ** 30;
    const { client, close } = lyingBoard(commandCodes.READ_OUTPUT, claim, claim);
    try {
      const info = await client.hello();
      expect(info.outputs[0].bytes).toBe(claim);
      await client.run();
      const { grown, error } = await arrayBufferGrowth(() => client.readOutput(0));
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(/^READ_OUTPUT reply for output 0: \d+ bytes at offset 0 of 3221225472, asked for 504 at 0 of 3221225472$/);
      expect(grown).toBeLessThan(64 << 20);
    } finally {
      await close();
    }
  });

  it('replays the fuzz cases that found it: no case is out of memory', async () => {
    for (const index of [1021, 9544]) {
      const result = await runCampaign({ target: 'protocol', seed: 2, first: index, cases: 1 });
      expect(result.counts.oom + result.counts.crash + result.counts.hang, `protocol seed 2 case ${index}`).toBe(0);
    }
  });
});
