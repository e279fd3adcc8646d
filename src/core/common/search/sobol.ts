/**
 * The Sobol low-discrepancy sequence (unscrambled, Gray-code order, the first point 0), with the
 * direction numbers of Joe and Kuo (2008, `new-joe-kuo-6.21201`) for dimensions 2 to 21;
 * dimension 1 is the van der Corput sequence in base 2. The points equal SciPy's
 * `qmc.Sobol(scramble=False)`. Used as a space-filling baseline and as the architecture search's
 * initial design.
 */

import { UsageError } from '../errors.js';

/** Joe–Kuo rows for dimensions 2…: degree s, coefficients a, initial direction numbers m. */
const joeKuo: readonly (readonly [number, number, readonly number[]])[] = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
  [5, 4, [1, 1, 5, 5, 5]],
  [5, 7, [1, 1, 7, 11, 19]],
  [5, 11, [1, 1, 5, 1, 1]],
  [5, 13, [1, 1, 1, 3, 11]],
  [5, 14, [1, 3, 5, 5, 31]],
  [6, 1, [1, 3, 3, 9, 7, 49]],
  [6, 13, [1, 1, 1, 15, 21, 21]],
  [6, 16, [1, 3, 1, 13, 27, 49]],
  [6, 19, [1, 1, 1, 15, 7, 5]],
  [6, 22, [1, 3, 1, 15, 13, 25]],
  [6, 25, [1, 1, 5, 5, 19, 61]],
  [7, 1, [1, 3, 7, 11, 23, 15, 103]],
  [7, 4, [1, 3, 7, 13, 13, 15, 69]],
];

const bits = 30;

/** The most dimensions the generator knows direction numbers for. */
export const sobolMaxDimensions = joeKuo.length + 1;

function directions(dimension: number): Uint32Array {
  const v = new Uint32Array(bits);
  if (dimension === 0) {
    for (let i = 0; i < bits; i++) v[i] = 1 << (bits - 1 - i);
    return v;
  }
  const [s, a, m] = joeKuo[dimension - 1];
  for (let i = 0; i < Math.min(s, bits); i++) v[i] = m[i] << (bits - 1 - i);
  for (let i = s; i < bits; i++) {
    let value = v[i - s] ^ (v[i - s] >>> s);
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) value ^= v[i - k];
    v[i] = value;
  }
  return v;
}

/** A Sobol generator over `dimensions` coordinates; `next()` gives the next point in [0, 1)^d. */
export class Sobol {
  private readonly v: Uint32Array[];
  private readonly x: Uint32Array;
  private index = 0;

  constructor(readonly dimensions: number) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > sobolMaxDimensions) {
      throw new UsageError(`Sobol sequence: ${dimensions} dimensions, expected 1 to ${sobolMaxDimensions}`, { dimensions });
    }
    this.v = Array.from({ length: dimensions }, (_, d) => directions(d));
    this.x = new Uint32Array(dimensions);
  }

  next(): number[] {
    const point = Array.from(this.x, (value) => value / 2 ** bits);
    // Gray-code update: flip the direction of the lowest zero bit of the index.
    let c = 0;
    while ((this.index >>> c) & 1) c++;
    for (let d = 0; d < this.dimensions; d++) this.x[d] ^= this.v[d][c];
    this.index++;
    return point;
  }

  /** Skips `count` points. */
  skip(count: number): void {
    for (let i = 0; i < count; i++) this.next();
  }
}
