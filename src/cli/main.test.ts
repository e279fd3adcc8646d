import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedModels, sharedPath } from '../../test/testing/shared-data.js';
import { exportTflite } from '../core/common/exporters/index.js';
import { noOutputsModel, padToHugeModel, reluGraph } from '../core/common/importers/tflite/testing/crafted-models.js';
import { commands, main } from './main.js';

const bin = join(repoRoot, 'bin/tinydeploy.js');
const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `tinydeploy` executable in a child process (stderr is a pipe, not a terminal). */
function tinydeploy(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repoRoot, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('tinydeploy inspect', () => {
  it('--json prints the contract document for a real int8 model', async () => {
    const { code, stdout, stderr } = await tinydeploy('inspect', sharedModels.kws_ref_model, '--json');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.endsWith('}\n')).toBe(true);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['format', 'inputs', 'outputs', 'totals', 'layers']);
    expect(report.format).toBe('tflite');
    expect(report.inputs).toEqual([{ name: 'input_1', shape: [1, 49, 10, 1], dtype: 'int8', scale: [0.5847029089927673], zeroPoint: [83] }]);
    expect(report.outputs).toEqual([{ name: 'Identity', shape: [1, 12], dtype: 'int8', scale: [0.00390625], zeroPoint: [-128] }]);
    expect(report.totals).toEqual({ macs: 2_656_768, params: 22_604, weightBytes: 24_376, peakActivationBytes: 16_000 });
    expect(Object.keys(report.totals)).toEqual(['macs', 'params', 'weightBytes', 'peakActivationBytes']);
    expect(report.layers).toHaveLength(13);
    expect(report.layers.map((layer: { index: number }) => layer.index)).toEqual([...Array(13).keys()]);
    expect(report.layers[0]).toMatchObject({ index: 0, op: 'CONV_2D', macs: 320_000, params: 2_624 });
    expect(report.layers[0].inputs).toEqual([{ tensor: 0, shape: [1, 49, 10, 1], dtype: 'int8' }]);
  });

  it('--json gives empty quantization arrays for a float model', async () => {
    const { code, stdout } = await tinydeploy('inspect', sharedModels.kws_ref_model_float32, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.inputs).toEqual([{ name: 'input_1', shape: [1, 49, 10, 1], dtype: 'float32', scale: [], zeroPoint: [] }]);
    expect(report.totals.macs).toBe(2_656_768);
  });

  it('prints a table with the totals otherwise', async () => {
    const { code, stdout } = await tinydeploy('inspect', sharedModels.trained_lstm_int8);
    expect(code).toBe(0);
    expect(stdout).toContain('UNIDIRECTIONAL_SEQUENCE_LSTM');
    expect(stdout).toContain('113,120 MACs');
    expect(stdout).toContain('input   serving_default_fixed_input:0  int8 [1,28,28]  scale 0.003921568859368563, zero point -128');
  });

  it('says what its activation figure is: the no-reuse bound, not the arena build plans', async () => {
    const { code, stdout } = await tinydeploy('inspect', sharedModels.kws_ref_model);
    expect(code).toBe(0);
    expect(stdout).toMatch(/activations without reuse 16,000 bytes \(no-reuse bound: all activations of op \d+'s live set, each in a buffer of its own, no sharing, no alignment or scratch;/);
  });

  it('names a missing or malformed model file (exit 1)', async () => {
    expect(await tinydeploy('inspect', join(scratch, 'missing.tflite'))).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${join(scratch, 'missing.tflite')}: cannot read model file (no such file)\n`,
    });
    const text = join(scratch, 'notes.tflite');
    writeFileSync(text, 'these are not the weights you are looking for');
    const result = await tinydeploy('inspect', text);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: notes\.tflite: /);
  });
});

describe('tinydeploy run', () => {
  it('writes the raw output bytes, equal to TFLite Micro\'s', async () => {
    const output = join(scratch, 'kws.out.bin');
    const { code, stdout } = await tinydeploy('run', sharedModels.kws_ref_model, '--input', sharedPath('vectors/kws_ref_model.input.bin'), '--output', output);
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote 12 bytes to ${output} (output Identity: int8 [1,12])\n`);
    expect(readFileSync(output)).toEqual(readFileSync(sharedPath('vectors/kws_ref_model.output.bin')));
  });

  it('refuses an input of the wrong size, naming the file, its size and the expected tensor', async () => {
    const input = join(scratch, 'short.bin');
    writeFileSync(input, readFileSync(sharedPath('vectors/kws_ref_model.input.bin')).subarray(0, 489));
    const output = join(scratch, 'never-written.bin');
    expect(await tinydeploy('run', sharedModels.kws_ref_model, '--input', input, '--output', output)).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${input}: 489 bytes, expected 490 (model input input_1: int8 [1,49,10,1])\n`,
    });
    expect(() => readFileSync(output)).toThrow();
  });

  it('--state streaming runs a sequence of inputs with the LSTM state carried over', async () => {
    const first = readFileSync(sharedPath('vectors/real/trained_lstm_int8/in_000.bin'));
    const second = readFileSync(sharedPath('vectors/real/trained_lstm_int8/in_001.bin'));
    const sequence = join(scratch, 'sequence.bin');
    writeFileSync(sequence, Buffer.concat([first, second]));
    const output = join(scratch, 'sequence.out.bin');
    const streaming = await tinydeploy('run', sharedModels.trained_lstm_int8, '--input', sequence, '--output', output, '--state', 'streaming');
    expect(streaming.code).toBe(0);
    const outputs = readFileSync(output);
    expect(outputs).toHaveLength(20);
    // The first inference starts from the initial state: TFLite Micro's fresh-state output.
    expect(outputs.subarray(0, 10)).toEqual(readFileSync(sharedPath('vectors/real/trained_lstm_int8/out_000.bin')));
    // Without --state streaming a sequence is refused.
    const reset = await tinydeploy('run', sharedModels.trained_lstm_int8, '--input', sequence, '--output', output);
    expect(reset).toMatchObject({
      code: 1,
      stderr: `error: ${sequence}: 1568 bytes, expected 784 (model input serving_default_fixed_input:0: int8 [1,28,28])\n`,
    });
  });
});

describe('tinydeploy with a hostile or degenerate model', () => {
  /** Sets the terminal title, rings the bell and starts a line of its own that looks like ours. */
  const hostileName = 'x\x1b]0;pwned\x07\nerror: forged';
  const escapedName = 'x\\x1b]0;pwned\\x07\\nerror: forged';
  const hostileModel = join(scratch, 'hostile.tflite');
  writeFileSync(hostileModel, exportTflite(reluGraph(hostileName)));
  const terminalControl = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

  it('inspect prints names from the model with their control characters escaped', async () => {
    const { code, stdout, stderr } = await tinydeploy('inspect', hostileModel);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).not.toMatch(terminalControl);
    expect(stdout).toContain(`input   ${escapedName}  float32 [1,4]  not quantized\n`);
    expect(stdout.split('\n').filter((line) => line.startsWith('error'))).toEqual([]);
    const json = await tinydeploy('inspect', hostileModel, '--json');
    expect(json.stdout).not.toMatch(terminalControl);
    expect(JSON.parse(json.stdout).inputs[0].name).toBe(hostileName);
  });

  it('a failing run prints one error line, names escaped, whichever part of TinyDeploy built the message', async () => {
    const input = join(scratch, 'hostile.in.bin');
    writeFileSync(input, new Uint8Array(12));
    const output = join(scratch, 'hostile.out.bin');
    expect(await tinydeploy('run', hostileModel, '--input', input, '--output', output)).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${input}: 12 bytes, expected 16 (model input ${escapedName}: float32 [1,4])\n`,
    });
    // An op's own check (RELU of an int32 tensor) names the tensor too; the printer escapes it.
    const graph = reluGraph(hostileName);
    const int32Model = join(scratch, 'hostile-int32.tflite');
    writeFileSync(int32Model, exportTflite({ ...graph, tensors: graph.tensors.map((tensor) => ({ ...tensor, dtype: 'int32' })) }));
    const refused = await tinydeploy('run', int32Model, '--input', join(scratch, 'hostile.in.bin'), '--output', output);
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toMatch(terminalControl);
    expect(refused.stderr.split('\n').filter((line) => line.startsWith('error'))).toHaveLength(1);
  });

  it('run refuses a 300-byte model that declares 8 GiB of activations, and a model without outputs, before running', async () => {
    const pad = join(scratch, 'pad.tflite');
    writeFileSync(pad, padToHugeModel());
    const input = join(scratch, 'pad.in.bin');
    writeFileSync(input, new Uint8Array(4));
    const output = join(scratch, 'pad.out.bin');
    expect(await tinydeploy('run', pad, '--input', input, '--output', output)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: pad.tflite: tflite: tensor 2 (y) has shape [1,2147483647] of float32 = 8589934588 bytes, more than the limit of 268435456 bytes per tensor\n',
    });
    const empty = join(scratch, 'no-outputs.tflite');
    writeFileSync(empty, noOutputsModel());
    writeFileSync(input, new Uint8Array(16));
    expect(await tinydeploy('run', empty, '--input', input, '--output', output)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: no-outputs.tflite: tflite: subgraph 0 has no outputs: the model computes nothing\n',
    });
  });
});

describe('tinydeploy eval', () => {
  it('--json prints samples, correct, accuracy and the confusion matrix; progress is plain lines off a terminal', async () => {
    const { code, stdout, stderr } = await tinydeploy('eval', sharedModels.kws_ref_model, '--dataset', sharedPath('datasets/kws01'), '--limit', '200', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result).slice(0, 3)).toEqual(['samples', 'correct', 'accuracy']);
    expect(result.samples).toBe(200);
    expect(result.accuracy).toBe(Math.round((result.correct / 200) * 10_000) / 10_000);
    expect(result.accuracy).toBeGreaterThan(0.85);
    expect(result.confusion).toHaveLength(12);
    expect(result.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(200);
    const lines = stderr.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.at(-1)).toBe('eval kws01: 100% (200/200)');
  });

  it('prints accuracy and a confusion matrix with class names', async () => {
    const { code, stdout } = await tinydeploy('eval', sharedModels.kws_ref_model, '--dataset', sharedPath('datasets/kws01'), '--limit', '20');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^kws_ref_model\.tflite on kws01: \d+ of 20 correct, top-1 accuracy \d+\.\d\d%\n/);
    expect(stdout).toContain('actual \\ predicted  Down  Go  Left  No  Off  On  Right  Stop  Up  Yes  Silence  Unknown  total');
  });

  it('refuses a dataset that does not fit the model (exit 1)', async () => {
    const { code, stdout, stderr } = await tinydeploy('eval', sharedModels.trained_lstm_int8, '--dataset', sharedPath('datasets/kws01'));
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe(
      'error: dataset kws01: sample shape [1,49,10,1] (490 values) does not fit model input serving_default_fixed_input:0 shape [1,28,28] (784 values)\n',
    );
  });
});

describe('tinydeploy usage', () => {
  it('prints help with exit 0', async () => {
    const top = await tinydeploy('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('usage: tinydeploy <command> [options]');
    const run = await tinydeploy('run', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: tinydeploy run <model> --input <in.bin> --output <out.bin> [--state <reset|streaming>]');
  });

  it('exits 2 naming an unknown command, an unknown option or a missing argument', async () => {
    const names = commands.map((command) => command.spec.name).join(', ');
    expect(names).toMatch(/^inspect, run, eval\b/);
    expect(await tinydeploy('frobnicate', 'model.tflite')).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: unknown command "frobnicate" (commands: ${names})\nRun 'tinydeploy --help' for usage.\n`,
    });
    expect(await tinydeploy('inspect', sharedModels.kws_ref_model, '--verbose')).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: tinydeploy inspect: unknown option --verbose\nRun 'tinydeploy inspect --help' for usage.\n`,
    });
    expect((await tinydeploy('eval', sharedModels.kws_ref_model)).stderr).toContain('error: tinydeploy eval: missing --dataset <dir>');
  });

  it('prints a stack trace only for unexpected errors', async () => {
    const stderr: string[] = [];
    const code = await main(['inspect', sharedModels.kws_ref_model], {
      stdout: {
        write() {
          throw new TypeError('stdout exploded');
        },
      },
      stderr: { write: (text: string) => stderr.push(text) },
    });
    expect(code).toBe(1);
    expect(stderr.join('')).toMatch(/^unexpected error \(a bug in TinyDeploy; please report it\):\nTypeError: stdout exploded\n {4}at /);
  });
});
