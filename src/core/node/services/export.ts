import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { findBoard, type Board } from '../../common/boards/index.js';
import { NotFoundError, UsageError } from '../../common/errors.js';
import type { ExportFile, ExportService } from '../../../shared/services/compare-types.js';
import { readModelBytes } from '../model-file.js';
import { writeFirmwareImages } from '../toolchain/images.js';
import { buildModelGraph } from '../toolchain/build-model.js';
import { CustomBoards } from '../store/custom-boards.js';
import type { Store } from '../store/index.js';
import { latencyOf } from './compare.js';
import { reportCsv, reportHtml, reportJson } from './report.js';

/**
 * Downloads from the app: the generated C project (the standalone project `tinydeploy build
 * --out` writes: model, kernels, board files, Makefile, CMakeLists.txt), the compiled firmware,
 * the variant's .tflite and a measurement's report. Everything is made in a temporary folder,
 * read into memory and removed; the bytes travel as the service's answer (browser mode carries
 * them over its WebSocket as any other answer, so no file route is needed).
 */

/** A name safe in a file name on every system: letters, digits, '.', '_' and '-'. */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 100) || 'model';
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** Zips files (paths relative to `directory`) under one top folder `root/`. */
async function zipFolder(directory: string, root: string, files: readonly string[], extra: Record<string, string> = {}): Promise<Uint8Array> {
  const tree: Zippable = {};
  // Fixed times, so the same project zips to the same bytes.
  const mtime = new Date('2020-01-01T00:00:00Z');
  for (const file of files) tree[`${root}/${file}`] = [new Uint8Array(await readFile(join(directory, file))), { mtime }];
  for (const [name, text] of Object.entries(extra)) tree[`${root}/${name}`] = [new TextEncoder().encode(text), { mtime }];
  return zipSync(tree, { level: 6 });
}

export function createExportService(store: Store): ExportService {
  const boardOf = (id: string): Board => {
    const board = findBoard(id) ?? findBoard(id, new CustomBoards(store).list());
    if (!board) throw new NotFoundError(`no board "${id}" in the catalog or among the custom boards`, { board: id });
    return board;
  };

  /** Generates the variant's C project for `board` in a temporary folder, runs `use` on it, removes the folder. */
  async function withProject<T>(variantId: string, boardId: string, compile: boolean, use: (directory: string, result: Awaited<ReturnType<typeof buildModelGraph>>) => Promise<T>): Promise<T> {
    const variant = store.getVariant(variantId);
    const board = boardOf(boardId);
    const graph = readModelBytes(store.readVariantBytes(variant.id), `${variant.name}.tflite`);
    const temporary = await mkdtemp(join(tmpdir(), 'tinydeploy-export-'));
    try {
      const directory = join(temporary, 'project');
      // Generated as the project's Deploy & Profile builds it (its "optimize for" setting).
      const optimize = store.getProject(variant.projectId).optimizeFor;
      const result = await buildModelGraph(graph, { board, out: directory, compile, name: `${variant.name}.tflite`, hash: variant.fileHash, generate: { optimize } });
      return await use(directory, result);
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  }

  return {
    async cProject({ variantId, boardId }): Promise<ExportFile> {
      const variant = store.getVariant(variantId);
      const root = `${safeFileName(variant.name)}-${safeFileName(boardId)}`;
      const bytes = await withProject(variantId, boardId, false, async (directory) => zipFolder(directory, root, await filesUnder(directory)));
      return { fileName: `${root}.zip`, mimeType: 'application/zip', bytes };
    },

    async firmware({ variantId, boardId }): Promise<ExportFile> {
      const variant = store.getVariant(variantId);
      const board = boardOf(boardId);
      const root = `${safeFileName(variant.name)}-${safeFileName(boardId)}-firmware`;
      const bytes = await withProject(variantId, boardId, true, async (directory, { build }) => {
        const images = board.kind === 'real' ? await writeFirmwareImages(build!.elf, board) : undefined;
        const files = ['build/model.elf', 'build/model.map'];
        if (images) files.push(relative(directory, images.bin), relative(directory, images.hex), ...(images.uf2 ? [relative(directory, images.uf2)] : []));
        const present = new Set(await filesUnder(directory));
        const report = {
          model: variant.name,
          modelHash: variant.fileHash,
          ...build!.report,
          ...(board.firmware.missing ? { runnable: false, missing: board.firmware.missing } : {}),
        };
        return zipFolder(
          directory,
          root,
          files.map((file) => file.split('\\').join('/')).filter((file) => present.has(file)),
          { 'build-report.json': JSON.stringify(report, null, 2) + '\n' },
        );
      });
      return { fileName: `${root}.zip`, mimeType: 'application/zip', bytes };
    },

    async model({ variantId }): Promise<ExportFile> {
      const variant = store.getVariant(variantId);
      return { fileName: `${safeFileName(variant.name)}.tflite`, mimeType: 'application/octet-stream', bytes: store.readVariantBytes(variant.id) };
    },

    async report({ measurementId, format }): Promise<ExportFile> {
      const measurement = store.getMeasurement(measurementId);
      if (measurement.kind !== 'deploy') throw new UsageError(`measurement ${measurementId} is an ${measurement.kind} measurement: a report is made of a deploy measurement`, { measurement: measurementId });
      const variant = store.getVariant(measurement.variantId);
      const board = measurement.boardId ? (findBoard(measurement.boardId) ?? findBoard(measurement.boardId, new CustomBoards(store).list())) : undefined;
      const deployment = measurement.deploymentId ? store.listDeployments(variant.id).find((entry) => entry.id === measurement.deploymentId) : undefined;
      const input = { measurement, variant, board, deployment, latency: latencyOf(measurement, board) };
      // The setting it was built with in the name (the per-layer CSV has no room for it): a build for size and one for speed download side by side.
      const optimizeFor = measurement.optimizeFor ?? deployment?.optimizeFor;
      const base = `${safeFileName(variant.name)}-${safeFileName(measurement.boardId ?? 'board')}${optimizeFor ? `-${optimizeFor}` : ''}-report`;
      const encode = (text: string) => new TextEncoder().encode(text);
      if (format === 'csv') return { fileName: `${base}.csv`, mimeType: 'text/csv', bytes: encode(reportCsv(input)) };
      if (format === 'json') return { fileName: `${base}.json`, mimeType: 'application/json', bytes: encode(reportJson(input)) };
      return { fileName: `${base}.html`, mimeType: 'text/html', bytes: encode(reportHtml(input)) };
    },
  };
}
