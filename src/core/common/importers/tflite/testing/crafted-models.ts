// Test helper: small hostile or degenerate TFLite models, written by TinyDeploy's own TFLite
// writer so that tests generate them instead of committing binaries (imported by tests only).
import { exportTflite } from '../../../exporters/index.js';
import type { Graph, Op, Tensor } from '../../../ir/types.js';

const tensor = (id: number, name: string, dtype: Tensor['dtype'], shape: number[], data?: Tensor['data']): Tensor => ({
  id,
  name,
  dtype,
  shape,
  ...(data ? { data } : {}),
});

/** x: float32 [1,4] → RELU → y, with the input named `inputName` (a name chosen by the file's author). */
export function reluGraph(inputName = 'x'): Graph {
  return {
    name: 'relu',
    tensors: [tensor(0, inputName, 'float32', [1, 4]), tensor(1, 'y', 'float32', [1, 4])],
    ops: [{ type: 'RELU', inputs: [0], outputs: [1], attrs: {} } as Op],
    inputs: [0],
    outputs: [1],
  };
}

/** The ~300-byte model of issue 16: PAD of a float32 [1,1] to [1, 2147483647] (8 GiB of output). */
export function padToHugeModel(): Uint8Array {
  return exportTflite({
    name: 'pad',
    tensors: [
      tensor(0, 'x', 'float32', [1, 1]),
      tensor(1, 'paddings', 'int32', [2, 2], new Int32Array([0, 0, 0, 2147483646])),
      tensor(2, 'y', 'float32', [1, 2147483647]),
    ],
    ops: [{ type: 'PAD', inputs: [0, 1], outputs: [2], attrs: {} } as Op],
    inputs: [0],
    outputs: [2],
  });
}

/** x + w, where the float32 constant w holds `weights` (e.g. a NaN or an infinity). */
export function addConstantModel(weights: number[]): Uint8Array {
  const shape = [1, weights.length];
  return exportTflite({
    name: 'add',
    tensors: [tensor(0, 'x', 'float32', shape), tensor(1, 'w', 'float32', shape, new Float32Array(weights)), tensor(2, 'y', 'float32', shape)],
    ops: [{ type: 'ADD', inputs: [0, 1], outputs: [2], attrs: { activation: 'none' } } as Op],
    inputs: [0],
    outputs: [2],
  });
}

/** RESHAPE of a float32 [1] to a scalar: the shape input is a zero-sized int32 constant (shape [0]). */
export function reshapeToScalarModel(): Uint8Array {
  return exportTflite({
    name: 'reshape',
    tensors: [tensor(0, 'x', 'float32', [1]), tensor(1, 'new_shape', 'int32', [0], new Int32Array(0)), tensor(2, 'y', 'float32', [])],
    ops: [{ type: 'RESHAPE', inputs: [0, 1], outputs: [2], attrs: {} } as Op],
    inputs: [0],
    outputs: [2],
  });
}

/** A RELU model whose subgraph lists no outputs. */
export function noOutputsModel(): Uint8Array {
  return exportTflite({ ...reluGraph(), outputs: [] });
}

/** RELU x → y, then a second RELU of y that writes nothing. */
export function opWithoutOutputsModel(): Uint8Array {
  const graph = reluGraph();
  return exportTflite({ ...graph, ops: [...graph.ops, { type: 'RELU', inputs: [1], outputs: [], attrs: {} } as Op] });
}

/** RELU of a float32 input of shape [1, 0]: an input (and output) with no elements. */
export function zeroElementInputModel(): Uint8Array {
  const graph = reluGraph();
  return exportTflite({ ...graph, tensors: graph.tensors.map((t) => ({ ...t, shape: [1, 0] })) });
}
