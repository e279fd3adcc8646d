/**
 * The dataset folder as the boundary of what a dataset may read. Paths inside dataset files
 * (`dataset.json`'s "labels" and "images", the sample files a label CSV lists) come from whoever
 * made the dataset, so each is treated as untrusted:
 *
 * - it is resolved against the folder and refused, before anything is opened, when it leaves it
 *   (`../../etc/passwd`, an absolute path, a control character);
 * - when it is opened, its real path (symbolic links resolved) must still lie inside the folder's
 *   real path, so a link inside the folder cannot lead out of it either;
 * - only regular files are read (a FIFO would block, a device never ends), and their size is
 *   known before a byte is read, so callers can refuse a file too big for what it claims to be.
 *
 * Errors name the file and the field, never the file's contents. Between the real-path check
 * and the open, someone with write access to the folder could swap a file for a link; opening
 * with O_NOFOLLOW closes that for the last path component, which is the one a dataset controls.
 */

import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import { DatasetError } from '../../common/errors.js';

/** C0 and C1 control characters and DEL: never part of a dataset's file name. */
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

/** `open` flags: read only, do not follow a final symbolic link, do not block on a FIFO. */
const readFlags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A regular file inside the dataset folder, open for reading; the caller closes it. */
export interface DatasetFile {
  handle: FileHandle;
  /** Bytes in the file, from fstat, before anything was read. */
  size: number;
}

/** Why a file could not be opened, in words ("no such file"), without the system's message. */
export type ReasonFormatter = (reason: string) => DatasetError;

export class DatasetFolder {
  private constructor(
    /** The folder as the user named it, resolved: what messages show. */
    readonly root: string,
    /** The folder with symbolic links resolved: what real paths are checked against. */
    private readonly realRoot: string,
  ) {}

  /**
   * Resolves the folder's real path. `notAFolder` is thrown whatever the reason (missing, not a
   * directory, not readable), so the message cannot tell which paths exist.
   */
  static async open(root: string, notAFolder: () => DatasetError): Promise<DatasetFolder> {
    if (controlCharacter.test(root)) throw notAFolder();
    const realRoot = await realpath(root).catch(() => {
      throw notAFolder();
    });
    return new DatasetFolder(root, realRoot);
  }

  /**
   * The path `value` (read from a dataset file) names inside the folder, without touching the
   * file system. Throws a DatasetError starting with `where` and naming `field` when `value` is
   * absolute, leaves the folder or contains a control character.
   */
  resolve(value: string, where: string, field: string): string {
    if (controlCharacter.test(value)) {
      throw new DatasetError(`${where}: ${field} contains a control character; paths in a dataset are plain relative file names`, { path: where, field });
    }
    const leaves = () =>
      new DatasetError(
        `${where}: ${field} ${JSON.stringify(value)} leaves the dataset folder ${this.root} (paths in a dataset must stay inside its folder)`,
        { path: where, field, value },
      );
    // A Windows-style absolute path ("C:\…", "\\server\…") is refused on every platform: the
    // same dataset must mean the same files everywhere.
    if (isAbsolute(value) || win32.isAbsolute(value)) throw leaves();
    const path = resolve(this.root, value);
    const inside = relative(this.root, path);
    if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) throw leaves();
    return path;
  }

  /**
   * Opens `path` (from `resolve`) for reading after checking that its real path lies inside the
   * folder and that it is a regular file. `cannotRead` turns a reason ("no such file", "a
   * directory, not a file") into the caller's error; a path that leads out through a symbolic
   * link is refused naming `where` and `field`.
   */
  async openFile(path: string, where: string, field: string, cannotRead: ReasonFormatter): Promise<DatasetFile> {
    const realPath = await realpath(path).catch((error: NodeJS.ErrnoException) => {
      throw cannotRead(describeErrno(error));
    });
    const inside = relative(this.realRoot, realPath);
    if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new DatasetError(`${where}: ${field} leads out of the dataset folder ${this.root} through a symbolic link`, { path: where, field });
    }
    const handle = await open(realPath, readFlags).catch((error: NodeJS.ErrnoException) => {
      throw cannotRead(describeErrno(error));
    });
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw cannotRead(stats.isDirectory() ? 'a directory, not a file' : 'not a regular file');
      return { handle, size: stats.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}

/** Reads a whole file opened by `openFile`, refusing one larger than `limit` bytes before reading it. */
export async function readWholeFile(file: DatasetFile, limit: number, tooBig: (size: number) => DatasetError): Promise<Buffer> {
  try {
    if (file.size > limit) throw tooBig(file.size);
    const bytes = Buffer.alloc(file.size);
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesRead } = await file.handle.read(bytes, offset, bytes.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return bytes.subarray(0, offset);
  } finally {
    await file.handle.close();
  }
}

/** A file-system error in words people read, without the path and syscall Node adds. */
export function describeErrno(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'a directory, not a file';
    case 'ENOTDIR':
      return 'a path component is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return error.code ? `system error ${error.code}` : 'cannot be read';
  }
}
