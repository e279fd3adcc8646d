import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../errors.js';
import { boardCompilerFlags, boards, defaultBoardId, findBoard, knownProbes, requireBoard, virtualM4f } from './catalog.js';

describe('board catalog', () => {
  it('describes the default virtual Cortex-M4F as QEMU mps2-an386 maps it', () => {
    expect(defaultBoardId).toBe('virtual-m4f');
    expect(virtualM4f.memory.flash).toEqual({ origin: 0, size: 4 * 1024 * 1024 });
    expect(virtualM4f.memory.ram).toEqual({ origin: 0x2000_0000, size: 4 * 1024 * 1024 });
    expect(virtualM4f.uart).toEqual({ kind: 'cmsdk', base: 0x4000_4000, rxIrq: 0 });
    expect(virtualM4f.qemu?.machine).toBe('mps2-an386');
    expect(virtualM4f.timer.unit).toBe('instructions');
    expect(boardCompilerFlags(virtualM4f)).toEqual(['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16']);
  });

  it('leaves out the FPU flag for a soft-float board', () => {
    expect(boardCompilerFlags({ ...virtualM4f, core: 'cortex-m3', fpu: 'none', floatAbi: 'soft' })).toEqual(['-mcpu=cortex-m3', '-mthumb', '-mfloat-abi=soft']);
  });

  it('finds boards by id and names the known ones for an unknown id', () => {
    expect(new Set(boards.map((board) => board.id)).size).toBe(boards.length);
    expect(findBoard('virtual-m4f')).toBe(virtualM4f);
    expect(findBoard('nope')).toBeUndefined();
    expect(() => requireBoard('nope')).toThrow(DeviceError);
    expect(() => requireBoard('nope')).toThrow('unknown board "nope"; known boards: virtual-m4f, virtual-m7, virtual-m55, real-template');
  });

  it('agrees with every board folder: board.json, board.h and the files the build compiles', () => {
    const firmware = new URL('../../../../firmware/boards/', import.meta.url);
    for (const board of boards) {
      const json = JSON.parse(readFileSync(new URL(`${board.id}/board.json`, firmware), 'utf8'));
      const at = (path: string) => new URL(path, firmware);
      expect({ id: json.id, cpu: json.cpu, fpu: json.fpu, floatAbi: json.floatAbi, cpuHz: json.cpuHz, machine: json.qemuMachine }).toEqual({
        id: board.id,
        cpu: board.core,
        fpu: board.fpu,
        floatAbi: board.floatAbi,
        cpuHz: board.cpuHz,
        machine: board.qemu?.machine ?? json.qemuMachine,
      });
      expect(Number(json.memory.flash.origin)).toBe(board.memory.flash.origin);
      expect(json.memory.flash.size).toBe(board.memory.flash.size);
      expect(Number(json.memory.ram.origin)).toBe(board.memory.ram.origin);
      expect(json.memory.ram.size).toBe(board.memory.ram.size);
      expect({ kind: json.uart.kind, base: Number(json.uart.base), rxIrq: json.uart.rxIrq }).toEqual(board.uart);
      expect(json.flash).toEqual(board.flash);
      expect(json.timer).toBe(board.timer.kind === 'dwt' ? 'dwt' : 'systick-icount');
      // board.json paths are relative to the board's folder, the catalog's to firmware/boards/.
      const fromBoard = (paths: string[]) => paths.map((path) => new URL(path, at(`${board.id}/`)).href);
      expect(fromBoard(json.sources)).toEqual(board.firmware.sources.map((path) => at(path).href));
      expect(fromBoard(json.runtimeSources)).toEqual(board.firmware.runtimeSources.map((path) => at(path).href));
      expect(new URL(json.linkerScript, at(`${board.id}/`)).href).toBe(at(board.firmware.linkerScript).href);
      for (const path of [...board.firmware.sources, ...board.firmware.runtimeSources, board.firmware.linkerScript]) readFileSync(at(path));
      const header = readFileSync(at(`${board.id}/board.h`), 'utf8');
      expect(header).toContain(`#define TD_BOARD_ID "${board.id}"`);
      expect(header).toContain(`#define TD_CPU_HZ ${board.cpuHz}u`);
      expect(header).toMatch(new RegExp(`#define TD_UART0_BASE 0x0*${board.uart.base.toString(16)}u`, 'i'));
      expect(header).toContain(`#define TD_UART0_RX_IRQ ${board.uart.rxIrq}`);
    }
  });

  it('names real boards and probes by lower-case 4-digit USB ids', () => {
    const ids = [...knownProbes, ...boards.flatMap((board) => board.usb ?? [])];
    for (const id of ids) expect(`${id.vendorId}:${id.productId}`).toMatch(/^[0-9a-f]{4}:[0-9a-f]{4}$/);
    expect(boards.filter((board) => board.kind === 'virtual').every((board) => board.qemu && board.timer.unit === 'instructions')).toBe(true);
    expect(boards.filter((board) => board.kind === 'real').every((board) => board.timer.unit === 'cycles')).toBe(true);
  });
});
