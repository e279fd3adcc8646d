import { InterpreterError } from '../errors.js';
import { opContext, type OpContext, type OpDefinition } from '../ops/index.js';
import type { KernelEval, KernelPrepare } from './kernel.js';

/** Builds an op's eval closure from its plan (the op library's prepare has validated it). */
export type KernelFactory<Plan> = (plan: Plan, context: OpContext) => KernelEval;

const kernels = new Map<string, KernelPrepare>();

/**
 * Registers the host kernel of an op definition's types (one call per kernel file): prepare is
 * the op library's, run with the interpreter's error class, then `factory` builds the eval.
 */
export function registerKernel<Plan>(definition: OpDefinition<Plan>, factory: KernelFactory<Plan>): void {
  for (const type of definition.types) {
    if (kernels.has(type)) throw new Error(`kernel for ${type} registered twice`);
    kernels.set(type, ({ graph, op, opIndex }) => {
      const context = opContext(graph, op, opIndex, InterpreterError);
      return factory(definition.prepare(context), context);
    });
  }
}

export function findKernel(opType: string): KernelPrepare | undefined {
  return kernels.get(opType);
}

export function supportedOpTypes(): string[] {
  return [...kernels.keys()].sort();
}
