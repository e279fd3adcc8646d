import { describe, expect, it } from 'vitest';
import { printableJson, printableName, printableText } from './printable.js';

const hostile = 'x\x1b]0;pwned\x07\nerror: forged\r';

describe('printableName', () => {
  it('shows control characters, C1 controls and bidi marks as escapes', () => {
    expect(printableName(hostile)).toBe('x\\x1b]0;pwned\\x07\\nerror: forged\\r');
    expect(printableName('a\x9b2Jb\u202ecba\u2066\u2028\x7f\t')).toBe('a\\x9b2Jb\\u202ecba\\u2066\\u2028\\x7f\\t');
  });

  it('leaves ordinary names alone, backslashes and non-ASCII letters included', () => {
    for (const name of ['serving_default_input:0', 'conv/BiasAdd;a\\b', 'température', '重量']) expect(printableName(name)).toBe(name);
  });
});

describe('printableText', () => {
  it('keeps line feeds and tabs but indents every line after the first, so none passes for a line of ours', () => {
    expect(printableText(`bad model: ${hostile}`)).toBe('bad model: x\\x1b]0;pwned\\x07\n  error: forged\\r');
    expect(printableText('gcc failed:\n\tmodel.c:1: error\n')).toBe('gcc failed:\n  \tmodel.c:1: error\n');
  });
});

describe('printableJson', () => {
  it('escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { name: `${hostile}\x9b\u202e` };
    const text = printableJson(value);
    expect(text).toBe('{"name":"x\\u001b]0;pwned\\u0007\\nerror: forged\\r\\u009b\\u202e"}');
    expect(JSON.parse(text)).toEqual(value);
  });
});
