import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Interpreter } from '../../../common/interp/interpreter.js';
import { bytesOf, dataFromBytes } from '../../../common/ir/tensor.js';
import type { Graph } from '../../../common/ir/types.js';
import { DeviceClient } from '../../../common/protocol/client.js';
import { Session } from '../../../common/protocol/session.js';
import { FakeBoard, type FakeBoardOptions } from '../../../common/protocol/testing/fake-board.js';
import { sharedPath } from '../../../../../test/testing/shared-data.js';
import { requireTools } from '../../../../../test/testing/tools.js';
import { loadModelFile } from '../../model-file.js';
import { negotiateBaudRate } from './baud.js';
import { SerialPortTransport } from './serial.js';
import { PtyLink } from './testing/pty-link.js';
import { spawnSync } from 'node:child_process';

/**
 * SET_BAUD over a pty pair (socat) through the serialport transport, with a FakeBoard on the
 * other end: the host's rate is the one it set on its port, and the fake's line decides whether
 * the link carries a rate. A board whose UART makes the rate and a link that carries it run the
 * session at the new rate; otherwise the host and the board both end at 115200 and the session
 * still works.
 */
describe('a faster line agreed after HELLO', () => {
  requireTools(spawnSync('socat', ['-V']).status === 0 ? undefined : 'socat (apt-get install socat)');
  let graph: Graph;
  let directory: string | undefined;
  let link: PtyLink | undefined;
  const transports: SerialPortTransport[] = [];

  beforeAll(async () => {
    graph = await loadModelFile(sharedPath('models/mlperf_tiny/kws_ref_model.tflite'));
  });
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
    await link?.stop();
    link = undefined;
    if (directory) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  });

  /** A host port and a fake board on the pty pair, the fake told the host port's rate. */
  async function connect(options: Omit<FakeBoardOptions, 'line'> & { carries?: (baudRate: number) => boolean }) {
    directory = mkdtempSync(join(tmpdir(), 'tinydeploy-baud-'));
    link = await PtyLink.start(join(directory, 'host'), join(directory, 'board'));
    const boardEnd = await SerialPortTransport.open(link.boardPath);
    const hostEnd = await SerialPortTransport.open(link.hostPath);
    transports.push(hostEnd, boardEnd);
    let hostBaudRate = 115200;
    const host = {
      setBaudRate: async (rate: number) => {
        await hostEnd.setBaudRate(rate);
        hostBaudRate = rate;
      },
      write: (bytes: Uint8Array) => hostEnd.write(bytes),
    };
    const { carries, ...fakeOptions } = options;
    const board = new FakeBoard(graph, boardEnd, { ...fakeOptions, line: { hostBaudRate: () => hostBaudRate, ...(carries ? { carries } : {}) } });
    const client = new DeviceClient(new Session(hostEnd, { timeoutMs: 500 }));
    await client.hello({ attempts: 5 });
    return { board, client, host, port: link.hostPath };
  }

  /** A whole inference over the line: the board's output equals the interpreter's. */
  async function inferenceWorks(client: DeviceClient) {
    const input = Uint8Array.from({ length: 490 }, (_, i) => (i * 101) & 0xff);
    await client.loadInput(0, input);
    await client.run({ runs: 1 });
    const expected = new Interpreter(graph).run([dataFromBytes('int8', input)]).outputs[0];
    expect([...(await client.readOutput(0))]).toEqual([...bytesOf(expected)]);
  }

  it('a board that makes 921600 on a link that carries it: the session runs at 921600', async () => {
    const { board, client, host, port } = await connect({ baudRates: [921_600, 460_800, 230_400] });
    expect(await negotiateBaudRate(client, host, port)).toEqual({ baudRate: 921_600, failed: [] });
    expect(board.baudRate).toBe(921_600);
    await inferenceWorks(client);
  });

  it('a rate the UART cannot make is refused (BAD_ARGUMENT) and the next one is asked', async () => {
    const { board, client, host, port } = await connect({ baudRates: [460_800] });
    expect(await negotiateBaudRate(client, host, port)).toEqual({ baudRate: 460_800, failed: [] });
    expect(board.baudRate).toBe(460_800);
    await inferenceWorks(client);
  });

  it('a rate the link does not carry: both ends go back to 115200, then a slower rate is tried', async () => {
    const { board, client, host, port } = await connect({ baudRates: [921_600, 460_800], carries: (rate) => rate <= 460_800 });
    expect(await negotiateBaudRate(client, host, port)).toEqual({ baudRate: 460_800, failed: [921_600] });
    expect(board.baudRate).toBe(460_800);
    await inferenceWorks(client);
  });

  it('a link that carries nothing faster: the line stays at 115200 and works', async () => {
    const { board, client, host, port } = await connect({ baudRates: [921_600, 460_800, 230_400], carries: (rate) => rate === 115200 });
    expect(await negotiateBaudRate(client, host, port)).toEqual({ baudRate: 115200, failed: [921_600, 460_800, 230_400] });
    expect(board.baudRate).toBe(115200);
    await inferenceWorks(client);
  });

  it('firmware without SET_BAUD answers UNKNOWN_COMMAND: the line stays at 115200 after one question', async () => {
    const { board, client, host, port } = await connect({});
    expect(await negotiateBaudRate(client, host, port)).toEqual({ baudRate: 115200, failed: [], unsupported: true });
    expect(board.received.filter((request) => request.command === 0x0a).map((request) => request.status)).toEqual(['UNKNOWN_COMMAND']);
    await inferenceWorks(client);
  });
});
