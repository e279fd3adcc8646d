import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { boardCompilerFlags } from './catalog.js';
import { customBoard, parseByteSize, parseFrequency, parseMemoryRegion, type CustomBoardSpec } from './custom.js';

const spec: CustomBoardSpec = {
  id: 'my-l476',
  core: 'cortex-m4f',
  cpuHz: 80e6,
  flash: { origin: 0x0800_0000, size: 1024 * 1024 },
  ram: { origin: 0x2000_0000, size: 96 * 1024 },
  uart: { kind: 'stm32-usart', base: 0x4000_4400, rxIrq: 38 },
  flashMethod: 'openocd',
  usb: '0483:374B',
};

describe('custom boards ("My board")', () => {
  it('turns a description into a board entry: core facts, memory, UART, flash method, generated firmware', () => {
    const board = customBoard(spec);
    expect(board).toMatchObject({
      id: 'my-l476',
      kind: 'real',
      custom: true,
      core: 'cortex-m4',
      fpu: 'fpv4-sp-d16',
      floatAbi: 'hard',
      dsp: true,
      cpuHz: 80e6,
      memory: { flash: spec.flash, ram: spec.ram },
      flash: { kind: 'gdb-remote', server: 'openocd' },
      timer: { kind: 'dwt', unit: 'cycles' },
      usb: [{ vendorId: '0483', productId: '374b' }],
      firmware: { directory: 'my-l476', linkerScript: 'my-l476/my-l476.ld', generated: true },
    });
    expect(board.firmware.missing).toMatch(/stm32-usart UART driver/);
    expect(boardCompilerFlags(board)).toEqual(['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16']);
    const m0 = customBoard({ ...spec, id: 'my-m0', core: 'cortex-m0plus', uart: { kind: 'cmsdk', base: 0x4000_4000, rxIrq: 0 }, flashMethod: 'uf2-drive' });
    expect(m0).toMatchObject({ fpu: 'none', floatAbi: 'soft', dsp: false, timer: { kind: 'systick', unit: 'cycles' }, flash: { kind: 'mass-storage', format: 'uf2' } });
    expect(m0.firmware.missing).toBeUndefined();
  });

  it('refuses a bad description, naming the field and the value', () => {
    const refuse = (change: Partial<CustomBoardSpec>, message: string) => {
      expect(() => customBoard({ ...spec, ...change })).toThrow(UsageError);
      expect(() => customBoard({ ...spec, ...change })).toThrow(message);
    };
    refuse({ id: 'My Board' }, 'custom board "My Board": the id must be lower-case');
    refuse({ id: 'nucleo-f446re' }, 'custom board "nucleo-f446re": a catalog board has this id');
    refuse({ core: 'cortex-a53' as CustomBoardSpec['core'] }, 'unknown core "cortex-a53"');
    refuse({ cpuHz: 5e9 }, 'clock 5000000000 Hz is not between 1 MHz and 2 GHz');
    refuse({ ram: { origin: 0x0800_1000, size: 4096 } }, 'flash and RAM overlap');
    refuse({ flash: { origin: 0x0800_0002, size: 4096 } }, 'flash address 134217730 is not a word-aligned 32-bit address');
    refuse({ flashMethod: 'dfu' }, 'unknown flash method "dfu" (known: openocd, pyocd, jlink, st-util, bin-drive, hex-drive, uf2-drive)');
    refuse({ usb: '483:374b' }, 'USB id "483:374b" is not vvvv:pppp');
    refuse({ uart: { kind: 'cmsdk', base: 0x4000_4000, rxIrq: 999 } }, 'UART receive interrupt 999 is not between 0 and 479');
  });

  it('reads sizes, regions and clocks as the CLI takes them', () => {
    expect([parseByteSize('512K'), parseByteSize('2M'), parseByteSize('0x8000'), parseByteSize('640KiB'), parseByteSize('lots')]).toEqual([524288, 2097152, 32768, 655360, undefined]);
    expect(parseMemoryRegion('0x08000000:512K', 'flash')).toEqual({ origin: 0x0800_0000, size: 524288 });
    expect(() => parseMemoryRegion('0x08000000', 'flash')).toThrow('option --flash: "0x08000000" is not <address>:<size> (e.g. 0x08000000:512K)');
    expect([parseFrequency('80e6', 'clock'), parseFrequency('80MHz', 'clock'), parseFrequency('125000000', 'clock'), parseFrequency('1.5G', 'clock')]).toEqual([80e6, 80e6, 125e6, 1.5e9]);
    expect(() => parseFrequency('fast', 'clock')).toThrow('option --clock: "fast" is not a frequency');
  });
});
