/*
 * Word-at-a-time byte fills and copies for the data-movement kernels. The firmware links
 * newlib-nano, whose memset and memcpy move one byte per loop (built for size): a PAD or a
 * copy of a few kilobytes spent four instructions a byte there. These store 32 bytes per loop
 * (the Cortex-M4 and M7 load and store unaligned words and halfwords; elsewhere the compiler
 * turns the fixed-size memcpy into what the target can do); runs under 32 bytes are unaligned
 * word stores and a halfword and a byte.
 */
#ifndef TD_BYTES_H
#define TD_BYTES_H

#include "../internal/td_common.h"

/*
 * GCC at -O2 turns a loop that stores one value, or stores what it loads, back into a memset or
 * memcpy call (-ftree-loop-distribute-patterns): newlib-nano's byte loops again. Passing each
 * word through an empty asm makes it a value the compiler cannot see through.
 */
#if defined(__GNUC__)
#define TD_OPAQUE_WORD(word) __asm__("" : "+r"(word))
#else
#define TD_OPAQUE_WORD(word) ((void)0)
#endif

/*
 * On Thumb-2 cores that load and store unaligned words (Cortex-M3/M4/M7/M33/M55), with GCC
 * optimizing: 32 bytes per STM of eight registers to a word-aligned destination, loaded by one
 * LDM from a word-aligned source or by eight post-indexed LDRs from any other (r7 left alone for
 * builds that keep a frame pointer). Copies first move the destination to a word boundary.
 */
#if defined(__GNUC__) && defined(__OPTIMIZE__) && defined(__thumb2__) && defined(__ARM_FEATURE_UNALIGNED)
#define TD_BYTES_ASM 1
#else
#define TD_BYTES_ASM 0
#endif

/*
 * The block loops out of line: their eight registers would otherwise be spilled around the
 * caller's loops (a call and its push and pop are three instructions).
 */
#if defined(__GNUC__)
#define TD_BYTES_FUNCTION static __attribute__((noinline, unused))
#else
#define TD_BYTES_FUNCTION static
#endif

/** The last `count` & 31 bytes of a fill from word `word`: unaligned word stores, then a halfword and a byte. */
#define TD_FILL_TAIL(bytes, word, count)              \
    do {                                              \
        TD_OPAQUE_WORD(word);                         \
        if ((count) & 16) {                           \
            memcpy((bytes), &(word), 4);              \
            memcpy((bytes) + 4, &(word), 4);          \
            memcpy((bytes) + 8, &(word), 4);          \
            memcpy((bytes) + 12, &(word), 4);         \
            (bytes) += 16;                            \
        }                                             \
        if ((count) & 8) {                            \
            memcpy((bytes), &(word), 4);              \
            memcpy((bytes) + 4, &(word), 4);          \
            (bytes) += 8;                             \
        }                                             \
        if ((count) & 4) {                            \
            memcpy((bytes), &(word), 4);              \
            (bytes) += 4;                             \
        }                                             \
        if ((count) & 2) {                            \
            memcpy((bytes), &(word), 2);              \
            (bytes) += 2;                             \
        }                                             \
        if ((count) & 1) *(bytes)++ = (int8_t)(word); \
    } while (0)

/** The 32-byte blocks of a fill (after the alignment); returns their end (fewer than 32 bytes remain). */
TD_BYTES_FUNCTION int8_t *td_fill_blocks_s8(int8_t *bytes, uint32_t word, int32_t count)
{
#if TD_BYTES_ASM
    if (count >= 32) {
        int32_t blocks;
        if (((uintptr_t)bytes & 1u) != 0) {
            *bytes++ = (int8_t)word;
            --count;
        }
        if (((uintptr_t)bytes & 2u) != 0) {
            memcpy(bytes, &word, 2);
            bytes += 2;
            count -= 2;
        }
        blocks = count >> 5; /* 0 when the alignment left fewer than 32 bytes */
        if (blocks > 0) __asm__ volatile("mov     r4, %[w]\n\t"
                         "mov     r5, %[w]\n\t"
                         "mov     r6, %[w]\n\t"
                         "mov     r8, %[w]\n\t"
                         "mov     r9, %[w]\n\t"
                         "mov     r10, %[w]\n\t"
                         "mov     r11, %[w]\n\t"
                         "mov     r12, %[w]\n\t"
                         "1:\n\t"
                         "stmia   %[to]!, {r4, r5, r6, r8, r9, r10, r11, r12}\n\t"
                         "subs    %[n], %[n], #1\n\t"
                         "bne     1b"
                         : [to] "+r"(bytes), [n] "+r"(blocks)
                         : [w] "r"(word)
                         : "r4", "r5", "r6", "r8", "r9", "r10", "r11", "r12", "cc", "memory");
        count &= 31;
    }
#else
    for (; count >= 32; count -= 32, bytes += 32) {
        TD_OPAQUE_WORD(word);
        memcpy(bytes, &word, 4);
        memcpy(bytes + 4, &word, 4);
        memcpy(bytes + 8, &word, 4);
        memcpy(bytes + 12, &word, 4);
        memcpy(bytes + 16, &word, 4);
        memcpy(bytes + 20, &word, 4);
        memcpy(bytes + 24, &word, 4);
        memcpy(bytes + 28, &word, 4);
    }
#endif
    return bytes;
}

/** `count` copies of `value` from `bytes`; returns the end. Runs under 32 bytes stay inline. */
TD_INLINE int8_t *td_fill_s8(int8_t *bytes, int8_t value, int32_t count)
{
    uint32_t word = (uint32_t)(uint8_t)value * 0x01010101u;
    if (count >= 32) {
        int8_t *const end = td_fill_blocks_s8(bytes, word, count);
        count -= (int32_t)(end - bytes);
        bytes = end;
    }
    TD_FILL_TAIL(bytes, word, count);
    return bytes;
}

/**
 * The 32-byte blocks of a copy of `count` bytes (after the bytes that align the destination);
 * returns the end of what it copied (the rest is count - (end - bytes) < 32 bytes).
 */
TD_INLINE int8_t *td_copy_blocks_s8(int8_t *bytes, const int8_t *from, int32_t count)
{
#if TD_BYTES_ASM
    if (count >= 32) {
        int32_t blocks;
        if (((uintptr_t)bytes & 1u) != 0) {
            *bytes++ = *from++;
            --count;
        }
        if (((uintptr_t)bytes & 2u) != 0) {
            memcpy(bytes, from, 2);
            bytes += 2;
            from += 2;
            count -= 2;
        }
        blocks = count >> 5; /* 0 when the alignment left fewer than 32 bytes */
        if (blocks > 0 && ((uintptr_t)from & 3u) == 0) {
            __asm__ volatile("1:\n\t"
                             "ldmia   %[from]!, {r4, r5, r6, r8, r9, r10, r11, r12}\n\t"
                             "stmia   %[to]!, {r4, r5, r6, r8, r9, r10, r11, r12}\n\t"
                             "subs    %[n], %[n], #1\n\t"
                             "bne     1b"
                             : [from] "+r"(from), [to] "+r"(bytes), [n] "+r"(blocks)
                             :
                             : "r4", "r5", "r6", "r8", "r9", "r10", "r11", "r12", "cc", "memory");
        } else if (blocks > 0) {
            /* An unaligned source: word loads (LDM needs alignment). */
            __asm__ volatile("1:\n\t"
                             "ldr     r4, [%[from]], #4\n\t"
                             "ldr     r5, [%[from]], #4\n\t"
                             "ldr     r6, [%[from]], #4\n\t"
                             "ldr     r8, [%[from]], #4\n\t"
                             "ldr     r9, [%[from]], #4\n\t"
                             "ldr     r10, [%[from]], #4\n\t"
                             "ldr     r11, [%[from]], #4\n\t"
                             "ldr     r12, [%[from]], #4\n\t"
                             "stmia   %[to]!, {r4, r5, r6, r8, r9, r10, r11, r12}\n\t"
                             "subs    %[n], %[n], #1\n\t"
                             "bne     1b"
                             : [from] "+r"(from), [to] "+r"(bytes), [n] "+r"(blocks)
                             :
                             : "r4", "r5", "r6", "r8", "r9", "r10", "r11", "r12", "cc", "memory");
        }
        count &= 31;
    }
#else
    for (; count >= 32; count -= 32, bytes += 32, from += 32) {
        uint32_t a, b, c, d;
        memcpy(&a, from, 4);
        memcpy(&b, from + 4, 4);
        memcpy(&c, from + 8, 4);
        memcpy(&d, from + 12, 4);
        TD_OPAQUE_WORD(a);
        memcpy(bytes, &a, 4);
        memcpy(bytes + 4, &b, 4);
        memcpy(bytes + 8, &c, 4);
        memcpy(bytes + 12, &d, 4);
        memcpy(&a, from + 16, 4);
        memcpy(&b, from + 20, 4);
        memcpy(&c, from + 24, 4);
        memcpy(&d, from + 28, 4);
        TD_OPAQUE_WORD(a);
        memcpy(bytes + 16, &a, 4);
        memcpy(bytes + 20, &b, 4);
        memcpy(bytes + 24, &c, 4);
        memcpy(bytes + 28, &d, 4);
    }
#endif
    return bytes;
}

/** A copy of fewer than 32 bytes, each load before its store (a forward copy); returns the end. */
TD_INLINE int8_t *td_copy_short_s8(int8_t *bytes, const int8_t *from, int32_t count)
{
    if (count & 16) {
        uint32_t a, b, c, d;
        memcpy(&a, from, 4);
        memcpy(&b, from + 4, 4);
        memcpy(&c, from + 8, 4);
        memcpy(&d, from + 12, 4);
        TD_OPAQUE_WORD(a);
        memcpy(bytes, &a, 4);
        memcpy(bytes + 4, &b, 4);
        memcpy(bytes + 8, &c, 4);
        memcpy(bytes + 12, &d, 4);
        bytes += 16;
        from += 16;
    }
    if ((count & 15) == 0) return bytes;
    if (count & 8) {
        uint32_t a, b;
        memcpy(&a, from, 4);
        memcpy(&b, from + 4, 4);
        TD_OPAQUE_WORD(a);
        memcpy(bytes, &a, 4);
        memcpy(bytes + 4, &b, 4);
        bytes += 8;
        from += 8;
    }
    if (count & 4) {
        uint32_t a;
        memcpy(&a, from, 4);
        TD_OPAQUE_WORD(a);
        memcpy(bytes, &a, 4);
        bytes += 4;
        from += 4;
    }
    if (count & 2) {
        uint16_t pair;
        memcpy(&pair, from, 2);
        memcpy(bytes, &pair, 2);
        bytes += 2;
        from += 2;
    }
    if (count & 1) *bytes++ = *from;
    return bytes;
}

/** A copy of 32 bytes or more: the blocks, then the tail. */
TD_BYTES_FUNCTION int8_t *td_copy_long_s8(int8_t *bytes, const int8_t *from, int32_t count)
{
    int8_t *const end = td_copy_blocks_s8(bytes, from, count);
    return td_copy_short_s8(end, from + (end - bytes), count - (int32_t)(end - bytes));
}

/**
 * `count` bytes from `from` to `bytes`, moving forward (each word loaded before it is stored, so
 * a destination below an overlapping source is safe); returns the end of the destination. Runs
 * under 32 bytes stay inline.
 */
TD_INLINE int8_t *td_copy_s8(int8_t *bytes, const int8_t *from, int32_t count)
{
    return count >= 32 ? td_copy_long_s8(bytes, from, count) : td_copy_short_s8(bytes, from, count);
}

#endif
