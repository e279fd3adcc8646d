/**
 * int4 weights in the generated C: the corpus's int4 CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED models call the td_*_s8_int4 kernels with the filter as TFLite's packed bytes
 * (half the int8 twin's weight bytes), portable and DSP, and the interpreter gives the int8 twin's
 * bytes (TFLite Micro unpacks INT4 to int8 before its int8 kernels). Host C and the board run
 * these models in test/corpus/ops.process.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../importers/index.js';
import { Interpreter } from '../../interp/interpreter.js';
import { packInt4 } from '../../ir/int4.js';
import { dataFromBytes, elementCount } from '../../ir/tensor.js';
import type { Graph } from '../../ir/types.js';
import { generateModel } from '../generate.js';

const corpus = join(import.meta.dirname, '../../../../../test/corpus/ops');
const models = [
  ['fully_connected_int4_per_channel_relu', 'td_fully_connected_s8_int4'],
  ['fully_connected_int4_odd_depth_batch3', 'td_fully_connected_s8_int4'],
  ['conv_2d_int4_per_channel_same_stride2_relu6', 'td_conv2d_s8_int4'],
  ['depthwise_conv_2d_int4_multiplier2_same', 'td_depthwise_conv2d_s8_int4'],
] as const;

const load = (name: string) => importModel(new Uint8Array(readFileSync(join(corpus, `${name}.tflite`))), `${name}.tflite`);
/** The same model with its weights stored as int8 (the packing mark dropped). */
const int8Twin = (graph: Graph): Graph => ({ ...graph, tensors: graph.tensors.map(({ packing: _packing, ...tensor }) => tensor) });

describe('int4 weights in generated C', () => {
  for (const [name, kernel] of models) {
    it(`${name}: ${kernel} over the packed filter, half the int8 twin's weight bytes`, () => {
      const graph = load(name);
      const filter = graph.tensors[graph.ops[0].inputs[1]];
      expect(filter.packing).toBe('int4');
      const count = elementCount(filter.shape);
      for (const dsp of [false, true]) {
        const model = generateModel(graph, { dsp });
        const twin = generateModel(int8Twin(graph), { dsp });
        expect(model.kernels).toContain(kernel);
        expect(twin.kernels).not.toContain(kernel);
        expect(model.source).toContain(`${kernel}(`);
        // The filter is the only weight that changes size: ceil(n / 2) bytes instead of n (portable:
        // DSP builds of the int8 twin FC fold the input offset into a bias array of their own).
        if (!dsp) expect(twin.weightBytes - model.weightBytes).toBe(count - Math.ceil(count / 2));
        // Its flash array holds TFLite's packed bytes, as int8 literals.
        const packed = Int8Array.from(packInt4(filter.data as Int8Array));
        const declaration = new RegExp(`static const int8_t (td_weights_\\w+)\\[${packed.length}\\] TD_ALIGNED\\(16\\) = \\{([^}]*)\\}`).exec(model.source);
        expect(declaration, 'the packed filter array').not.toBeNull();
        expect(declaration![2].split(',').map((value) => Number(value.trim())).slice(0, packed.length)).toEqual([...packed]);
      }
    });
  }

  it('the interpreter gives the int8 twin bytes on the corpus inputs', () => {
    for (const [name] of models) {
      const graph = load(name);
      const input = dataFromBytes('int8', new Uint8Array(readFileSync(join(corpus, `${name}.input.bin`))));
      const ours = new Interpreter(graph).run([input]).outputs[0] as Int8Array;
      const twin = new Interpreter(int8Twin(graph)).run([input]).outputs[0] as Int8Array;
      expect([...ours]).toEqual([...twin]);
      // Not a saturated constant: the models' scales leave room for the sums to show.
      expect(new Set(ours).size).toBeGreaterThan(8);
    }
  });
});
