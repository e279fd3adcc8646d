import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { requireTools } from '../../../../../test/testing/tools.js';
import { DeviceError, TimeoutError } from '../../../common/errors.js';
import { DeviceClient } from '../../../common/protocol/client.js';
import { Session } from '../../../common/protocol/session.js';
import { helloOrExplain } from '../hello.js';
import { reopenSerialPort, type ListedPort } from './reopen.js';
import { SerialPortTransport } from './serial.js';
import { PtyLink } from './testing/pty-link.js';

/**
 * Reopening a board's serial port after a reset, over socat ptys that go away and come back: at
 * the same path, or at a new path found by USB ids and serial number; and the errors naming the
 * port when it stays missing, is held by someone else, or opens but nobody answers.
 */
describe('serial port reopen after a reset', () => {
  requireTools(spawnSync('socat', ['-V']).error ? 'socat (apt-get install socat)' : undefined);
  let directory: string;
  const links: PtyLink[] = [];
  const transports: SerialPortTransport[] = [];
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-reopen-'));
  });
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
    for (const link of links.splice(0)) await link.stop();
    await rm(directory, { recursive: true, force: true });
  });
  const link = async (host: string, board: string) => {
    const started = await PtyLink.start(join(directory, host), join(directory, board));
    links.push(started);
    return started;
  };
  /** Bytes written at the board end arrive at the host end. */
  const carries = async (host: SerialPortTransport, boardPath: string) => {
    const board = await SerialPortTransport.open(boardPath);
    transports.push(board);
    const received = new Promise<string>((resolve) => host.onData((bytes) => resolve(Buffer.from(bytes).toString())));
    await board.write(Buffer.from('HELLO'));
    return received;
  };

  it('the port goes away and comes back at the same path: reopened with back-off', async () => {
    const first = await link('ttyACM0', 'board0');
    const opened = await reopenSerialPort({ path: first.hostPath });
    expect(opened.attempts).toBe(1);
    // The host lets go of the line before the reset (as the drive flasher does), then the device goes.
    await opened.transport.close();
    await first.stop();
    // The reset: gone for a while, then back.
    const reopening = reopenSerialPort({ path: first.hostPath }, { timeoutMs: 10_000, initialDelayMs: 20, maxDelayMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await link('ttyACM0', 'board0');
    const reopened = await reopening;
    transports.push(reopened.transport);
    expect(reopened.path).toBe(first.hostPath);
    expect(reopened.attempts).toBeGreaterThan(1);
    expect(await carries(reopened.transport, second.boardPath)).toBe('HELLO');
  }, 20_000);

  it('it comes back under a new path: found by USB vendor/product id and serial number', async () => {
    const identity = { path: join(directory, 'ttyACM0'), vendorId: '0483', productId: '374B', serialNumber: '066CFF515' };
    let listed: ListedPort[] = [];
    const reopening = reopenSerialPort(identity, { listPorts: async () => listed, timeoutMs: 10_000, initialDelayMs: 20, maxDelayMs: 100 });
    const moved = await link('ttyACM1', 'board1');
    // Another device at the old path must not be taken for it.
    listed = [
      { path: join(directory, 'ttyACM0'), vendorId: '2e8a', productId: '000c', serialNumber: 'E6616407' },
      { path: moved.hostPath, vendorId: '0483', productId: '374b', serialNumber: '066CFF515' },
    ];
    const reopened = await reopening;
    transports.push(reopened.transport);
    expect(reopened.path).toBe(moved.hostPath);
    expect(await carries(reopened.transport, moved.boardPath)).toBe('HELLO');
  });

  it('a port that stays missing is a DeviceError naming it and its USB identity', async () => {
    const identity = { path: join(directory, 'ttyACM9'), vendorId: '0483', productId: '374b', serialNumber: 'X1' };
    const error = await reopenSerialPort(identity, { listPorts: async () => [], timeoutMs: 300, initialDelayMs: 20 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).message).toMatch(
      new RegExp(`^serial ${identity.path} \\(USB 0483:374b, serial number X1\\) did not come back within 300 ms \\(is the board still plugged in\\?\\); last attempt \\(\\d+\\) on ${identity.path}: serial ${identity.path}: cannot open: no such port`),
    );
    expect((error as DeviceError).data?.reason).toBe('missing');
  });

  it('a port another program holds is a DeviceError saying it is busy', async () => {
    const pty = await link('ttyACM0', 'board0');
    transports.push(await SerialPortTransport.open(pty.hostPath));
    const direct = await SerialPortTransport.open(pty.hostPath).catch((caught: unknown) => caught);
    expect((direct as Error).message).toMatch(new RegExp(`^serial ${pty.hostPath}: cannot open: the port is busy: another program has it open`));
    const error = await reopenSerialPort({ path: pty.hostPath }, { timeoutMs: 300, initialDelayMs: 20 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toMatch(new RegExp(`^serial ${pty.hostPath} stayed busy for 300 ms: another program holds it`));
  });

  it('a port that opens but where nothing answers is a TimeoutError naming the board and the port', async () => {
    const pty = await link('ttyACM0', 'board0');
    const transport = await SerialPortTransport.open(pty.hostPath);
    transports.push(transport);
    const client = new DeviceClient(new Session(transport, { timeoutMs: 100, attempts: 1 }));
    const error = await helloOrExplain(client, 'nucleo-f446re', pty.hostPath, { attempts: 2, timeoutMs: 100 }, async () => undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(`board nucleo-f446re did not answer HELLO on ${pty.hostPath} (2 attempts × 100 ms)`);
  });
});
