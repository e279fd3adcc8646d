import type { KernelPrepare } from './kernel.js';

const kernels = new Map<string, KernelPrepare>();

/** Registers the host kernel for one builtin op type (one call per kernel file). */
export function registerKernel(opType: string, prepare: KernelPrepare): void {
  if (kernels.has(opType)) throw new Error(`kernel for ${opType} registered twice`);
  kernels.set(opType, prepare);
}

export function findKernel(opType: string): KernelPrepare | undefined {
  return kernels.get(opType);
}

export function supportedOpTypes(): string[] {
  return [...kernels.keys()].sort();
}
