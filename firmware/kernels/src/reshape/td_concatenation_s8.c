/*
 * CONCATENATION, int8 (TFLite's reference_ops::Concatenation): for every outer index, each
 * input's block of copy_sizes[i] elements in input order, copied a word block at a time
 * (td_bytes.h; newlib-nano's memcpy moves one byte per loop), or, when every block is a few
 * whole words between word-aligned buffers, input by input with LDM/STM.
 */
#include "../internal/td_common.h"
#include "td_bytes.h"

#if defined(__GNUC__)
typedef uint32_t td_concat_word __attribute__((may_alias));
#else
typedef uint32_t td_concat_word;
#endif

/** Blocks below this many bytes go as words when everything is word-aligned; larger ones through td_copy_s8. */
#define TD_CONCAT_SMALL_BLOCK 64

/**
 * Every block of one input (words per block, `count` blocks, contiguous in the input) to its
 * place in each output block (`stride` words apart): four words per LDM/STM on Thumb-2.
 */
static void td_concat_words(td_concat_word *to, const td_concat_word *from, int32_t words, int32_t stride, int32_t count)
{
    const int32_t fours = words >> 2;
    const int32_t skip = stride - words;
    int32_t k;
    for (; count > 0; --count, to += skip) {
#if TD_BYTES_ASM
        if (fours > 0) {
            k = fours;
            __asm__ volatile("1:\n\t"
                             "ldmia   %[from]!, {r4, r5, r6, r8}\n\t"
                             "stmia   %[to]!, {r4, r5, r6, r8}\n\t"
                             "subs    %[n], %[n], #1\n\t"
                             "bne     1b"
                             : [from] "+r"(from), [to] "+r"(to), [n] "+r"(k)
                             :
                             : "r4", "r5", "r6", "r8", "cc", "memory");
        }
#else
        for (k = fours; k > 0; --k, from += 4, to += 4) {
            uint32_t a = from[0], b = from[1], c = from[2], d = from[3];
            TD_OPAQUE_WORD(a);
            TD_OPAQUE_WORD(b);
            TD_OPAQUE_WORD(c);
            TD_OPAQUE_WORD(d);
            to[0] = a;
            to[1] = b;
            to[2] = c;
            to[3] = d;
        }
#endif
        if (words & 2) {
            uint32_t a = from[0], b = from[1];
            TD_OPAQUE_WORD(a);
            to[0] = a;
            to[1] = b;
            from += 2;
            to += 2;
        }
        if (words & 1) *to++ = *from++;
    }
}

td_status td_concatenation_s8(const td_concat_params *params, const int8_t *const *inputs, int8_t *output)
{
    uintptr_t alignment = (uintptr_t)output;
    int32_t outer, i, total = 0;
    for (i = 0; i < params->num_inputs; ++i) {
        alignment |= (uintptr_t)inputs[i] | (uintptr_t)params->copy_sizes[i];
        if (params->copy_sizes[i] >= TD_CONCAT_SMALL_BLOCK) alignment |= 1u;
        total += params->copy_sizes[i];
    }
    if ((alignment & 3u) == 0 && total > 0) {
        /* Word-aligned blocks of a few whole words (a channel concatenation of arena tensors):
         * input by input, each block word-copied into its strided place. */
        td_concat_word *out = (td_concat_word *)(void *)output;
        for (i = 0; i < params->num_inputs; ++i) {
            const int32_t words = params->copy_sizes[i] >> 2;
            if (words > 0) {
                td_concat_words(out, (const td_concat_word *)(const void *)inputs[i], words, total >> 2, params->outer_size);
            }
            out += words;
        }
        return TD_OK;
    }
    for (outer = 0; outer < params->outer_size; ++outer) {
        for (i = 0; i < params->num_inputs; ++i) {
            const int32_t size = params->copy_sizes[i];
            output = td_copy_s8(output, inputs[i] + outer * size, size);
        }
    }
    return TD_OK;
}
