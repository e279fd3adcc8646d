import { describe, expect, it } from 'vitest';
import type { WindowGeometry } from '../../ops/window.js';
import { generateModel } from '../index.js';
import { randomShapeCase } from '../../../../../test/codegen/testing/random-shapes.js';
import { croppedWindow } from './conv.js';

/** A window geometry with SAME-style padding over an image (one batch). */
function geometry(fields: Partial<WindowGeometry>): WindowGeometry {
  return {
    batches: 1,
    inputHeight: 1,
    inputWidth: 1,
    inputDepth: 2,
    outputHeight: 1,
    outputWidth: 1,
    outputDepth: 3,
    filterHeight: 1,
    filterWidth: 1,
    strideHeight: 1,
    strideWidth: 1,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop: 0,
    padLeft: 0,
    ...fields,
  };
}

describe('croppedWindow: a filter window cut to the taps some output reads inside the image', () => {
  it('cuts a 1x7 SAME window over one pixel to its middle tap, the padding with it', () => {
    const filter = Int8Array.from({ length: 3 * 7 * 2 }, (_, i) => i - 20);
    const cut = croppedWindow(geometry({ filterWidth: 7, padLeft: 3 }), [3, 1, 7, 2], filter)!;
    expect(cut.filter.shape).toEqual([3, 1, 1, 2]);
    expect(Array.from(cut.filter.data)).toEqual([6, 7, 20, 21, 34, 35].map((i) => filter[i]));
    expect(cut.geometry).toMatchObject({ filterWidth: 1, padLeft: 0, filterHeight: 1, padTop: 0 });
  });

  it('keeps rows and columns some output reads (stride, dilation) and the padding at least 0', () => {
    // 4 rows, 10 taps, stride 3, SAME (pad 4): output row 0 reads inside with taps 4-7, row 1 with taps 1-4.
    const cut = croppedWindow(geometry({ inputHeight: 4, outputHeight: 2, filterHeight: 10, strideHeight: 3, padTop: 4 }), [1, 10, 1, 2], new Int8Array(20));
    expect(cut?.geometry).toMatchObject({ filterHeight: 7, padTop: 3 });
    // Dilation 2 over 5 columns, 3 taps, SAME (pad 2): every tap reads some column.
    expect(croppedWindow(geometry({ inputWidth: 5, outputWidth: 5, filterWidth: 3, dilationWidth: 2, padLeft: 2 }), [1, 1, 3, 2], new Int8Array(6))).toBeUndefined();
    // VALID windows read every tap.
    expect(croppedWindow(geometry({ inputHeight: 6, inputWidth: 6, outputHeight: 4, outputWidth: 4, filterHeight: 3, filterWidth: 3 }), [1, 3, 3, 2], new Int8Array(18))).toBeUndefined();
  });

  it('is what the DSP build of a SAME window larger than its image calls, not the portable one', () => {
    const { graph } = randomShapeCase(71); // conv_1x7_s2_1x1x64_to_40_same
    expect(generateModel(graph, { dsp: true }).source).toMatch(/td_conv2d_s8\([^;]*filter_cropped/);
    expect(generateModel(graph, { dsp: false }).source).not.toContain('filter_cropped');
  });
});
