/**
 * td_fully_connected_s8_paired's weight layout (td_kernels.h): two rows A and B in each signed
 * 16-bit halfword, h = w_A + 256 · w_B, stored as the bytes (w_A, w_B − (w_A < 0 ? 1 : 0)) so that
 * the halfword read as int16 is exactly that sum. On the M4 one SMLAD of the raw word against two
 * inputs (int16 lanes) accumulates Σ A·x + 256 · Σ B·x, and SXTB16 of the same word (the low bytes
 * sign-extended: the A weights) with a second SMLAD gives Σ A·x; Σ B·x is their difference / 256,
 * exact in 32-bit wrap-around arithmetic while |Σ B·x| < 2^23 over the inputs accumulated that
 * way: the kernel recovers it every pairedChunk inputs (512 · 127 · 128 < 2^23).
 *
 * Order (rows grouped like td_fully_connected_s8_packed's): per block of four rows (two pairs:
 * rows 0/1 and 2/3), for every eight inputs k..k+7 the first pair's four words then the second's;
 * a pair's words hold the halfwords of inputs (k, k+2), (k+1, k+3), (k+4, k+6), (k+5, k+7) — the
 * lanes SXTB16 makes of an input word and of it rotated by 8 —; then the four rows' last
 * depth % 8 weights (true values) one row after the other. The one to three rows after the last
 * block go as pairs of their own in the same form (16 bytes per eight inputs, then A's and B's
 * last weights), a missing B row as zeros.
 */

/** Inputs accumulated in the combined form before B's sum is taken out: 512 · 127 · 128 < 2^23. */
export const pairedChunk = 512;

/** Bytes of the paired layout: rows rounded up to even, each row `depth` bytes. */
export function pairedWeightBytes(units: number, depth: number): number {
  return (units + (units % 2)) * depth;
}

/**
 * The paired layout of row-major [units][depth] int8 weights, or undefined where it cannot hold
 * them: a −128 in a B row whose A weight beside it is negative (the B byte would be −129), or a B
 * row with a chunk of pairedChunk inputs whose |w| sum to 2^16 or more (only −128 everywhere: the
 * kernel needs |Σ B·x| < 2^23 per chunk, |x| ≤ 128). A −128 anywhere else is held exactly: an A
 * byte −128 is what SXTB16 reads, a B byte −128 beside a non-negative A is w_B itself, the last
 * depth % 8 weights are true values.
 */
export function pairFullyConnectedWeights(weights: ArrayLike<number | bigint>, units: number, depth: number): Int8Array | undefined {
  const w = (row: number, k: number) => (row < units ? Number(weights[row * depth + k]) : 0);
  const grouped = depth - (depth % 8);
  const rest = depth - grouped;
  for (let b = 1; b < units; b += 2) {
    let chunkSum = 0;
    for (let k = 0; k < grouped; k++) {
      if (k % pairedChunk === 0) chunkSum = 0;
      const weight = w(b, k);
      if (weight === -128 && w(b - 1, k) < 0) return undefined;
      chunkSum += Math.abs(weight);
      if (chunkSum >= 2 ** 16) return undefined;
    }
  }
  const packed = new Int8Array(pairedWeightBytes(units, depth));
  const blocked = units - (units % 4);
  let at = 0;
  /** One pair's sixteen bytes for inputs k..k+7. */
  const pairGroup = (a: number, k: number) => {
    for (let word = 0; word < 4; word++) {
      for (let half = 0; half < 2; half++) {
        const j = (word >> 1) * 4 + (word & 1) + half * 2;
        const low = w(a, k + j);
        packed[at++] = low;
        packed[at++] = w(a + 1, k + j) - (low < 0 ? 1 : 0);
      }
    }
  };
  const tail = (row: number) => {
    for (let j = 0; j < rest; j++) packed[at++] = w(row, grouped + j);
  };
  for (let block = 0; block < blocked; block += 4) {
    for (let k = 0; k < grouped; k += 8) {
      pairGroup(block, k);
      pairGroup(block + 2, k);
    }
    for (let lane = 0; lane < 4; lane++) tail(block + lane);
  }
  for (let pair = blocked; pair < units; pair += 2) {
    for (let k = 0; k < grouped; k += 8) pairGroup(pair, k);
    tail(pair);
    tail(pair + 1);
  }
  return packed;
}

/** Where weight k of row `row` sits in the paired layout, and whether it is a B byte of a halfword. */
export function pairedIndex(row: number, k: number, units: number, depth: number): { index: number; combined: boolean } {
  const grouped = depth - (depth % 8);
  const rest = depth - grouped;
  const blocked = units - (units % 4);
  const isB = row & 1;
  const j = k & 7;
  const inGroup = ((j >> 2) * 2 + (j & 1)) * 4 + ((j >> 1) & 1) * 2 + isB;
  if (row < blocked) {
    const base = (row >> 2) * 4 * depth;
    if (k < grouped) return { index: base + (k >> 3) * 32 + ((row >> 1) & 1) * 16 + inGroup, combined: true };
    return { index: base + grouped * 4 + (row & 3) * rest + (k - grouped), combined: false };
  }
  const base = blocked * depth + ((row - blocked) >> 1) * 2 * depth;
  if (k < grouped) return { index: base + (k >> 3) * 16 + inGroup, combined: true };
  return { index: base + grouped * 2 + isB * rest + (k - grouped), combined: false };
}

/**
 * The paired kernel's entry point for a call: td_fully_connected_s8_paired_short where the
 * generator settles its short path's conditions here — a depth that is a multiple of eight within
 * one chunk, an activation that keeps the whole int8 range, and an input row the planner placed
 * word-aligned (`inputPointer`, the call's C expression: an arena offset that is a multiple of 4;
 * the paired weights are 16-byte aligned arrays) — so the model links neither the run-time checks
 * nor the general path; td_fully_connected_s8_paired otherwise.
 */
export function pairedEntry(depth: number, activation: { min: number; max: number }, inputPointer: string): string {
  const arena = /^\(\(const int8_t \*\)&td_arena\[(\d+)\]\)$/.exec(inputPointer);
  const aligned = arena !== null && Number(arena[1]) % 4 === 0;
  const short = depth % 8 === 0 && depth >= 8 && depth <= pairedChunk && activation.min === -128 && activation.max === 127 && aligned;
  return short ? 'td_fully_connected_s8_paired_short' : 'td_fully_connected_s8_paired';
}
