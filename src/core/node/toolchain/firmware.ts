import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Board } from '../../common/boards/index.js';
import { CodegenError } from '../../common/errors.js';

/**
 * Where the C side lives (firmware/: kernels, boards) and which kernel sources a model needs.
 * The kernel library keeps one public function per file, `src/<category>/<function>.c`, and a
 * DSP-optimized override of the same name in `src/opt/cortex-m/` (td_kernels.h); a build picks
 * the override when the target has the DSP extension. On a core with Helium (the M-profile Vector
 * Extension, Cortex-M55) `src/opt/helium/` overrides both, kernel by kernel.
 */

/** The firmware directory: `$TINYDEPLOY_FIRMWARE_DIR`, else `firmware/` of the source tree. */
export function firmwareRoot(): string {
  if (process.env.TINYDEPLOY_FIRMWARE_DIR) return resolve(process.env.TINYDEPLOY_FIRMWARE_DIR);
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(directory, 'firmware');
    if (existsSync(join(candidate, 'kernels', 'include', 'td_kernels.h'))) return candidate;
    directory = dirname(directory);
  }
  throw new CodegenError('cannot find the firmware directory (kernels and boards); set TINYDEPLOY_FIRMWARE_DIR to it');
}

/** portable C; the DSP-extension kernels over it; the Helium (MVE) kernels over those. */
export type KernelVariant = 'portable' | 'dsp' | 'helium';

/**
 * The kernels a board's firmware compiles: Helium on a Cortex-M55 (unless the board says its core
 * lacks MVE), the DSP-extension ones on a core with the DSP extension, else portable C.
 */
export function kernelVariantOf(board: Pick<Board, 'core' | 'dsp' | 'helium'>): KernelVariant {
  if (!board.dsp) return 'portable';
  return board.core === 'cortex-m55' && board.helium !== false ? 'helium' : 'dsp';
}

export interface KernelFiles {
  /** The kernel library's root (firmware/kernels). */
  root: string;
  /** C sources to compile, relative to `root`. */
  sources: string[];
  /**
   * Every header of the library, relative to `root` (the sources include them by relative path),
   * and the DSP sources the chosen Helium sources include (copied, not compiled on their own).
   */
  headers: string[];
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? listFiles(join(directory, entry.name)) : Promise.resolve([join(directory, entry.name)]))),
  );
  return files.flat();
}

/**
 * The sources implementing `functions` (e.g. `td_conv2d_s8`) in the chosen variant. A function
 * without a source file is a CodegenError naming it.
 */
export async function kernelFiles(functions: readonly string[], variant: KernelVariant, root = join(firmwareRoot(), 'kernels')): Promise<KernelFiles> {
  const all = (await listFiles(join(root, 'src'))).map((file) => relative(root, file).split('\\').join('/'));
  const optimized = new Set(all.filter((file) => file.startsWith('src/opt/') && file.endsWith('.c')));
  const portable = all.filter((file) => file.endsWith('.c') && !file.startsWith('src/opt/'));
  const overrides = variant === 'helium' ? ['helium', 'cortex-m'] : variant === 'dsp' ? ['cortex-m'] : [];
  const sources = functions.map((fn) => {
    const override = overrides.map((target) => `src/opt/${target}/${fn}.c`).find((file) => optimized.has(file));
    if (override) return override;
    const source = portable.find((file) => file.endsWith(`/${fn}.c`));
    if (!source) throw new CodegenError(`the kernel library has no source for ${fn} (looked for src/*/${fn}.c in ${root})`, { kernel: fn });
    return source;
  });
  // A Helium kernel runs the DSP one (included under another name) on the shapes where that is faster.
  const included = sources
    .filter((file) => file.startsWith('src/opt/helium/'))
    .map((file) => file.replace('src/opt/helium/', 'src/opt/cortex-m/'))
    .filter((file) => optimized.has(file));
  const headers = ['include/td_kernels.h', ...all.filter((file) => file.endsWith('.h')), ...new Set(included)];
  return { root, sources: [...new Set(sources)].sort(), headers };
}

/**
 * firmware/runtime/runtime.json: what the on-device profiler adds to a board's firmware (its
 * sources and include folders, relative to firmware/runtime, and the defines model.c is compiled
 * with so its ops are timed and its state is left to the profiler).
 */
export interface RuntimeDescription {
  sources: string[];
  /**
   * The sources compiled with -Os: code that serves the host between runs (protocol, framing,
   * model table, stack painting) and never runs while an op is timed; flash they would take at
   * -O2 counts as code against the model.
   */
  sizeOptimizedSources?: string[];
  includeDirs: string[];
  modelDefines: Record<string, string | true>;
}

export async function readRuntimeDescription(root = firmwareRoot()): Promise<RuntimeDescription> {
  return JSON.parse(await readFile(join(root, 'runtime', 'runtime.json'), 'utf8')) as RuntimeDescription;
}
