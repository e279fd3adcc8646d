import { describe, expect, it } from 'vitest';
import type { BoardDescription, DeviceListing } from '../../../shared/services/types.js';
import { boardChoices, estimateTargets } from './board-choices.js';

const board = (id: string, kind: 'virtual' | 'real', core: string, deployable: boolean, reason?: string): BoardDescription => ({
  id,
  name: id,
  kind,
  core,
  flashBytes: 1,
  ramBytes: 1,
  timerUnit: kind === 'virtual' ? 'instructions' : 'cycles',
  deployable,
  ...(reason ? { reason } : {}),
});

const listing: DeviceListing = {
  boards: [
    board('virtual-m4f', 'virtual', 'cortex-m4', true),
    board('virtual-stm32f405', 'virtual', 'cortex-m4', true),
    board('real-template', 'real', 'cortex-m4', false, 'board real-template is real hardware that TinyDeploy cannot start a GDB server for'),
    board('nucleo-l4r5zi', 'real', 'cortex-m4', false, 'not plugged in: no serial port of its probe (ST-LINK/V2-1 or STLINK-V3)'),
    board('nucleo-f446re', 'real', 'cortex-m4', true),
    board('rpi-pico', 'real', 'cortex-m0plus', false, 'not plugged in'),
    board('my-m3', 'real', 'cortex-m3', true),
  ],
  serial: [{ path: '/dev/ttyACM0', vendorId: '0483', productId: '374b', boardIds: ['nucleo-f446re', 'stm32f746g-disco'], probe: 'ST-LINK/V2-1' }],
};

describe('Deploy tab board picker', () => {
  it('groups virtual, catalog (plugged in or not) and custom boards, saying where each is', () => {
    expect(boardChoices(listing).map(({ board: { id }, group, status }) => [id, group, status])).toEqual([
      ['virtual-m4f', 'virtual', 'virtual'],
      ['virtual-stm32f405', 'virtual', 'virtual'],
      ['real-template', 'catalog', 'board real-template is real hardware that TinyDeploy cannot start a GDB server for'],
      ['nucleo-l4r5zi', 'catalog', 'not plugged in: no serial port of its probe (ST-LINK/V2-1 or STLINK-V3)'],
      ['nucleo-f446re', 'catalog', 'plugged in on /dev/ttyACM0'],
      ['rpi-pico', 'catalog', 'not plugged in'],
      ['my-m3', 'custom', 'plugged in'],
    ]);
    expect(boardChoices(undefined)).toEqual([]);
  });

  it('offers estimate targets for a virtual board only: real boards whose core has what its build uses', () => {
    // virtual-m4f builds with DSP instructions: no Cortex-M0+ or M3 target, and not the template.
    expect(estimateTargets(listing, 'virtual-m4f').map((target) => target.id)).toEqual(['nucleo-l4r5zi', 'nucleo-f446re']);
    expect(estimateTargets(listing, 'nucleo-f446re')).toEqual([]);
    expect(estimateTargets(listing, undefined)).toEqual([]);
  });
});
