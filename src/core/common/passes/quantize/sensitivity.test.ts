import { describe, expect, it } from 'vitest';
import type { Graph } from '../../ir/types.js';
import { GraphBuilder, randomData } from '../testing/pass-test.js';
import { runPipeline } from '../run-pipeline.js';
import { type LabelledSamples, argmax, evaluateGraph, referenceOutputs } from './metrics.js';
import { layerSensitivity } from './sensitivity.js';
import { syntheticSamples } from './synthetic.js';
import { RealValuedRunner } from './metrics.js';

const fc = { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false };
const conv = { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'relu' };

/**
 * CONV_2D → AVERAGE_POOL_2D → RESHAPE → FULLY_CONNECTED → SOFTMAX where one fully connected
 * weight is 40× the others: per-tensor int8 weights then leave the other weights a few levels.
 * (The feature it multiplies is always 0, so the float model does not notice it.)
 */
function outlierWeights(): Graph {
  const b = new GraphBuilder('outlier');
  const x = b.input('x', 'float32', [1, 4, 4, 2]);
  const filterValues = randomData('float32', 144, 11, -0.4, 0.4) as Float32Array;
  filterValues.fill(0, 0, 18);
  const filter = b.constant('conv/filter', 'float32', [8, 3, 3, 2], filterValues);
  const weightValues = randomData('float32', 40, 12, -0.5, 0.5) as Float32Array;
  weightValues[0] = 20;
  const weights = b.constant('fc/weights', 'float32', [5, 8], weightValues);
  const shape = b.constant('shape', 'int32', [2], new Int32Array([1, 8]));
  const c = b.tensor('conv', 'float32', [1, 4, 4, 8]);
  const p = b.tensor('pool', 'float32', [1, 1, 1, 8]);
  const r = b.tensor('flat', 'float32', [1, 8]);
  const f = b.tensor('logits', 'float32', [1, 5]);
  const y = b.tensor('probabilities', 'float32', [1, 5]);
  return b
    .op('CONV_2D', conv, [x, filter], [c])
    .op('AVERAGE_POOL_2D', { padding: 'valid', strideH: 4, strideW: 4, filterH: 4, filterW: 4, activation: 'none' }, [c], [p])
    .op('RESHAPE', {}, [p, shape], [r])
    .op('FULLY_CONNECTED', fc, [r, weights], [f])
    .op('SOFTMAX', { beta: 1 }, [f], [y])
    .output(y)
    .build();
}

/** Samples labelled with the float graph's own prediction: float accuracy 100%. */
function labelled(graph: Graph, count: number, seed: number): LabelledSamples {
  const samples = syntheticSamples(graph, { count, seed, min: -1, max: 1 });
  const runner = new RealValuedRunner(graph);
  const labels = Array.from({ length: count }, (_, i) => argmax(runner.run(samples.sample(i) as Float32Array[])[0]));
  return { ...samples, label: (index) => labels[index] };
}

describe('layerSensitivity', () => {
  it('quantizes each layer alone and finds the one that costs the accuracy', async () => {
    const graph = outlierWeights();
    const progress: string[] = [];
    const report = await layerSensitivity(graph, syntheticSamples(graph, { count: 16, seed: 1, min: -1, max: 1 }), labelled(graph, 60, 2), {}, {
      progress: (done, total, detail) => progress.push(`${done}/${total}${detail ? ` ${detail}` : ''}`),
    });
    expect(report.float).toMatchObject({ samples: 60, accuracy: 1, agreement: 1 });
    expect(report.calibrationSamples).toBe(16);
    expect(report.layers.map((layer) => [layer.op, layer.type, layer.output])).toEqual([
      [0, 'CONV_2D', 'conv'],
      [1, 'AVERAGE_POOL_2D', 'pool'],
      [2, 'RESHAPE', 'flat'],
      [3, 'FULLY_CONNECTED', 'logits'],
      [4, 'SOFTMAX', 'probabilities'],
    ]);
    expect(progress).toEqual(['0/5 op 0 (CONV_2D)', '1/5 op 1 (AVERAGE_POOL_2D)', '2/5 op 2 (RESHAPE)', '3/5 op 3 (FULLY_CONNECTED)', '4/5 op 4 (SOFTMAX)', '5/5']);
    const sensitive = report.layers[3];
    const others = report.layers.filter((layer) => layer !== sensitive);
    for (const layer of others) {
      expect(layer.evaluation.sqnrDb, `op ${layer.op}`).toBeGreaterThan(sensitive.evaluation.sqnrDb! + 6);
      expect(layer.accuracyDrop!, `op ${layer.op}`).toBeLessThan(sensitive.accuracyDrop!);
    }
    expect(sensitive.accuracyDrop).toBeCloseTo(1 - sensitive.evaluation.accuracy!, 12);
    expect(sensitive.accuracyDrop).toBeGreaterThan(0.05);

    // Keeping that layer in float32 recovers what the rest of the model loses.
    const calibration = syntheticSamples(graph, { count: 16, seed: 1, min: -1, max: 1 });
    const test = labelled(graph, 60, 2);
    const reference = await referenceOutputs(graph, test);
    const sqnr = async (options: Record<string, string>) =>
      (await evaluateGraph((await runPipeline(graph, [{ pass: 'quantize-int8', options }], { resources: { calibration } })).graph, test, reference)).sqnrDb!;
    expect(await sqnr({ float32Layers: '3' })).toBeGreaterThan((await sqnr({})) + 6);
  });
});

describe('16x8 for a layer whose activations span a wide range', () => {
  it('keeps the precision int8 loses', async () => {
    // FC → FC where one unit of the first output carries a large bias (and is not read by the
    // second): its int8 range leaves the other units a handful of levels; int16 keeps 256 times more.
    const b = new GraphBuilder('wide');
    const x = b.input('x', 'float32', [1, 4]);
    const w1 = b.constant('fc1/weights', 'float32', [8, 4], randomData('float32', 32, 21, -0.3, 0.3));
    const bias = new Float32Array(8);
    bias[0] = 200;
    const b1 = b.constant('fc1/bias', 'float32', [8], bias);
    const w2Values = randomData('float32', 24, 22, -1, 1) as Float32Array;
    for (let unit = 0; unit < 3; unit++) w2Values[unit * 8] = 0;
    const w2 = b.constant('fc2/weights', 'float32', [3, 8], w2Values);
    const hidden = b.tensor('hidden', 'float32', [1, 8]);
    const y = b.tensor('y', 'float32', [1, 3]);
    const graph = b.op('FULLY_CONNECTED', fc, [x, w1, b1], [hidden]).op('FULLY_CONNECTED', fc, [hidden, w2], [y]).output(y).build();
    const calibration = syntheticSamples(graph, { count: 16, seed: 1, min: -1, max: 1 });
    const test = syntheticSamples(graph, { count: 30, seed: 2, min: -1, max: 1 });
    const reference = await referenceOutputs(graph, test);
    const sqnr = async (options: Record<string, string>) =>
      (await evaluateGraph((await runPipeline(graph, [{ pass: 'quantize-int8', options }], { validate: true, resources: { calibration } })).graph, test, reference)).sqnrDb!;
    const int8 = await sqnr({});
    const int16 = await sqnr({ int16Layers: '0,1' });
    expect(int8).toBeLessThan(25);
    expect(int16).toBeGreaterThan(int8 + 20);
  });
});
