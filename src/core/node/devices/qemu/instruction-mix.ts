import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemoryRegion } from '../../../common/boards/catalog.js';
import { parseInstructionMix, type InstructionMix } from '../../../common/boards/cycle-tables.js';
import { DeviceError } from '../../../common/errors.js';
import { compile, requireCompiler } from '../../toolchain/compiler.js';
import { firmwareRoot } from '../../toolchain/firmware.js';

/**
 * The instruction-class plugin on the host side: builds firmware/qemu-plugin/insn-classes.c with
 * the host's gcc on first use (cached by the source's and the compiler's hash), gives the QEMU
 * arguments that load it with the firmware's window markers, and reads the counts of each closed
 * window (one inference each) while QEMU keeps running.
 */

/** The markers around each inference in firmware/runtime (td_server.c). */
export const windowSymbols = { open: 'td_estimate_window_open', close: 'td_estimate_window_close' } as const;

/** Where built host tools are kept: `$TINYDEPLOY_CACHE_DIR`, else `$XDG_CACHE_HOME/tinydeploy`, else `~/.cache/tinydeploy`. */
export function cacheDirectory(): string {
  if (process.env.TINYDEPLOY_CACHE_DIR) return process.env.TINYDEPLOY_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tinydeploy');
}

/**
 * The plugin's shared library, compiled now if the cache has no build of this source with this
 * compiler. A missing host gcc is the CodegenError that says how to install it.
 */
export async function buildInstructionPlugin(directory = cacheDirectory()): Promise<string> {
  const sourcePath = join(firmwareRoot(), 'qemu-plugin', 'insn-classes.c');
  const source = await readFile(sourcePath);
  const compiler = await requireCompiler('host');
  const key = createHash('sha256').update(source).update(compiler.command).update(compiler.version).digest('hex').slice(0, 16);
  const library = join(directory, `insn-classes-${key}.so`);
  if (existsSync(library)) return library;
  await mkdir(directory, { recursive: true });
  // Built beside its final name, then renamed: two deploys starting at once never load half a file.
  const partial = `${library}.${process.pid}.partial`;
  try {
    await compile(compiler, { sources: [sourcePath], output: partial, flags: ['-shared', '-fPIC', '-O2', '-Wall'], timeoutMs: 120_000 });
    await rename(partial, library);
  } finally {
    await rm(partial, { force: true });
  }
  return library;
}

export interface InstructionMixProbeOptions {
  /** Addresses of the window markers (from the ELF's symbols). */
  open: number;
  close: number;
  /** The board's flash: loads from it go through the flash-line model. */
  flash: MemoryRegion;
  /** The plugin library (default: `buildInstructionPlugin()`). */
  plugin?: string;
  /** Where the counts are written (`instruction-mix.jsonl`, kept); default a temporary folder that `close()` removes. */
  directory?: string;
}

/**
 * One QEMU run's counting: `qemuArguments` go on QEMU's command line, `windows()` reads every
 * window closed so far, `close()` removes a temporary output folder. The output file is created
 * by the plugin and appended to, one line per window.
 */
export class InstructionMixProbe {
  private constructor(
    readonly qemuArguments: string[],
    private readonly temporaryDirectory: string | undefined,
    readonly outputPath: string,
  ) {}

  static async create(options: InstructionMixProbeOptions): Promise<InstructionMixProbe> {
    const plugin = options.plugin ?? (await buildInstructionPlugin());
    const temporaryDirectory = options.directory ? undefined : await mkdtemp(join(tmpdir(), 'tinydeploy-mix-'));
    const outputPath = join(options.directory ?? temporaryDirectory!, 'instruction-mix.jsonl');
    if (/,/.test(outputPath) || /,/.test(plugin)) {
      if (temporaryDirectory) await rm(temporaryDirectory, { recursive: true, force: true });
      throw new DeviceError(`QEMU's -plugin option cannot take a path with a comma: ${/,/.test(plugin) ? plugin : outputPath}`, { plugin, outputPath });
    }
    await rm(outputPath, { force: true }); // a kept work folder's counts of an earlier deploy
    const hex = (value: number) => `0x${value.toString(16)}`;
    const flashEnd = options.flash.origin + options.flash.size - 1;
    return new InstructionMixProbe(
      ['-plugin', `${plugin},out=${outputPath},begin=${hex(options.open)},end=${hex(options.close)},flash=${hex(options.flash.origin)}-${hex(flashEnd)}`],
      temporaryDirectory,
      outputPath,
    );
  }

  /** Markers from an ELF's symbols; a firmware without them (built before the markers existed) is a DeviceError. */
  static markers(symbols: readonly { name: string; value: number }[]): { open: number; close: number } {
    const find = (name: string) => {
      const symbol = symbols.find((candidate) => candidate.name === name);
      if (!symbol) throw new DeviceError(`the firmware has no symbol ${name}: it cannot be profiled for a cycle estimate`, { symbol: name });
      return symbol.value & ~1;
    };
    return { open: find(windowSymbols.open), close: find(windowSymbols.close) };
  }

  /** The counts of every window closed so far, oldest first. */
  async windows(): Promise<InstructionMix[]> {
    const text: string = await readFile(this.outputPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(parseInstructionMix);
  }

  /** Removes the temporary folder (a given `directory` is left as it is). */
  async close(): Promise<void> {
    if (this.temporaryDirectory) await rm(this.temporaryDirectory, { recursive: true, force: true });
  }
}
