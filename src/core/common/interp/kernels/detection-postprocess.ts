/**
 * DETECTION_POSTPROCESS host kernel: TFLite Micro's arithmetic step by step (ops/detection-postprocess.ts
 * describes it); float32 rounding after every float operation, the box decoding in double.
 */
import type { TensorData } from '../../ir/types.js';
import { detectionPostprocess, type DetectionInputEncoding, type DetectionPostprocessPlan } from '../../ops/detection-postprocess.js';
import { registerKernel } from '../registry.js';

const f = Math.fround;

function dequantize(values: TensorData, encoding: DetectionInputEncoding): Float32Array {
  if (encoding.dtype === 'float32') return values as Float32Array;
  const result = new Float32Array(values.length);
  const zeroPoint = f(encoding.zeroPoint);
  for (let i = 0; i < values.length; i++) result[i] = f(f(Number(values[i]) - zeroPoint) * encoding.scale);
  return result;
}

/** Corner boxes (ymin, xmin, ymax, xmax) of every anchor; undefined when one is empty (the op fails). */
export function decodeBoxes(plan: DetectionPostprocessPlan, encodings: Float32Array, anchors: Float32Array): Float32Array | undefined {
  const { y, x, h, w } = plan.scales;
  const boxes = new Float32Array(plan.numBoxes * 4);
  for (let i = 0; i < plan.numBoxes; i++) {
    const e = i * plan.encodingStride;
    const [ya, xa, ha, wa] = [anchors[i * 4], anchors[i * 4 + 1], anchors[i * 4 + 2], anchors[i * 4 + 3]];
    const yc = f((encodings[e] / y) * ha + ya);
    const xc = f((encodings[e + 1] / x) * wa + xa);
    const hh = f(0.5 * Math.exp(encodings[e + 2] / h) * ha);
    const hw = f(0.5 * Math.exp(encodings[e + 3] / w) * wa);
    boxes[i * 4] = f(yc - hh);
    boxes[i * 4 + 1] = f(xc - hw);
    boxes[i * 4 + 2] = f(yc + hh);
    boxes[i * 4 + 3] = f(xc + hw);
    if (boxes[i * 4] >= boxes[i * 4 + 2] || boxes[i * 4 + 1] >= boxes[i * 4 + 3]) return undefined;
  }
  return boxes;
}

function intersectionOverUnion(boxes: Float32Array, i: number, j: number): number {
  const [iy0, ix0, iy1, ix1] = boxes.subarray(i * 4, i * 4 + 4);
  const [jy0, jx0, jy1, jx1] = boxes.subarray(j * 4, j * 4 + 4);
  const areaI = f(f(iy1 - iy0) * f(ix1 - ix0));
  const areaJ = f(f(jy1 - jy0) * f(jx1 - jx0));
  if (areaI <= 0 || areaJ <= 0) return 0;
  const height = Math.max(f(Math.min(iy1, jy1) - Math.max(iy0, jy0)), 0);
  const width = Math.max(f(Math.min(ix1, jx1) - Math.max(ix0, jx0)), 0);
  const intersection = f(height * width);
  return f(intersection / f(f(areaI + areaJ) - intersection));
}

/** Boxes kept by non-max suppression of `scores` (one per box), best first, at most `limit`. */
export function suppress(plan: DetectionPostprocessPlan, boxes: Float32Array, scores: ArrayLike<number>, limit: number): number[] {
  const kept: number[] = [];
  for (let i = 0; i < plan.numBoxes; i++) if (scores[i] >= plan.scoreThreshold) kept.push(i);
  // Stable: equal scores keep box order.
  const order = kept.map((_, k) => k).sort((a, b) => (scores[kept[b]] > scores[kept[a]] ? 1 : scores[kept[b]] < scores[kept[a]] ? -1 : a - b));
  const active = new Array<boolean>(kept.length).fill(true);
  const selected: number[] = [];
  const outputSize = Math.min(kept.length, limit);
  let activeCount = kept.length;
  for (let i = 0; i < kept.length; i++) {
    if (activeCount === 0 || selected.length >= outputSize) break;
    if (!active[i]) continue;
    const box = kept[order[i]];
    selected.push(box);
    active[i] = false;
    activeCount--;
    for (let j = i + 1; j < kept.length; j++) {
      if (active[j] && intersectionOverUnion(boxes, box, kept[order[j]]) > plan.iouThreshold) {
        active[j] = false;
        activeCount--;
      }
    }
  }
  return selected;
}

/** Indices of `values` by decreasing value, ties by increasing index (TFLite's DecreasingPartialArgSort order). */
function decreasing(values: ArrayLike<number>, count: number): number[] {
  return Array.from({ length: count }, (_, i) => i).sort((a, b) => (values[b] > values[a] ? 1 : values[b] < values[a] ? -1 : a - b));
}

registerKernel(detectionPostprocess, (plan, context) => (inputs, outputs) => {
  const encodings = dequantize(inputs[0]!, plan.boxes);
  const scores = dequantize(inputs[1]!, plan.scores);
  const anchors = dequantize(inputs[2]!, plan.anchors);
  const decoded = decodeBoxes(plan, encodings, anchors);
  if (!decoded) context.fail('a decoded box is empty (ymin >= ymax or xmin >= xmax): the anchors must have positive heights and widths');
  const boxes = decoded as Float32Array;
  const [outBoxes, outClasses, outScores, outCount] = outputs as Float32Array[];
  outBoxes.fill(0);
  outClasses.fill(0);
  outScores.fill(0);
  const C = plan.numClassesWithBackground;
  const classScore = (box: number, cls: number) => scores[box * C + plan.labelOffset + cls];
  if (!plan.regular) {
    const classOrder: number[][] = [];
    const best = new Float32Array(plan.numBoxes);
    for (let box = 0; box < plan.numBoxes; box++) {
      const row = scores.subarray(box * C + plan.labelOffset, box * C + plan.labelOffset + plan.numClasses);
      classOrder.push(decreasing(row, plan.numClasses).slice(0, plan.categoriesPerAnchor));
      best[box] = row[classOrder[box][0]];
    }
    const selected = suppress(plan, boxes, best, plan.maxDetections);
    selected.forEach((box, n) => {
      classOrder[box].forEach((cls, col) => {
        const slot = plan.maxClassesPerDetection * n + col;
        outBoxes.set(boxes.subarray(box * 4, box * 4 + 4), slot * 4);
        outClasses[slot] = cls;
        outScores[slot] = classScore(box, cls);
      });
    });
    outCount[0] = selected.length;
    return;
  }
  let chosen: { index: number; score: number }[] = [];
  const classScores = new Float32Array(plan.numBoxes);
  for (let cls = 0; cls < plan.numClasses; cls++) {
    for (let box = 0; box < plan.numBoxes; box++) classScores[box] = classScore(box, cls);
    const merged = [...chosen, ...suppress(plan, boxes, classScores, plan.detectionsPerClass).map((box) => ({ index: box * C + cls + plan.labelOffset, score: classScores[box] }))];
    chosen = decreasing(
      merged.map((entry) => entry.score),
      merged.length,
    )
      .slice(0, Math.min(merged.length, plan.maxDetections))
      .map((i) => merged[i]);
  }
  chosen.forEach(({ index, score }, slot) => {
    const box = Math.floor(index / C);
    outBoxes.set(boxes.subarray(box * 4, box * 4 + 4), slot * 4);
    outClasses[slot] = index - box * C - plan.labelOffset;
    outScores[slot] = score;
  });
  outCount[0] = chosen.length;
});
