/**
 * Op order for a smaller arena (codegen/schedule.ts) on the shared models: ResNet IC's 1x1 skip
 * convolutions move before the second 3x3 convolution of their block, the arena shrinks and the
 * reordered graph (the one the generated code runs) computes TFLite Micro's output bytes; chains
 * and graphs with state keep their order.
 */
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { scheduleForArena } from '../../src/core/common/codegen/schedule.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf, dataFromBytes } from '../../src/core/common/ir/tensor.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { sharedModels } from '../testing/shared-data.js';
import { vector } from './testing/codegen.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('op order for a smaller arena', () => {
  it('moves ResNet IC skip convolutions earlier: smaller arena, same output bytes', async () => {
    const original = await loadModelFile(sharedModels.pretrainedResnet_quant);
    const scheduled = generateModel(original);
    const fixed = generateModel(original, { schedule: false });
    expect(scheduled.arenaBytes).toBeLessThan(fixed.arenaBytes);
    expect(scheduled.graph.ops.map((op) => op.type)).toEqual(fixed.graph.ops.map((op) => op.type));
    expect(scheduled.graph.ops).not.toEqual(fixed.graph.ops);
    // Every op still runs after the ops producing its inputs.
    const produced = new Set(scheduled.graph.inputs);
    for (const op of scheduled.graph.ops) {
      for (const id of op.inputs) if (id >= 0 && scheduled.graph.tensors[id].data === undefined) expect(produced.has(id)).toBe(true);
      op.outputs.forEach((id) => produced.add(id));
    }
    const input = dataFromBytes('int8', vector('pretrainedResnet_quant.input.bin'));
    const [output] = new Interpreter(scheduled.graph).run([input]).outputs;
    expect(hex(bytesOf(output))).toBe(hex(vector('pretrainedResnet_quant.output.bin')));
  });

  it('keeps the order of chains and of graphs with state', async () => {
    for (const name of ['kws_ref_model', 'trained_lstm_int8'] as const) {
      const graph = await loadModelFile(sharedModels[name]);
      let trials = 0;
      expect(scheduleForArena(graph, () => ++trials)).toBe(graph);
      expect(trials, name).toBe(0);
    }
  });
});
