/**
 * `tinydeploy build <model> --board <real board> --out DIR`: every real catalog board builds the
 * bundled KWS model with its family firmware (firmware/boards/<family>/), and writes the ELF plus
 * the .bin, .hex and (RP2) .uf2 a programmer takes. Checked against binutils (objcopy) and the
 * board's memory map: the vector table where the core (or boot2, or the RP2350 bootrom) looks for
 * it, the entry in flash, every section in the board's flash or RAM; the HEX and UF2 hold the
 * .bin's bytes at the right addresses; the RP2040's boot2 carries the CRC its bootrom checks.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boards, raspberryPiPico, uf2Families, type Board } from '../../core/common/boards/index.js';
import { CodegenError } from '../../core/common/errors.js';
import { parseIntelHex, parseUf2 } from '../../core/common/firmware-image/index.js';
import { buildModelFile } from '../../core/node/toolchain/build-model.js';
import { elfLoadSegments, readElf, SHF_ALLOC, SHF_WRITE, SHT_NOBITS } from '../../core/node/toolchain/elf.js';
import { missingArmToolchain } from '../../../test/codegen/testing/codegen.js';
import { repoRoot } from '../../../test/testing/shared-data.js';
import { requireTools } from '../../../test/testing/tools.js';

const run = promisify(execFile);
const tinydeploy = (args: string[]) => run(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
const kws = join(repoRoot, 'resources/models/kws_ref_model.tflite');
const realBoards = boards.filter((board) => board.kind === 'real' && board.id !== 'real-template');

/** CRC-32/MPEG-2 by table (the bootrom's: polynomial 0x04C11DB7, init 0xFFFFFFFF, no reflection, no final XOR). */
const crcTable = Array.from({ length: 256 }, (_, index) => {
  let value = index << 24;
  for (let bit = 0; bit < 8; bit++) value = value & 0x8000_0000 ? (value << 1) ^ 0x04c1_1db7 : value << 1;
  return value >>> 0;
});
function crc32Mpeg2(bytes: Uint8Array): number {
  let crc = 0xffff_ffff;
  for (const byte of bytes) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  return crc;
}

/** Where the core finds the vector table: the flash origin, after the RP2040's 256-byte boot2. */
const vectorTableAddress = (board: Board) => board.memory.flash.origin + (board.family === 'rp2040' ? 256 : 0);
const inside = (address: number, size: number, region: { origin: number; size: number }) => address >= region.origin && address + size <= region.origin + region.size;

describe('tinydeploy build for real boards', () => {
  requireTools(missingArmToolchain);
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-build-images-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  /** `tinydeploy build KWS --board <id> --json` into DIR/<id>, once per board: its report and stderr. */
  const builds = new Map<string, Promise<{ report: { [key: string]: unknown; images: Record<string, string> }; stderr: string }>>();
  const build = (id: string) => {
    if (!builds.has(id)) {
      builds.set(
        id,
        tinydeploy(['build', kws, '--board', id, '--out', join(directory, id), '--json']).then(({ stdout, stderr }) => ({ report: JSON.parse(stdout), stderr })),
      );
    }
    return builds.get(id)!;
  };

  it('the catalog has a family firmware for every real board', () => {
    expect(realBoards.map((board) => `${board.id}:${board.family}`)).toEqual([
      'nucleo-l4r5zi:stm32l4',
      'nucleo-f446re:stm32f4',
      'nucleo-h743zi2:stm32h7',
      'stm32f746g-disco:stm32f7',
      'nrf52840-dk:nrf52',
      'rpi-pico:rp2040',
      'rpi-pico2:rp2350',
    ]);
  });

  it.each(realBoards.map((board) => [board.id, board] as const))(
    '%s: KWS builds; vector table, entry and sections in its memory; .bin = objcopy; .hex and .uf2 hold the same bytes',
    async (_id, board) => {
      const out = join(directory, board.id);
      const { report, stderr } = await build(board.id);
      expect(stderr).toBe('');
      expect(report).toMatchObject({ board: board.id, runnable: true, images: { elf: join(out, 'build/model.elf'), bin: join(out, 'build/model.bin'), hex: join(out, 'build/model.hex') } });
      expect(report.missing).toBeUndefined();
      expect(report.flashBytes as number).toBeLessThan(board.memory.flash.size);
      expect(report.ramBytes as number).toBeLessThan(board.memory.ram.size);

      // Every allocated section in the board's flash (code, constants) or RAM (data, bss).
      const elf = await readElf(report.images.elf);
      const allocated = elf.sections.filter((section) => section.flags & SHF_ALLOC && section.size > 0);
      for (const section of allocated) {
        const region = section.flags & SHF_WRITE || section.type === SHT_NOBITS ? board.memory.ram : board.memory.flash;
        expect(inside(section.address, section.size, region), `${section.name} at 0x${section.address.toString(16)}`).toBe(true);
      }
      const vectors = allocated.find((section) => section.name === '.isr_vector')!;
      expect(vectors.address).toBe(vectorTableAddress(board));
      const symbol = (name: string) => elf.symbols.find((entry) => entry.name === name)!;
      expect(symbol('td_vector_table').value).toBe(vectorTableAddress(board));
      const reset = symbol('Reset_Handler').value & ~1;
      const text = allocated.find((section) => section.name === '.text')!;
      expect(inside(reset, 2, { origin: text.address, size: text.size })).toBe(true);

      // .bin: objcopy's flat image, starting at the flash origin.
      const bin = new Uint8Array(await readFile(report.images.bin));
      await run('arm-none-eabi-objcopy', ['-O', 'binary', report.images.elf, `${report.images.elf}.objcopy.bin`]);
      expect(Buffer.compare(bin, new Uint8Array(await readFile(`${report.images.elf}.objcopy.bin`)))).toBe(0);
      const load = elfLoadSegments(new Uint8Array(await readFile(report.images.elf)));
      expect(load.entry & ~1).toBe(reset);
      expect(Math.min(...load.segments.map((segment) => segment.address))).toBe(board.memory.flash.origin);
      // The vector table: initial SP at the top of the board's RAM, then the reset handler (Thumb).
      const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
      const table = vectorTableAddress(board) - board.memory.flash.origin;
      expect(view.getUint32(table, true)).toBe(board.memory.ram.origin + board.memory.ram.size);
      expect(view.getUint32(table + 4, true)).toBe(reset | 1);

      // .hex: the .bin's bytes at the flash origin, and the entry point.
      const hex = parseIntelHex(await readFile(report.images.hex, 'utf8'));
      expect(hex.segments).toHaveLength(1);
      expect(hex.segments[0].address).toBe(board.memory.flash.origin);
      expect(Buffer.compare(hex.segments[0].bytes, bin)).toBe(0);
      expect(hex.entry).toBe(load.entry);

      // .uf2 (RP2 only): the .bin in numbered 256-byte blocks with the chip's family id.
      const family = board.family === 'rp2040' ? uf2Families.rp2040 : board.family === 'rp2350' ? uf2Families.rp2350ArmSecure : undefined;
      expect(report.images.uf2).toBe(family === undefined ? undefined : join(out, 'build/model.uf2'));
      if (family !== undefined) {
        const blocks = parseUf2(new Uint8Array(await readFile(report.images.uf2)));
        expect(blocks.length).toBe(Math.ceil(bin.length / 256));
        const joined = new Uint8Array(blocks.length * 256);
        blocks.forEach((block, index) => {
          expect(block).toMatchObject({ flags: 0x2000, familyId: family, payloadSize: 256, targetAddress: board.memory.flash.origin + 256 * index, blockNumber: index, blockCount: blocks.length });
          joined.set(block.data.subarray(0, 256), 256 * index);
        });
        expect(Buffer.compare(joined.subarray(0, bin.length), bin)).toBe(0);
      }
    },
    180_000,
  );

  it('Raspberry Pi Pico: boot2 is the first 256 bytes, its CRC32 is the bootrom\'s, and it hands over to the vector table at 0x10000100', async () => {
    const out = join(directory, 'rpi-pico');
    await build('rpi-pico');
    const bin = new Uint8Array(await readFile(join(out, 'build/model.bin')));
    const boot2 = bin.subarray(0, 256);
    const view = new DataView(boot2.buffer, boot2.byteOffset, 256);
    expect(view.getUint32(252, true)).toBe(crc32Mpeg2(boot2.subarray(0, 252)));
    // The code ends before the padding, and points VTOR at the application's vector table.
    expect(Buffer.from(boot2).indexOf(Buffer.from([0x00, 0x01, 0x00, 0x10]))).toBeGreaterThan(0);
    // A changed byte is caught: the check is not vacuous.
    const corrupted = Uint8Array.from(boot2.subarray(0, 252));
    corrupted[17] ^= 1;
    expect(crc32Mpeg2(corrupted)).not.toBe(view.getUint32(252, true));
    // The project keeps the generated boot2 and its source.
    const image = await readFile(join(out, 'boards/rp2040/boot2/td_boot2_image.c'), 'utf8');
    expect(image).toContain('__attribute__((section(".boot2"), used)) const uint8_t td_boot2_image[256]');
    await readFile(join(out, 'boards/rp2040/boot2/td_rp2040_boot2.c'), 'utf8');
    // ARMv6-M has no CPACR (0xE000ED88 is reserved): the start-up must not write it, so no literal of its address.
    expect(Buffer.from(bin).indexOf(Buffer.from([0x88, 0xed, 0x00, 0xe0]))).toBe(-1);
    // Cortex-M0+: portable kernels, soft float, no DSP; cycles from SysTick.
    const text = await tinydeploy(['build', kws, '--board', 'rpi-pico', '--out', out]);
    expect(text.stdout).toContain('kernels (portable, optimized for size):');
    expect(text.stdout).toMatch(/\nflash {2}[\d,]+ B of 2,097,152 B \(\d+\.\d %\), RAM [\d,]+ B of 270,336 B \(\d+\.\d %\) on rpi-pico\n/);
    expect(text.stdout).not.toContain('NOT RUNNABLE');
    // The project builds the same image without TinyDeploy: its Makefile compiles the generated boot2 like any source.
    await run('make', ['clean'], { cwd: out });
    await run('make', ['-s'], { cwd: out });
    await run('arm-none-eabi-objcopy', ['-O', 'binary', join(out, 'build/model.elf'), join(out, 'build/make.bin')]);
    expect(Buffer.compare(new Uint8Array(await readFile(join(out, 'build/make.bin'))), bin)).toBe(0);
    const names = new Set((await readElf(join(out, 'build/model.elf'))).symbols.map((symbol) => symbol.name));
    for (const name of ['td_boot2_image', 'td_rp2040_clock_init', 'td_rp2040_clock']) expect(names).toContain(name);
  }, 120_000);

  it('Raspberry Pi Pico 2: the IMAGE_DEF block follows the vector table, in the first 4 KiB', async () => {
    await build('rpi-pico2');
    const bin = new Uint8Array(await readFile(join(directory, 'rpi-pico2', 'build/model.bin')));
    const words = Array.from({ length: 1024 }, (_, index) => new DataView(bin.buffer, bin.byteOffset).getUint32(4 * index, true));
    const start = words.indexOf(0xffff_ded3);
    expect(start).toBe(16 + 52); // 16 core exceptions + 52 RP2350 interrupts
    expect(words.slice(start, start + 5)).toEqual([0xffff_ded3, 0x1021_0142, 0x0000_01ff, 0, 0xab12_3579]);
  });

  it('a model that does not fit is refused with the figures', async () => {
    const small: Board = { ...raspberryPiPico, memory: { ...raspberryPiPico.memory, ram: { origin: 0x2000_0000, size: 20 * 1024 } } };
    const attempt = buildModelFile(kws, { board: small, out: join(directory, 'small') });
    await expect(attempt).rejects.toThrow(CodegenError);
    await expect(buildModelFile(kws, { board: small, out: join(directory, 'small') })).rejects.toThrow(
      /^model kws_ref_model\.tflite does not fit rpi-pico: the arena takes \d+ bytes and the stack needs about 16384, the board has 20480 bytes of RAM$/,
    );
  });
});
