/**
 * DETECTION_POSTPROCESS: the SSD detector's last step, TFLite's custom op
 * `TFLite_Detection_PostProcess` (options as a FlexBuffer map, ops/flexbuffer-map.ts), as TFLite
 * Micro's kernel computes it (detection_postprocess.cc):
 *
 *     inputs:  0 box encodings [1, B, ≥4] (y, x, h, w per anchor), 1 class scores [1, B, C(+1)],
 *              2 anchors [B, 4] (y, x, h, w); float32, or int8/uint8 read as (q − zp)·scale
 *     outputs: 0 boxes [1, N, 4] (ymin, xmin, ymax, xmax), 1 classes [1, N], 2 scores [1, N],
 *              3 number of detections [1]; all float32
 *
 * 1. Decode each anchor's box in double precision, rounded to float32:
 *    yc = y/ys·ha + ya, xc = x/xs·wa + xa, half h = 0.5·exp(h/hs)·ha, half w = 0.5·exp(w/ws)·wa.
 *    A box with ymin ≥ ymax or xmin ≥ xmax makes the op fail (TFLite Micro's ValidateBoxes).
 * 2. Non-max suppression of one score per box: keep scores ≥ the score threshold, sort them
 *    decreasing (stable: equal scores keep box order), take each box still active (at most the
 *    limit) and deactivate the later ones whose IoU with it is > the IoU threshold (float32).
 * 3. Fast NMS (use_regular_nms false): each box's classes sorted by score (ties: lower class
 *    first), its best score suppressed against max_detections; each selected box gives its
 *    top min(max_classes_per_detection, classes) classes, in slots max_classes_per_detection
 *    apart; the count is the number of selected boxes (TFLite's layout, which TFLite Micro
 *    shares when max_classes_per_detection is 1).
 *    Regular NMS: per class, suppression with detections_per_class, merged with the best so far
 *    and cut to max_detections (ties: earlier in the merged list first); the count is the kept.
 * Slots past the detections are zero (TFLite Micro's regular NMS writes zeros; its fast NMS
 * leaves them as they were).
 */
import { elementCount, formatShape } from '../ir/tensor.js';
import type { Tensor } from '../ir/types.js';
import { expectDType, expectRank, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { defineOp } from './registry.js';

/** TFLite's custom code of the op. */
export const detectionPostprocessCustomCode = 'TFLite_Detection_PostProcess';

export interface DetectionPostprocessAttrs {
  maxDetections: number;
  maxClassesPerDetection: number;
  /** Regular NMS only; TFLite's default 100 when the options leave it out. */
  detectionsPerClass: number;
  useRegularNms: boolean;
  nmsScoreThreshold: number;
  nmsIouThreshold: number;
  numClasses: number;
  yScale: number;
  xScale: number;
  hScale: number;
  wScale: number;
}

/** FlexBuffer keys of the options and the attributes they become (ints marked). */
export const detectionPostprocessKeys: readonly [key: string, attr: keyof DetectionPostprocessAttrs, kind: 'int' | 'float' | 'bool'][] = [
  ['max_detections', 'maxDetections', 'int'],
  ['max_classes_per_detection', 'maxClassesPerDetection', 'int'],
  ['detections_per_class', 'detectionsPerClass', 'int'],
  ['use_regular_nms', 'useRegularNms', 'bool'],
  ['nms_score_threshold', 'nmsScoreThreshold', 'float'],
  ['nms_iou_threshold', 'nmsIouThreshold', 'float'],
  ['num_classes', 'numClasses', 'int'],
  ['y_scale', 'yScale', 'float'],
  ['x_scale', 'xScale', 'float'],
  ['h_scale', 'hScale', 'float'],
  ['w_scale', 'wScale', 'float'],
];

export const defaultDetectionPostprocessAttrs: DetectionPostprocessAttrs = {
  maxDetections: 0,
  maxClassesPerDetection: 0,
  detectionsPerClass: 100,
  useRegularNms: false,
  nmsScoreThreshold: 0,
  nmsIouThreshold: 0,
  numClasses: 0,
  yScale: 0,
  xScale: 0,
  hScale: 0,
  wScale: 0,
};

/** How an input's stored values read as float: `(q − zeroPoint)·scale`, or as is (float32). */
export interface DetectionInputEncoding {
  dtype: 'float32' | 'int8' | 'uint8';
  scale: number;
  zeroPoint: number;
}

export interface DetectionPostprocessPlan {
  numBoxes: number;
  /** Values per box in the box encodings (≥ 4; the first four are used). */
  encodingStride: number;
  numClasses: number;
  numClassesWithBackground: number;
  /** 1 when the class scores include a background class first, else 0. */
  labelOffset: number;
  maxDetections: number;
  maxClassesPerDetection: number;
  /** min(maxClassesPerDetection, numClasses): classes reported per box (fast NMS). */
  categoriesPerAnchor: number;
  detectionsPerClass: number;
  regular: boolean;
  /** float32 values. */
  scoreThreshold: number;
  iouThreshold: number;
  scales: { y: number; x: number; h: number; w: number };
  boxes: DetectionInputEncoding;
  scores: DetectionInputEncoding;
  anchors: DetectionInputEncoding;
  /** Detection slots of the outputs (N). */
  slots: number;
}

function encoding(context: OpContext, tensor: Tensor, role: string): DetectionInputEncoding {
  expectDType(context, tensor, role, 'float32', 'int8', 'uint8');
  if (tensor.dtype === 'float32') return { dtype: 'float32', scale: 1, zeroPoint: 0 };
  const q = tensor.quantization;
  if (!q || q.scale.length !== 1) context.fail(`${role} ${tensorName(tensor)} is ${tensor.dtype} without per-tensor quantization`);
  return { dtype: tensor.dtype as 'int8' | 'uint8', scale: Math.fround(q.scale[0]), zeroPoint: q.zeroPoint[0] ?? 0 };
}

export const detectionPostprocess = defineOp<DetectionPostprocessPlan>({
  types: ['DETECTION_POSTPROCESS'],
  minInputs: 3,
  precisions: ['float32'],
  prepare(context) {
    const attrs = { ...defaultDetectionPostprocessAttrs, ...(context.op.attrs as Partial<DetectionPostprocessAttrs>) };
    const boxes = inputTensor(context, 0, 'box encodings');
    const scores = inputTensor(context, 1, 'class predictions');
    const anchors = inputTensor(context, 2, 'anchors');
    expectRank(context, boxes, 'box encodings', 3);
    expectRank(context, scores, 'class predictions', 3);
    expectRank(context, anchors, 'anchors', 2);
    if (context.op.outputs.length !== 4) context.fail(`has ${context.op.outputs.length} outputs, expected 4 (boxes, classes, scores, count)`);
    const [batch, numBoxes, stride] = boxes.shape;
    if (batch !== 1) context.fail(`box encodings ${tensorName(boxes)} has shape ${formatShape(boxes.shape)}: batch must be 1`);
    if (stride < 4) context.fail(`box encodings ${tensorName(boxes)} has shape ${formatShape(boxes.shape)}: at least 4 values per box`);
    if (scores.shape[0] !== 1 || scores.shape[1] !== numBoxes) context.fail(`class predictions ${tensorName(scores)} has shape ${formatShape(scores.shape)}, expected [1,${numBoxes},classes]`);
    if (anchors.shape[0] !== numBoxes || anchors.shape[1] !== 4) context.fail(`anchors ${tensorName(anchors)} has shape ${formatShape(anchors.shape)}, expected [${numBoxes},4]`);
    const numClasses = attrs.numClasses;
    const withBackground = scores.shape[2];
    if (!Number.isInteger(numClasses) || numClasses < 1 || withBackground - numClasses < 0 || withBackground - numClasses > 1) {
      context.fail(`num_classes ${numClasses} does not fit class predictions ${tensorName(scores)} of shape ${formatShape(scores.shape)} (classes, or classes and a background)`);
    }
    const iou = Math.fround(attrs.nmsIouThreshold);
    if (!(iou > 0 && iou <= 1)) context.fail(`nms_iou_threshold ${attrs.nmsIouThreshold} must be in (0, 1]`);
    if (!Number.isInteger(attrs.maxDetections) || attrs.maxDetections < 0) context.fail(`max_detections ${attrs.maxDetections} must be a whole number >= 0`);
    if (!attrs.useRegularNms && !(Number.isInteger(attrs.maxClassesPerDetection) && attrs.maxClassesPerDetection > 0)) {
      context.fail(`max_classes_per_detection ${attrs.maxClassesPerDetection} must be a whole number > 0`);
    }
    if (attrs.useRegularNms && !(Number.isInteger(attrs.detectionsPerClass) && attrs.detectionsPerClass > 0)) {
      context.fail(`detections_per_class ${attrs.detectionsPerClass} must be a whole number > 0`);
    }
    const slots = attrs.useRegularNms ? attrs.maxDetections : attrs.maxDetections * attrs.maxClassesPerDetection;
    const expected: [number, number[]][] = [
      [0, [1, slots, 4]],
      [1, [1, slots]],
      [2, [1, slots]],
      [3, [1]],
    ];
    for (const [index, shape] of expected) {
      const output = outputTensor(context, index);
      expectDType(context, output, `output ${index}`, 'float32');
      if (elementCount(output.shape) !== elementCount(shape)) context.fail(`output ${index} ${tensorName(output)} has shape ${formatShape(output.shape)}, expected ${formatShape(shape)}`);
    }
    return {
      numBoxes,
      encodingStride: stride,
      numClasses,
      numClassesWithBackground: withBackground,
      labelOffset: withBackground - numClasses,
      maxDetections: attrs.maxDetections,
      maxClassesPerDetection: attrs.maxClassesPerDetection,
      categoriesPerAnchor: Math.min(attrs.maxClassesPerDetection, numClasses),
      detectionsPerClass: attrs.detectionsPerClass,
      regular: attrs.useRegularNms,
      scoreThreshold: Math.fround(attrs.nmsScoreThreshold),
      iouThreshold: iou,
      scales: { y: Math.fround(attrs.yScale), x: Math.fround(attrs.xScale), h: Math.fround(attrs.hScale), w: Math.fround(attrs.wScale) },
      boxes: encoding(context, boxes, 'box encodings'),
      scores: encoding(context, scores, 'class predictions'),
      anchors: encoding(context, anchors, 'anchors'),
      slots,
    };
  },
});
