import type { DType, Graph, Tensor, TensorData } from '../../../ir/types.js';
import { Interpreter } from '../../interpreter.js';

export type Operand = { shape: number[]; dtype: DType; q?: [number, number]; data?: TensorData };

/** A graph of one op: operands without data are runtime inputs, those with data constants. */
export function opGraph(type: string, operands: Operand[], output: Operand, attrs: object = {}): Graph {
  const tensors: Tensor[] = [...operands, output].map(({ shape, dtype, q, data }, id) => ({
    id,
    name: `t${id}`,
    shape,
    dtype,
    ...(q ? { quantization: { scale: [q[0]], zeroPoint: [q[1]], axis: 0 } } : {}),
    ...(data ? { data } : {}),
  }));
  const inputs = operands.flatMap((operand, id) => (operand.data ? [] : [id]));
  return { name: type, tensors, ops: [{ type, inputs: operands.map((_, id) => id), outputs: [operands.length], attrs }], inputs, outputs: [operands.length] };
}

/** The graph's first output as numbers. */
export function runOpGraph(graph: Graph, ...inputs: TensorData[]): number[] {
  return Array.from(new Interpreter(graph).run(inputs).outputs[0] as ArrayLike<number | bigint>, Number);
}
