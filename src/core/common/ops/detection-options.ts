/**
 * TFLite_Detection_PostProcess's custom options (a FlexBuffer map) ⇄ DETECTION_POSTPROCESS's
 * attributes. Keys the map leaves out keep TFLite's defaults (detections_per_class 100,
 * use_regular_nms false, the rest 0, which prepare then refuses where 0 is invalid); unknown keys
 * are ignored, as TFLite does.
 */
import { decodeFlexMap, encodeFlexMap } from './flexbuffer-map.js';
import { defaultDetectionPostprocessAttrs, detectionPostprocessKeys, type DetectionPostprocessAttrs } from './detection-postprocess.js';

export function decodeDetectionOptions(bytes: Uint8Array | null | undefined, fail: (message: string) => never): DetectionPostprocessAttrs {
  if (!bytes || bytes.length === 0) fail('custom options are missing: TFLite_Detection_PostProcess needs its FlexBuffer map');
  const map = decodeFlexMap(bytes, 'custom options', fail);
  const attrs: Record<string, number | boolean> = { ...defaultDetectionPostprocessAttrs };
  for (const [key, attr, kind] of detectionPostprocessKeys) {
    const value = map.get(key);
    if (value === undefined) continue;
    attrs[attr] = kind === 'bool' ? Boolean(value) : kind === 'int' ? Math.trunc(Number(value)) : Number(value);
  }
  return attrs as unknown as DetectionPostprocessAttrs;
}

export function encodeDetectionOptions(attrs: Partial<DetectionPostprocessAttrs>): Uint8Array {
  const full = { ...defaultDetectionPostprocessAttrs, ...attrs };
  const values: Record<string, number | boolean | { int: number }> = {};
  for (const [key, attr, kind] of detectionPostprocessKeys) {
    const value = full[attr];
    values[key] = kind === 'int' ? { int: Number(value) } : value;
  }
  return encodeFlexMap(values);
}
