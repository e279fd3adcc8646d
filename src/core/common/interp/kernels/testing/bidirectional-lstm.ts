/**
 * A bidirectional LSTM the way TFLite's converter writes Keras's Bidirectional(LSTM): the forward
 * UNIDIRECTIONAL_SEQUENCE_LSTM on x, the backward one (same weights here, its own state) on
 * REVERSE_V2(x, time axis) with its output reversed back, the two joined by CONCATENATION on the
 * feature axis or by ADD.
 */
import type { Graph, Op, Tensor } from '../../../ir/types.js';

export function bidirectionalLstm(graph: Graph, join: 'concat' | 'add'): Graph {
  const index = graph.ops.findIndex((op) => op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM');
  const lstm = graph.ops[index];
  const tensors: Tensor[] = graph.tensors.map((t) => ({ ...t }));
  const add = (fields: Omit<Tensor, 'id'>) => {
    tensors.push({ ...fields, id: tensors.length });
    return tensors.length - 1;
  };
  const x = tensors[lstm.inputs[0]];
  const y = tensors[lstm.outputs[0]];
  const timeAxis = (lstm.attrs as { timeMajor?: boolean }).timeMajor ? 0 : 1;
  const axis = add({ name: 'time_axis', shape: [1], dtype: 'int32', data: Int32Array.of(timeAxis) });
  const reversedX = add({ ...x, name: `${x.name}/reversed`, data: undefined });
  const state = (slot: number) => {
    const original = tensors[lstm.inputs[slot]];
    return add({ ...original, name: `${original.name}/backward` });
  };
  const backwardOutput = add({ ...y, name: `${y.name}/backward_reversed` });
  const backward = add({ ...y, name: `${y.name}/backward` });
  const backwardInputs = [...lstm.inputs];
  backwardInputs[0] = reversedX;
  backwardInputs[18] = state(18);
  backwardInputs[19] = state(19);
  const joinedShape = join === 'concat' ? [...y.shape.slice(0, -1), 2 * y.shape[y.shape.length - 1]] : [...y.shape];
  const joined = add({ ...y, name: 'bidirectional', shape: joinedShape });
  const ops: Op[] = [
    lstm,
    { type: 'REVERSE_V2', inputs: [lstm.inputs[0], axis], outputs: [reversedX], attrs: {} },
    { ...lstm, inputs: backwardInputs, outputs: [backwardOutput] } as Op,
    { type: 'REVERSE_V2', inputs: [backwardOutput, axis], outputs: [backward], attrs: {} },
    join === 'concat'
      ? { type: 'CONCATENATION', inputs: [lstm.outputs[0], backward], outputs: [joined], attrs: { axis: y.shape.length - 1, activation: 'none' } }
      : { type: 'ADD', inputs: [lstm.outputs[0], backward], outputs: [joined], attrs: { activation: 'none' } },
  ];
  return { ...graph, name: `bilstm_${join}`, tensors, ops, inputs: [lstm.inputs[0]], outputs: [joined] };
}
