import { encode, toObject } from 'flatbuffers/mjs/flexbuffers.js';
import { describe, expect, it } from 'vitest';
import { decodeGruOptions, encodeGruOptions } from '../../ops/gru-custom-options.js';

const fail = (message: string): never => {
  throw new Error(message);
};

describe('TD_GRU custom options in .tflite', () => {
  it('agrees with the flatbuffers package\'s FlexBuffers both ways', () => {
    const attrs = { linearBeforeReset: true, timeMajor: true, reverse: false, returnSequences: true };
    const ours = encodeGruOptions(attrs);
    expect(toObject(ours.slice().buffer)).toEqual({ linear_before_reset: true, return_sequences: true, reverse: false, time_major: true });
    const theirs = encode({ time_major: false, reverse: true, linear_before_reset: false, return_sequences: false });
    expect(decodeGruOptions(theirs, fail)).toEqual({ linearBeforeReset: false, timeMajor: false, reverse: true, returnSequences: false });
  });

});
