import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedDir, sharedModels, vectorModels } from '../../../../../test/testing/shared-data.js';
import { CodegenError } from '../../errors.js';
import { importModel } from '../../importers/index.js';
import { BuiltinOperator, Model } from '../../importers/tflite/schema/tflite.js';
import { Interpreter } from '../../interp/interpreter.js';
import { printGraph } from '../../ir/print.js';
import { bytesOf, dataFromBytes, tensorBytes } from '../../ir/tensor.js';
import type { Graph, Op, TensorData } from '../../ir/types.js';
import { DEFAULT_DESCRIPTION, exportTflite } from '../index.js';
import { loadModelFile, saveModelFile } from '../../../node/model-file.js';
import { everyOpFloatGraph, everyOpInt8Graph, randomTensorData, seededRandom } from './testing/writer.js';

/** Every model of the corpus (test/models.json) that imports, by file name. */
const corpusModels: { name: string; path: string }[] = (
  JSON.parse(readFileSync(join(repoRoot, 'test/models.json'), 'utf8')) as { file: string; error?: string }[]
)
  .filter((entry) => !entry.error)
  .map(({ file }) => {
    const [root, path] = file.split(/:(.*)/s);
    return { name: `${root}:${basename(path)}`, path: join(root === 'shared' ? sharedDir : repoRoot, path) };
  });

const int8Models: ReadonlySet<string> = new Set(vectorModels);

function load(path: string): { bytes: Uint8Array; graph: Graph } {
  const bytes = new Uint8Array(readFileSync(path));
  return { bytes, graph: importModel(bytes, basename(path)) };
}

function modelOf(bytes: Uint8Array): Model {
  return Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes));
}

/** The writer's error for a graph, checked to be a CodegenError. */
function exportError(graph: Graph): CodegenError {
  try {
    exportTflite(graph);
  } catch (error) {
    expect(error).toBeInstanceOf(CodegenError);
    return error as CodegenError;
  }
  throw new Error(`exporting ${graph.name} did not fail`);
}

/**
 * The model's inputs: those the corpus keeps beside it (<name>.input.bin, every input one after
 * the other: inputs that are shapes or indices must be valid ones), else seeded random values.
 */
function inputsOf(graph: Graph, path: string, seed: number): TensorData[] {
  const sizes = graph.inputs.map((id) => tensorBytes(graph.tensors[id]));
  const stored = path.replace(/\.tflite$/, '.input.bin');
  if (stored !== path && existsSync(stored)) {
    const bytes = new Uint8Array(readFileSync(stored));
    if (bytes.length === sizes.reduce((sum, size) => sum + size, 0)) {
      let offset = 0;
      return graph.inputs.map((id, i) => dataFromBytes(graph.tensors[id].dtype, bytes.slice(offset, (offset += sizes[i]))));
    }
  }
  const random = seededRandom(seed);
  return graph.inputs.map((id) => randomTensorData(graph.tensors[id], random));
}

/** Outputs of our interpreter on the given inputs, as raw bytes. */
function outputBytes(graph: Graph, inputs: TensorData[]): Uint8Array[] {
  return new Interpreter(graph).run(inputs).outputs.map((output) => bytesOf(output).slice());
}

describe('TFLite writer: round trip through the importer', () => {
  expect(corpusModels.length).toBeGreaterThanOrEqual(11);
  for (const { name, path } of corpusModels) {
    it(`${name}: import → export → import keeps the graph, its constants and its outputs`, () => {
      const { graph } = load(path);
      // The importer keeps operator intermediates (the int8 LSTM has five), so the writer
      // writes the file's own instead of making new ones.
      const written = exportTflite(graph);
      const reread = importModel(written, basename(path));

      expect(printGraph(reread)).toBe(printGraph(graph));
      graph.tensors.forEach((tensor, id) => {
        const again = reread.tensors[id];
        expect(again.data === undefined, `tensor ${id} constness`).toBe(tensor.data === undefined);
        if (tensor.data) expect(Buffer.compare(bytesOf(again.data!), bytesOf(tensor.data)), `tensor ${id} bytes`).toBe(0);
        expect(again.quantization).toEqual(tensor.quantization);
        expect(again.variable).toBe(tensor.variable);
      });
      // A file without a description (test/corpus/tolerant) gets the writer's own.
      expect(reread.source?.description).toBe(graph.source?.description || DEFAULT_DESCRIPTION);

      const inputs = inputsOf(graph, path, 7);
      const before = outputBytes(graph, inputs);
      const after = outputBytes(reread, inputs);
      after.forEach((output, i) => expect(Buffer.compare(output, before[i]), `output ${i}`).toBe(0));

      // Writing the re-read graph gives the same file, byte for byte.
      expect(Buffer.compare(exportTflite(reread), written)).toBe(0);
    });
  }

  it('keeps every op type and attribute of hand-built float32 and int8 graphs', () => {
    for (const graph of [everyOpFloatGraph(), everyOpInt8Graph()]) {
      const reread = importModel(exportTflite(graph), `${graph.name}.tflite`);
      expect(printGraph(reread)).toBe(printGraph(graph));
      for (const [i, op] of graph.ops.entries()) expect(reread.ops[i].attrs, `op ${i} ${op.type}`).toEqual(op.attrs);
      const inputs = inputsOf(graph, `${graph.name}.tflite`, 3);
      expect(outputBytes(reread, inputs)).toEqual(outputBytes(graph, inputs));
    }
    const types = new Set([...everyOpFloatGraph().ops, ...everyOpInt8Graph().ops].map((op) => op.type));
    expect([...types].sort()).toEqual(
      [
        'ADD', 'AVERAGE_POOL_2D', 'CONCATENATION', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'DEQUANTIZE', 'FULLY_CONNECTED', 'LOGISTIC',
        'MAX_POOL_2D', 'MEAN', 'MUL', 'PAD', 'QUANTIZE', 'RELU', 'RELU6', 'RESHAPE', 'SOFTMAX', 'SUB', 'TANH',
      ].sort(),
    );
  });

  it('does not change the graph it writes', () => {
    const { graph } = load(sharedModels.trained_lstm_int8);
    const before = printGraph(graph);
    const tensorCount = graph.tensors.length;
    exportTflite(graph);
    expect(printGraph(graph)).toBe(before);
    expect(graph.tensors.length).toBe(tensorCount);
  });
});

describe('TFLite writer: file contents', () => {
  it('writes schema version 3, one subgraph, the empty buffer 0, aligned constant data and the description', () => {
    const { graph } = load(sharedModels.kws_ref_model);
    const written = exportTflite(graph);
    expect(String.fromCharCode(...written.subarray(4, 8))).toBe('TFL3');
    const model = modelOf(written);
    expect(model.version()).toBe(3);
    expect(model.subgraphsLength()).toBe(1);
    expect(model.subgraphs(0)!.name()).toBe('main');
    expect(model.description()).toBe('MLIR Converted.');
    expect(model.buffers(0)!.dataLength()).toBe(0);
    const constants = graph.tensors.filter((tensor) => tensor.data);
    expect(model.buffersLength()).toBe(1 + constants.length);
    for (let i = 1; i < model.buffersLength(); i++) {
      const data = model.buffers(i)!.dataArray()!;
      expect(data.byteOffset % 16, `buffer ${i} alignment`).toBe(0);
    }
    const untitled = { ...graph, source: undefined };
    expect(modelOf(exportTflite(untitled)).description()).toBe('TinyDeploy');
  });

  it('writes each op type once, with both builtin code fields and the version TFLite gives its ops', () => {
    for (const [name, path] of Object.entries(sharedModels)) {
      const { bytes, graph } = load(path);
      const original = modelOf(bytes);
      const originalVersions = new Map<number, number>();
      for (let i = 0; i < original.operatorCodesLength(); i++) {
        const code = original.operatorCodes(i)!;
        originalVersions.set(Math.max(code.builtinCode(), code.deprecatedBuiltinCode()), code.version());
      }
      const model = modelOf(exportTflite(graph));
      const types = [...new Set(graph.ops.map((op) => op.type))];
      expect(model.operatorCodesLength(), name).toBe(types.length);
      for (let i = 0; i < model.operatorCodesLength(); i++) {
        const code = model.operatorCodes(i)!;
        expect(code.builtinCode(), name).toBe(BuiltinOperator[types[i] as keyof typeof BuiltinOperator]);
        expect(code.deprecatedBuiltinCode(), name).toBe(Math.min(code.builtinCode(), 127));
        const expected = originalVersions.get(code.builtinCode())!;
        // The int8 models' converter wrote exactly TFLite's versions; some float files claim
        // more than their ops need (float CONV_2D as 2, FULLY_CONNECTED as 3), never less.
        if (int8Models.has(name)) expect(code.version(), `${name} ${types[i]}`).toBe(expected);
        else expect(code.version(), `${name} ${types[i]}`).toBeLessThanOrEqual(expected);
      }
    }
  });

  it('writes per-channel quantization with its dimension, and LSTM state as variables without data', () => {
    const kws = modelOf(exportTflite(load(sharedModels.kws_ref_model).graph)).subgraphs(0)!;
    const depthwiseFilter = kws.tensors(kws.operators(1)!.inputs(1)!)!;
    expect(depthwiseFilter.quantization()!.scaleLength()).toBe(64);
    expect(depthwiseFilter.quantization()!.quantizedDimension()).toBe(3);

    const { graph } = load(sharedModels.trained_lstm_int8);
    // A variable tensor with data: TFLite refuses such a file, and every runtime ignores the data.
    const state = graph.ops[0].inputs[18];
    const withData: Graph = { ...graph, tensors: graph.tensors.map((t) => (t.id === state ? { ...t, data: new Int8Array(20) } : t)) };
    const subgraph = modelOf(exportTflite(withData)).subgraphs(0)!;
    for (const id of [graph.ops[0].inputs[18], graph.ops[0].inputs[19]]) {
      expect(subgraph.tensors(id)!.isVariable()).toBe(true);
      expect(subgraph.tensors(id)!.buffer()).toBe(0);
    }
  });

  it("keeps an op's own intermediates, and gives an int8 LSTM without them the five TFLite needs", () => {
    const { graph } = load(sharedModels.trained_lstm_int8);
    expect(graph.ops[0].intermediates).toEqual([18, 19, 20, 21, 22]);
    const own = modelOf(exportTflite(graph)).subgraphs(0)!;
    expect([...own.operators(0)!.intermediatesArray()!]).toEqual([18, 19, 20, 21, 22]);
    expect(own.tensorsLength()).toBe(27);

    const { intermediates: _, ...withoutIntermediates } = graph.ops[0];
    const made = modelOf(exportTflite({ ...graph, ops: [withoutIntermediates as Op, ...graph.ops.slice(1)] })).subgraphs(0)!;
    expect([...made.operators(0)!.intermediatesArray()!]).toEqual([27, 28, 29, 30, 31]);
    expect(made.tensorsLength()).toBe(32);
    const hidden = made.tensors(31)!;
    const outputState = graph.tensors[graph.ops[0].inputs[18]].quantization!;
    expect(hidden.name()).toBe('effective_hidden_scale_intermediate');
    expect(hidden.quantization()!.scale(0)).toBe(outputState.scale[0]);
    expect(Number(hidden.quantization()!.zeroPoint(0))).toBe(outputState.zeroPoint[0]);
    for (let id = 27; id < 31; id++) expect(made.tensors(id)!.quantization()?.scaleLength() ?? 0).toBe(0);
    // The float LSTM needs none.
    expect(modelOf(exportTflite(load(sharedModels.trained_lstm).graph)).subgraphs(0)!.operators(0)!.intermediatesLength()).toBe(0);
  });
});

describe('TFLite writer: what it refuses', () => {
  const { graph: kws } = load(sharedModels.kws_ref_model);
  const withOp = (index: number, change: (op: Op) => object): Graph => ({
    ...kws,
    ops: kws.ops.map((op, i) => (i === index ? (change(op) as Op) : op)),
  });

  it('names the op, its type and the attribute of a value TFLite cannot hold', () => {
    const stride = exportError(withOp(0, (op) => ({ ...op, attrs: { ...op.attrs, strideH: 1.5 } })));
    expect(stride.message).toBe('tflite export: op 0 (CONV_2D): attribute strideH is 1.5, expected an integer from 1 to 2147483647');
    expect(stride.data).toMatchObject({ op: 0, type: 'CONV_2D', attribute: 'strideH', value: 1.5 });

    const activation = exportError(withOp(1, (op) => ({ ...op, attrs: { ...op.attrs, activation: 'gelu' } })));
    expect(activation.message).toBe(
      'tflite export: op 1 (DEPTHWISE_CONV_2D): attribute activation is "gelu", expected one of none, relu, relu_n1_to_1, relu6, tanh, sign_bit',
    );
    const missing = exportError(withOp(11, (op) => ({ ...op, attrs: {} })));
    expect(missing.message).toBe('tflite export: op 11 (FULLY_CONNECTED): attribute activation is missing, expected one of none, relu, relu_n1_to_1, relu6, tanh, sign_bit');
    const beta = exportError(withOp(12, (op) => ({ ...op, attrs: { beta: Number.NaN } })));
    expect(beta.message).toBe('tflite export: op 12 (SOFTMAX): attribute beta is NaN, expected a finite number');
  });

  it('refuses op types whose options the IR does not keep', () => {
    const unknown = exportError(withOp(10, (op) => ({ ...op, type: 'LSH_PROJECTION', attrs: {} })));
    expect(unknown.message).toBe('tflite export: op 10 (LSH_PROJECTION): TinyDeploy keeps no attributes for this op type, so it cannot write its options');
    const custom = exportError(withOp(10, (op) => ({ ...op, type: 'CUSTOM', customCode: 'MyOp', attrs: {} })));
    expect(custom.message).toContain('op 10 (CUSTOM) (custom op MyOp)');
  });

  it('refuses an invalid graph and quantization TFLite cannot store', () => {
    const dangling = exportError(withOp(0, (op) => ({ ...op, inputs: [0, 99, op.inputs[2]] })));
    expect(dangling.message).toBe('tflite export: graph main is invalid: op 0 (CONV_2D) input 1 refers to tensor 99, graph has 35 tensors');
    const badScale: Graph = {
      ...kws,
      tensors: kws.tensors.map((t) => (t.id === 0 ? { ...t, quantization: { scale: [Number.POSITIVE_INFINITY], zeroPoint: [0], axis: 0 } } : t)),
    };
    expect(exportError(badScale).message).toBe('tflite export: tensor 0 (input_1): quantization scale 0 is Infinity, expected a finite float32 >= 0');
  });

  it('refuses intermediates it cannot write or derive', () => {
    const { graph } = load(sharedModels.trained_lstm_int8);
    const lstm = graph.ops[0];
    const outOfRange: Graph = { ...graph, ops: [{ ...lstm, intermediates: [18, 19, 20, 21, 99] }, ...graph.ops.slice(1)] };
    // validateGraph (which the writer runs first) names it.
    expect(exportError(outOfRange).message).toBe('tflite export: graph main is invalid: op 0 (UNIDIRECTIONAL_SEQUENCE_LSTM) intermediate 4 refers to tensor 99, graph has 27 tensors');
    // Ids that no longer point at intermediates (renumbered by a pass that did not map them).
    const stale: Graph = { ...graph, ops: [{ ...lstm, intermediates: [18, 19, 20, 21, 23] }, ...graph.ops.slice(1)] };
    expect(exportError(stale).message).toBe('tflite export: graph main is invalid: op 0 (UNIDIRECTIONAL_SEQUENCE_LSTM) intermediate 4 is tensor 23, which the op also reads or writes');
    const inputs = [...lstm.inputs];
    inputs[21] = 4; // a forget-gate layer-norm coefficient tensor makes it a layer-norm LSTM
    const { intermediates: _, ...withoutIntermediates } = lstm;
    const layerNorm: Graph = { ...graph, ops: [{ ...withoutIntermediates, inputs } as Op, ...graph.ops.slice(1)] };
    expect(exportError(layerNorm).message).toBe(
      'tflite export: op 0 (UNIDIRECTIONAL_SEQUENCE_LSTM): attribute intermediates is missing and cannot be derived: ' +
        'an integer LSTM with layer normalisation needs the calibrated scales of its four gate intermediates',
    );
  });
});

describe('saveModelFile', () => {
  it('writes a .tflite file that loads back to the same graph, and refuses other extensions and failed writes', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tinydeploy-export-'));
    try {
      const { graph } = load(sharedModels.kws_ref_model);
      const path = join(directory, 'kws.tflite');
      await saveModelFile(graph, path);
      expect(printGraph(await loadModelFile(path))).toBe(printGraph(graph));
      expect(readdirSync(directory)).toEqual(['kws.tflite']);

      await expect(saveModelFile(graph, join(directory, 'kws.onnx'))).rejects.toThrow(
        `${join(directory, 'kws.onnx')}: cannot save a model in this format; TinyDeploy writes TFLite (.tflite) files`,
      );
      const missing = join(directory, 'no-such-folder', 'kws.tflite');
      await expect(saveModelFile(graph, missing)).rejects.toThrow(`${missing}: cannot write model file (ENOENT`);
      expect(readdirSync(directory)).toEqual(['kws.tflite']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
