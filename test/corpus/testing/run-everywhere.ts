/**
 * One graph run three ways: the host interpreter, the generated C built for the host (portable
 * and DSP-emulating kernels), and the generated C on the virtual Cortex-M4F (QEMU mps2-an386,
 * DSP kernels). Each returns the raw output bytes, so a test compares them with an oracle
 * byte for byte.
 */
import { join } from 'node:path';
import { virtualM4f } from '../../../src/core/common/boards/index.js';
import { generateModel } from '../../../src/core/common/codegen/index.js';
import { Interpreter } from '../../../src/core/common/interp/interpreter.js';
import { bytesOf, dataFromBytes, tensorBytes } from '../../../src/core/common/ir/tensor.js';
import type { Graph } from '../../../src/core/common/ir/types.js';
import { buildFirmwareProject, buildHostRunner, runHostRunner, writeFirmwareProject } from '../../../src/core/node/toolchain/index.js';
import { runOnQemu, withTemporaryDirectory } from '../../codegen/testing/codegen.js';

/** The graph's inputs cut from one file holding them one after the other, in input order. */
export function splitInputs(graph: Graph, bytes: Uint8Array): Uint8Array[] {
  let offset = 0;
  const inputs = graph.inputs.map((id) => {
    const size = tensorBytes(graph.tensors[id]);
    const part = bytes.slice(offset, offset + size);
    offset += size;
    return part;
  });
  if (offset !== bytes.length) throw new Error(`input file has ${bytes.length} bytes, the graph's inputs take ${offset}`);
  return inputs;
}

export function runInterpreter(graph: Graph, inputs: readonly Uint8Array[]): Uint8Array[] {
  const data = inputs.map((bytes, i) => dataFromBytes(graph.tensors[graph.inputs[i]].dtype, bytes.slice()));
  return new Interpreter(graph).run(data).outputs.map((output) => bytesOf(output).slice());
}

/** Output bytes of the generated C on the host, per kernel variant. */
export async function runHostC(graph: Graph, inputs: readonly Uint8Array[], name: string): Promise<Record<'portable' | 'dsp', Uint8Array[]>> {
  return withTemporaryDirectory(`ops-host-${name}`, async (directory) => {
    const result: Partial<Record<'portable' | 'dsp', Uint8Array[]>> = {};
    for (const variant of ['portable', 'dsp'] as const) {
      const model = generateModel(graph, { modelName: 'op', dsp: variant === 'dsp' });
      const runner = await buildHostRunner(model, join(directory, variant), { variant });
      result[variant] = await runHostRunner(runner, inputs);
    }
    return result as Record<'portable' | 'dsp', Uint8Array[]>;
  });
}

/** Output bytes of the generated C on the virtual M4F board (status must be 0). */
export async function runVirtualM4f(graph: Graph, inputs: readonly Uint8Array[], name: string): Promise<{ status: number; outputs: Uint8Array[] }> {
  const model = generateModel(graph, { modelName: 'op', dsp: true });
  return withTemporaryDirectory(`ops-m4f-${name}`, async (directory) => {
    const project = await writeFirmwareProject(model, directory, { board: virtualM4f, inputs: [...inputs] });
    const build = await buildFirmwareProject(project);
    const { status, outputs } = await runOnQemu(build.elf);
    return { status, outputs };
  });
}
