import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomBoardSpec } from '../../common/boards/index.js';
import { UsageError } from '../../common/errors.js';
import { CustomBoards, findBoardIn, readCustomBoards } from './custom-boards.js';
import { openStore } from './store.js';

const spec: CustomBoardSpec = {
  id: 'my-board',
  core: 'cortex-m33',
  cpuHz: 64e6,
  flash: { origin: 0, size: 512 * 1024 },
  ram: { origin: 0x2000_0000, size: 64 * 1024 },
  uart: { kind: 'cmsdk', base: 0x4000_4000, rxIrq: 0 },
  flashMethod: 'pyocd',
};

describe('custom boards in the store (migration 2)', () => {
  let dataDirectory: string;
  beforeEach(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'tinydeploy-custom-boards-'));
  });
  afterEach(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('adds, lists, finds after the catalog and removes a board; the table survives reopening', () => {
    expect(readCustomBoards(dataDirectory)).toEqual([]);
    const store = openStore(dataDirectory);
    try {
      const custom = new CustomBoards(store);
      expect(custom.add(spec)).toMatchObject({ id: 'my-board', custom: true, core: 'cortex-m33' });
      expect(() => custom.add(spec)).toThrow(UsageError);
      expect(() => custom.add(spec)).toThrow('custom board "my-board" exists already');
      expect(custom.specs()).toEqual([spec]);
    } finally {
      store.close();
    }
    expect(readCustomBoards(dataDirectory).map((board) => board.id)).toEqual(['my-board']);
    expect(findBoardIn(dataDirectory, 'my-board').board).toMatchObject({ id: 'my-board', custom: true });
    expect(findBoardIn(dataDirectory, 'virtual-m4f').board?.custom).toBeUndefined();
    expect(findBoardIn(dataDirectory, 'nope')).toEqual({ board: undefined, custom: [expect.objectContaining({ id: 'my-board' })] });
    const again = openStore(dataDirectory);
    try {
      new CustomBoards(again).remove('my-board');
      expect(() => new CustomBoards(again).remove('my-board')).toThrow(`no custom board "my-board" in ${again.dataDirectory}`);
    } finally {
      again.close();
    }
    expect(readCustomBoards(dataDirectory)).toEqual([]);
  });

  it('says why custom boards cannot be read while another TinyDeploy holds the folder, instead of failing the lookup', async () => {
    const store = openStore(dataDirectory);
    new CustomBoards(store).add(spec);
    store.close();
    // A lock taken on another machine (a shared folder): the store refuses to open.
    await writeFile(join(dataDirectory, 'lock'), JSON.stringify({ pid: 4242, host: 'another-host', since: '2026-01-01T00:00:00.000Z' }));
    const found = findBoardIn(dataDirectory, 'my-board');
    expect(found.board).toBeUndefined();
    expect(found.customError).toBe(`data folder ${dataDirectory} is in use by process 4242 on host another-host; if it is not running, remove ${join(dataDirectory, 'lock')}`);
    // Catalog boards never need the store.
    expect(findBoardIn(dataDirectory, 'rpi-pico').board?.id).toBe('rpi-pico');
  });
});
