import type { Graph } from '../../../src/core/common/ir/types.js';
import { OpModel, randomData, seeded } from '../../corpus/testing/op-models.js';

/**
 * Three int8 3x3 depthwise layers of 8 channels, each a different kernel's best shape in DSP builds:
 * stride 1 over rows of 36 (the channel planes: wider than td_depthwise_conv2d_s8_wide's 30), stride 2
 * (td_depthwise_conv2d_s8's blocks alone take it) and stride 1 over rows of 18 (the wide kernel's
 * 3x3 loop: three steps of six). Optimizing for size the model links one depthwise kernel, the
 * blocks; for speed, all three.
 */
export function mixedDepthwiseGraph(seed = 7): Graph {
  const m = new OpModel(seeded(seed));
  const channels = 8;
  let x = m.input('int8', [1, 6, 36, channels], [0.05, 5]);
  let [height, width] = [6, 36];
  for (const [index, stride] of [1, 2, 1].entries()) {
    const scales = Array.from({ length: channels }, (_, k) => 0.002 + (0.01 * ((k * 7 + index) % 13)) / 13);
    const filter = m.tensor('int8', [1, 3, 3, channels], undefined, randomData('int8', 9 * channels, m.random), `filter${index}`);
    m.tensors[filter]!.quantization = { scale: scales, zeroPoint: scales.map(() => 0), axis: 3 };
    const bias = m.tensor('int32', [channels], undefined, Int32Array.from({ length: channels }, () => Math.floor(m.random() * 4000) - 2000), `bias${index}`);
    m.tensors[bias]!.quantization = { scale: scales.map((scale) => scale * 0.05), zeroPoint: scales.map(() => 0), axis: 0 };
    [height, width] = [Math.ceil(height / stride), Math.ceil(width / stride)];
    const y = m.tensor('int8', [1, height, width, channels], [0.08, -3], undefined, `dw${index}`);
    m.op('DEPTHWISE_CONV_2D', { padding: 'same', strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, activation: 'none', depthMultiplier: 1 }, [x, filter, bias], [y]);
    x = y;
  }
  return m.graph('mixed_depthwise');
}

/** The depthwise kernel entry points model.c calls, in op order. */
export const depthwiseCalls = (source: string) =>
  [...source.matchAll(/td_depthwise_conv2d_s8\w*(?=\()/g)].map((match) => match[0]).filter((name) => !name.endsWith('_get_buffer_size'));
