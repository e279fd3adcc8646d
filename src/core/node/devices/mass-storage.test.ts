import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireBoard } from '../../common/boards/index.js';
import { CancelledError, DeviceError } from '../../common/errors.js';
import { findBoardDrive, flashByDrive, listBoardDrives } from './mass-storage.js';

/**
 * Flashing by a copy to the board's drive, with temporary folders as drives and a "probe" that
 * takes the file: the drive goes away when the image lands (and a probe's comes back), or a
 * FAIL.TXT appears.
 */
describe('mass-storage flashing', () => {
  let root: string;
  let media: string;
  let image: string;
  let uf2: string;
  const timers: NodeJS.Timeout[] = [];
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tinydeploy-drives-'));
    media = join(root, 'media', 'user');
    await mkdir(media, { recursive: true });
    image = join(root, 'profiler.bin');
    await writeFile(image, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    uf2 = join(root, 'profiler.uf2');
    await writeFile(uf2, Buffer.alloc(512, 0x55));
  });
  afterEach(async () => {
    for (const timer of timers.splice(0)) clearInterval(timer);
    await rm(root, { recursive: true, force: true });
  });

  const drive = async (label: string, files: Record<string, string> = {}, parent = media) => {
    const path = join(parent, label);
    await mkdir(path, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(path, name), text);
    return path;
  };
  /** A probe: when `file` lands on the drive, it unmounts the drive, and (after `backMs`) mounts it again, or writes FAIL.TXT. */
  const probe = (path: string, file: string, behaviour: { backMs?: number; fail?: string; keep?: boolean }) => {
    const kept = `${path}.away`;
    const taken: { bytes?: Buffer } = {};
    const timer = setInterval(() => {
      if (!existsSync(join(path, file))) return;
      clearInterval(timer);
      if (behaviour.fail) {
        void writeFile(join(path, 'FAIL.TXT'), behaviour.fail);
        return;
      }
      if (behaviour.keep) return;
      void (async () => {
        taken.bytes = await readFile(join(path, file));
        await rm(join(path, file));
        await rename(path, kept);
        if (behaviour.backMs !== undefined) setTimeout(() => void rename(kept, path), behaviour.backMs);
      })();
    }, 10);
    timers.push(timer);
    return taken;
  };

  it('finds drives by label or bootloader file under the mount roots and on drive letters', async () => {
    await drive('NODE_F446RE', { 'DETAILS.TXT': 'Version: V2J40M27' });
    await drive('RPI-RP2', { 'INFO_UF2.TXT': 'UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: RPI-RP2\n' });
    await drive('USB_STICK', { 'notes.txt': 'x' });
    const letter = await drive('E:', { 'INFO_UF2.TXT': 'UF2 Bootloader v1.0\nBoard-ID: RP2350\n' }, join(root, 'letters'));
    const options = { mountRoots: [media, join(root, 'none')], listDrives: async () => [letter] };
    const drives = await listBoardDrives(options);
    expect(drives.map((found) => found.label).sort()).toEqual(['NODE_F446RE', 'RP2350', 'RPI-RP2']);
    expect((await findBoardDrive(requireBoard('nucleo-f446re'), options)).path).toBe(join(media, 'NODE_F446RE'));
    expect((await findBoardDrive(requireBoard('rpi-pico'), options)).path).toBe(join(media, 'RPI-RP2'));
    // On Windows the letter has no label: the UF2 info's Board-ID says which bootloader it is.
    expect((await findBoardDrive(requireBoard('rpi-pico2'), options)).path).toBe(letter);
  });

  it('a board whose drive is not mounted: a DeviceError naming the board, the label and where it looked', async () => {
    await drive('NODE_L4R5ZI');
    const error = await findBoardDrive(requireBoard('nucleo-f446re'), { mountRoots: [media], listDrives: async () => [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toBe(`board nucleo-f446re: its drive NODE_F446RE is not mounted; looked in ${media} and found only NODE_L4R5ZI`);
    const pico = await findBoardDrive(requireBoard('rpi-pico'), { mountRoots: [media], listDrives: async () => [] }).catch((caught: unknown) => caught);
    expect((pico as Error).message).toBe(`board rpi-pico: its drive RPI-RP2 is not mounted (hold BOOTSEL while plugging it in); looked in ${media} and found only NODE_L4R5ZI`);
  });

  it('ST-LINK: copies the .bin, which the probe takes; its drive goes away and comes back', async () => {
    const path = await drive('NODE_F446RE', { 'DETAILS.TXT': 'Version: V2J40M27' });
    const taken = probe(path, 'profiler.bin', { backMs: 150 });
    const messages: string[] = [];
    const report = await flashByDrive(requireBoard('nucleo-f446re'), image, { mountRoots: [media], listDrives: async () => [], pollMs: 10, onProgress: (message) => messages.push(message) });
    expect(report).toMatchObject({ bytes: 8, wentAway: true, cameBack: true, drive: { label: 'NODE_F446RE', path } });
    expect([...taken.bytes!]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(messages[0]).toBe(`copying profiler.bin (8 bytes) to NODE_F446RE at ${path}`);
    expect(messages).toContain("waiting for nucleo-f446re's probe drive to come back");
  });

  it('RP2040 BOOTSEL: copies the .uf2; the drive goes away as the board reboots into it', async () => {
    const path = await drive('RPI-RP2', { 'INFO_UF2.TXT': 'Board-ID: RPI-RP2\n' });
    probe(path, 'profiler.uf2', {});
    const report = await flashByDrive(requireBoard('rpi-pico'), uf2, { mountRoots: [media], listDrives: async () => [], pollMs: 10 });
    expect(report).toMatchObject({ bytes: 512, wentAway: true, cameBack: false });
  });

  it('the probe refusing the image (FAIL.TXT) is a DeviceError quoting it', async () => {
    const path = await drive('NODE_F446RE');
    probe(path, 'profiler.bin', { fail: 'The application file format is unknown and cannot be parsed and/or processed.' });
    const error = await flashByDrive(requireBoard('nucleo-f446re'), image, { mountRoots: [media], listDrives: async () => [], pollMs: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toBe(
      `board nucleo-f446re: its probe refused the image: The application file format is unknown and cannot be parsed and/or processed. (FAIL.TXT on ${path})`,
    );
  });

  it('a drive that keeps the file and never goes away is not the board: said after the timeout; cancel stops the wait', async () => {
    const path = await drive('NODE_F446RE');
    probe(path, 'profiler.bin', { keep: true });
    const error = await flashByDrive(requireBoard('nucleo-f446re'), image, { mountRoots: [media], listDrives: async () => [], pollMs: 10, goneTimeoutMs: 200 }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(`board nucleo-f446re: its drive ${path} kept profiler.bin and never went away: the probe did not program it (is it the board's drive?)`);
    const controller = new AbortController();
    const cancelled = flashByDrive(requireBoard('nucleo-f446re'), image, { mountRoots: [media], listDrives: async () => [], pollMs: 10, signal: controller.signal, onProgress: (message) => message.startsWith('waiting') && controller.abort() });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses an image of another format than the drive takes', async () => {
    await drive('RPI-RP2');
    await expect(flashByDrive(requireBoard('rpi-pico'), image, { mountRoots: [media], listDrives: async () => [] })).rejects.toThrow("board rpi-pico's drive takes a .uf2, not profiler.bin");
  });
});
