import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { boards } from '../../common/boards/index.js';
import type { DeviceListing } from '../../../shared/services/types.js';
import type { SerialPortEntry, VirtualBoardEntry } from '../devices/discovery.js';
import { CustomBoards } from '../store/custom-boards.js';
import { openStore, type Store } from '../store/index.js';
import { createDeviceService } from './devices.js';

const virtualEntries: VirtualBoardEntry[] = boards.filter((board) => board.kind === 'virtual').map((board) => ({ board, available: true }));
const udevadmMissing = () => Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT', path: 'udevadm' });

describe('device service when the serial ports cannot be listed', () => {
  let directory: string;
  let store: Store;
  let failure: Error | undefined;
  let ports: SerialPortEntry[];

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'tinydeploy-devices-'));
    store = openStore(join(directory, 'data'));
    failure = udevadmMissing();
    ports = [];
  });
  afterEach(() => {
    vi.useRealTimers();
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const service = () =>
    createDeviceService(store, {
      pollIntervalMs: 10,
      listVirtualBoards: async () => virtualEntries,
      listSerialPorts: async () => {
        if (failure) throw failure;
        return ports;
      },
    });

  it('still lists the boards, with the reason in place of the serial devices', async () => {
    const listing = await service().list();
    expect(listing.boards.map((board) => [board.id, board.deployable])).toEqual(boards.map((board) => [board.id, board.kind === 'virtual']));
    expect(listing.serial).toEqual([]);
    expect(listing.serialError).toBe('cannot list serial ports: udevadm not found (apt-get install udev)');
    failure = undefined;
    expect(await service().list()).not.toHaveProperty('serialError');
  });

  it('lists the custom boards of the store after the catalog', async () => {
    new CustomBoards(store).add({
      id: 'my-board',
      core: 'cortex-m7',
      cpuHz: 200e6,
      flash: { origin: 0x0800_0000, size: 1024 * 1024 },
      ram: { origin: 0x2000_0000, size: 256 * 1024 },
      uart: { kind: 'stm32-usart', base: 0x4001_1000, rxIrq: 37 },
      flashMethod: 'st-util',
    });
    const listing = await service().list();
    expect(listing.boards.map((board) => board.id)).toEqual([...boards.map((board) => board.id), 'my-board']);
    expect(listing.boards[listing.boards.length - 1]).toMatchObject({ id: 'my-board', kind: 'real', core: 'cortex-m7', flashBytes: 1024 * 1024, ramBytes: 256 * 1024, timerUnit: 'cycles', deployable: false });
  });

  it('announces when the ports can be listed again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const announced: DeviceListing[] = [];
    const unsubscribe = service().onDevicesChanged((listing) => announced.push(listing));
    await vi.advanceTimersByTimeAsync(30);
    expect(announced).toEqual([]);
    failure = undefined;
    ports = [{ path: '/dev/ttyACM0', boards: [] }];
    await vi.advanceTimersByTimeAsync(10);
    expect(announced.map((listing) => [listing.serial.map((device) => device.path), listing.serialError])).toEqual([[['/dev/ttyACM0'], undefined]]);
    unsubscribe();
  });
});
