import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { requireBoard } from './catalog.js';
import { cycleTables, estimateCycles, estimatingBoardFor, estimateTargetOf, formatEstimate, instructionClasses, parseInstructionMix, type InstructionMix } from './cycle-tables.js';

function mix(classes: Partial<InstructionMix['classes']>, extra: Partial<InstructionMix> = {}): InstructionMix {
  const all = Object.fromEntries(instructionClasses.map((name) => [name, classes[name] ?? 0])) as InstructionMix['classes'];
  return {
    instructions: Object.values(all).reduce((sum, count) => sum + count, 0),
    classes: all,
    registersLoaded: 0,
    registersStored: 0,
    taken: 0,
    notTaken: 0,
    flashLoads: 0,
    flashLineMisses: { '8': 0, '16': 0, '32': 0 },
    ...extra,
  };
}

describe('cycle tables', () => {
  it('has a table for every core of the catalog, each naming its source', () => {
    for (const [core, table] of Object.entries(cycleTables)) {
      expect(table.core).toBe(core);
      expect(table.source).toMatch(/TRM/);
    }
  });

  it('prices a Cortex-M0+ loop as its TRM does: LDR 2, ADDS 1, SUBS 1, BNE taken 2', () => {
    const n = 100;
    const estimate = estimateCycles(mix({ load: n, alu: 2 * n, branch: n }, { taken: n - 1, notTaken: 1 }), {
      board: 'rpi-pico',
      core: 'cortex-m0plus',
      cpuHz: 125e6,
      flashWaitStates: 0,
      flashLineBytes: 16,
    });
    expect(estimate.cycles).toBe(6 * n - 1);
    expect(estimate.ms).toBeCloseTo(((6 * n - 1) / 125e6) * 1000, 12);
  });

  it('refuses to price DSP instructions on a core without them, naming the class and count', () => {
    const run = () => estimateCycles(mix({ mac: 12 }), { board: 'rpi-pico', core: 'cortex-m0plus', cpuHz: 125e6, flashWaitStates: 0, flashLineBytes: 16 });
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(/rpi-pico \(cortex-m0plus\): the firmware ran 12 "mac" instructions/);
  });

  it('adds wait states per missed flash line of the target’s line size', () => {
    const counted = mix({ load: 64 }, { flashLoads: 64, flashLineMisses: { '8': 32, '16': 16, '32': 8 } });
    const l4 = estimateTargetOf(requireBoard('nucleo-l4r5zi'));
    expect(l4).toMatchObject({ core: 'cortex-m4', cpuHz: 120e6, flashWaitStates: 5, flashLineBytes: 8 });
    expect(estimateCycles(counted, l4).parts.flashWaits).toBe(5 * 32);
    const h7 = estimateTargetOf(requireBoard('nucleo-h743zi2'));
    expect(h7.flashLineBytes).toBe(32);
    expect(estimateCycles(counted, h7).parts.flashWaits).toBe(h7.flashWaitStates * 8);
    // A virtual board's code memory has no wait states.
    expect(estimateTargetOf(requireBoard('virtual-m4f')).flashWaitStates).toBe(0);
  });

  it('prints the estimate with the core and clock it assumes', () => {
    const estimate = estimateCycles(mix({ alu: 5_208_000 }), estimateTargetOf(requireBoard('nucleo-l4r5zi')));
    expect(formatEstimate(estimate)).toBe('≈ 5,208,000 cycles, ≈ 43.4 ms on nucleo-l4r5zi (estimate from the instruction mix; Cortex-M4 at 120 MHz)');
  });

  it('reads the plugin’s lines and refuses a malformed one by field', () => {
    const line = JSON.stringify({ ...mix({ alu: 3 }), window: 0 });
    expect(parseInstructionMix(line).classes.alu).toBe(3);
    expect(() => parseInstructionMix('{"instructions":1}')).toThrow(/field classes.alu is not a count/);
    expect(() => parseInstructionMix('nope')).toThrow(/not JSON/);
  });

  it('names the virtual board that estimates a real board not plugged in', () => {
    const standIn = (id: string) => estimatingBoardFor(requireBoard(id))?.id;
    expect(standIn('nucleo-l4r5zi')).toBe('virtual-m4f');
    expect(standIn('nucleo-f446re')).toBe('virtual-stm32f405');
    expect(standIn('nucleo-h743zi2')).toBe('virtual-m7');
    expect(standIn('nrf52840-dk')).toBe('virtual-m4f');
    expect(standIn('rpi-pico2')).toBe('virtual-m4f');
    expect(standIn('rpi-pico')).toBeUndefined();
  });
});
