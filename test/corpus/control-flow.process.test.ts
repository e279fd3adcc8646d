/**
 * IF and WHILE beyond the corpus's one input: both branches of the IF corpus model, and a WHILE
 * whose iteration count comes from the input (zero iterations included), each byte-identical
 * between the interpreter, host C (portable and DSP kernels) and the virtual Cortex-M4F.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../src/core/common/importers/index.js';
import { bytesOf } from '../../src/core/common/ir/tensor.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { missingArmToolchain, missingHostCompiler, missingQemu } from '../codegen/testing/codegen.js';
import { requireTools } from '../testing/tools.js';
import { runHostC, runInterpreter, runVirtualM4f } from './testing/run-everywhere.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function expectEverywhere(graph: Graph, inputs: Uint8Array[], name: string): Promise<Uint8Array> {
  const [expected] = runInterpreter(graph, inputs);
  const host = await runHostC(graph, inputs, name);
  const board = await runVirtualM4f(graph, inputs, name);
  expect(board.status).toBe(0);
  expect(hex(host.portable[0]), 'host C portable').toBe(hex(expected));
  expect(hex(host.dsp[0]), 'host C DSP').toBe(hex(expected));
  expect(hex(board.outputs[0]), 'virtual-m4f').toBe(hex(expected));
  return expected;
}

describe('IF and WHILE on host C and virtual-m4f', () => {
  requireTools(missingHostCompiler ?? missingArmToolchain ?? missingQemu);

  it('IF: the then and the else branch', async () => {
    const graph = importModel(new Uint8Array(readFileSync(join(import.meta.dirname, 'ops/if_float32.tflite'))), 'if_float32.tflite');
    const x = bytesOf(Float32Array.from([-2.5, -0.25, 0.5, 3]));
    const then = await expectEverywhere(graph, [bytesOf(Float32Array.from([1])), x], 'if_then');
    const otherwise = await expectEverywhere(graph, [bytesOf(Float32Array.from([0])), x], 'if_else');
    expect(hex(then)).not.toBe(hex(otherwise));
  });

  it('WHILE: as many iterations as the input asks, none included', async () => {
    const graph = importModel(new Uint8Array(readFileSync(join(import.meta.dirname, 'ops/while_float32.tflite'))), 'while_float32.tflite');
    // The iteration count becomes a model input: the WHILE's first loop value.
    const counted: Graph = { ...graph, tensors: graph.tensors.map((tensor) => (tensor.id === graph.ops[0].inputs[0] ? { ...tensor, data: undefined } : tensor)), inputs: [graph.ops[0].inputs[0], ...graph.inputs] };
    const x = bytesOf(Float32Array.from([8, -4, 0.5, 2]));
    const none = await expectEverywhere(counted, [bytesOf(Float32Array.from([0])), x], 'while_0');
    expect(hex(none)).toBe(hex(x));
    const five = await expectEverywhere(counted, [bytesOf(Float32Array.from([5])), x], 'while_5');
    expect(hex(five)).not.toBe(hex(x));
  });
});
