import { comparisonOps, logicalBinaryOps, logicalNot, MAX_BROADCAST_RANK, select, type ComparisonOp } from '../../ops/comparison.js';
import { fail, input, output, registerLowerer, tensorName, type LowerContext, type OpEmitter } from '../lowering.js';
import { requantC } from '../params.js';

/**
 * Comparisons, logical ops and SELECT (ops/comparison.ts) → td_compare_{s8,s16,s32,s64,f32,b8},
 * td_logical, td_logical_not and td_select. The binary ops broadcast over 4-D td_dims (TFLite
 * Micro's comparisons and logical ops broadcast up to 4 dimensions); SELECT takes up to 6.
 */
const maskNames: Record<ComparisonOp, string> = {
  EQUAL: 'TD_COMPARE_EQUAL',
  NOT_EQUAL: 'TD_COMPARE_NOT_EQUAL',
  LESS: 'TD_COMPARE_LESS',
  LESS_EQUAL: 'TD_COMPARE_LESS_EQUAL',
  GREATER: 'TD_COMPARE_GREATER',
  GREATER_EQUAL: 'TD_COMPARE_GREATER_EQUAL',
};

const compareKernels = { int8: 'td_compare_s8', int16: 'td_compare_s16', int32: 'td_compare_s32', int64: 'td_compare_s64', float32: 'td_compare_f32', bool: 'td_compare_b8' } as const;

/** The `dims1, input1, dims2, input2, dims_out, output` arguments of a broadcast binary kernel. */
export function binaryOperands(context: LowerContext): (e: OpEmitter) => string {
  const a = input(context, 0, 'input 0');
  const b = input(context, 1, 'input 1');
  const y = output(context);
  for (const tensor of [a, b, y]) {
    if (tensor.shape.length > 4) fail(context, `${tensorName(tensor)} has ${tensor.shape.length} dimensions, the C kernels broadcast at most 4`);
  }
  return (e) => `${e.dims(a.shape, 'input 0')}, ${e.pointer(a, 'read')}, ${e.dims(b.shape, 'input 1')}, ${e.pointer(b, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')}`;
}

for (const definition of comparisonOps) {
  registerLowerer(definition, ({ flavour, scaling }, context) => {
    const operands = binaryOperands(context);
    const kernel = compareKernels[flavour];
    const mask = maskNames[context.op.type as ComparisonOp];
    if (!scaling) return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${mask}, ${operands(e)})` };
    const [s1, s2] = scaling;
    const params = `{8, {${s1.offset}, ${requantC(s1.multiplier)}}, {${s2.offset}, ${requantC(s2.multiplier)}}}`;
    return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${mask}, ${e.struct('params', 'td_compare_params', params)}, ${operands(e)})` };
  });
}

for (const definition of logicalBinaryOps) {
  registerLowerer(definition, (_plan, context) => {
    const operands = binaryOperands(context);
    const mask = context.op.type === 'LOGICAL_AND' ? 'TD_LOGICAL_AND' : 'TD_LOGICAL_OR';
    return { kernels: ['td_logical'], scratchBytes: 0, emit: (e) => `td_logical(${mask}, ${operands(e)})` };
  });
}

registerLowerer(logicalNot, ({ count }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  return { kernels: ['td_logical_not'], scratchBytes: 0, emit: (e) => `td_logical_not(${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
});

/** `{v0, v1, …}` padded with `fill` to the kernels' largest rank. */
export function paddedC(values: readonly number[], fill: number): string {
  return `{${[...values, ...new Array<number>(MAX_BROADCAST_RANK - values.length).fill(fill)].join(', ')}}`;
}

registerLowerer(select, ({ shape, conditionSteps, xSteps, ySteps, elementBytes }, context) => {
  const [condition, x, y] = [input(context, 0, 'condition'), input(context, 1, 'x'), input(context, 2, 'y')];
  const out = output(context);
  // A scalar output still takes one odometer dimension.
  const [dims, steps] = shape.length > 0 ? [shape, [conditionSteps, xSteps, ySteps]] : [[1], [[0], [0], [0]]];
  const params = `{${elementBytes}, ${dims.length}, ${paddedC(dims, 1)}, ${steps.map((s) => paddedC(s, 0)).join(', ')}}`;
  return {
    kernels: ['td_select'],
    scratchBytes: 0,
    emit: (e) =>
      `td_select(${e.struct('params', 'td_select_params', params)}, ${e.pointer(condition, 'read')}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'read')}, ${e.pointer(out, 'write')})`,
  };
});
