/**
 * The folders browser mode may read on the client's behalf. Anyone with the token can type a
 * path into `datasets.add`; without a bound, the server would open any folder this user can read
 * and, through its answers, tell the client which paths exist. So a path from the client is
 * accepted only inside a folder the person who started the server chose (`tinydeploy serve
 * --allow-folder DIR`, repeatable) or the data folder's own `datasets/`. Model imports are bytes
 * sent over the socket and need no folder.
 *
 * Both the allowed folders and the requested path are compared by their real paths (symbolic
 * links and `..` resolved by the file system), so neither a link inside an allowed folder nor a
 * `..` after one leads out. A path outside gets one error whatever is there (nothing, a file, a
 * folder, no permission), so the answer cannot be used to probe the disk. The service is then
 * handed the real path that was checked, not the text the client sent.
 *
 * The Electron app does not use this: its paths come from the user's own file dialogs.
 */

import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RequestError, UsageError } from '../core/common/errors.js';
import type { AppServices, DatasetService } from '../shared/services/types.js';

/** The folder of the data folder datasets may always be added from (copy a dataset there). */
export function dataDatasetsFolder(dataDirectory: string): string {
  return join(dataDirectory, 'datasets');
}

/**
 * The data folder's `datasets/`, made when missing, as a folder to allow; undefined when it
 * cannot be had (the disk is full, a file has its name): browser mode then serves without it,
 * since a data folder it can only read must still open.
 */
export function ownDatasetsFolder(dataDirectory: string): string | undefined {
  const folder = dataDatasetsFolder(dataDirectory);
  try {
    mkdirSync(folder, { recursive: true });
    return statSync(folder).isDirectory() ? folder : undefined;
  } catch {
    return undefined;
  }
}

export class AllowedFolders {
  private constructor(
    /** Real paths of the allowed folders, in the order given, without repeats. */
    readonly folders: readonly string[],
  ) {}

  /**
   * Resolves each folder's real path. A folder that does not exist or is not a folder is a
   * UsageError naming it and the option: the person starting the server typed it.
   */
  static resolve(folders: readonly string[], option = 'option --allow-folder'): AllowedFolders {
    const real: string[] = [];
    for (const folder of folders) {
      let path: string;
      try {
        path = realpathSync(resolve(folder));
      } catch {
        throw new UsageError(`${option} ${folder}: no such folder`, { folder });
      }
      if (!statSync(path).isDirectory()) throw new UsageError(`${option} ${folder}: not a folder`, { folder });
      if (!real.includes(path)) real.push(path);
    }
    return new AllowedFolders(real);
  }

  /** Whether `realPath` (already resolved) is one of the folders or lies inside one. */
  private contains(realPath: string): boolean {
    return this.folders.some((folder) => {
      const inside = relative(folder, realPath);
      return inside === '' || (!isAbsolute(inside) && inside !== '..' && !inside.startsWith(`..${sep}`));
    });
  }

  /**
   * The real path of `path` when it lies inside an allowed folder; otherwise a RequestError
   * (`<method>: <path> is not inside a folder this server may read …`) that says the same
   * whether or not the path exists. A path that does not exist is judged by the real path of its
   * nearest existing ancestor, so a missing folder inside an allowed one still reaches the
   * service (whose own error then says it is not a dataset folder).
   */
  async confine(path: string, method: string): Promise<string> {
    const refused = () =>
      new RequestError(
        `${method}: ${path} is not inside a folder this server may read (${this.folders.length > 0 ? this.folders.join(', ') : 'none'}); ` +
          'start it with --allow-folder <folder> to read from another folder, or copy the dataset into one of these',
        { method, path },
      );
    if (!isAbsolute(path)) throw refused();
    // Lexically resolved, as the dataset reader resolves it: `..` in the text is taken literally.
    const target = resolve(path);
    const real = await realpath(target).catch(() => undefined);
    if (real !== undefined) {
      if (!this.contains(real)) throw refused();
      return real;
    }
    // Missing (or unreadable): the nearest ancestor that resolves decides, with the rest appended.
    let missing = basename(target);
    for (let ancestor = dirname(target); ; ancestor = dirname(ancestor)) {
      const realAncestor = await realpath(ancestor).catch(() => undefined);
      if (realAncestor !== undefined) {
        if (!this.contains(join(realAncestor, missing))) throw refused();
        return target;
      }
      if (dirname(ancestor) === ancestor) throw refused();
      missing = join(basename(ancestor), missing);
    }
  }
}

/**
 * The services with every method that takes a path from the client confined to `allowed`:
 * `datasets.add` (the only one; models arrive as bytes, uploaded datasets as files the service
 * writes into the data folder's `datasets/`). The service gets the checked real path.
 */
export function withAllowedFolders(services: AppServices, allowed: AllowedFolders): AppServices {
  const original = services.datasets;
  const datasets: DatasetService = {
    list: (request) => original.list(request),
    remove: (request) => original.remove(request),
    add: async (request) => original.add({ ...request, path: await allowed.confine(request.path, 'datasets.add') }),
    // These take no path from the client: a dataset id, or files written into the data folder's datasets/.
    preview: (request) => original.preview(request),
    upload: (request) => original.upload(request),
    chooseFolder: () => original.chooseFolder(),
  };
  return { ...services, datasets };
}
