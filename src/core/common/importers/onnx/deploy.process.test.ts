/**
 * An imported ONNX model goes where a TFLite model goes: each PyTorch fixture is quantized
 * (int8, synthetic calibration), written as .tflite and read back with the same ops and MACs,
 * and deployed to the emulated Cortex-M4F, its outputs byte-identical to the host interpreter's.
 * The CNN twins of the MLPerf Tiny models keep their MACs through quantization.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../../../test/testing/tools.js';
import { virtualBoardTestsUnavailable } from '../../../node/devices/qemu/testing/qemu.js';
import { deployGraph } from '../../../node/deploy/deploy.js';
import { quantizeModel } from '../../../node/quantize/quantize-model.js';
import { opMacs } from '../../analysis/macs.js';
import { virtualM4f } from '../../boards/index.js';
import { exportTflite } from '../../exporters/index.js';
import type { Graph } from '../../ir/types.js';
import { importModel } from '../index.js';
import { readOnnx } from './index.js';

const fixtures = join(import.meta.dirname, '../../../../../test/fixtures/onnx');
const totalMacs = (graph: Graph) => graph.ops.reduce((sum, op) => sum + opMacs(graph, op), 0);
const unavailable = virtualBoardTestsUnavailable();

describe('ONNX models quantized and deployed on virtual-m4f', () => {
  requireTools(unavailable);
  const twinMacs: Record<string, number> = { ds_cnn: 2_656_768, resnet8: 12_501_632 };
  // Held-out SQNR floors on synthetic calibration (16 samples). The classifier's STRIDED_SLICE
  // outputs keep the LSTM output's scale and zero point (the kernel copies bytes): 37.8 dB measured,
  // 12.1 dB when they had calibrated scales of their own; the floor leaves 5 dB of margin.
  // The unrolled RNN (tanh, then ReLU both ways: each step's ADD, TANH and FULLY_CONNECTED quantized
  // on its own): 21.7 dB measured.
  const sqnrFloor: Record<string, number> = { lstm_classifier: 32, rnn: 18 };
  for (const name of ['ds_cnn', 'resnet8', 'mlp', 'lstm', 'cnn_flatten', 'conv1d', 'lstm_classifier', 'gru', 'bilstm', 'rnn']) {
    it(`${name}.onnx quantized to int8 deploys bit-exact and round-trips through .tflite`, async () => {
      const float = readOnnx(new Uint8Array(readFileSync(join(fixtures, `${name}.onnx`))));
      const { graph, report } = await quantizeModel(float, {
        modelName: `${name}.onnx`,
        calibration: { kind: 'synthetic', seed: 1 },
        passOptions: { samples: 16 },
        evaluationLimit: 8,
      });
      expect(graph.tensors[graph.inputs[0]].dtype).toBe('int8');
      const sqnr = report.evaluation!.heldOut!.variant.sqnrDb!;
      expect(sqnr).toBeGreaterThan(sqnrFloor[name] ?? 20);
      if (twinMacs[name]) expect(totalMacs(graph)).toBe(twinMacs[name]);

      const reread = importModel(exportTflite(graph), `${name}_int8.tflite`);
      expect(reread.ops.map((op) => op.type)).toEqual(graph.ops.map((op) => op.type));
      expect(totalMacs(reread)).toBe(totalMacs(graph));

      const result = await deployGraph(graph, { board: virtualM4f, name: `${name}_int8.tflite`, hash: `sha256:onnx-${name}`, runs: 1 });
      expect(result.bitExact).toBe(true);
      expect(result.passed).toBe(true);
      console.info(`${name}.onnx int8: SQNR ${sqnr.toFixed(1)} dB, ${totalMacs(graph)} MACs, on virtual-m4f ${result.latency.value} ${result.latency.unit}`);
    }, 300_000);
  }
});
