import { describe, expect, it } from 'vitest';
import { DeviceError } from '../errors.js';
import { boardCompilerFlags, boards, defaultBoardId, findBoard, requireBoard, virtualM4f } from './catalog.js';

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
    expect(() => requireBoard('nope')).toThrow('unknown board "nope"; known boards: virtual-m4f');
  });
});
