import { readFileSync } from 'node:fs';
import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { Interpreter, unsupportedOps } from '../../interp/interpreter.js';
import { printGraph } from '../../ir/print.js';
import { validateGraph } from '../../ir/validate.js';
import { importModel } from '../index.js';
import { tfliteImporter } from './index.js';
import {
  Buffer,
  BuiltinOperator,
  Model,
  Operator,
  OperatorCode,
  SubGraph,
  Tensor,
  TensorType,
} from './schema/tflite.js';
import { sharedModels } from '../../../../../test/testing/shared-data.js';

/** A two-op float model (LSH_PROJECTION, then a custom op) built with the generated writer API. */
function modelWithUnknownOps(): Uint8Array {
  const builder = new flatbuffers.Builder(1024);
  const tensor = (name: string) => {
    const nameOffset = builder.createString(name);
    const shape = Tensor.createShapeVector(builder, [1, 4]);
    Tensor.startTensor(builder);
    Tensor.addShape(builder, shape);
    Tensor.addType(builder, TensorType.FLOAT32);
    Tensor.addBuffer(builder, 0);
    Tensor.addName(builder, nameOffset);
    return Tensor.endTensor(builder);
  };
  const tensors = SubGraph.createTensorsVector(builder, [tensor('x'), tensor('y'), tensor('z')]);
  const operator = (opcode: number, input: number, output: number) => {
    const inputs = Operator.createInputsVector(builder, [input]);
    const outputs = Operator.createOutputsVector(builder, [output]);
    Operator.startOperator(builder);
    Operator.addOpcodeIndex(builder, opcode);
    Operator.addInputs(builder, inputs);
    Operator.addOutputs(builder, outputs);
    return Operator.endOperator(builder);
  };
  const operators = SubGraph.createOperatorsVector(builder, [operator(0, 0, 1), operator(1, 1, 2)]);
  const subgraph = SubGraph.createSubGraph(
    builder,
    tensors,
    SubGraph.createInputsVector(builder, [0]),
    SubGraph.createOutputsVector(builder, [2]),
    operators,
    builder.createString('main'),
    0,
  );
  const customName = builder.createString('MyOp');
  const lshProjection = OperatorCode.createOperatorCode(builder, BuiltinOperator.LSH_PROJECTION, 0, 1, BuiltinOperator.LSH_PROJECTION);
  const custom = OperatorCode.createOperatorCode(builder, 32, customName, 1, BuiltinOperator.CUSTOM);
  Buffer.startBuffer(builder);
  const emptyBuffer = Buffer.endBuffer(builder);
  const model = Model.createModel(
    builder,
    3,
    Model.createOperatorCodesVector(builder, [lshProjection, custom]),
    Model.createSubgraphsVector(builder, [subgraph]),
    builder.createString('built by a TinyDeploy test'),
    Model.createBuffersVector(builder, [emptyBuffer]),
    0,
    0,
    0,
    0,
    0,
  );
  builder.finish(model, 'TFL3');
  return builder.asUint8Array();
}

describe('TFLite importer', () => {
  it('matches by the TFL3 identifier only, consuming nothing', () => {
    const bytes = new Uint8Array(readFileSync(sharedModels.kws_ref_model));
    const before = bytes.slice();
    expect(tfliteImporter.match(bytes)).toBe(true);
    expect(bytes).toEqual(before);
    expect(tfliteImporter.match(new Uint8Array([1, 2, 3]))).toBe(false);
  });

  it('reads every shared model into a valid graph with its quantization', () => {
    for (const path of Object.values(sharedModels)) {
      const graph = importModel(new Uint8Array(readFileSync(path)), path);
      validateGraph(graph);
    }
    const kws = importModel(new Uint8Array(readFileSync(sharedModels.kws_ref_model)));
    const text = printGraph(kws);
    expect(text).toContain('  %0 int8[1,49,10,1] q(0.5847029, 83) activation "input_1"');
    expect(text).toMatch(/op 0 CONV_2D\(%0, %\d+, %\d+\) -> %22 \{activation=relu dilationH=1 dilationW=1 padding=same strideH=2 strideW=2\}/);
    const filter = kws.tensors[kws.ops[0].inputs[1]];
    expect(filter.dtype).toBe('int8');
    expect(filter.shape).toEqual([64, 10, 4, 1]);
    expect(filter.quantization?.scale.length).toBe(64);
    expect(filter.quantization?.axis).toBe(0);
    expect(filter.data).toBeInstanceOf(Int8Array);
    const bias = kws.tensors[kws.ops[0].inputs[2]];
    expect(bias.dtype).toBe('int32');
    expect(bias.data).toBeInstanceOf(Int32Array);
  });

  it('marks the LSTM state tensors as variables and reads the LSTM options', () => {
    const graph = importModel(new Uint8Array(readFileSync(sharedModels.trained_lstm_int8)));
    const lstm = graph.ops[0];
    expect(lstm.type).toBe('UNIDIRECTIONAL_SEQUENCE_LSTM');
    expect(lstm.inputs.length).toBeGreaterThanOrEqual(20);
    expect(graph.tensors[lstm.inputs[18]].variable).toBe(true);
    expect(graph.tensors[lstm.inputs[19]].variable).toBe(true);
    expect(lstm.attrs).toMatchObject({ activation: 'tanh', timeMajor: false });
  });

  it('imports unknown builtin and custom ops by name and reports them as unsupported', () => {
    const graph = importModel(modelWithUnknownOps(), 'unknown-ops.tflite');
    expect(graph.ops.map((op) => op.type)).toEqual(['LSH_PROJECTION', 'CUSTOM']);
    expect(graph.source?.description).toBe('built by a TinyDeploy test');
    expect(unsupportedOps(graph)).toEqual([
      { type: 'LSH_PROJECTION', indices: [0] },
      { type: 'CUSTOM:MyOp', indices: [1] },
    ]);
    expect(() => new Interpreter(graph)).toThrow('unsupported ops: LSH_PROJECTION (op 0); CUSTOM:MyOp (op 1)');
  });
});
