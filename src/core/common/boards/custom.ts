import { UsageError } from '../errors.js';
import { boardCompilerFlags, boards, uf2Families, type Board, type BoardUart, type CortexCore, type FlashMethod, type MemoryRegion } from './catalog.js';

/**
 * "My board": a board the user describes (core, clock, flash and RAM, UART, flash method), stored
 * in the data folder and usable wherever a catalog board is. `customBoard` turns the description
 * into a catalog entry: the core gives FPU, float ABI and DSP; the firmware is the generic
 * Cortex-M start-up with a board.h and linker script the build generates from the memory map, so
 * a custom board links and reports flash and RAM like any other. It runs the profiler only when
 * its UART is a CMSDK one (the generic driver); otherwise the entry says what is missing.
 */

/** What the user gives, as stored (plain JSON). */
export interface CustomBoardSpec {
  id: string;
  name?: string;
  core: CortexCore | 'cortex-m4f' | 'cortex-m7f';
  cpuHz: number;
  flash: MemoryRegion;
  ram: MemoryRegion;
  uart: BoardUart;
  /** openocd, pyocd, jlink, st-util, bin-drive, hex-drive, uf2-drive. */
  flashMethod: string;
  /** USB id of its probe, "vvvv:pppp". */
  usb?: string;
}

const coreFacts: Record<CustomBoardSpec['core'], Pick<Board, 'core' | 'fpu' | 'floatAbi' | 'dsp'>> = {
  'cortex-m0plus': { core: 'cortex-m0plus', fpu: 'none', floatAbi: 'soft', dsp: false },
  'cortex-m3': { core: 'cortex-m3', fpu: 'none', floatAbi: 'soft', dsp: false },
  'cortex-m4': { core: 'cortex-m4', fpu: 'none', floatAbi: 'soft', dsp: true },
  'cortex-m4f': { core: 'cortex-m4', fpu: 'fpv4-sp-d16', floatAbi: 'hard', dsp: true },
  'cortex-m7': { core: 'cortex-m7', fpu: 'fpv5-d16', floatAbi: 'hard', dsp: true },
  'cortex-m7f': { core: 'cortex-m7', fpu: 'fpv5-d16', floatAbi: 'hard', dsp: true },
  'cortex-m33': { core: 'cortex-m33', fpu: 'fpv5-sp-d16', floatAbi: 'hard', dsp: true },
  'cortex-m55': { core: 'cortex-m55', fpu: 'auto', floatAbi: 'hard', dsp: true },
};
export const customBoardCores = Object.keys(coreFacts) as CustomBoardSpec['core'][];
export const customFlashMethods = ['openocd', 'pyocd', 'jlink', 'st-util', 'bin-drive', 'hex-drive', 'uf2-drive'] as const;
const uartKinds: BoardUart['kind'][] = ['cmsdk', 'stm32-usart', 'nrf-uarte', 'pl011'];

function flashMethod(name: string): FlashMethod {
  switch (name) {
    case 'openocd':
    case 'pyocd':
    case 'jlink':
    case 'st-util':
      return { kind: 'gdb-remote', server: name };
    case 'bin-drive':
    case 'hex-drive':
      return { kind: 'mass-storage', format: name === 'bin-drive' ? 'bin' : 'hex' };
    case 'uf2-drive':
      return { kind: 'mass-storage', format: 'uf2', uf2FamilyId: uf2Families.rp2040 };
    default:
      throw new UsageError(`custom board: unknown flash method "${name}" (known: ${customFlashMethods.join(', ')})`, { flashMethod: name });
  }
}

/** Checks a description and returns the board entry; UsageError naming the field and the value. */
export function customBoard(spec: CustomBoardSpec): Board {
  const fail = (message: string): never => {
    throw new UsageError(`custom board "${spec.id}": ${message}`, { board: spec.id });
  };
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(spec.id)) fail('the id must be lower-case letters, digits, ".", "_" or "-" (at most 63), starting with a letter or digit');
  if (boards.some((board) => board.id === spec.id)) fail('a catalog board has this id: choose another');
  const core = coreFacts[spec.core] ?? fail(`unknown core "${spec.core}" (known: ${customBoardCores.join(', ')})`);
  if (!Number.isFinite(spec.cpuHz) || spec.cpuHz < 1e6 || spec.cpuHz > 2e9) fail(`clock ${spec.cpuHz} Hz is not between 1 MHz and 2 GHz`);
  for (const [label, region] of [['flash', spec.flash], ['RAM', spec.ram]] as const) {
    if (!Number.isInteger(region.origin) || region.origin < 0 || region.origin % 4 !== 0 || region.origin > 0xffff_ffff) fail(`${label} address ${region.origin} is not a word-aligned 32-bit address`);
    if (!Number.isInteger(region.size) || region.size < 1024 || region.origin + region.size > 0x1_0000_0000) fail(`${label} size ${region.size} is not between 1 KiB and the end of the address space`);
  }
  if (spec.flash.origin < spec.ram.origin + spec.ram.size && spec.ram.origin < spec.flash.origin + spec.flash.size) fail('flash and RAM overlap');
  if (!uartKinds.includes(spec.uart.kind)) fail(`unknown UART kind "${spec.uart.kind}" (known: ${uartKinds.join(', ')})`);
  if (!Number.isInteger(spec.uart.base) || spec.uart.base <= 0 || spec.uart.base > 0xffff_ffff) fail(`UART address ${spec.uart.base} is not a 32-bit address`);
  if (!Number.isInteger(spec.uart.rxIrq) || spec.uart.rxIrq < 0 || spec.uart.rxIrq > 479) fail(`UART receive interrupt ${spec.uart.rxIrq} is not between 0 and 479`);
  const flash = flashMethod(spec.flashMethod);
  let usb: Board['usb'];
  if (spec.usb !== undefined) {
    const match = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(spec.usb) ?? fail(`USB id "${spec.usb}" is not vvvv:pppp (four hex digits each)`);
    usb = [{ vendorId: match[1].toLowerCase(), productId: match[2].toLowerCase(), name: `${spec.id} probe` }];
  }
  const timer = core.core === 'cortex-m0plus' ? 'systick' : 'dwt';
  const board: Board = {
    id: spec.id,
    name: spec.name ?? `${spec.id} (custom ${spec.core}, ${spec.cpuHz / 1e6} MHz)`,
    kind: 'real',
    custom: true,
    ...core,
    cpuHz: spec.cpuHz,
    memory: { flash: { ...spec.flash }, ram: { ...spec.ram } },
    uart: { ...spec.uart },
    flash,
    flashMethods: [flash],
    timer: { kind: timer, unit: 'cycles' },
    ...(usb ? { usb } : {}),
    firmware: {
      directory: spec.id,
      sources: ['common/src/td_startup.c', 'common/src/td_cmsdk_board.c'],
      runtimeSources: ['common/src/td_cmsdk_serial.c', timer === 'dwt' ? 'common/src/td_dwt_timer.c' : 'common/src/td_systick_timer.c'],
      includeDirs: [spec.id, 'common/include'],
      linkerScript: `${spec.id}/${spec.id}.ld`,
      generated: true,
      ...(spec.uart.kind === 'cmsdk' ? {} : { missing: `a ${spec.uart.kind} UART driver (the generic firmware drives a CMSDK UART): add one as firmware/boards/<family>/ and a catalog entry` }),
    },
  };
  boardCompilerFlags(board);
  return board;
}

/** "512K", "2M", "0x8000", "131072" → bytes; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(0x[0-9a-f]+|\d+)\s*([kKmM])?i?[bB]?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2]?.toLowerCase();
  return value * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}

/** "0x08000000:512K" → {origin, size}; UsageError naming the option and the value. */
export function parseMemoryRegion(text: string, option: string): MemoryRegion {
  const [origin, size] = text.split(':');
  const address = /^0x[0-9a-f]+$/i.test(origin ?? '') || /^\d+$/.test(origin ?? '') ? Number(origin) : undefined;
  const bytes = size === undefined ? undefined : parseByteSize(size);
  if (address === undefined || bytes === undefined) {
    throw new UsageError(`option --${option}: "${text}" is not <address>:<size> (e.g. 0x08000000:512K)`, { option, value: text });
  }
  return { origin: address, size: bytes };
}

/** "80e6", "80000000", "80MHz", "80M" → Hz; UsageError naming the option. */
export function parseFrequency(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*(k|m|g)?(?:hz)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`option --${option}: "${text}" is not a frequency (e.g. 80e6 or 80MHz)`, { option, value: text });
  const scale = { k: 1e3, m: 1e6, g: 1e9 }[match[2]?.toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Math.round(Number(match[1]) * scale);
}
