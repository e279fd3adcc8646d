import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodegenError } from '../../common/errors.js';
import { compile, requireCompiler } from './compiler.js';
import { elfSizes, parseElf, readElf, symbolBytes } from './elf.js';

const run = promisify(execFile);

const source = `
const signed char td_weights_t1[1000] = {1};
const float td_weights_t2[10] = {1.0f};
int counter = 5;
static char buffer[300];
int main(void) { buffer[counter] = (char)td_weights_t1[counter]; return buffer[5] + (int)td_weights_t2[counter % 10]; }
`;

/** Berkeley `size`'s three columns for comparison: text (incl. read-only data), data, bss. */
async function berkeleySize(command: string, elf: string): Promise<{ text: number; data: number; bss: number }> {
  const { stdout } = await run(command, [elf]);
  const [text, data, bss] = stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  return { text, data, bss };
}

describe('ELF reader', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-elf-'));
    await writeFile(join(directory, 'program.c'), source);
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  // A missing compiler fails these tests (requireCompiler says how to install it) instead of skipping them.
  it('reads a host executable (ELF64) as binutils does', async () => {
    const elf = join(directory, 'host');
    await compile(await requireCompiler('host'), { sources: [join(directory, 'program.c')], output: elf, flags: ['-O1'] });
    const image = await readElf(elf);
    expect(image.class).toBe(64);
    const sizes = elfSizes(image);
    const berkeley = await berkeleySize('size', elf);
    expect(sizes.text + sizes.rodata).toBe(berkeley.text);
    expect(sizes.data).toBe(berkeley.data);
    expect(sizes.bss).toBe(berkeley.bss);
    expect(symbolBytes(image, (name) => name.startsWith('td_weights_'))).toBe(1040);
  });

  it('reads an Arm image (ELF32) and counts flash and RAM by section', async () => {
    const elf = join(directory, 'arm.elf');
    await compile(await requireCompiler('arm-none-eabi'), {
      sources: [join(directory, 'program.c')],
      output: elf,
      flags: ['-mcpu=cortex-m4', '-mthumb', '-O1'],
      linkFlags: ['--specs=nosys.specs'],
    });
    const image = await readElf(elf);
    expect(image.class).toBe(32);
    expect(image.machine).toBe(40); // EM_ARM
    const sizes = elfSizes(image);
    const berkeley = await berkeleySize('arm-none-eabi-size', elf);
    expect(sizes.text + sizes.rodata).toBe(berkeley.text);
    expect(sizes.data).toBe(berkeley.data);
    expect(sizes.bss).toBe(berkeley.bss);
    expect(sizes.rodata).toBeGreaterThanOrEqual(1040);
    expect(symbolBytes(image, (name) => name === 'counter')).toBe(4);
  });

  it('refuses what is not ELF, naming it', () => {
    const script = new TextEncoder().encode('#!/bin/sh\necho not an elf file at all, just a script here\n');
    expect(() => parseElf(script, 'script.sh')).toThrow(CodegenError);
    expect(() => parseElf(script, 'script.sh')).toThrow('script.sh: not an ELF file');
    const truncated = new Uint8Array(64);
    truncated.set([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    new DataView(truncated.buffer).setUint32(0x20, 1000, true);
    new DataView(truncated.buffer).setUint16(0x30, 5, true);
    new DataView(truncated.buffer).setUint16(0x2e, 40, true);
    expect(() => parseElf(truncated, 'cut.elf')).toThrow('cut.elf: section headers at 1000 run past the end of the file (64 bytes)');
  });
});
