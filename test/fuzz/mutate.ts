/**
 * The fuzzer's mutation engine: a seeded generator and byte-level mutations (bit flips,
 * interesting values, chunk duplication, deletion and truncation, splicing two seeds) plus
 * flatbuffer-aware ones (rewriting little-endian 32-bit words that look like offsets, lengths or
 * vector counts). Everything is a pure function of the seed, so `(target, seed, case)` reproduces
 * any case.
 */

/** A seeded generator (xorshift128+ folded to 32 bits): fast, and the same sequence everywhere. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  constructor(seed: number, stream = 0) {
    // splitmix32 to spread (seed, stream) over the state.
    let x = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }
  /** A uint32 (xoshiro128**). */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
  /** An integer in 0 … n−1. */
  below(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.u32() / 0x100000000) * n);
  }
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const interesting8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x40, 0xfe];
const interesting32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000, 0xffff, 0x8000, 0x7fff, 0x100, 16, 64, 0x40000000];

/** Little-endian uint32 word offsets of `bytes` whose value could be a flatbuffer offset, length or count. */
function plausibleWords(bytes: Uint8Array, random: Random, tries = 16): number[] {
  const found: number[] = [];
  if (bytes.length < 8) return found;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < tries; i++) {
    const at = random.below((bytes.length - 4) >> 2) << 2;
    const value = view.getUint32(at, true);
    if (value > 0 && value < bytes.length) found.push(at);
  }
  return found;
}

/** Applies one mutation to `bytes` (a copy is returned; `bytes` is left alone). */
export function mutateOnce(bytes: Uint8Array, random: Random, other?: Uint8Array, options: { flatbuffer?: boolean } = {}): Uint8Array {
  // A fresh buffer at offset 0 (a Buffer's `slice` would be a view of the seed).
  let out: Uint8Array = new Uint8Array(bytes);
  const length = out.length;
  const kinds = options.flatbuffer ? 11 : 9;
  switch (random.below(kinds)) {
    case 0: // bit flips
      for (let i = 0, n = 1 + random.below(4); i < n && length > 0; i++) out[random.below(length)] ^= 1 << random.below(8);
      break;
    case 1: // byte set to an interesting value
      for (let i = 0, n = 1 + random.below(3); i < n && length > 0; i++) out[random.below(length)] = random.pick(interesting8);
      break;
    case 2: // 32-bit interesting value, either endianness
      if (length >= 4) {
        const at = random.below(length - 3);
        new DataView(out.buffer).setUint32(at, random.pick(interesting32), random.chance(0.7));
      }
      break;
    case 3: // random bytes
      for (let i = 0, n = 1 + random.below(8); i < n && length > 0; i++) out[random.below(length)] = random.below(256);
      break;
    case 4: { // duplicate a chunk in place
      if (length === 0) break;
      const start = random.below(length);
      const chunk = out.slice(start, start + 1 + random.below(Math.min(256, length - start)));
      const at = random.below(length + 1);
      out = concat(out.subarray(0, at), chunk, out.subarray(at));
      break;
    }
    case 5: { // delete a chunk
      if (length === 0) break;
      const start = random.below(length);
      const end = start + 1 + random.below(Math.min(256, length - start));
      out = concat(out.subarray(0, start), out.subarray(end));
      break;
    }
    case 6: // truncate
      out = out.slice(0, random.below(length + 1));
      break;
    case 7: { // splice with another seed (or itself)
      const source = other ?? bytes;
      const at = random.below(length + 1);
      const from = random.below(source.length + 1);
      out = random.chance(0.5)
        ? concat(out.subarray(0, at), source.subarray(from))
        : (() => {
            const copy = out.slice();
            const chunk = source.subarray(from, from + random.below(512));
            copy.set(chunk.subarray(0, Math.max(0, copy.length - at)), at);
            return copy;
          })();
      break;
    }
    case 8: // add or subtract a small number
      if (length > 0) {
        const at = random.below(length);
        out[at] = (out[at] + random.pick([1, -1, 2, -2, 16, -16, 64, -64])) & 0xff;
      }
      break;
    case 9: { // a flatbuffer offset, length or count: nudge, zero, point past the end, or blow up
      const words = plausibleWords(out, random);
      if (words.length === 0) break;
      const at = random.pick(words);
      const view = new DataView(out.buffer);
      const value = view.getUint32(at, true);
      const choices = [0, value + 4, value - 4, value + 1, value * 2, length, length - 1, length + 4, 0x7fffffff, 0xffffffff, 0x40000000, value ^ 0x80000000];
      view.setUint32(at, random.pick(choices) >>> 0, true);
      break;
    }
    default: { // a flatbuffer vtable entry (16-bit field offset) or 16-bit field
      if (length < 4) break;
      const at = random.below(length - 1) & ~1;
      new DataView(out.buffer).setUint16(at, random.pick([0, 4, 0xffff, 0x8000, 0x7fff, length & 0xffff, 2, 8]), true);
      break;
    }
  }
  return out;
}

/** 1 … `max` stacked mutations (fewer more often), so most cases stay close to a valid seed. */
export function mutate(bytes: Uint8Array, random: Random, other?: Uint8Array, options: { flatbuffer?: boolean; max?: number } = {}): Uint8Array {
  const count = 1 + Math.min(random.below(options.max ?? 8), random.below(options.max ?? 8));
  let out = bytes;
  for (let i = 0; i < count; i++) out = mutateOnce(out, random, other, options);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
