import { cFloat } from '../c-source.js';
import { detectionPostprocess, type DetectionInputEncoding, type DetectionPostprocessPlan } from '../../ops/detection-postprocess.js';
import { input, output, registerLowerer } from '../lowering.js';

/**
 * DETECTION_POSTPROCESS → td_detection_postprocess with the plan folded into its parameters.
 * Scratch, in the order the kernel carves it (each piece rounded up to 4 bytes): decoded boxes
 * 16·B, four int32/float lists of B (kept, order, merge buffer, kept scores), B active flags, the
 * per-box scores and the selection (4·B each), the dequantized class scores (4·B·classes, quantized
 * input only), then 4·B·categories for fast NMS or six lists of max_detections + detections_per_class
 * for regular NMS.
 */
export function detectionScratchBytes(plan: DetectionPostprocessPlan): number {
  const round = (bytes: number) => Math.ceil(bytes / 4) * 4;
  const b = plan.numBoxes;
  const pieces = [16 * b, 4 * b, 4 * b, 4 * b, 4 * b, b, 4 * b, 4 * b];
  if (plan.scores.dtype !== 'float32') pieces.push(4 * b * plan.numClassesWithBackground);
  if (plan.regular) pieces.push(...new Array<number>(6).fill(4 * (plan.maxDetections + plan.detectionsPerClass)));
  else pieces.push(4 * b * plan.categoriesPerAnchor);
  return pieces.reduce((sum, bytes) => sum + round(bytes), 0);
}

const inputTypes: Record<DetectionInputEncoding['dtype'], string> = { float32: 'TD_DETECTION_INPUT_FLOAT32', int8: 'TD_DETECTION_INPUT_INT8', uint8: 'TD_DETECTION_INPUT_UINT8' };
const encoding = (e: DetectionInputEncoding) => `{${inputTypes[e.dtype]}, ${cFloat(e.scale)}, ${e.zeroPoint}}`;

/** The td_detection_postprocess_params initializer for the plan. */
export function detectionParams(plan: DetectionPostprocessPlan): string {
  const fields = [
    plan.numBoxes,
    plan.encodingStride,
    plan.numClasses,
    plan.numClassesWithBackground,
    plan.labelOffset,
    plan.maxDetections,
    plan.maxClassesPerDetection,
    plan.categoriesPerAnchor,
    plan.detectionsPerClass,
    plan.regular ? 1 : 0,
    cFloat(plan.scoreThreshold),
    cFloat(plan.iouThreshold),
    cFloat(plan.scales.y),
    cFloat(plan.scales.x),
    cFloat(plan.scales.h),
    cFloat(plan.scales.w),
    encoding(plan.boxes),
    encoding(plan.scores),
    encoding(plan.anchors),
  ];
  return `{${fields.join(', ')}}`;
}

registerLowerer(detectionPostprocess, (plan, context) => ({
  kernels: ['td_detection_postprocess'],
  scratchBytes: detectionScratchBytes(plan),
  emit: (e) => {
    const pointers = [0, 1, 2].map((i) => e.pointer(input(context, i), 'read'));
    const outputs = [0, 1, 2, 3].map((i) => e.pointer(output(context, i), 'write'));
    return `td_detection_postprocess(${e.struct('params', 'td_detection_postprocess_params', detectionParams(plan))}, ${e.context()}, ${pointers.join(', ')}, ${outputs.join(', ')})`;
  },
}));
