import { describe, expect, it } from 'vitest';
import { boards } from '../../../core/common/boards/catalog.js';
import { flashingText, realBoardsNote, serialDeviceDeploy } from './real-board-text.js';

describe('what the Devices screen says about real boards', () => {
  it('says how boards are recognised, confirmed and flashed, and what to install; never that they come later', () => {
    expect(realBoardsNote).toContain('USB vendor and product id');
    expect(realBoardsNote).toContain('HELLO');
    expect(realBoardsNote).toContain('apt-get install openocd');
    expect(realBoardsNote).toContain('python3-pyocd');
    expect(realBoardsNote).not.toMatch(/later (release|version)|not yet/);
  });

  it('names every way each catalog board is flashed, the default first', () => {
    expect(flashingText('nucleo-f446re')).toBe('OpenOCD, pyOCD, st-util or a .bin copied to its drive (NODE_F446RE)');
    expect(flashingText('rpi-pico')).toMatch(/^a \.uf2 copied to its drive \(RPI-RP2\)/);
    expect(flashingText('virtual-m4f')).toBe('QEMU loads it over GDB');
    expect(flashingText('my-own-board')).toBeUndefined();
    for (const board of boards) expect(flashingText(board.id), board.id).toMatch(/\S/);
  });

  it('a plugged-in device with a catalog board\'s USB id is recognised, with how it is flashed; a lone probe says how to use it', () => {
    const recognised = serialDeviceDeploy({ path: '/dev/ttyACM0', vendorId: '0483', productId: '374b', boardIds: ['nucleo-f446re'] });
    expect(recognised?.badge).toBe('recognised');
    expect(recognised?.title).toContain('nucleo-f446re: OpenOCD');
    expect(recognised?.title).toContain('HELLO');
    expect(serialDeviceDeploy({ path: '/dev/ttyACM1', boardIds: [], probe: 'CMSIS-DAP' })?.title).toContain('tinydeploy boards add --usb');
    expect(serialDeviceDeploy({ path: '/dev/ttyUSB0', boardIds: [] })).toBeUndefined();
  });
});
