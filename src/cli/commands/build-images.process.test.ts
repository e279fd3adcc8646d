/**
 * `tinydeploy build <model> --board <real board> --out DIR`: the ELF plus the .bin, .hex and (RP2)
 * .uf2 a programmer takes, checked against binutils' objcopy and the UF2 and Intel HEX readers;
 * and every catalog board links KWS with its own memory map, or says what its firmware lacks.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boards, uf2Families } from '../../core/common/boards/index.js';
import { parseIntelHex, parseUf2 } from '../../core/common/firmware-image/index.js';
import { elfLoadSegments } from '../../core/node/toolchain/elf.js';
import { missingArmToolchain } from '../../../test/codegen/testing/codegen.js';
import { repoRoot, sharedModels } from '../../../test/testing/shared-data.js';
import { requireTools } from '../../../test/testing/tools.js';

const run = promisify(execFile);
const tinydeploy = (args: string[]) => run(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });

describe('tinydeploy build for real boards', () => {
  requireTools(missingArmToolchain);
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-build-images-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  /** The flash image objcopy makes from the same ELF, and the ELF's loadable segments. */
  async function reference(elf: string) {
    await run('arm-none-eabi-objcopy', ['-O', 'binary', elf, `${elf}.objcopy.bin`]);
    await run('arm-none-eabi-objcopy', ['-O', 'ihex', elf, `${elf}.objcopy.hex`]);
    return {
      bin: new Uint8Array(await readFile(`${elf}.objcopy.bin`)),
      hex: parseIntelHex(await readFile(`${elf}.objcopy.hex`, 'utf8')),
      load: elfLoadSegments(new Uint8Array(await readFile(elf))),
    };
  }

  it('NUCLEO-F446RE: ELF, .bin identical to objcopy -O binary, .hex with the same bytes and entry, no .uf2', async () => {
    const out = join(directory, 'f446re');
    const { stdout, stderr } = await tinydeploy(['build', sharedModels.kws_ref_model, '--board', 'nucleo-f446re', '--out', out, '--json']);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ board: 'nucleo-f446re', runnable: true, images: { elf: join(out, 'build/model.elf'), bin: join(out, 'build/model.bin'), hex: join(out, 'build/model.hex') } });
    expect(report.images.uf2).toBeUndefined();
    expect(stderr).toBe('');
    const expected = await reference(report.images.elf);
    const bin = new Uint8Array(await readFile(report.images.bin));
    expect(bin.length).toBe(expected.bin.length);
    expect(Buffer.compare(bin, expected.bin)).toBe(0);
    // Vector table at the flash origin: initial SP in RAM, reset handler (Thumb) in flash.
    const view = new DataView(bin.buffer, bin.byteOffset);
    expect(view.getUint32(0, true)).toBe(0x2000_0000 + 128 * 1024);
    expect(view.getUint32(4, true) & 0xff00_0001).toBe(0x0800_0001);
    const hex = parseIntelHex(await readFile(report.images.hex, 'utf8'));
    // objcopy writes section by section, leaving alignment gaps out; ours writes the load segments
    // (gaps included, as in the .bin): every byte objcopy writes is ours at the same address.
    expect(hex.segments).toHaveLength(1);
    for (const segment of expected.hex.segments) {
      const offset = segment.address - hex.segments[0].address;
      expect(Buffer.compare(hex.segments[0].bytes.subarray(offset, offset + segment.bytes.length), segment.bytes), `0x${segment.address.toString(16)}`).toBe(0);
    }
    expect(Buffer.compare(hex.segments[0].bytes, bin)).toBe(0);
    expect(hex.entry).toBe(expected.load.entry);
    expect(hex.segments[0].address).toBe(0x0800_0000);
  });

  it('Raspberry Pi Pico: the .uf2 holds the .bin in 256-byte RP2040 blocks at 0x10000000, and the report says the RP2040 firmware is missing', async () => {
    const out = join(directory, 'pico');
    const { stdout, stderr } = await tinydeploy(['build', sharedModels.kws_ref_model, '--board', 'rpi-pico', '--out', out, '--json']);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ board: 'rpi-pico', runnable: false, images: { uf2: join(out, 'build/model.uf2') } });
    expect(report.missing).toContain('firmware/boards/rp2040');
    expect(stderr).toContain("tinydeploy build: rpi-pico's image does not run on the board: missing firmware/boards/rp2040");
    const expected = await reference(report.images.elf);
    const bin = new Uint8Array(await readFile(report.images.bin));
    expect(Buffer.compare(bin, expected.bin)).toBe(0);
    const blocks = parseUf2(new Uint8Array(await readFile(report.images.uf2)));
    expect(blocks.length).toBe(Math.ceil(bin.length / 256));
    blocks.forEach((block, index) => {
      expect(block).toMatchObject({ flags: 0x2000, familyId: uf2Families.rp2040, payloadSize: 256, targetAddress: 0x1000_0000 + 256 * index, blockNumber: index, blockCount: blocks.length });
      const expectedPage = bin.subarray(256 * index, 256 * index + 256);
      expect(Buffer.compare(block.data.subarray(0, expectedPage.length), expectedPage)).toBe(0);
    });
    // ARMv6-M has no CPACR (0xE000ED88 is reserved): the start-up must not write it, so no literal of its address.
    expect(Buffer.from(bin).indexOf(Buffer.from([0x88, 0xed, 0x00, 0xe0]))).toBe(-1);
    // Cortex-M0+: portable kernels, soft float, no DSP.
    const text = await tinydeploy(['build', sharedModels.kws_ref_model, '--board', 'rpi-pico', '--out', out]);
    expect(text.stdout).toContain('kernels (portable):');
    expect(text.stdout).toMatch(/\nflash {2}[\d,]+ B of 2,097,152 B \(\d+\.\d %\), RAM [\d,]+ B of 270,336 B \(\d+\.\d %\) on rpi-pico\n/);
    expect(text.stdout).toContain('\nNOT RUNNABLE on rpi-pico: missing firmware/boards/rp2040 (boot2 stage, XOSC + PLL to 125 MHz, PL011 UART0 driver)');
  });

  it('every real catalog board links KWS with its own memory map and reports flash and RAM against it', async () => {
    for (const board of boards.filter((entry) => entry.kind === 'real')) {
      const out = join(directory, board.id);
      const { stdout } = await tinydeploy(['build', sharedModels.kws_ref_model, '--board', board.id, '--out', out, '--json']);
      const report = JSON.parse(stdout);
      expect(report.board, board.id).toBe(board.id);
      expect(report.flashBytes, board.id).toBeLessThan(board.memory.flash.size);
      expect(report.ramBytes, board.id).toBeLessThan(board.memory.ram.size);
      expect(report.runnable, board.id).toBe(board.firmware.missing === undefined);
      const { segments } = elfLoadSegments(new Uint8Array(await readFile(report.images.elf)));
      expect(segments[0].address, board.id).toBe(board.memory.flash.origin);
      expect(Boolean(report.images.uf2), board.id).toBe(board.family === 'rp2040' || board.family === 'rp2350');
    }
  }, 600_000);
});
