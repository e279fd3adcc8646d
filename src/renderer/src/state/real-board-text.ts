/**
 * What the Devices screen says about real boards, as plain functions: how a plugged-in board is
 * recognised (its probe's USB vendor and product id) and confirmed (the flashed profiler answers
 * HELLO as that board), how each catalog board is flashed, and what to install when nothing on
 * this machine can flash it. The words follow what Deploy and Validate do
 * (core/node/devices/board-connection.ts: `planRealBoard`).
 */

import { findBoard } from '../../../core/common/boards/catalog.js';
import type { FlashMethod } from '../../../core/common/boards/board.js';
import type { SerialDevice } from '../../../shared/services/types.js';

/** What to install when no GDB server TinyDeploy can start is on this machine. */
export const flasherInstallHint = 'OpenOCD (apt-get install openocd) or pyOCD (apt-get install python3-pyocd, or pip install pyocd)';

/** The Devices screen's note under the serial devices: recognition, confirmation, flashing, what to install. */
export const realBoardsNote =
  'A plugged-in board is recognised by its debug probe’s USB vendor and product id, and confirmed when the firmware TinyDeploy flashes answers HELLO as that board. ' +
  'ST-LINK boards (NUCLEO, Discovery) are flashed through OpenOCD or pyOCD, which TinyDeploy starts itself, or by copying a .bin to the ST-LINK’s drive; ' +
  'the nRF52840-DK through OpenOCD or pyOCD on its J-Link OB; a Raspberry Pi Pico by copying a .uf2 to its BOOTSEL drive. ' +
  `When nothing can flash a board, install ${flasherInstallHint}, or mount its drive, or start a GDB server and give its address (tinydeploy deploy --gdb-server).`;

/** One flash method in the user's words. */
export function flashMethodText(method: FlashMethod): string {
  if (method.kind === 'mass-storage') {
    const drive = method.volumes?.length ? ` (${method.volumes.join(' or ')})` : '';
    return `a .${method.format} copied to its drive${drive}`;
  }
  return { qemu: 'QEMU loads it over GDB', openocd: 'OpenOCD', pyocd: 'pyOCD', jlink: 'the J-Link GDB server (started by you)', 'st-util': 'st-util' }[method.server];
}

/** How a catalog board is flashed, every way it has, the default first; undefined for a board not in the catalog. */
export function flashingText(boardId: string): string | undefined {
  const board = findBoard(boardId);
  if (!board) return undefined;
  const methods = [board.flash, ...(board.flashMethods ?? [])];
  const texts = [...new Set(methods.map(flashMethodText))];
  return texts.length > 1 ? `${texts.slice(0, -1).join(', ')} or ${texts[texts.length - 1]}` : texts[0];
}

/** The Deploy column of a serial device: what Deploy does with it. */
export function serialDeviceDeploy(device: SerialDevice): { badge: string; title: string } | undefined {
  if (device.boardIds.length > 0) {
    const ways = device.boardIds
      .map((id) => {
        const flashing = flashingText(id);
        return flashing ? `${id}: ${flashing}` : id;
      })
      .join('; ');
    return {
      badge: 'recognised',
      title: `By its probe’s USB id as ${device.boardIds.join(' or ')}: choose it on the Deploy tab; it is confirmed when its profiler answers HELLO. Flashed by ${ways}.`,
    };
  }
  if (device.probe) return { badge: 'probe', title: `A ${device.probe} of no board TinyDeploy knows: describe your board (tinydeploy boards add --usb) to deploy through it.` };
  return undefined;
}
