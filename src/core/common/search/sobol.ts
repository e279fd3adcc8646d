/**
 * The Sobol low-discrepancy sequence (Gray-code order), with the direction numbers of Joe and Kuo
 * (2008, `new-joe-kuo-6.21201`) for dimensions 2 to 21; dimension 1 is the van der Corput sequence
 * in base 2. Unscrambled, the first point is 0 and the points equal SciPy's
 * `qmc.Sobol(scramble=False)`. Scrambled with a seed, each dimension's direction numbers go through
 * a random lower-triangular binary matrix and every point gets a random digital shift (Matoušek's
 * linear matrix scrambling, as SciPy's `scramble=True` does): a different, equally even design per
 * seed, none of them starting at the corner. Used as a space-filling baseline and as the
 * architecture search's initial design.
 */

import { UsageError } from '../errors.js';
import { seededRandom } from './random.js';

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

function parity(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** A Sobol generator over `dimensions` coordinates; `next()` gives the next point in [0, 1)^d. */
export class Sobol {
  private readonly v: Uint32Array[];
  private readonly x: Uint32Array;
  private index = 0;

  constructor(
    readonly dimensions: number,
    options: { scramble?: number } = {},
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > sobolMaxDimensions) {
      throw new UsageError(`Sobol sequence: ${dimensions} dimensions, expected 1 to ${sobolMaxDimensions}`, { dimensions });
    }
    this.v = Array.from({ length: dimensions }, (_, d) => directions(d));
    this.x = new Uint32Array(dimensions);
    if (options.scramble !== undefined) {
      const random = seededRandom(options.scramble);
      const bit = () => (random() < 0.5 ? 1 : 0);
      for (let d = 0; d < dimensions; d++) {
        // Row r of L (bit r counted from the most significant): ones on the diagonal, random bits left of it.
        const rows = new Uint32Array(bits);
        for (let r = 0; r < bits; r++) {
          let row = 1 << (bits - 1 - r);
          for (let c = 0; c < r; c++) if (bit()) row |= 1 << (bits - 1 - c);
          rows[r] = row;
        }
        this.v[d] = this.v[d].map((value) => {
          let scrambled = 0;
          for (let r = 0; r < bits; r++) if (parity(rows[r] & value)) scrambled |= 1 << (bits - 1 - r);
          return scrambled >>> 0;
        });
        let shift = 0;
        for (let r = 0; r < bits; r++) if (bit()) shift |= 1 << r;
        this.x[d] = shift >>> 0;
      }
    }
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
