/**
 * Resource variables keep a streaming model's state between invocations. The corpus models
 * (test/corpus/ops/resource_variable_*.tflite: VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE and a
 * CALL_ONCE init subgraph, as TFLite's converter writes `tf.Variable`s) are run several times in a
 * row: TFLite (tfjs-tflite) and the streaming interpreter give the same outputs run after run, and
 * the virtual Cortex-M4F keeps the state across runs when streaming (byte-identical to the
 * streaming interpreter at every run) and puts it back to its initial value before each run
 * otherwise (every run the same). The memory plan counts the variable as state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTfliteRunner } from '../../bench/interp/tflite-node.js';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { importModel } from '../../src/core/common/importers/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf, dataFromBytes, elementCount, tensorBytes } from '../../src/core/common/ir/tensor.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { missingArmToolchain, missingQemu } from '../codegen/testing/codegen.js';
import { requireTools } from '../testing/tools.js';
import { randomData, seeded } from './testing/op-models.js';

const directory = join(import.meta.dirname, 'ops');
const names = ['resource_variable_float32', 'resource_variable_int8', 'resource_variable_window_int8'];
const RUNS = 4;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('resource variables: state carried across runs in TFLite, the interpreter and on virtual-m4f', () => {
  requireTools(missingArmToolchain ?? missingQemu);
  for (const name of names) {
    it(name, async () => {
      const file = new Uint8Array(readFileSync(join(directory, `${name}.tflite`)));
      const graph = importModel(file, `${name}.tflite`);
      const variables = graph.tensors.filter((tensor) => tensor.variable);
      expect(variables.length).toBe(1);
      const input = graph.tensors[graph.inputs[0]];
      const random = seeded(7);
      const frames = Array.from({ length: RUNS }, () => bytesOf(randomData(input.dtype, elementCount(input.shape), random, 4)).slice());

      // TFLite keeps the variable between invocations of one interpreter; so does the streaming interpreter.
      const interpreter = new Interpreter(graph, { state: 'streaming' });
      const ours = frames.map((frame) => bytesOf(interpreter.run([dataFromBytes(input.dtype, frame.slice())]).outputs[0]).slice());
      const runner = await createTfliteRunner(file);
      try {
        frames.forEach((frame, run) => {
          const view = runner.getInputs()[0].data();
          new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(frame);
          expect(runner.infer()).toBe(true);
          const output = runner.getOutputs()[0].data();
          const theirs = new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
          expect(hex(theirs), `TFLite, run ${run + 1}`).toBe(hex(ours[run]));
        });
      } finally {
        runner.cleanUp();
      }
      // The state really changes the output from run to run.
      expect(new Set(ours.map(hex)).size).toBeGreaterThan(1);

      const model = generateModel(graph, { modelName: name, dsp: true });
      expect(model.memory.stateBytes).toBe(tensorBytes(variables[0]));
      expect(model.header).toContain('#define TD_MODEL_HAS_STATE 1');

      const streamed = await deployGraph(graph, { name, hash: name, board: virtualM4f, runs: 3, streaming: true, inputs: [frames[0]], estimate: false });
      expect(streamed.bitExact).toBe(true);
      expect(streamed.runsIdentical).toBe(false);
      const host = new Interpreter(graph, { state: 'streaming' });
      let last = new Uint8Array();
      for (let run = 0; run < 3; run++) last = bytesOf(host.run([dataFromBytes(input.dtype, frames[0].slice())]).outputs[0]).slice();
      expect(hex(streamed.outputBytes[0])).toBe(hex(last));

      const reset = await deployGraph(graph, { name, hash: name, board: virtualM4f, runs: 3, streaming: false, inputs: [frames[0]], estimate: false });
      expect(reset.bitExact).toBe(true);
      expect(reset.runsIdentical).toBe(true);
      expect(hex(reset.outputBytes[0])).toBe(hex(ours[0]));
    });
  }
});
