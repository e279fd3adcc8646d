/*
 * Word-at-a-time byte fills and copies for the data-movement kernels. The firmware links
 * newlib-nano, whose memset and memcpy move one byte per loop (built for size): a PAD or a
 * copy of a few kilobytes spent four instructions a byte there. These store 16 bytes per loop
 * (the Cortex-M4 and M7 load and store unaligned words; elsewhere the compiler turns the
 * fixed-size memcpy into what the target can do).
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
 * optimizing: 16 bytes per LDM/STM between word-aligned addresses (r7 left alone for builds that
 * keep a frame pointer).
 */
#if defined(__GNUC__) && defined(__OPTIMIZE__) && defined(__thumb2__) && defined(__ARM_FEATURE_UNALIGNED)
#define TD_BYTES_ASM 1
#else
#define TD_BYTES_ASM 0
#endif

/** `count` copies of `value` from `bytes`; returns the end. */
TD_INLINE int8_t *td_fill_s8(int8_t *bytes, int8_t value, int32_t count)
{
    uint32_t word = (uint32_t)(uint8_t)value * 0x01010101u;
    for (; count > 0 && ((uintptr_t)bytes & 3u) != 0; --count) {
        TD_OPAQUE_WORD(word);
        *bytes++ = (int8_t)word;
    }
#if TD_BYTES_ASM
    if (count >= 16) {
        int32_t blocks = count >> 4;
        __asm__ volatile("mov     r4, %[w]\n\t"
                         "mov     r5, %[w]\n\t"
                         "mov     r6, %[w]\n\t"
                         "mov     r8, %[w]\n\t"
                         "1:\n\t"
                         "stmia   %[to]!, {r4, r5, r6, r8}\n\t"
                         "subs    %[n], %[n], #1\n\t"
                         "bne     1b"
                         : [to] "+r"(bytes), [n] "+r"(blocks)
                         : [w] "r"(word)
                         : "r4", "r5", "r6", "r8", "cc", "memory");
        count &= 15;
    }
#endif
    for (; count >= 16; count -= 16, bytes += 16) {
        TD_OPAQUE_WORD(word);
        memcpy(bytes, &word, 4);
        memcpy(bytes + 4, &word, 4);
        memcpy(bytes + 8, &word, 4);
        memcpy(bytes + 12, &word, 4);
    }
    for (; count >= 4; count -= 4, bytes += 4) {
        TD_OPAQUE_WORD(word);
        memcpy(bytes, &word, 4);
    }
    for (; count > 0; --count) {
        TD_OPAQUE_WORD(word);
        *bytes++ = (int8_t)word;
    }
    return bytes;
}

/** `count` bytes from `from` to `bytes` (not overlapping); returns the end of the destination. */
TD_INLINE int8_t *td_copy_s8(int8_t *bytes, const int8_t *from, int32_t count)
{
#if TD_BYTES_ASM
    if (count >= 16 && ((uintptr_t)from & 3u) == 0) {
        int32_t blocks = count >> 4;
        if (((uintptr_t)bytes & 3u) == 0) {
            __asm__ volatile("1:\n\t"
                             "ldmia   %[from]!, {r4, r5, r6, r8}\n\t"
                             "stmia   %[to]!, {r4, r5, r6, r8}\n\t"
                             "subs    %[n], %[n], #1\n\t"
                             "bne     1b"
                             : [from] "+r"(from), [to] "+r"(bytes), [n] "+r"(blocks)
                             :
                             : "r4", "r5", "r6", "r8", "cc", "memory");
        } else {
            /* An unaligned destination: word stores (STM needs alignment). */
            __asm__ volatile("1:\n\t"
                             "ldmia   %[from]!, {r4, r5, r6, r8}\n\t"
                             "str     r4, [%[to]]\n\t"
                             "str     r5, [%[to], #4]\n\t"
                             "str     r6, [%[to], #8]\n\t"
                             "str     r8, [%[to], #12]\n\t"
                             "adds    %[to], %[to], #16\n\t"
                             "subs    %[n], %[n], #1\n\t"
                             "bne     1b"
                             : [from] "+r"(from), [to] "+r"(bytes), [n] "+r"(blocks)
                             :
                             : "r4", "r5", "r6", "r8", "cc", "memory");
        }
        count &= 15;
    }
#endif
    for (; count >= 16; count -= 16, bytes += 16, from += 16) {
        uint32_t a, b, c, d;
        memcpy(&a, from, 4);
        memcpy(&b, from + 4, 4);
        memcpy(&c, from + 8, 4);
        memcpy(&d, from + 12, 4);
        TD_OPAQUE_WORD(a);
        TD_OPAQUE_WORD(b);
        TD_OPAQUE_WORD(c);
        TD_OPAQUE_WORD(d);
        memcpy(bytes, &a, 4);
        memcpy(bytes + 4, &b, 4);
        memcpy(bytes + 8, &c, 4);
        memcpy(bytes + 12, &d, 4);
    }
    for (; count >= 4; count -= 4, bytes += 4, from += 4) {
        uint32_t a;
        memcpy(&a, from, 4);
        TD_OPAQUE_WORD(a);
        memcpy(bytes, &a, 4);
    }
    for (; count > 0; --count) {
        uint32_t byte = (uint8_t)*from++;
        TD_OPAQUE_WORD(byte);
        *bytes++ = (int8_t)byte;
    }
    return bytes;
}

#endif
