import { constants } from 'node:fs';
import { access, copyFile, open, readdir, readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import type { Board, FlashMethod } from '../../common/boards/index.js';
import { CancelledError, DeviceError } from '../../common/errors.js';

/**
 * Flashing by copying to the board's drive: an ST-LINK's or DAPLink's mass-storage drive (volume
 * `NODE_F446RE`, `DIS_F746NG`, `MBED`, …) programs a `.bin`/`.hex` written to it; an RP2040 or
 * RP2350 in BOOTSEL mode (`RPI-RP2`, `RP2350`) a `.uf2`. The drive is found by its volume label —
 * the folder name it is mounted under — or by the file the bootloader shows (`INFO_UF2.TXT` for
 * UF2 bootloaders, `DETAILS.TXT` for DAPLink and ST-LINK), under the usual mount roots
 * (/media/$USER, /run/media/$USER, /Volumes) or, on Windows, drive letters (an injectable lister).
 *
 * After the copy the file is synced, and the board comes back: the drive goes away (the probe
 * programs the chip and re-enumerates, or the RP2 boot ROM reboots into the image) and, for a
 * probe, comes back; a `FAIL.TXT` appearing instead says why the probe refused the image.
 */

/** The labels of drives that take images (the board's own first). */
export const knownDriveLabels = [/^NODE_/, /^NOD_/, /^MBED$/, /^DIS_/, /^DAPLINK$/, /^RPI-RP2$/, /^RP2350$/, /^JLINK$/];

export interface Drive {
  /** Where it is mounted. */
  path: string;
  /** Its volume label (the mount folder's name). */
  label: string;
  /** `INFO_UF2.TXT` or `DETAILS.TXT` contents, when present (board id, bootloader version). */
  info?: string;
}

export interface DriveSearchOptions {
  /** Folders whose sub-folders are mounted drives (default: defaultMountRoots()). */
  mountRoots?: readonly string[];
  /** Extra drives to look at directly (Windows drive letters: `E:\`, …); default: the letters on Windows. */
  listDrives?: () => Promise<string[]>;
}

/** /media/$USER, /run/media/$USER, /media (Linux), /Volumes (macOS). */
export function defaultMountRoots(): string[] {
  let user = process.env.USER ?? '';
  try {
    user ||= userInfo().username;
  } catch {
    // no user name: only the shared roots
  }
  return [...(user ? [`/media/${user}`, `/run/media/${user}`] : []), '/media', '/Volumes'];
}

/** Windows drive letters that exist (D: to Z:). */
async function windowsDriveLetters(): Promise<string[]> {
  if (process.platform !== 'win32') return [];
  const letters = 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((letter) => `${letter}:\\`);
  const present = await Promise.all(letters.map((letter) => access(letter).then(() => letter, () => undefined)));
  return present.filter((letter): letter is string => letter !== undefined);
}

async function readInfo(path: string): Promise<string | undefined> {
  for (const name of ['INFO_UF2.TXT', 'DETAILS.TXT']) {
    const text = await readFile(join(path, name), 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Mounted drives that look like a board's (a known label, or a bootloader's info file). */
export async function listBoardDrives(options: DriveSearchOptions = {}): Promise<Drive[]> {
  const candidates: string[] = [];
  for (const root of options.mountRoots ?? defaultMountRoots()) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory() || entry.isSymbolicLink()) candidates.push(join(root, entry.name));
  }
  candidates.push(...(await (options.listDrives ?? windowsDriveLetters)()));
  const drives: Drive[] = [];
  for (const path of candidates) {
    const info = await readInfo(path);
    const label = driveLabel(path, info);
    if (info !== undefined || knownDriveLabels.some((pattern) => pattern.test(label))) drives.push({ path, label, ...(info !== undefined ? { info } : {}) });
  }
  return drives;
}

/** The label of a drive: its folder's name, or for a drive letter the Board-ID its info file gives. */
function driveLabel(path: string, info: string | undefined): string {
  const name = basename(path.replace(/[\\/]+$/, ''));
  if (name && !/^[A-Za-z]:$/.test(name)) return name;
  return /Board-ID:\s*(\S+)/.exec(info ?? '')?.[1] ?? path;
}

type DriveMethod = Extract<FlashMethod, { kind: 'mass-storage' }>;

/** The board's drive method (its default flash method or one of the others). */
export function driveMethod(board: Pick<Board, 'flash' | 'flashMethods'>): DriveMethod | undefined {
  return [board.flash, ...(board.flashMethods ?? [])].find((method): method is DriveMethod => method.kind === 'mass-storage');
}

/**
 * The drive of `board`: a drive with one of its volume labels; else one whose UF2 info names the
 * board's bootloader (`Board-ID: RPI-RP2`); else, when exactly one drive takes the board's format,
 * that one. DeviceError naming the board, the labels and where it looked when none is found, or
 * when several could be it.
 */
export async function findBoardDrive(board: Pick<Board, 'id' | 'flash' | 'flashMethods'>, options: DriveSearchOptions = {}): Promise<Drive> {
  const method = driveMethod(board);
  if (!method) throw new DeviceError(`board ${board.id} is not flashed by copying to a drive`, { board: board.id });
  const volumes = method.volumes ?? [];
  const drives = await listBoardDrives(options);
  const byLabel = drives.filter((drive) => volumes.includes(drive.label));
  const byInfo = drives.filter((drive) => volumes.some((volume) => new RegExp(`Board-ID:\\s*${volume}\\b`).test(drive.info ?? '')));
  const byFormat = drives.filter((drive) => (method.format === 'uf2' ? /INFO_UF2/i.test(drive.info ?? '') || /^RP/.test(drive.label) : !/^RP/.test(drive.label)));
  const found = byLabel.length > 0 ? byLabel : byInfo.length > 0 ? byInfo : volumes.length === 0 ? byFormat : [];
  if (found.length === 1) return found[0];
  const roots = [...(options.mountRoots ?? defaultMountRoots())].join(', ');
  if (found.length > 1) {
    throw new DeviceError(`board ${board.id}: ${found.length} drives could be it (${found.map((drive) => drive.path).join(', ')}): unplug the others`, { board: board.id });
  }
  const labels = volumes.length > 0 ? volumes.join(' or ') : `a ${method.format.toUpperCase()} drive`;
  const bootsel = method.format === 'uf2' ? ' (hold BOOTSEL while plugging it in)' : '';
  throw new DeviceError(
    `board ${board.id}: its drive ${labels} is not mounted${bootsel}; looked in ${roots}${drives.length > 0 ? ` and found only ${drives.map((drive) => drive.label).join(', ')}` : ''}`,
    { board: board.id, volumes },
  );
}

export interface DriveFlashOptions extends DriveSearchOptions {
  signal?: AbortSignal;
  /** How long the drive may take to go away after the copy (default 15 s: a probe programs 1 MiB in a few seconds). */
  goneTimeoutMs?: number;
  /** How long a probe's drive may take to come back (default 10 s); RP2 boot drives do not come back. */
  backTimeoutMs?: number;
  /** Poll interval (default 100 ms). */
  pollMs?: number;
  onProgress?: (message: string) => void;
}

export interface DriveFlashReport {
  drive: Drive;
  file: string;
  bytes: number;
  /** Whether the drive went away (the board took the image) and came back (a probe's drive). */
  wentAway: boolean;
  cameBack: boolean;
  milliseconds: number;
}

/**
 * Copies `image` (a `.bin`, `.hex` or `.uf2` of the board's format) to the board's drive, syncs
 * it and waits for the board to take it (see the module comment). DeviceError when the drive
 * is not found, the copy fails, or the probe writes a FAIL.TXT; CancelledError on `signal`.
 */
export async function flashByDrive(board: Pick<Board, 'id' | 'flash' | 'flashMethods'>, image: string, options: DriveFlashOptions = {}): Promise<DriveFlashReport> {
  const started = performance.now();
  const method = driveMethod(board);
  if (!method) throw new DeviceError(`board ${board.id} is not flashed by copying to a drive`, { board: board.id });
  if (!image.toLowerCase().endsWith(`.${method.format}`)) {
    throw new DeviceError(`board ${board.id}'s drive takes a .${method.format}, not ${basename(image)}`, { board: board.id, image });
  }
  const drive = await findBoardDrive(board, options);
  const checkCancelled = () => {
    if (options.signal?.aborted) throw new CancelledError('deploy cancelled');
  };
  checkCancelled();
  const target = join(drive.path, basename(image));
  const bytes = (await stat(image)).size;
  options.onProgress?.(`copying ${basename(image)} (${bytes} bytes) to ${drive.label} at ${drive.path}`);
  try {
    await copyFile(image, target);
    // The probe programs what reaches the medium: flush the file, then the folder entry.
    const file = await open(target, 'r+');
    try {
      await file.sync();
    } finally {
      await file.close();
    }
    const folder = await open(drive.path, constants.O_RDONLY).catch(() => undefined);
    await folder?.sync().catch(() => undefined);
    await folder?.close();
  } catch (error) {
    // An RP2 reboots as soon as the last block arrives: the drive vanishing mid-sync is success.
    if (method.format === 'uf2' && !(await exists(drive.path))) return report(drive, target, bytes, true, false, started);
    throw new DeviceError(`board ${board.id}: cannot copy ${basename(image)} to its drive ${drive.path}: ${(error as Error).message}`, { board: board.id, drive: drive.path });
  }
  const poll = options.pollMs ?? 100;
  options.onProgress?.(`waiting for ${board.id} to take the image (its drive ${drive.label} goes away)`);
  const goneDeadline = Date.now() + (options.goneTimeoutMs ?? 15_000);
  let wentAway = false;
  while (Date.now() < goneDeadline) {
    checkCancelled();
    const failure = await readFile(join(drive.path, 'FAIL.TXT'), 'utf8').catch(() => undefined);
    if (failure !== undefined) throw new DeviceError(`board ${board.id}: its probe refused the image: ${failure.trim()} (FAIL.TXT on ${drive.path})`, { board: board.id });
    if (!(await exists(drive.path))) {
      wentAway = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, poll));
  }
  if (!wentAway) {
    // Some probes program without re-mounting: the file having left the drive means it was taken.
    if (!(await exists(target))) return report(drive, target, bytes, false, false, started);
    throw new DeviceError(`board ${board.id}: its drive ${drive.path} kept ${basename(image)} and never went away: the probe did not program it (is it the board's drive?)`, { board: board.id });
  }
  let cameBack = false;
  if (method.format !== 'uf2') {
    options.onProgress?.(`waiting for ${board.id}'s probe drive to come back`);
    const backDeadline = Date.now() + (options.backTimeoutMs ?? 10_000);
    while (Date.now() < backDeadline) {
      checkCancelled();
      if (await exists(drive.path)) {
        cameBack = true;
        const failure = await readFile(join(drive.path, 'FAIL.TXT'), 'utf8').catch(() => undefined);
        if (failure !== undefined) throw new DeviceError(`board ${board.id}: its probe refused the image: ${failure.trim()} (FAIL.TXT on ${drive.path})`, { board: board.id });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, poll));
    }
  }
  return report(drive, target, bytes, wentAway, cameBack, started);
}

function report(drive: Drive, file: string, bytes: number, wentAway: boolean, cameBack: boolean, started: number): DriveFlashReport {
  return { drive, file, bytes, wentAway, cameBack, milliseconds: performance.now() - started };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
