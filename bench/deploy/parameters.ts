/**
 * The folded parameters in a generated model.c, by kind: the per-op constant arrays the code
 * generator derives from the model file's quantization parameters and biases (per-channel
 * multipliers and shifts, biases with the input offset folded in). TFLite Micro keeps their
 * sources (per-channel scales and zero points, biases) in its model file, and computes the
 * multipliers and shifts into its arena at start-up, so its "code" (flash minus the model file)
 * holds none of them; ours counts them as code. The benchmark reports both.
 */

export interface FoldedParameters {
  multipliers: number;
  shifts: number;
  /** Biases with offsets folded in (FC, packed LSTM/GRU gates). */
  biases: number;
  /** Other per-op arrays (lookup tables, copy sizes): counted as code in both columns. */
  other: number;
}

const elementBytes: Record<string, number> = { int8_t: 1, uint8_t: 1, int16_t: 2, uint16_t: 2, int32_t: 4, uint32_t: 4, float: 4, int64_t: 8 };

/** Bytes of each kind of per-op array (`static const <type> td_[sgN_]opN_<name>[count]`) in `source`. */
export function foldedParameters(source: string): FoldedParameters {
  const parts: FoldedParameters = { multipliers: 0, shifts: 0, biases: 0, other: 0 };
  for (const match of source.matchAll(/^static const (\w+) td_(?:sg\d+_)?op\d+_(\w+)\[(\d+)\]/gm)) {
    const bytes = (elementBytes[match[1]!] ?? 4) * Number(match[3]);
    const name = match[2]!;
    if (name.endsWith('multiplier')) parts.multipliers += bytes;
    else if (name.endsWith('shift')) parts.shifts += bytes;
    else if (name.endsWith('bias')) parts.biases += bytes;
    else parts.other += bytes;
  }
  return parts;
}

/** Multipliers, shifts and folded biases: what TFLite Micro's model file holds the sources of. */
export function foldedBytes(parts: FoldedParameters): number {
  return parts.multipliers + parts.shifts + parts.biases;
}
