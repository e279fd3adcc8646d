import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../errors.js';
import { boardCompilerFlags, boards, defaultBoardId, findBoard, flashMethodName, knownProbes, requireBoard, virtualM4f } from './catalog.js';
import { customBoard } from './custom.js';

const catalogIds = 'virtual-m4f, virtual-m7, virtual-m55, real-template, virtual-stm32f405, nucleo-l4r5zi, nucleo-f446re, nucleo-h743zi2, stm32f746g-disco, nrf52840-dk, rpi-pico, rpi-pico2';

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
    expect(() => requireBoard('nope')).toThrow(`unknown board "nope"; known boards: ${catalogIds}`);
  });

  it('finds a custom board after the catalog, through the same lookup', () => {
    const mine = customBoard({
      id: 'my-board',
      core: 'cortex-m4f',
      cpuHz: 80e6,
      flash: { origin: 0x0800_0000, size: 512 * 1024 },
      ram: { origin: 0x2000_0000, size: 128 * 1024 },
      uart: { kind: 'stm32-usart', base: 0x4000_4400, rxIrq: 38 },
      flashMethod: 'openocd',
    });
    expect(findBoard('my-board')).toBeUndefined();
    expect(findBoard('my-board', [mine])).toBe(mine);
    expect(findBoard('virtual-m4f', [mine])).toBe(virtualM4f);
    expect(() => requireBoard('nope', [mine])).toThrow(`unknown board "nope"; known boards: ${catalogIds}, my-board`);
  });

  it('gives every real board every field: core, FPU, DSP, clock, memory, probe UART, USB ids, flash methods, datasheet source', () => {
    const source = readFileSync(new URL('./catalog.ts', import.meta.url), 'utf8');
    const real = boards.filter((board) => board.kind === 'real' && board.id !== 'real-template');
    expect(real.map((board) => board.id)).toEqual(['nucleo-l4r5zi', 'nucleo-f446re', 'nucleo-h743zi2', 'stm32f746g-disco', 'nrf52840-dk', 'rpi-pico', 'rpi-pico2']);
    for (const board of real) {
      expect(board.family, board.id).toMatch(/^(stm32[a-z]\d|nrf52|rp2040|rp2350)$/);
      expect(board.chip, board.id).toBeTruthy();
      expect(board.cpuHz, board.id).toBeGreaterThanOrEqual(64e6);
      expect(board.memory.flash.size, board.id).toBeGreaterThan(0);
      expect(board.memory.ram.size, board.id).toBeGreaterThan(0);
      for (const region of board.memory.regions ?? []) expect(region.origin + region.size, `${board.id} ${region.name}`).toBeLessThanOrEqual(0x1_0000_0000);
      expect(board.uart.name, board.id).toMatch(/^(LP)?U(S)?ART(E)?\d/);
      expect(board.uart.kind, board.id).not.toBe('cmsdk');
      expect(board.usb?.length, board.id).toBeGreaterThan(0);
      expect(board.flashMethods?.[0], board.id).toEqual(board.flash);
      expect(board.timer.unit, board.id).toBe('cycles');
      // The entry's comment names the datasheet or reference manual its figures come from.
      const entry = source.slice(source.lastIndexOf('/**', source.indexOf(`id: '${board.id}'`)), source.indexOf(`id: '${board.id}'`));
      expect(entry, board.id).toMatch(/datasheet|DS\d+|RM\d+|Product Specification/);
      // Every catalog board runs its family's firmware: firmware/boards/<family>/ plus its own folder.
      expect(board.firmware.generated, board.id).toBeUndefined();
      expect(board.firmware.missing, board.id).toBeUndefined();
      expect(board.firmware.includeDirs, board.id).toEqual([board.id, `${board.family}/include`, 'common/include']);
    }
    const byId = Object.fromEntries(real.map((board) => [board.id, board]));
    expect([byId['nucleo-l4r5zi'].cpuHz, byId['nucleo-f446re'].cpuHz, byId['nucleo-h743zi2'].cpuHz, byId['stm32f746g-disco'].cpuHz]).toEqual([120e6, 180e6, 480e6, 216e6]);
    expect([byId['nrf52840-dk'].cpuHz, byId['rpi-pico'].cpuHz, byId['rpi-pico2'].cpuHz]).toEqual([64e6, 125e6, 150e6]);
    expect(byId['nucleo-h743zi2'].caches).toMatchObject({ instruction: true, data: true });
    expect(byId['nucleo-h743zi2'].memory.regions?.map((region) => region.name)).toEqual(expect.arrayContaining(['DTCM', 'AXI SRAM']));
    expect(byId['rpi-pico']).toMatchObject({ core: 'cortex-m0plus', fpu: 'none', floatAbi: 'soft', dsp: false, timer: { kind: 'systick', unit: 'cycles' } });
    expect(byId['rpi-pico2']).toMatchObject({ core: 'cortex-m33', dsp: true });
    const usb = (id: string) => byId[id].usb!.map((entry) => `${entry.vendorId}:${entry.productId}`);
    expect(usb('nucleo-f446re')).toEqual(['0483:374b']);
    expect(usb('nucleo-h743zi2')).toEqual(['0483:374e', '0483:374f']);
    expect(usb('nrf52840-dk')).toEqual(['1366:1015', '1366:1051']);
    expect(usb('rpi-pico')).toEqual(['2e8a:000c', '2e8a:0003']);
    expect(usb('rpi-pico2')).toEqual(['2e8a:000c', '2e8a:000f']);
    expect(byId['nucleo-f446re'].flashMethods!.map(flashMethodName)).toEqual(['openocd', 'pyocd', 'st-util', 'bin-drive']);
    expect(byId['nrf52840-dk'].flashMethods!.map(flashMethodName)).toEqual(['jlink', 'pyocd', 'hex-drive']);
    expect(byId['rpi-pico'].flash).toMatchObject({ kind: 'mass-storage', format: 'uf2', uf2FamilyId: 0xe48bff56, volumes: ['RPI-RP2'] });
    expect(byId['rpi-pico2'].flash).toMatchObject({ kind: 'mass-storage', format: 'uf2', uf2FamilyId: 0xe48bff59 });
  });

  it('agrees with every board folder: board.json, board.h and the files the build compiles', () => {
    const firmware = new URL('../../../../firmware/boards/', import.meta.url);
    // Boards whose files the build generates (family firmware not written yet) have no folder.
    for (const board of boards.filter((entry) => !entry.firmware.generated)) {
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
      expect({ kind: json.uart.kind, base: Number(json.uart.base), rxIrq: json.uart.rxIrq, ...(json.uart.name ? { name: json.uart.name } : {}) }).toEqual(board.uart);
      expect(json.flash).toEqual(board.flash);
      // SysTick counts instructions under QEMU's -icount, core cycles on a real Cortex-M0+.
      expect(json.timer).toBe(board.timer.kind === 'dwt' ? 'dwt' : board.timer.unit === 'cycles' ? 'systick-cycles' : 'systick-icount');
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
      // The linker script's MEMORY is the entry's flash and RAM (what the build measures against).
      const script = readFileSync(at(board.firmware.linkerScript), 'utf8');
      const size = (text: string) => Number(text.replace(/[KM]$/, '')) * (text.endsWith('M') ? 1024 * 1024 : text.endsWith('K') ? 1024 : 1);
      const memory = Object.fromEntries(
        [...script.matchAll(/^\s*(FLASH|RAM)\s*\([a-z]+\)\s*:\s*ORIGIN = (0x[0-9A-Fa-f]+), LENGTH = (\d+[KM]?)$/gm)].map((match) => [match[1], { origin: Number(match[2]), size: size(match[3]) }]),
      );
      expect(memory, board.id).toEqual({ FLASH: board.memory.flash, RAM: board.memory.ram });
      // The flash wait states the clock set-up programs are the ones the cycle estimate adds.
      const latency = /#define TD_\w+_FLASH_LATENCY (\d+)u/.exec(header);
      if (latency) expect(Number(latency[1]), board.id).toBe(board.flashWaitStates);
    }
  });

  it('names real boards and probes by lower-case 4-digit USB ids', () => {
    const ids = [...knownProbes, ...boards.flatMap((board) => board.usb ?? [])];
    for (const id of ids) expect(`${id.vendorId}:${id.productId}`).toMatch(/^[0-9a-f]{4}:[0-9a-f]{4}$/);
    expect(boards.filter((board) => board.kind === 'virtual').every((board) => board.qemu && board.timer.unit === 'instructions')).toBe(true);
    expect(boards.filter((board) => board.kind === 'real').every((board) => board.timer.unit === 'cycles')).toBe(true);
  });
});
