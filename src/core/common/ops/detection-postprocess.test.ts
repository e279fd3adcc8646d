import { describe, expect, it } from 'vitest';
import { exportTflite } from '../exporters/index.js';
import { importModel } from '../importers/index.js';
import { Interpreter } from '../interp/interpreter.js';
import type { Graph, Tensor } from '../ir/types.js';
import { decodeDetectionOptions, encodeDetectionOptions } from './detection-options.js';
import type { DetectionPostprocessAttrs } from './detection-postprocess.js';
import { decodeFlexMap } from './flexbuffer-map.js';

const fail = (message: string): never => {
  throw new Error(message);
};

const attrs: DetectionPostprocessAttrs = {
  maxDetections: 3,
  maxClassesPerDetection: 1,
  detectionsPerClass: 2,
  useRegularNms: false,
  nmsScoreThreshold: 0.25,
  nmsIouThreshold: 0.5,
  numClasses: 2,
  yScale: 10,
  xScale: 10,
  hScale: 5,
  wScale: 5,
};

/** Three anchors: 0 and 1 almost the same box, 2 far away; encodings 0, so the boxes are the anchors. */
function detection(options: Partial<DetectionPostprocessAttrs> = {}, anchors = [0.5, 0.5, 0.2, 0.2, 0.51, 0.5, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1]): Graph {
  const f32 = (id: number, shape: number[], data?: number[]): Tensor => ({ id, name: `t${id}`, shape, dtype: 'float32', ...(data ? { data: Float32Array.from(data) } : {}) });
  const slots = options.useRegularNms ? 3 : 3 * (options.maxClassesPerDetection ?? 1);
  return {
    name: 'detection',
    tensors: [f32(0, [1, 3, 4]), f32(1, [1, 3, 3]), f32(2, [3, 4], anchors), f32(3, [1, slots, 4]), f32(4, [1, slots]), f32(5, [1, slots]), f32(6, [1])],
    ops: [{ type: 'DETECTION_POSTPROCESS', inputs: [0, 1, 2], outputs: [3, 4, 5, 6], attrs: { ...attrs, ...options } }],
    inputs: [0, 1],
    outputs: [3, 4, 5, 6],
  };
}

// Background, class 0, class 1 per anchor.
const scores = Float32Array.from([0, 0.9, 0.1, 0, 0.8, 0.7, 0, 0.2, 0.6]);
const run = (graph: Graph) => new Interpreter(graph).run([new Float32Array(12), scores]).outputs.map((output) => Array.from(output as Float32Array, (v) => Math.round(v * 1e4) / 1e4));

describe('DETECTION_POSTPROCESS', () => {
  it('FlexBuffer options: written, read back, sorted keys, unknown keys ignored', () => {
    const bytes = encodeDetectionOptions(attrs);
    expect(decodeDetectionOptions(bytes, fail)).toEqual({ ...attrs, nmsScoreThreshold: Math.fround(0.25), nmsIouThreshold: Math.fround(0.5) });
    expect([...decodeFlexMap(bytes, 'options', fail).keys()]).toEqual([...decodeFlexMap(bytes, 'options', fail).keys()].sort());
    expect(() => decodeDetectionOptions(new Uint8Array([1, 2]), fail)).toThrow('custom options: 2 bytes, too short for a FlexBuffer');
  });

  it('fast NMS: the overlapping box with the lower best score is suppressed; export → import keeps the op', () => {
    const graph = importModel(exportTflite(detection()), 'detection.tflite');
    expect(graph.ops[0].type).toBe('DETECTION_POSTPROCESS');
    const [boxes, classes, scoresOut, count] = run(graph);
    expect(count).toEqual([2]);
    expect(classes).toEqual([0, 1, 0]);
    expect(scoresOut).toEqual([0.9, 0.6, 0]);
    expect(boxes).toEqual([0.4, 0.4, 0.6, 0.6, 0.05, 0.05, 0.15, 0.15, 0, 0, 0, 0]);
  });

  it('regular NMS: per class, then the best three over all classes', () => {
    const [, classes, scoresOut, count] = run(detection({ useRegularNms: true }));
    // class 0: anchors 0 (0.9) and 1 (0.8) overlap → 0; class 1: 1 (0.7), 2 (0.6); anchor 0's 0.1 is under the threshold.
    expect(count).toEqual([3]);
    expect(classes).toEqual([0, 1, 1]);
    expect(scoresOut).toEqual([0.9, 0.7, 0.6]);
  });

  it('refuses options it cannot run and empty anchors, naming the value', () => {
    expect(() => new Interpreter(detection({ nmsIouThreshold: 0 }))).toThrow('op 0 (DETECTION_POSTPROCESS): nms_iou_threshold 0 must be in (0, 1]');
    expect(() => new Interpreter(detection({ numClasses: 5 }))).toThrow('num_classes 5 does not fit class predictions');
    const empty = detection({}, [0.5, 0.5, 0, 0.2, 0.5, 0.5, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1]);
    expect(() => new Interpreter(empty).run([new Float32Array(12), scores])).toThrow('a decoded box is empty');
  });
});
