/**
 * dequantize-hybrid-weights: the int8 weights of a hybrid op (float32 input and output, int8
 * weights: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) are replaced by float32 weights, so the
 * model runs as a plain float model, on targets and kernels that have no hybrid path.
 *
 *     before                                              after
 *     %1 int8 const q(axis 0, scales sᶜ) "w"               %1 float32 const "w" = sᶜ · (q − zᶜ)
 *     %0 f32 ─ CONV_2D(%0, %1, %2 f32 bias) ─ %3 f32        %0 f32 ─ CONV_2D(%0, %1, %2) ─ %3 f32
 *
 * Math: w[i] = float32(float32(s[c]) · (q[i] − z[c])), c the index of element i along the
 * quantization axis (one channel when per tensor): exactly what TFLite's DEQUANTIZE computes,
 * so this pass and `fold-constants` on a DEQUANTIZE of the same weights give the same bytes.
 * The float op then computes Σ w·x in float32. TFLite's hybrid kernels instead quantize each
 * input batch to int8 at run time and compute Σ q·q' in integers, so the outputs differ by that
 * activation rounding: not bit-exact with the hybrid run, by design. One layer moves by a fraction
 * of a percent of its output range (the input rounding is at most max|x|/254 per element); the
 * difference compounds over layers: on the MLPerf Tiny KWS model (9 hybrid layers, then softmax)
 * up to 11.5% of the largest probability over 21 real inputs, the predicted class unchanged on
 * every one (tests state the bounds).
 *
 * The weight tensor keeps its id and name and loses its quantization, when every reader of it
 * is such a hybrid op; when something else also reads it (an int8 op, a DEQUANTIZE), a float32
 * copy named "<name>_dequantized" is added and only the hybrid readers are rewired to it.
 * Float32 biases are left as they are; `asymmetricQuantizeInputs` of a FULLY_CONNECTED stays in
 * its attributes, without effect on a float op.
 *
 * Preconditions: int8 weights with quantization parameters (one scale, or one per channel along
 * `axis`). Deliberately not handled: hybrid UNIDIRECTIONAL_SEQUENCE_LSTM and other ops with
 * int8 weights (the LSTM's weights sit at many input positions and its kernel refuses hybrid
 * models anyway), uint8 / int16 weights, and DEQUANTIZE ops of weights (`fold-constants` turns
 * them into float constants).
 */

import { elementCount } from '../ir/tensor.js';
import type { Graph, Op, Tensor } from '../ir/types.js';
import type { PassContext } from './pass.js';
import { registerPass } from './registry.js';
import { type GraphView, type RewriteRule, applyRewriteRules } from './rewrite.js';
import { definedOpTypes, findOp } from '../ops/index.js';

/** The weight input of an op that multiplies by one weight tensor (conv, depthwise, FC), from the op library. */
function weightSlot(type: string): number | undefined {
  const weights = findOp(type)?.weights;
  return weights?.length === 1 ? weights[0].input : undefined;
}



/** Whether op `index` computes in float32 with int8 weights read from tensor `weights`. */
function isHybridUse(graph: GraphView, index: number, weights: number): boolean {
  const op = graph.op(index)!;
  const slot = weightSlot(op.type);
  return (
    slot !== undefined &&
    op.inputs[slot] === weights &&
    op.inputs.filter((id) => id === weights).length === 1 &&
    op.inputs[0] >= 0 &&
    graph.tensor(op.inputs[0]).dtype === 'float32' &&
    op.outputs.length === 1 &&
    graph.tensor(op.outputs[0]).dtype === 'float32'
  );
}

function isQuantizedInt8Constant(graph: GraphView, id: number): boolean {
  if (id < 0 || !graph.isConstant(id)) return false;
  const tensor = graph.tensor(id);
  return tensor.dtype === 'int8' && (tensor.quantization?.scale.length ?? 0) > 0;
}

/** The float32 values of int8 weights, TFLite's (per-channel) dequantization. */
export function dequantizeWeights(tensor: Tensor): Float32Array {
  const quantization = tensor.quantization!;
  const data = tensor.data as Int8Array;
  const count = elementCount(tensor.shape);
  const perChannel = quantization.scale.length > 1;
  const inner = perChannel ? elementCount(tensor.shape.slice(quantization.axis + 1)) : count;
  const channels = perChannel ? tensor.shape[quantization.axis] : 1;
  const scales = quantization.scale.map((scale) => Math.fround(scale));
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const channel = perChannel ? Math.floor(i / inner) % channels : 0;
    values[i] = scales[channel] * (data[i] - (quantization.zeroPoint[channel] ?? 0)); // rounded to float32 by the store
  }
  return values;
}

const dequantizeWeightsRule: RewriteRule = {
  name: 'dequantize-weights',
  opTypes: definedOpTypes().filter((type) => weightSlot(type) !== undefined),
  match(graph, opIndex) {
    const op = graph.op(opIndex)!;
    const weights = op.inputs[weightSlot(op.type)!];
    return weights !== undefined && isQuantizedInt8Constant(graph, weights) && isHybridUse(graph, opIndex, weights);
  },
  apply(graph, opIndex) {
    const op = graph.op(opIndex)!;
    const weights = op.inputs[weightSlot(op.type)!];
    const tensor = graph.tensor(weights);
    const readers = graph.consumers(weights);
    const hybridReaders = readers.filter((index) => isHybridUse(graph, index, weights));
    const float: Omit<Tensor, 'id'> = { name: tensor.name, shape: [...tensor.shape], dtype: 'float32', data: dequantizeWeights(tensor) };
    if (hybridReaders.length === readers.length && !graph.isGraphOutput(weights)) {
      graph.setTensor({ ...float, id: weights });
      return true;
    }
    const copy = graph.addTensor({ ...float, name: `${tensor.name}_dequantized` });
    for (const index of hybridReaders) {
      const op = graph.op(index)!;
      graph.replaceOp(index, { ...op, inputs: op.inputs.map((id) => (id === weights ? copy : id)) } as Op);
    }
    return true;
  },
};

export function dequantizeHybridWeights(graph: Graph, context: PassContext): Graph {
  return applyRewriteRules(graph, [dequantizeWeightsRule], context).graph;
}

registerPass({
  name: 'dequantize-hybrid-weights',
  description: 'replaces the int8 weights of hybrid CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED ops by float32 weights (w = s·(q − z) per channel)',
  requires: 'int8 weights with quantization parameters; outputs then differ from the hybrid kernels by their activation rounding',
  run: dequantizeHybridWeights,
});
