/**
 * An int8 GRU written as int8 builtin ops (`exportTflite(graph, { gru: 'unrolled' })`) and read
 * back stays the builtin graph, which deploys to the emulated Cortex-M4F with outputs
 * byte-identical to the interpreter's (TFLite Micro's reference arithmetic for every op).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { virtualBoardTestsUnavailable } from '../../node/devices/qemu/testing/qemu.js';
import { deployGraph } from '../../node/deploy/deploy.js';
import { virtualM4f } from '../boards/index.js';
import { exportTflite } from '../exporters/index.js';
import { importModel } from '../importers/index.js';
import { readOnnx } from '../importers/onnx/index.js';
import { elementCount } from '../ir/tensor.js';
import { gruOpType } from '../ops/gru-layout.js';
import './builtin-passes.js';
import { runPipeline } from './run-pipeline.js';

describe('an int8 GRU unrolled into int8 builtin ops, on virtual-m4f', () => {
  requireTools(virtualBoardTestsUnavailable());
  it("PyTorch's GRU and bidirectional GRU (ONNX fixture), int8, written unrolled and read back: the board's outputs are the interpreter's", async () => {
    const source = readOnnx(new Uint8Array(readFileSync(join(import.meta.dirname, '../../../../test/fixtures/onnx/gru.onnx'))));
    const size = elementCount(source.tensors[source.inputs[0]].shape);
    let state = 5;
    const sample = () =>
      Float32Array.from({ length: size }, () => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return (state / 2 ** 31) * 2 - 1;
      });
    const calibration = { count: 16, sample: () => [sample()] };
    const int8 = (await runPipeline(source, [{ pass: 'quantize-int8', options: { samples: 16 } }], { resources: { calibration } })).graph;
    const back = importModel(exportTflite(int8, { gru: 'unrolled' }), 'gru_int8_unrolled.tflite');
    expect(back.ops.some((op) => op.type === gruOpType)).toBe(false);
    expect(back.ops.filter((op) => op.type === 'TANH').length).toBeGreaterThan(0);
    const result = await deployGraph(back, { board: virtualM4f, name: 'gru_int8_unrolled.tflite', hash: 'sha256:gru-int8-unrolled', runs: 2 });
    expect(result.bitExact).toBe(true);
    expect(result.passed).toBe(true);
    const fused = await deployGraph(int8, { board: virtualM4f, name: 'gru_int8.tflite', hash: 'sha256:gru-int8', runs: 2 });
    expect(fused.bitExact).toBe(true);
    console.info(
      `gru.onnx int8 on virtual-m4f: unrolled (${back.ops.length} builtin ops) ${result.latency.value} ${result.latency.unit}, arena ${result.arenaBytes} B, flash ${result.flashBytes} B; ` +
        `fused TD_GRU ${fused.latency.value} ${fused.latency.unit}, arena ${fused.arenaBytes} B, flash ${fused.flashBytes} B`,
    );
  }, 300_000);
});
