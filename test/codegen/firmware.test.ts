/**
 * The same generated C for the M4F virtual board: compiled and linked with arm-none-eabi-gcc
 * (-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2, DSP kernels), then run once
 * under QEMU mps2-an386 with the vector input compiled in. int8 outputs must equal TFLite
 * Micro's byte for byte; float outputs stay within 1e-4 · max|reference| of the interpreter.
 * The standalone project's Makefile and CMakeLists.txt must build the same image.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { virtualM4f, type Board } from '../../src/core/common/boards/index.js';
import { dequantizeHybridWeights, generateModel } from '../../src/core/common/codegen/index.js';
import { CodegenError } from '../../src/core/common/errors.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { buildFirmwareProject, elfSizes, readElf, writeFirmwareProject } from '../../src/core/node/toolchain/index.js';
import {
  floatDeviation,
  floatModels,
  int8Models,
  missingArmToolchain,
  missingQemu,
  modelPath,
  runOnQemu,
  vector,
  withTemporaryDirectory,
} from './testing/codegen.js';
import { requireTools } from '../testing/tools.js';

const run = promisify(execFile);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('generated C for the virtual Cortex-M4F', () => {
  requireTools(missingArmToolchain ?? missingQemu);
  for (const { name, file } of int8Models) {
    it(`${name}: links for M4F and runs bit-exact on QEMU`, async () => {
      const model = generateModel(await loadModelFile(modelPath(file)), { modelName: name, dsp: true });
      await withTemporaryDirectory(`m4f-${name}`, async (directory) => {
        const project = await writeFirmwareProject(model, directory, { board: virtualM4f, inputs: [vector(`${name}.input.bin`)] });
        expect(project.variant).toBe('dsp');
        expect(project.compileFlags).toEqual(expect.arrayContaining(['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', '-O2']));
        const build = await buildFirmwareProject(project);
        const { report } = build;
        expect(report.weightBytes).toBe(model.weightBytes);
        expect(report.flashBytes).toBe(report.textBytes + report.rodataBytes + report.dataBytes);
        expect(report.codeBytes).toBe(report.flashBytes - report.weightBytes);
        expect(report.bssBytes).toBeGreaterThanOrEqual(model.arenaBytes);
        expect(report.stackBytes).toBeGreaterThan(0);
        expect(build.stack.path.map((frame) => frame.name)).toEqual(expect.arrayContaining(['Reset_Handler', 'main', 'td_model_run']));
        const result = await runOnQemu(build.elf);
        expect(result.status).toBe(0);
        expect(hex(result.outputs[0])).toBe(hex(vector(`${name}.output.bin`)));
      });
    });
  }

  for (const { name, file, twin } of floatModels) {
    it(`${name}: links for M4F and runs on QEMU within 1e-4 of the interpreter`, async () => {
      const graph = await loadModelFile(modelPath(file));
      const model = generateModel(graph, { modelName: name, dsp: true });
      const twinGraph = await loadModelFile(modelPath(int8Models.find((entry) => entry.name === twin)!.file));
      const q = twinGraph.tensors[twinGraph.inputs[0]].quantization!;
      const input = Float32Array.from(new Int8Array(vector(`${twin}.input.bin`).buffer), (value) => Math.fround(q.scale[0] * (value - q.zeroPoint[0])));
      await withTemporaryDirectory(`m4f-${name}`, async (directory) => {
        const project = await writeFirmwareProject(model, directory, { board: virtualM4f, inputs: [new Uint8Array(input.buffer)] });
        const build = await buildFirmwareProject(project);
        expect(build.report.weightBytes).toBe(model.weightBytes);
        const result = await runOnQemu(build.elf);
        expect(result.status).toBe(0);
        const reference = new Interpreter(dequantizeHybridWeights(graph).graph).run([input]).outputs[0] as Float32Array;
        const { maxDelta, maxReference } = floatDeviation(new Float32Array(result.outputs[0].slice().buffer), reference);
        expect(maxDelta).toBeLessThanOrEqual(1e-4 * maxReference);
      });
    });
  }

  // The profiler compiles its host-facing sources with -Os (runtime.json): the Makefile and
  // CMakeLists.txt must say so per file too.
  it.each(['standalone', 'profiler'] as const)('writes a %s project whose Makefile and CMakeLists.txt build the same image', async (application) => {
    const model = generateModel(await loadModelFile(modelPath('mlperf_tiny/ad01_int8.tflite')), { modelName: 'ad01_int8' });
    await withTemporaryDirectory(`m4f-make-${application}`, async (directory) => {
      const project = await writeFirmwareProject(model, directory, { board: virtualM4f, application });
      expect(project.sizeOptimizedSources.length > 0).toBe(application === 'profiler');
      const { report } = await buildFirmwareProject(project);
      const sizesOf = async (elf: string) => elfSizes(await readElf(elf), virtualM4f.memory.ram);
      const fromTinyDeploy = await sizesOf(join(directory, 'build/model.elf'));
      await run('make', ['clean'], { cwd: directory });
      await run('make', ['-j2'], { cwd: directory });
      expect(await sizesOf(join(directory, 'build/model.elf'))).toEqual(fromTinyDeploy);
      expect(report.flashBytes).toBe(fromTinyDeploy.text + fromTinyDeploy.rodata + fromTinyDeploy.data);
      // The CMake project builds the same image (cmake is in .ci/run: a missing one fails here).
      await run('cmake', ['-S', directory, '-B', join(directory, 'build-cmake')]);
      await run('cmake', ['--build', join(directory, 'build-cmake')]);
      expect(await sizesOf(join(directory, 'build-cmake/model.elf'))).toEqual(fromTinyDeploy);
    });
  });

  it('refuses a model that does not fit the board, with the figures', async () => {
    const model = generateModel(await loadModelFile(modelPath('mlperf_tiny/vww_96_int8.tflite')), { modelName: 'vww_96_int8' });
    const tiny: Board = { ...virtualM4f, id: 'tiny-test-board', memory: { flash: { origin: 0, size: 128 * 1024 }, ram: { origin: 0x2000_0000, size: 32 * 1024 } } };
    await withTemporaryDirectory('m4f-tiny', async (directory) => {
      const attempt = writeFirmwareProject(model, directory, { board: tiny });
      await expect(attempt).rejects.toThrow(CodegenError);
      await expect(attempt).rejects.toThrow(`model vww_96_int8 does not fit tiny-test-board: weights and parameters take ${model.weightBytes + model.parameterBytes} bytes, the board has 131072 bytes of flash`);
      const roomyFlash: Board = { ...tiny, memory: { ...tiny.memory, flash: virtualM4f.memory.flash } };
      await expect(writeFirmwareProject(model, directory, { board: roomyFlash })).rejects.toThrow(
        `the arena takes ${model.arenaBytes} bytes and the stack needs about 16384, the board has 32768 bytes of RAM`,
      );
    });
  });
});
