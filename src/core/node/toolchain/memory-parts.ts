/**
 * What a firmware image's flash and RAM hold, from the ELF's symbols: each symbol is put in the
 * part of the project whose object file defines it (read from the objects' own symbol tables).
 *
 *   flash = weights + model + kernels + runtime + start-up + other
 *     weights   the model's constant arrays (`td_weights_*`, in the generated model/)
 *     model     the rest of the generated model: the code calling one kernel per op, per-op
 *               parameters (multipliers, shifts, lookup tables)
 *     kernels   the C kernels the model calls (kernels/)
 *     runtime   the application (app/: the on-device profiler or the standalone main) and the C
 *               library functions it links (memcpy, …)
 *     start-up  vector table, reset handler, clock and UART set-up (boards/)
 *     other     what no symbol names: alignment, exception tables, initialised data images
 *   RAM = arena + stack + runtime + other
 *     arena     the planner's static arena: every activation tensor, buffers shared when their
 *               lifetimes do not overlap (`td_arena`)
 *     stack     the stack estimated from the call graph at build time (-fcallgraph-info)
 *     runtime   the other variables: profiler and UART buffers, kernels' and C library's state
 *     other     what no symbol names (alignment, heap and C library padding)
 */

import { readFile } from 'node:fs/promises';
import { parseElf, SHF_ALLOC, SHF_WRITE, SHT_NOBITS, type ElfFile, type ElfSizes } from './elf.js';

export interface FlashParts {
  weights: number;
  model: number;
  kernels: number;
  runtime: number;
  startup: number;
  other: number;
}

export interface RamParts {
  arena: number;
  stack: number;
  runtime: number;
  other: number;
}

type Owner = 'model' | 'kernels' | 'runtime' | 'startup';

/** The part of the project a source file belongs to, by its folder in the generated project. */
export function ownerOfSource(source: string): Owner {
  const top = source.replace(/\\/g, '/').split('/')[0];
  if (top === 'model') return 'model';
  if (top === 'kernels') return 'kernels';
  if (top === 'boards') return 'startup';
  return 'runtime';
}

const STT_OBJECT = 1;
const STT_FUNC = 2;
const weightPrefix = 'td_weights_';
const arenaSymbol = 'td_arena';

/** Symbol name → owner, from the objects' symbol tables (the first object defining a name wins). */
export async function symbolOwners(objects: readonly { path: string; source: string }[]): Promise<Map<string, Owner>> {
  const owners = new Map<string, Owner>();
  const parsed = await Promise.all(objects.map(async (object) => ({ owner: ownerOfSource(object.source), elf: parseElf(new Uint8Array(await readFile(object.path)), object.path) })));
  for (const { owner, elf } of parsed) {
    for (const symbol of elf.symbols) {
      if (symbol.sectionIndex === 0 || (symbol.type !== STT_FUNC && symbol.type !== STT_OBJECT)) continue;
      if (!owners.has(symbol.name)) owners.set(symbol.name, owner);
    }
  }
  return owners;
}

/**
 * Flash and RAM of `elf` by part. `sizes` are the image's section sizes (flash = text + rodata +
 * data, RAM = data + bss + `stackBytes`), so each total is exactly the build report's.
 */
export function memoryParts(elf: ElfFile, owners: ReadonlyMap<string, Owner>, sizes: ElfSizes, stackBytes: number, arenaBytes: number): { flash: FlashParts; ram: RamParts } {
  const flash: FlashParts = { weights: 0, model: 0, kernels: 0, runtime: 0, startup: 0, other: 0 };
  let arena = 0;
  let variables = 0;
  const seen = new Set<string>();
  for (const symbol of elf.symbols) {
    if (symbol.sectionIndex === 0 || symbol.size === 0 || (symbol.type !== STT_FUNC && symbol.type !== STT_OBJECT)) continue;
    const section = elf.sections[symbol.sectionIndex];
    if (!section || (section.flags & SHF_ALLOC) === 0) continue;
    // Aliases (two names at one address) count once.
    const key = `${symbol.sectionIndex}:${symbol.value}:${symbol.size}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const writable = (section.flags & SHF_WRITE) !== 0;
    if (writable) {
      if (symbol.name === arenaSymbol) arena += symbol.size;
      else variables += symbol.size;
      if (section.type === SHT_NOBITS) continue;
    }
    // In flash: code, constants, and the initial values of initialised variables.
    if (symbol.name.startsWith(weightPrefix)) flash.weights += symbol.size;
    else flash[owners.get(symbol.name) ?? 'runtime'] += symbol.size;
  }
  const flashTotal = sizes.text + sizes.rodata + sizes.data;
  const named = flash.weights + flash.model + flash.kernels + flash.runtime + flash.startup;
  flash.other = Math.max(0, flashTotal - named);
  if (arena === 0) arena = arenaBytes;
  const variableTotal = sizes.data + sizes.bss;
  const ram: RamParts = { arena, stack: stackBytes, runtime: variables, other: Math.max(0, variableTotal - arena - variables) };
  return { flash, ram };
}
