/**
 * TFLite INT4 weights (two signed 4-bit values a byte, low nibble first, as TFLite's converter
 * writes them and TFLite Micro's UnpackDenseInt4IntoInt8 reads them): import as int8 values marked
 * packed, export as INT4 again, a clear error for a buffer of the wrong size, and an int4
 * FULLY_CONNECTED whose output is worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import * as flatbuffers from 'flatbuffers';
import { exportTflite } from '../../exporters/index.js';
import { Interpreter } from '../../interp/interpreter.js';
import { packInt4, unpackInt4 } from '../../ir/int4.js';
import { validateGraph } from '../../ir/validate.js';
import type { Graph, Tensor } from '../../ir/types.js';
import { importModel } from '../index.js';
import { Model, TensorType } from './schema/tflite.js';

/** input [1, 3] → FULLY_CONNECTED (2 units, int4 weights, per-channel) → [1, 2], every scale 1 so the output is the plain sum. */
function fcGraph(weights: Int8Array, packing: Tensor['packing'] = 'int4', shape = [2, 3]): Graph {
  const tensors: Tensor[] = [
    { id: 0, name: 'input', shape: [1, 3], dtype: 'int8', quantization: { scale: [1], zeroPoint: [-2], axis: 0 } },
    { id: 1, name: 'weights', shape, dtype: 'int8', data: weights, quantization: { scale: [1, 1], zeroPoint: [0, 0], axis: 0 }, ...(packing ? { packing } : {}) },
    { id: 2, name: 'bias', shape: [2], dtype: 'int32', data: Int32Array.from([10, -20]) },
    { id: 3, name: 'output', shape: [1, 2], dtype: 'int8', quantization: { scale: [1], zeroPoint: [5], axis: 0 } },
  ];
  return {
    name: 'fc_int4',
    tensors,
    ops: [{ type: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [3], attrs: { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false } }],
    inputs: [0],
    outputs: [3],
  };
}

/** The file's own tensor table: type and buffer bytes of tensor `index`. */
function rawTensor(file: Uint8Array, index: number): { type: TensorType; bytes: Uint8Array } {
  const model = Model.getRootAsModel(new flatbuffers.ByteBuffer(file));
  const tensor = model.subgraphs(0)!.tensors(index)!;
  return { type: tensor.type(), bytes: model.buffers(tensor.buffer())!.dataArray() ?? new Uint8Array() };
}

describe('int4 packing (TFLite INT4)', () => {
  it('packs low nibble first and sign-extends when unpacking, an odd count leaving the last high nibble unused', () => {
    // 0x12, 0x34 → 2, 1, 4, 3 (TFLite's own example); -8 = 0x8, -1 = 0xf, 7 = 0x7.
    expect([...unpackInt4(Uint8Array.from([0x12, 0x34]), 4)]).toEqual([2, 1, 4, 3]);
    expect([...packInt4([-8, 7, -1, 0, 5])]).toEqual([0x78, 0x0f, 0x05]);
    expect([...unpackInt4(Uint8Array.from([0x78, 0x0f, 0xf5]), 5)]).toEqual([-8, 7, -1, 0, 5]);
    expect(() => packInt4([0, 8])).toThrow('value 8 at index 1 is outside int4');
  });
});

describe('TFLite importer: INT4 weights', () => {
  const weights = Int8Array.from([-8, 7, 1, 3, -1, -5]);

  it('writes INT4 with the packed bytes and reads them back as int8 values marked packed', () => {
    const file = exportTflite(fcGraph(weights));
    const raw = rawTensor(file, 1);
    expect(raw.type).toBe(TensorType.INT4);
    // Hand-packed: (-8, 7) → 0x78, (1, 3) → 0x31, (-1, -5) → 0xbf.
    expect([...raw.bytes]).toEqual([0x78, 0x31, 0xbf]);
    const graph = importModel(file, 'fc_int4.tflite');
    validateGraph(graph);
    const filter = graph.tensors[graph.ops[0].inputs[1]];
    expect(filter.dtype).toBe('int8');
    expect(filter.packing).toBe('int4');
    expect([...(filter.data as Int8Array)]).toEqual([...weights]);
  });

  it('runs FULLY_CONNECTED with int4 weights to the hand-computed bytes, the same as its int8 twin', () => {
    const graph = importModel(exportTflite(fcGraph(weights)), 'fc_int4.tflite');
    const input = Int8Array.from([3, -4, 100]);
    // x + 2 (zero point -2) = 5, -2, 102; unit 0: -8·5 + 7·-2 + 1·102 + 10 = 58 → 63; unit 1: 3·5 + -1·-2 + -5·102 - 20 = -513 → -128.
    const { outputs } = new Interpreter(graph).run([input]);
    expect([...(outputs[0] as Int8Array)]).toEqual([63, -128]);
    const twin = importModel(exportTflite(fcGraph(weights, undefined)), 'fc_int8.tflite');
    expect([...(new Interpreter(twin).run([input]).outputs[0] as Int8Array)]).toEqual([63, -128]);
  });

  it('refuses an INT4 buffer of the wrong size, naming the tensor, the shape and both byte counts', () => {
    // A [2, 4] tensor (4 bytes) whose shape vector is then rewritten to [2, 3], which needs 3.
    const file = exportTflite(fcGraph(Int8Array.from([1, 2, 3, 4, 5, 6, 7, 0]), 'int4', [2, 4]));
    const shape = Uint8Array.from([2, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0]);
    const at = Buffer.from(file).indexOf(shape);
    expect(at).toBeGreaterThan(0);
    file[at + 8] = 3;
    expect(() => importModel(file, 'bad.tflite')).toThrow(/tensor 1 \(weights\) has shape \[2,3\] of INT4 = 6 values packed two a byte = 3 bytes, but its buffer \d+ holds 4 bytes/);
  });

  it('flags a packed tensor whose values leave [-8, 7]', () => {
    expect(() => validateGraph(fcGraph(Int8Array.from([-8, 7, 1, 3, -1, 9])))).toThrow('holds 9 at index 5, outside [-8, 7]');
  });
});
