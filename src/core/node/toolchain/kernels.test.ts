/**
 * The C kernel library (firmware/kernels) against the host interpreter.
 *
 * make-vectors.ts runs the interpreter (bit-exact with TFLite Micro's reference kernels) on a
 * set of small op configurations and writes them as C test cases; the runner
 * (firmware/kernels/test/td_kernel_test.c) is compiled with the host's gcc and must report every
 * case passed, for the portable kernels and for the Cortex-M DSP variants (their ACLE
 * intrinsics emulated in C on the host). The library must also compile for the M4F board with
 * arm-none-eabi-gcc, where the DSP variants really use SMLAD/SXTB16, and for a core without the
 * DSP extension, where they fall back to the portable code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { makeKernelVectors, type KernelVectors } from '../../../../firmware/kernels/test/make-vectors.js';

const kernelsDir = resolve(import.meta.dirname, '../../../../firmware/kernels');
const strictFlags = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror'];
const m4fFlags = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'];

function commandExists(command: string): boolean {
  return spawnSync(command, ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * The library's sources for a variant: portable, or with src/opt/<target>/ overriding by file
 * name — for `helium`, src/opt/helium/ over src/opt/cortex-m/ over the portable files.
 */
function kernelSources(variant: 'portable' | 'cortex-m' | 'helium'): string[] {
  const src = join(kernelsDir, 'src');
  const portable = readdirSync(src, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'opt')
    .flatMap((dir) => readdirSync(join(src, dir.name)).filter((file) => file.endsWith('.c')).map((file) => join(src, dir.name, file)));
  const layers = variant === 'portable' ? [] : variant === 'helium' ? ['helium', 'cortex-m'] : ['cortex-m'];
  const overrides = layers.map((layer) => ({ dir: join(src, 'opt', layer), files: new Set(readdirSync(join(src, 'opt', layer)).filter((file) => file.endsWith('.c'))) }));
  return portable
    .map((path) => {
      const layer = overrides.find((candidate) => candidate.files.has(basename(path)));
      return layer ? join(layer.dir, basename(path)) : path;
    })
    .sort();
}

function run(command: string, args: string[], cwd?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Compiles the runner with `sources` and extra flags, runs it, returns its report. */
function buildAndRun(workDir: string, name: string, sources: string[], extraFlags: string[]) {
  const binary = join(workDir, name);
  const compiled = run('gcc', [
    ...strictFlags,
    ...extraFlags,
    `-I${join(kernelsDir, 'include')}`,
    `-I${workDir}`,
    join(kernelsDir, 'test', 'td_kernel_test.c'),
    ...sources,
    '-lm',
    '-o',
    binary,
  ]);
  expect(compiled.stderr, 'gcc reported errors').toBe('');
  expect(compiled.status).toBe(0);
  const result = run(binary, []);
  const summary = /(\d+) passed, (\d+) failed/.exec(result.stdout);
  return { ...result, passed: summary ? Number(summary[1]) : -1, failed: summary ? Number(summary[2]) : -1 };
}

const missingGcc = commandExists('gcc') ? undefined : 'gcc is not on PATH (apt-get install build-essential)';
const missingArmGcc = commandExists('arm-none-eabi-gcc') ? undefined : 'arm-none-eabi-gcc is not on PATH (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)';
const missingQemu = commandExists('qemu-system-arm') ? undefined : 'qemu-system-arm is not on PATH (apt-get install qemu-system-arm)';

describe('C kernel library on the host (gcc)', () => {
  requireTools(missingGcc);
  let workDir: string;
  let vectors: KernelVectors;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'td-kernels-'));
    vectors = makeKernelVectors();
    writeFileSync(join(workDir, 'td_kernel_vectors.h'), vectors.header);
  }, 300_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('covers every kernel of the public header with golden vectors', () => {
    const header = readFileSync(join(kernelsDir, 'include', 'td_kernels.h'), 'utf8');
    const kernels = [...header.matchAll(/^td_status (td_\w+)\(/gm)].map((match) => match[1]);
    expect(kernels.length).toBeGreaterThanOrEqual(37);
    const untested = kernels.filter((kernel) => !vectors.header.includes(`${kernel}(`));
    expect(untested).toEqual([]);
  });

  it('portable kernels equal the interpreter on every case', () => {
    const report = buildAndRun(workDir, 'portable', kernelSources('portable'), []);
    expect(report.stdout.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect({ passed: report.passed, failed: report.failed, status: report.status }).toEqual({
      passed: vectors.cases.length,
      failed: 0,
      status: 0,
    });
  }, 300_000);

  it('Cortex-M DSP variants (intrinsics emulated) equal the interpreter on every case', () => {
    const sources = kernelSources('cortex-m');
    expect(sources.some((path) => path.includes('/opt/cortex-m/'))).toBe(true);
    const report = buildAndRun(workDir, 'dsp', sources, ['-DTD_DSP_EMULATE']);
    expect(report.stdout.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect({ passed: report.passed, failed: report.failed, status: report.status }).toEqual({
      passed: vectors.cases.length,
      failed: 0,
      status: 0,
    });
  }, 300_000);

  it('the runner reports a kernel that disagrees with the interpreter', () => {
    // A copy of the vectors with one expected conv2d_s8 value changed must fail exactly that case.
    const tampered = vectors.header.replace(/(static const int8_t output_expected\[\d+\] = \{\n\s+)(-?\d+)/, (_, prefix: string, value: string) => `${prefix}${Number(value) === 0 ? 1 : 0}`);
    expect(tampered).not.toBe(vectors.header);
    const tamperedDir = mkdtempSync(join(workDir, 'tampered-'));
    writeFileSync(join(tamperedDir, 'td_kernel_vectors.h'), tampered);
    const report = buildAndRun(tamperedDir, 'tampered', kernelSources('portable'), []);
    expect(report.failed).toBe(1);
    expect(report.status).not.toBe(0);
    expect(report.stdout).toContain(`FAIL ${vectors.cases.find((name) => name.startsWith('conv2d_s8'))}`);
  }, 300_000);

  it('the Makefile builds the portable library with the strict flags', () => {
    if (!commandExists('make')) return;
    const build = join(workDir, 'make-portable');
    const result = run('make', ['-s', `BUILD=${build}`], kernelsDir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const listed = run('make', ['-s', 'TARGET=cortex-m', 'sources'], kernelsDir).stdout.trim().split('\n');
    expect(listed.map((path) => join(kernelsDir, path)).sort()).toEqual(kernelSources('cortex-m'));
  }, 300_000);
});

describe('C kernel library for Cortex-M (arm-none-eabi-gcc)', () => {
  requireTools(missingArmGcc ?? missingQemu);
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'td-kernels-arm-'));
  });

  /** Builds the golden-vector runner for a QEMU machine with semihosting, runs it, returns its output. */
  function runOnQemu(name: string, machine: string, cpuFlags: string[], linkerScript: string, sources: string[]): { stdout: string; cases: number } {
    const vectors = makeKernelVectors();
    const vectorsDir = mkdtempSync(join(workDir, `${name}-`));
    writeFileSync(join(vectorsDir, 'td_kernel_vectors.h'), vectors.header);
    const elf = join(vectorsDir, `kernels-${name}.elf`);
    const qemuDir = join(kernelsDir, 'test', 'qemu');
    const linked = run('arm-none-eabi-gcc', [
      ...cpuFlags,
      ...strictFlags,
      `-I${join(kernelsDir, 'include')}`,
      `-I${vectorsDir}`,
      '--specs=rdimon.specs',
      '-nostartfiles',
      '-T',
      join(qemuDir, linkerScript),
      join(qemuDir, 'td_qemu_startup.c'),
      join(kernelsDir, 'test', 'td_kernel_test.c'),
      ...sources,
      '-lm',
      '-o',
      elf,
    ]);
    expect(linked.stderr).toBe('');
    expect(linked.status).toBe(0);
    const emulated = spawnSync(
      'qemu-system-arm',
      ['-M', machine, '-display', 'none', '-monitor', 'none', '-serial', 'none', '-semihosting-config', 'enable=on,target=native', '-kernel', elf],
      { encoding: 'utf8', timeout: 120_000 },
    );
    return { stdout: emulated.stdout ?? '', cases: vectors.cases.length };
  }

  it(
    'DSP variants equal the interpreter on an emulated Cortex-M4F (QEMU mps2-an386, real SMLAD/SXTB16)',
    () => {
      const { stdout, cases } = runOnQemu('m4f', 'mps2-an386', m4fFlags, 'td_qemu.ld', kernelSources('cortex-m'));
      expect(stdout.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([]);
      expect(stdout).toContain(`${cases} passed, 0 failed`);
    },
    300_000,
  );

  it(
    'Helium (MVE) variants equal the interpreter on an emulated Cortex-M55 (QEMU mps3-an547)',
    () => {
      const sources = kernelSources('helium');
      expect(sources.some((path) => path.includes('/opt/helium/'))).toBe(true);
      const m55Flags = ['-mcpu=cortex-m55', '-mthumb', '-mfloat-abi=hard'];
      const { stdout, cases } = runOnQemu('m55', 'mps3-an547', m55Flags, 'td_qemu_m55.ld', sources);
      expect(stdout.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([]);
      expect(stdout).toContain(`${cases} passed, 0 failed`);
      // Every Helium file really computes in vector registers (Q0–Q7).
      const outDir = mkdtempSync(join(workDir, 'm55-objects-'));
      const helium = sources.filter((path) => path.includes('/opt/helium/'));
      const compiled = run('arm-none-eabi-gcc', [...m55Flags, ...strictFlags, `-I${join(kernelsDir, 'include')}`, '-c', ...helium], outDir);
      expect(compiled.stderr).toBe('');
      for (const source of helium) {
        const disassembly = run('arm-none-eabi-objdump', ['-d', '-m', 'armv8.1-m.main', join(outDir, basename(source).replace(/\.c$/, '.o'))]).stdout;
        expect(disassembly, `${source} uses MVE vector instructions`).toMatch(/\bv\w+(\.\w+)*\s+q\d/);
      }
    },
    300_000,
  );

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('compiles for the M4F board, the DSP variants with SXTB16 and SMLAD / SMLABB', () => {
    const sources = kernelSources('cortex-m');
    const outDir = mkdtempSync(join(workDir, 'm4f-'));
    // One compiler run for every file (the object names are the unique base names).
    const result = run('arm-none-eabi-gcc', [...m4fFlags, ...strictFlags, `-I${join(kernelsDir, 'include')}`, '-c', ...sources], outDir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const optimized = sources.filter((source) => source.includes('/opt/cortex-m/'));
    expect(optimized.length).toBeGreaterThan(0);
    for (const source of optimized) {
      const object = join(outDir, basename(source).replace(/\.c$/, '.o'));
      const disassembly = run('arm-none-eabi-objdump', ['-d', object]).stdout;
      // The int4 kernels split packed nibbles into SMLALD lanes with AND masks, no SXTB16 (conv, FC), or
      // requantize per-channel sums with SMMLAR (depthwise).
      if (/_int4\.c$/.test(source)) {
        expect(disassembly, `${source} multiplies with SMLALD or requantizes with SMMLAR`).toMatch(/\b(smlald|smmlar)\b/);
        continue;
      }
      // ADD, SUB and MUL requantize with SMMLAR (one instruction for the reference's 64-bit multiply and rounding).
      if (/\/td_(add|sub|mul)_s8\.c$/.test(source)) {
        expect(disassembly, `${source} requantizes with SMMLAR`).toMatch(/\bsmmlar\b/);
        continue;
      }
      // The DSP builds' average pool over one to three channels has no word of four lanes to sum: plain C, its division
      // by the window's pixel count one SDIV.
      if (source.endsWith('/td_avgpool_s8_narrow.c')) {
        expect(disassembly, `${source} divides with SDIV`).toMatch(/\bsdiv\b/);
        continue;
      }
      // Float kernels use the FPU, not the DSP extension: blocks loaded with VLDM, a separate VMUL and VADD (never a fused VFMA).
      if (/_f32\.c$/.test(source)) {
        expect(disassembly, `${source} loads blocks with VLDM`).toMatch(/\bvldmia\b/);
        expect(disassembly, `${source} does not fuse multiply-adds`).not.toMatch(/\bvfn?m[as]\b/);
        continue;
      }
      // Multiply-accumulate kernels use SMLAD or SMLABB/SMLATT; pooling uses the byte and halfword SIMD (SSUB8+SEL, SADD16).
      expect(disassembly, `${source} uses the DSP extension's SIMD (SMLAD, SMLABB/SMLATT, SADD16 or SSUB8+SEL)`).toMatch(/\b(smlad|smlabb|smlatt|sadd16|ssub8)\b/);
      // Every kernel that widens bytes does it with SXTB16 or SXTAB16 (max pooling compares bytes as they are).
      if (!source.endsWith('/td_maxpool_s8.c')) expect(disassembly, `${source} unpacks with SXTB16 or SXTAB16`).toMatch(/\bsxta?b16\b/);
      else expect(disassembly, `${source} compares four bytes with SSUB8 and SEL`).toMatch(/\bsel\b/);
    }
  }, 300_000);

  it('compiles for a core without DSP (Cortex-M0), the optimized files falling back', () => {
    const outDir = mkdtempSync(join(workDir, 'm0-'));
    const flags = ['-mcpu=cortex-m0', '-mthumb', '-mfloat-abi=soft', ...strictFlags, `-I${join(kernelsDir, 'include')}`];
    const result = run('arm-none-eabi-gcc', [...flags, '-c', ...kernelSources('cortex-m')], outDir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const disassembly = run('arm-none-eabi-objdump', ['-d', join(outDir, 'td_conv2d_s8.o')]).stdout;
    expect(disassembly).not.toMatch(/\bsmlad\b/);
  }, 300_000);
});
