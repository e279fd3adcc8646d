import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DatasetError } from '../../common/errors.js';

/**
 * A dataset folder that arrives as files (browser mode's folder upload) written under `root`
 * (the data folder's `datasets/`): into `root/<name>`, or `<name>-2`, `-3`, … when that is taken,
 * so an upload never mixes with or overwrites another folder. Each path must stay inside the new
 * folder (the request's schema already refuses `..`, absolute paths and backslashes; this checks
 * again). Returns the folder; on any failure nothing of it is left.
 */
export async function writeUploadedFolder(root: string, name: string, files: readonly { path: string; bytes: Uint8Array }[]): Promise<string> {
  await mkdir(root, { recursive: true });
  const folder = await claimFolder(root, name);
  try {
    const seen = new Set<string>();
    for (const file of files) {
      const target = resolve(folder, ...file.path.split('/'));
      const inside = relative(folder, target);
      if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || resolve(folder, inside) !== target) {
        throw new DatasetError(`upload ${name}: file ${JSON.stringify(file.path)} is not inside the folder`, { path: file.path });
      }
      if (seen.has(inside)) throw new DatasetError(`upload ${name}: file ${JSON.stringify(file.path)} is sent twice`, { path: file.path });
      seen.add(inside);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.bytes, { flag: 'wx' });
    }
    return folder;
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Makes `root/<name>` (or the first free `<name>-N`) without racing another upload of the same name. */
async function claimFolder(root: string, name: string): Promise<string> {
  for (let attempt = 1; attempt <= 1000; attempt++) {
    const folder = join(root, attempt === 1 ? name : `${name}-${attempt}`);
    try {
      await mkdir(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new DatasetError(`upload ${name}: ${root} already holds 1000 folders of that name; remove some`, { name });
}
