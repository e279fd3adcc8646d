import { describe, expect, it } from 'vitest';
import { decodeGruOptions, encodeGruOptions } from './gru-custom-options.js';

const fail = (message: string): never => {
  throw new Error(message);
};

describe('TD_GRU custom options (FlexBuffer map of bools)', () => {
  it('round-trips every combination', () => {
    for (let bits = 0; bits < 16; bits++) {
      const attrs = { linearBeforeReset: !!(bits & 1), timeMajor: !!(bits & 2), reverse: !!(bits & 4), returnSequences: !!(bits & 8) };
      expect(decodeGruOptions(encodeGruOptions(attrs), fail)).toEqual(attrs);
    }
  });

  it('writes the FlexBuffer bytes by hand: keys, keys vector, map, root', () => {
    const bytes = encodeGruOptions({ linearBeforeReset: true, timeMajor: false, reverse: true, returnSequences: false });
    expect(new TextDecoder().decode(bytes.subarray(0, 56))).toBe('linear_before_reset\0return_sequences\0reverse\0time_major\0');
    // Keys vector: size 4 at 56, then at 57…60 each key's offset back from its own byte (keys at 0, 20, 37, 45).
    expect(Array.from(bytes.subarray(56, 61))).toEqual([4, 57 - 0, 58 - 20, 59 - 37, 60 - 45]);
    // Map: keys-vector offset (61 - 57), keys width 1, size 4; values at 64…67; types (bool 26 << 2);
    // root: offset back to the map (72 - 64), map type 9 << 2, width 1.
    expect(Array.from(bytes.subarray(61))).toEqual([61 - 57, 1, 4, 1, 0, 1, 0, 104, 104, 104, 104, 72 - 64, 36, 1]);
  });

  it('refuses what is not a map of bools', () => {
    expect(() => decodeGruOptions(Uint8Array.of(0, 104, 1), fail)).toThrow('TD_GRU custom options: the root has FlexBuffer type 26, expected a map (9)');
  });
});
