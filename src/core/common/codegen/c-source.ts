import { CodegenError } from '../errors.js';
import type { DType, TensorData } from '../ir/types.js';

/**
 * Small helpers that print C99 source text: literals that survive the round trip exactly
 * (every float32 constant prints back to the same bits), arrays wrapped at a readable width,
 * and comments that cannot end early.
 */

/** The C element type of a dtype as the kernels take it. */
export const cTypeOf: Partial<Record<DType, string>> = {
  float32: 'float',
  int8: 'int8_t',
  uint8: 'uint8_t',
  int16: 'int16_t',
  int32: 'int32_t',
  uint32: 'uint32_t',
  int64: 'int64_t',
  bool: 'uint8_t',
};

export function cType(dtype: DType, what: string): string {
  const type = cTypeOf[dtype];
  if (!type) throw new CodegenError(`${what} is ${dtype}: the C generator handles float32, int8, uint8, int16, int32, uint32, int64 and bool`);
  return type;
}

/**
 * A float32 value as a C float literal. The value is rounded to float32 first; JavaScript's
 * shortest decimal of that double parses back (as float) to the same float32, since the float
 * spacing is far above the double's. Infinities print as math.h's INFINITY; NaN is refused (a
 * weight should never be NaN).
 */
export function cFloat(value: number, what = 'value'): string {
  const rounded = Math.fround(value);
  if (Number.isNaN(rounded)) throw new CodegenError(`${what} is NaN`);
  if (rounded === Infinity) return 'INFINITY';
  if (rounded === -Infinity) return '-INFINITY';
  if (Object.is(rounded, -0)) return '-0.0f';
  const text = String(rounded);
  return /[.eE]/.test(text) ? `${text}f` : `${text}.0f`;
}

/** An int32 literal; INT32_MIN is written as an expression because `-2147483648` is not an int in C. */
export function cInt(value: number): string {
  if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
    throw new CodegenError(`${value} does not fit in an int32 literal`);
  }
  return value === -2147483648 ? '(-2147483647 - 1)' : String(value);
}

/** Elements of a typed array as C literals. */
export function cElements(data: TensorData | readonly number[], dtype: DType, what: string): string[] {
  const out: string[] = [];
  if (dtype === 'float32') {
    for (let i = 0; i < data.length; i++) out.push(cFloat(Number(data[i]), `${what}[${i}]`));
  } else if (dtype === 'int64') {
    // Exact from the BigInt (a 16x8 bias can pass 2^31); INT64_MIN, like INT32_MIN, as an expression.
    for (let i = 0; i < data.length; i++) {
      const value = BigInt(data[i]);
      out.push(value === -(2n ** 63n) ? '(-9223372036854775807LL - 1)' : `${value}LL`);
    }
  } else {
    for (let i = 0; i < data.length; i++) out.push(cInt(Number(data[i])));
  }
  return out;
}

/** Comma-separated items wrapped at about 100 columns, each line indented by two spaces. */
export function wrapList(items: readonly string[], width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line.length > 0 && line.length + item.length + 2 > width) {
      lines.push(line);
      line = '';
    }
    line += (line.length > 0 ? ' ' : '') + item + ',';
  }
  if (line.length > 0) lines.push(line);
  return lines.map((text) => `  ${text}`).join('\n');
}

/** Text made safe inside a C block comment (no `*\/`, no control characters). */
export function commentText(text: string): string {
  return text.replace(/\*\//g, '* /').replace(/[\u0000-\u001f\u007f]/g, ' ');
}
