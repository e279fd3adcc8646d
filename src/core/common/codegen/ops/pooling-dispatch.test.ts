import { describe, expect, it } from 'vitest';
import { generateModel } from '../index.js';
import { randomShapeCase } from '../../../../../test/codegen/testing/random-shapes.js';

/** The pooling entry a bench/shapes seed's build calls. */
function entry(seed: number, dsp: boolean): string | undefined {
  const { graph } = randomShapeCase(seed);
  return /\b(td_(?:avg|max)pool_s8\w*)\(/.exec(generateModel(graph, { dsp }).source)?.[1];
}

describe('int8 pooling dispatch', () => {
  it('gives DSP builds an entry of its own for averages over one to three channels', () => {
    expect(randomShapeCase(329).name).toBe('329_avgpool_1x2_s2_3x21x1_same_relu');
    expect(entry(329, true)).toBe('td_avgpool_s8_narrow');
    expect(randomShapeCase(119).name).toBe('119_avgpool_2x2_s1_16x17x3_valid');
    expect(entry(119, true)).toBe('td_avgpool_s8_narrow');
    // Four channels and more sum a word of four lanes; portable builds and maximum pools keep their kernel.
    expect(randomShapeCase(229).name).toBe('229_avgpool_1x3_s1_9x16x4_same_relu');
    expect(entry(229, true)).toBe('td_avgpool_s8');
    expect(entry(329, false)).toBe('td_avgpool_s8');
    expect(randomShapeCase(49).name).toBe('49_maxpool_1x1_s1_12x20x1_same');
    expect(entry(49, true)).toBe('td_maxpool_s8');
  });
});
