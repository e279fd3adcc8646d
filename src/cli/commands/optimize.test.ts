import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedModels, sharedPath } from '../../../test/testing/shared-data.js';
import { exportTflite } from '../../core/common/exporters/index.js';
import { printGraph } from '../../core/common/ir/print.js';
import type { Op } from '../../core/common/ir/types.js';
import { loadModelFile } from '../../core/node/model-file.js';
import type { CliIo } from '../command.js';
import { main } from '../main.js';
import type { OptimizeJson } from './optimize.js';

const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-optimize-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `tinydeploy` in this process with captured output (stderr is not a terminal). */
async function tinydeploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (chunk) => (stdout += String(chunk)) }, stderr: { write: (chunk) => (stderr += chunk) } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const mnist = sharedPath('datasets/mnist');

describe('tinydeploy optimize', () => {
  it('quantizes with a calibration dataset, saves the variant and reports accuracy on calibration and held-out samples', async () => {
    const out = join(scratch, 'lstm_int8.tflite');
    const { code, stdout, stderr } = await tinydeploy('optimize', sharedModels.trained_lstm, '--pipeline', 'quantize-int8', '--calibration', mnist, '--samples', '20', '--eval-limit', '40', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^trained_lstm\.tflite → .*lstm_int8\.tflite \(quantize-int8, [\d.]+ s\)\n/);
    expect(stdout).toContain('calibration: dataset mnist, samples 0-19 (min-max observer)');
    expect(stdout).toMatch(/quantize-int8 +yes +4 → 4/);
    expect(stdout).toMatch(/calibration samples +20 +\d+\.\d\d% +\d+\.\d\d% +[\d.]+ dB/);
    expect(stdout).toMatch(/held-out samples +40 +\d+\.\d\d% +\d+\.\d\d% +[\d.]+ dB/);
    // Progress on stderr: a line per pass, bars for calibration and evaluation (not a terminal: plain lines).
    expect(stderr).toContain('optimize: pass 7 of 7: quantize-int8\n');
    expect(stderr).toContain('quantize-int8 (calibrating): 100% (20/20)\n');
    expect(stderr).toContain('evaluating held-out samples: 100% (80/80)\n');
    const variant = await loadModelFile(out);
    expect(variant.tensors[variant.inputs[0]].dtype).toBe('int8');
    expect(variant.source?.description).toBe('TinyDeploy quantize-int8 of trained_lstm.tflite; calibrated on dataset mnist, samples 0-19; min-max observer');
  });

  it('--json: the document with calibration, evaluation and the passes', async () => {
    const out = join(scratch, 'lstm_synthetic.tflite');
    const { code, stdout } = await tinydeploy('optimize', sharedModels.trained_lstm, '--synthetic', '--synthetic-range', '0,1', '--samples', '10', '--eval-limit', '5', '--out', out, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as OptimizeJson;
    expect(Object.keys(json)).toEqual(['model', 'pipeline', 'out', 'steps', 'log', 'milliseconds', 'calibration', 'evaluation']);
    expect(json).toMatchObject({ model: 'trained_lstm.tflite', pipeline: 'quantize-int8', out });
    expect(json.calibration).toEqual({ kind: 'synthetic', samples: 10, seed: 1, range: [0, 1], observer: 'min-max' });
    expect(json.steps.map((step) => step.pass)).toEqual(['dequantize-hybrid-weights', 'fold-static-shapes', 'fold-constants', 'remove-noop-reshapes', 'fuse-activation', 'remove-dead-code', 'quantize-int8']);
    expect(json.evaluation!.heldOut!.variant).toMatchObject({ samples: 5 });
    expect(json.evaluation!.heldOut!.variant.sqnrDb).toBeGreaterThan(20);
    expect((await loadModelFile(out)).source?.description).toContain('calibration synthetic: 10 seeded uniform samples in [0, 1] (seed 1)');
  });

  it('--sensitivity lists the accuracy drop of each layer quantized alone', async () => {
    const { code, stdout } = await tinydeploy('optimize', sharedModels.trained_lstm, '--calibration', mnist, '--samples', '20', '--eval-limit', '30', '--sensitivity');
    expect(code).toBe(0);
    expect(stdout).toContain('calibration: dataset mnist, samples 0-19 (min-max observer)');
    expect(stdout).toMatch(/per-layer sensitivity \(each op quantized alone; 30 samples, float accuracy \d+\.\d\d%\):/);
    expect(stdout).toMatch(/0 +UNIDIRECTIONAL_SEQUENCE_LSTM +\d+\.\d\d% +-?\d+\.\d\d +[\d.]+ dB +tfl\.unidirectional_sequence_lstm/);
    expect(stdout).toMatch(/3 +SOFTMAX/);
  });

  it('runs pipelines that need no calibration, and lists pipelines and passes in its help', async () => {
    const out = join(scratch, 'kws_clean.tflite');
    const { code, stdout } = await tinydeploy('optimize', sharedModels.kws_ref_model, '--pipeline', 'cleanup', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('remove-dead-code');
    expect(printGraph(await loadModelFile(out))).toBe(printGraph(await loadModelFile(sharedModels.kws_ref_model)));
    const help = await tinydeploy('optimize', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('pipelines:\n');
    expect(help.stdout).toMatch(/ {2}quantize-int8 +post-training int8 quantization/);
    expect(help.stdout).toContain('passes: dequantize-hybrid-weights → fold-static-shapes → fold-constants → remove-noop-reshapes → fuse-activation → remove-dead-code → quantize-int8');
    expect(help.stdout).toContain('    int16Layers: ops (indices or output tensor names, comma-separated) run 16x8: int16 activations (string)');
    expect(help.stdout).toContain('    observer: how ranges are estimated (one of min-max, moving-average, percentile, default min-max)');
    const list = await tinydeploy('optimize', '--list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^pipelines:\n/);
  });

  it('--pipeline gru-to-builtin saves a model with GRUs as builtin ops TFLite runs; reading it folds them back', async () => {
    const out = join(scratch, 'gru_builtin.tflite');
    const { code, stdout } = await tinydeploy('optimize', join(repoRoot, 'test/fixtures/onnx/gru.onnx'), '--pipeline', 'gru-to-builtin', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('unroll-gru');
    const bytes = readFileSync(out);
    expect(bytes.includes('TD_GRU')).toBe(false);
    const folded = await loadModelFile(out);
    expect(folded.ops.filter((op) => op.type === 'TD_GRU')).toHaveLength(3);
  });

  it('refuses what it cannot do with exit 2 (usage) or 1 (the model or the data)', async () => {
    const out = join(scratch, 'never.tflite');
    const usage = async (args: string[], message: string) => {
      const { code, stderr } = await tinydeploy('optimize', ...args);
      expect({ code, first: stderr.split('\n')[0] }).toEqual({ code: 2, first: `error: ${message}` });
    };
    await usage(['--synthetic', '--out', out], 'missing <model> (the model file to optimize)');
    await usage([sharedModels.trained_lstm, '--out', out], 'pipeline quantize-int8 quantizes: give --calibration <dataset> or --synthetic');
    await usage([sharedModels.trained_lstm, '--pipeline', 'fast', '--out', out], 'unknown pipeline "fast" (pipelines: cleanup, hybrid-to-float, quantize-int8, gru-to-builtin)');
    await usage([sharedModels.trained_lstm, '--synthetic'], 'missing --out <file.tflite> (where to save the variant)');
    await usage([sharedModels.trained_lstm, '--synthetic', '--calibration', mnist, '--out', out], 'give either --calibration <dataset> or --synthetic, not both');
    await usage([sharedModels.trained_lstm, '--synthetic', '--synthetic-range', '1', '--out', out], '--synthetic-range must be "min,max", got "1"');
    await usage([sharedModels.kws_ref_model, '--pipeline', 'cleanup', '--synthetic', '--out', out], 'pipeline cleanup does not quantize: --calibration, --synthetic and --sensitivity do not apply');
    await usage([sharedModels.trained_lstm, '--observer', 'median', '--out', out], 'tinydeploy optimize: option --observer must be one of min-max, moving-average, percentile, got "median"');

    const kws01 = await tinydeploy('optimize', sharedModels.trained_lstm, '--calibration', sharedPath('datasets/kws01'), '--out', out);
    expect(kws01.code).toBe(1);
    expect(kws01.stderr).toBe('error: dataset kws01: sample shape [1,49,10,1] (490 values) does not fit model input serving_default_fixed_input:0 shape [1,28,28] (784 values)\n');
    const quantized = await tinydeploy('optimize', sharedModels.kws_ref_model, '--synthetic', '--samples', '2', '--out', out);
    expect(quantized.code).toBe(1);
    expect(quantized.stderr.endsWith('\nerror: quantize-int8: graph main computes nothing in float32: it is quantized already\n')).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  it('is registered in the real executable', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), '--help'], { cwd: repoRoot }, (error, out) => (error ? reject(error) : resolve(out))),
    );
    expect(stdout).toMatch(/ {2}optimize +Run a pipeline of graph passes/);
  });
});

describe('tinydeploy optimize with names chosen by the model file', () => {
  it('prints the passes\' notes with control characters escaped', async () => {
    // DEQUANTIZE of an int8 constant without quantization parameters: fold-constants leaves it,
    // with a note naming the constant.
    const model = join(scratch, 'hostile-names.tflite');
    writeFileSync(
      model,
      exportTflite({
        name: 'hostile',
        tensors: [
          { id: 0, name: 'q\x1b]0;pwned\x07\nerror: forged', dtype: 'int8', shape: [4], data: new Int8Array([1, 2, 3, 4]) },
          { id: 1, name: 'x', dtype: 'float32', shape: [4] },
          { id: 2, name: 'y', dtype: 'float32', shape: [4] },
        ],
        ops: [{ type: 'DEQUANTIZE', inputs: [0], outputs: [1], attrs: {} } as Op, { type: 'RELU', inputs: [1], outputs: [2], attrs: {} } as Op],
        inputs: [],
        outputs: [2],
      }),
    );
    const { code, stdout } = await tinydeploy('optimize', model, '--pipeline', 'cleanup', '--out', join(scratch, 'hostile-out.tflite'));
    expect(code).toBe(0);
    expect(stdout).toContain('input tensor 0 (q\\x1b]0;pwned\\x07\\nerror: forged) has no quantization parameters');
    expect(stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });
});
