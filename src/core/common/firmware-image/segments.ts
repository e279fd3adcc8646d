/**
 * A firmware image as the writers of `.bin`, `.hex` and `.uf2` see it: bytes at addresses (the
 * load addresses of the ELF's PT_LOAD segments). Pure data, so core/common encodes it and the
 * node side only reads the ELF and writes the files.
 */
export interface ImageSegment {
  /** Load address of the first byte. */
  address: number;
  bytes: Uint8Array;
}

/**
 * The segments sorted by address, with touching ones merged; overlapping segments are an error
 * (`overlap` is called with both addresses and returns the error to throw).
 */
export function normalizeSegments(segments: readonly ImageSegment[], overlap: (first: number, second: number) => Error): ImageSegment[] {
  const sorted = segments.filter((segment) => segment.bytes.length > 0).sort((a, b) => a.address - b.address);
  const merged: ImageSegment[] = [];
  for (const segment of sorted) {
    const last = merged[merged.length - 1];
    if (last && segment.address < last.address + last.bytes.length) throw overlap(last.address, segment.address);
    if (last && segment.address === last.address + last.bytes.length) {
      const joined = new Uint8Array(last.bytes.length + segment.bytes.length);
      joined.set(last.bytes);
      joined.set(segment.bytes, last.bytes.length);
      merged[merged.length - 1] = { address: last.address, bytes: joined };
    } else {
      merged.push({ address: segment.address, bytes: segment.bytes });
    }
  }
  return merged;
}

/**
 * The flat binary of `objcopy -O binary`: from the lowest address to the end of the highest
 * segment, gaps filled with `fill` (0xff: erased flash). Refuses an image spanning more than
 * `maxBytes` (segments in far-apart memories would make a huge file).
 */
export function flatBinary(segments: readonly ImageSegment[], overlap: (first: number, second: number) => Error, options: { fill?: number; maxBytes: number; tooLarge: (bytes: number) => Error }): { address: number; bytes: Uint8Array } {
  const sorted = normalizeSegments(segments, overlap);
  if (sorted.length === 0) return { address: 0, bytes: new Uint8Array(0) };
  const start = sorted[0].address;
  const last = sorted[sorted.length - 1];
  const length = last.address + last.bytes.length - start;
  if (length > options.maxBytes) throw options.tooLarge(length);
  const bytes = new Uint8Array(length).fill(options.fill ?? 0xff);
  for (const segment of sorted) bytes.set(segment.bytes, segment.address - start);
  return { address: start, bytes };
}
