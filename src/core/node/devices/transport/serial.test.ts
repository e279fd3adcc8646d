import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../../common/errors.js';
import { Interpreter } from '../../../common/interp/interpreter.js';
import { DeviceClient } from '../../../common/protocol/client.js';
import { commands } from '../../../common/protocol/messages.js';
import { Session } from '../../../common/protocol/session.js';
import { bytesOf, dataFromBytes } from '../../../common/ir/tensor.js';
import type { Graph } from '../../../common/ir/types.js';
import { loadModelFile } from '../../model-file.js';
import { FakeBoard } from '../../../common/protocol/testing/fake-board.js';
import { SerialPortTransport } from './serial.js';

/**
 * Two connected pseudo-terminals, like a board's UART seen from the host. socat makes them when
 * installed (CI installs it); otherwise a few lines of python3's pty module do the same.
 */
interface PtyPair {
  hostPath: string;
  boardPath: string;
  process: ChildProcess;
}

const pythonBridge = `
import os, pty, select, sys, tty
pairs = [pty.openpty(), pty.openpty()]
for _, follower in pairs:
    tty.setraw(follower)
print(os.ttyname(pairs[0][1]), os.ttyname(pairs[1][1]), flush=True)
leaders = [pairs[0][0], pairs[1][0]]
while True:
    ready, _, _ = select.select(leaders, [], [])
    for fd in ready:
        os.write(leaders[1] if fd == leaders[0] else leaders[0], os.read(fd, 4096))
`;
import { sharedPath } from '../../../../../test/testing/shared-data.js';

/** `TINYDEPLOY_PTY_BRIDGE=python` tests the fallback where socat is installed. */
const hasSocat = process.env.TINYDEPLOY_PTY_BRIDGE !== 'python' && spawnSync('socat', ['-V']).status === 0;

async function createPtyPair(): Promise<PtyPair> {
  if (hasSocat) {
    const directory = mkdtempSync(join(tmpdir(), 'tinydeploy-pty-'));
    const hostPath = join(directory, 'host');
    const boardPath = join(directory, 'board');
    const child = spawn('socat', [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${boardPath}`], { stdio: 'ignore' });
    let exited = false;
    child.once('exit', () => {
      exited = true;
      rmSync(directory, { recursive: true, force: true });
    });
    // socat signals nothing when the links exist: look until they do, or fail when it exits.
    while (!(existsSync(hostPath) && existsSync(boardPath))) {
      if (exited) throw new Error(`socat exited (code ${child.exitCode}) without making a pty pair`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { hostPath, boardPath, process: child };
  }
  const child = spawn('python3', ['-c', pythonBridge], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`neither socat nor python3 can make a pty pair: ${error.message}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const [hostPath, boardPath] = line.split(' ');
  return { hostPath, boardPath, process: child };
}

let graph: Graph;
let pair: PtyPair | undefined;
const transports: SerialPortTransport[] = [];

beforeAll(async () => {
  graph = await loadModelFile(sharedPath('models/mlperf_tiny/kws_ref_model.tflite'));
});

afterEach(async () => {
  for (const transport of transports.splice(0)) await transport.close();
  pair?.process.kill();
  pair = undefined;
});

describe(`serialport transport over a pty pair (${hasSocat ? 'socat' : 'python3 pty'})`, () => {
  it('carries a whole profiling session to a fake board on the other end', async () => {
    pair = await createPtyPair();
    const boardEnd = await SerialPortTransport.open(pair.boardPath);
    const hostEnd = await SerialPortTransport.open(pair.hostPath, { baudRate: 115200 });
    transports.push(hostEnd, boardEnd);
    expect(hostEnd.description).toBe(`serial ${pair.hostPath}`);
    new FakeBoard(graph, boardEnd, { maxPayload: 1024 });

    const client = new DeviceClient(new Session(hostEnd, { timeoutMs: 2000 }));
    const info = await client.hello({ attempts: 5, timeoutMs: 500 });
    expect(info.maxPayload).toBe(1024);
    const input = Uint8Array.from({ length: 490 }, (_, i) => (i * 101) & 0xff);
    await client.loadInput(0, input);
    await client.run({ runs: 2 });
    const host = new Interpreter(graph).run([dataFromBytes('int8', input)], { keepIntermediates: true });
    expect([...(await client.readOutput(0))]).toEqual([...bytesOf(host.outputs[0])]);
    const convOutput = graph.ops[0].outputs[0];
    expect([...(await client.readTensor(convOutput))]).toEqual([...bytesOf(host.tensors!.get(convOutput)!)]);
    expect(await client.readProfile()).toHaveLength(graph.ops.length);
    await client.echo(Uint8Array.from({ length: 1024 }, (_, i) => i % 3));
  });

  it('names the path it cannot open', async () => {
    await expect(SerialPortTransport.open('/dev/tinydeploy-no-such-port')).rejects.toThrow(DeviceError);
    await expect(SerialPortTransport.open('/dev/tinydeploy-no-such-port')).rejects.toThrow(/^serial \/dev\/tinydeploy-no-such-port: cannot open: /);
  });

  it('fails a command cleanly when the line goes away', async () => {
    pair = await createPtyPair();
    const hostEnd = await SerialPortTransport.open(pair.hostPath);
    transports.push(hostEnd);
    const session = new Session(hostEnd, { timeoutMs: 300, attempts: 2 });
    // The line is gone once the bridge process has exited (its exit, not a guessed delay).
    const bridgeExited = new Promise((resolve) => pair!.process.once('exit', resolve));
    pair.process.kill();
    await bridgeExited;
    // Depending on when the OS notices, the write fails, the port closes, or nothing answers.
    const failure = session.call(commands.HELLO, undefined);
    await expect(failure).rejects.toThrow(/^HELLO \(request \d+\): (serial .* (is closed|write failed)|no reply from serial .* within 300 ms \(2 attempts\))/);
  });
});
