/**
 * Resource variables: the state a streaming model keeps between invocations when TFLite's
 * converter writes it as `tf.Variable`s (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE, and a
 * CALL_ONCE whose init subgraph assigns each variable its first value).
 *
 * In the IR a resource variable is a variable tensor, as an LSTM's state is: the importer gives
 * each distinct variable (container, shared name) one tensor with the dtype, shape and
 * quantization of the values read from or assigned to it, and the init subgraph's constant as
 * its `data` (the value a reset puts back). VAR_HANDLE and CALL_ONCE leave no op behind; what
 * stays is
 *
 *     READ_VARIABLE    inputs: 0 variable            outputs: 0 a copy of its value
 *     ASSIGN_VARIABLE  inputs: 0 variable, 1 value   outputs: none (the variable is updated in place)
 *
 * Both copy raw bytes, as TFLite does: value and variable must have the same dtype and element
 * count (a quantized value keeps the encoding it has; the importer gives the variable the
 * encoding of its values). The exporter writes them back as VAR_HANDLE/CALL_ONCE resources.
 */
import { elementCount, formatShape, tensorBytes } from '../ir/tensor.js';
import type { Tensor } from '../ir/types.js';
import { inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { defineOp } from './registry.js';

export interface VariableCopyPlan {
  /** Bytes copied. */
  bytes: number;
}

function expectVariable(context: OpContext, tensor: Tensor): void {
  if (!tensor.variable) context.fail(`input 0 ${tensorName(tensor)} must be a variable tensor (the resource variable)`);
}

function expectSameLayout(context: OpContext, variable: Tensor, value: Tensor, role: string): void {
  if (variable.dtype !== value.dtype || elementCount(variable.shape) !== elementCount(value.shape)) {
    context.fail(
      `${role} ${tensorName(value)} is ${value.dtype} ${formatShape(value.shape)}, the variable ${tensorName(variable)} is ${variable.dtype} ${formatShape(variable.shape)}`,
    );
  }
}

export const readVariable = defineOp<VariableCopyPlan>({
  types: ['READ_VARIABLE'],
  minInputs: 1,
  precisions: ['float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const variable = inputTensor(context, 0, 'variable');
    const output = outputTensor(context);
    expectVariable(context, variable);
    expectSameLayout(context, variable, output, 'output');
    return { bytes: tensorBytes(variable) };
  },
});

export const assignVariable = defineOp<VariableCopyPlan>({
  types: ['ASSIGN_VARIABLE'],
  minInputs: 2,
  precisions: ['float32'],
  updatesState: true,
  prepare(context) {
    const variable = inputTensor(context, 0, 'variable');
    const value = inputTensor(context, 1, 'value');
    expectVariable(context, variable);
    expectSameLayout(context, variable, value, 'value');
    if (context.op.outputs.length > 0) context.fail(`has ${context.op.outputs.length} outputs; ASSIGN_VARIABLE writes only its variable`);
    return { bytes: tensorBytes(variable) };
  },
});
