/**
 * Shared fixtures of the code-generation end-to-end tests: the oracle models and vectors of the
 * shared data folder (located by ../../testing/shared-data.ts, which fails when it is missing),
 * why the toolchains they need are missing (for requireTools, which fails the suite), and a QEMU
 * run of a firmware image.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilerCommand, findCompiler } from '../../../src/core/node/toolchain/index.js';
import { sharedPath } from '../../testing/shared-data.js';

/** int8 models with TFLite Micro vectors: file under models/ and vector name. */
export const int8Models = [
  { name: 'kws_ref_model', file: 'mlperf_tiny/kws_ref_model.tflite' },
  { name: 'vww_96_int8', file: 'mlperf_tiny/vww_96_int8.tflite' },
  { name: 'pretrainedResnet_quant', file: 'mlperf_tiny/pretrainedResnet_quant.tflite' },
  { name: 'ad01_int8', file: 'mlperf_tiny/ad01_int8.tflite' },
  { name: 'trained_lstm_int8', file: 'rnn/trained_lstm_int8.tflite' },
] as const;

/**
 * Float models, each with the int8 twin whose vector input, dequantized, becomes its input
 * (a realistic input rather than noise). `hybrid`: int8 weights with float activations.
 */
export const floatModels = [
  { name: 'ad01_fp32', file: 'mlperf_tiny/ad01_fp32.tflite', twin: 'ad01_int8', hybrid: false },
  { name: 'pretrainedResnet', file: 'mlperf_tiny/pretrainedResnet.tflite', twin: 'pretrainedResnet_quant', hybrid: false },
  { name: 'vww_96_float', file: 'mlperf_tiny/vww_96_float.tflite', twin: 'vww_96_int8', hybrid: false },
  { name: 'kws_ref_model_float32', file: 'mlperf_tiny/kws_ref_model_float32.tflite', twin: 'kws_ref_model', hybrid: true },
  { name: 'trained_lstm', file: 'rnn/trained_lstm.tflite', twin: 'trained_lstm_int8', hybrid: false },
] as const;

export function modelPath(file: string): string {
  return sharedPath('models', file);
}

/** Bytes of a file under the shared vectors/ folder (copied, so the typed-array views own their buffer). */
export function vector(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(sharedPath('vectors', relativePath)));
}

/** Why the host C compiler cannot run here (for requireTools), or undefined. */
export const missingHostCompiler = (await findCompiler('host')) ? undefined : `${compilerCommand('host')} not found (apt-get install build-essential)`;
/** Why arm-none-eabi-gcc cannot run here (for requireTools), or undefined. */
export const missingArmToolchain = (await findCompiler('arm-none-eabi'))
  ? undefined
  : `${compilerCommand('arm-none-eabi')} not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)`;
/** Why QEMU cannot run here (for requireTools), or undefined. */
export const missingQemu = (await new Promise<boolean>((done) => execFile('qemu-system-arm', ['--version'], (error) => done(!error))))
  ? undefined
  : 'qemu-system-arm not found (apt-get install qemu-system-arm)';

export async function withTemporaryDirectory<T>(prefix: string, body: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), `tinydeploy-${prefix}-`));
  try {
    return await body(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Runs a firmware image of the virtual-m4f board under QEMU with semihosting (the image's exit
 * ends QEMU) and parses the `TD_STATUS` / `TD_OUTPUT` lines its main prints.
 */
export async function runOnQemu(elf: string, machine = 'mps2-an386'): Promise<{ status: number; failedOp: number; outputs: Uint8Array[] }> {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(
      'qemu-system-arm',
      ['-M', machine, '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-semihosting', '-kernel', elf],
      { timeout: 100_000, maxBuffer: 16 * 1024 * 1024 },
      (error, out, err) => {
        // The firmware exits with 1 when the model fails; the printed status says why.
        if (error && !out.includes('TD_STATUS')) fail(new Error(`qemu failed: ${error.message}\n${err}`));
        else done(out);
      },
    ),
  );
  const statusLine = /TD_STATUS (-?\d+) (-?\d+)/.exec(stdout);
  if (!statusLine) throw new Error(`no TD_STATUS line in the firmware's output:\n${stdout}`);
  const outputs: Uint8Array[] = [];
  for (const match of stdout.matchAll(/TD_OUTPUT (\d+) ([0-9a-f]*)/g)) {
    outputs[Number(match[1])] = Uint8Array.from(Buffer.from(match[2], 'hex'));
  }
  return { status: Number(statusLine[1]), failedOp: Number(statusLine[2]), outputs };
}

/** max |a − b| and max |b| over two float arrays of the same length. */
export function floatDeviation(actual: Float32Array, reference: Float32Array): { maxDelta: number; maxReference: number } {
  if (actual.length !== reference.length) throw new Error(`lengths differ: ${actual.length} vs ${reference.length}`);
  let maxDelta = 0;
  let maxReference = 0;
  for (let i = 0; i < actual.length; i++) {
    maxDelta = Math.max(maxDelta, Math.abs(actual[i] - reference[i]));
    maxReference = Math.max(maxReference, Math.abs(reference[i]));
  }
  return { maxDelta, maxReference };
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
