/*
 * What the Cortex-M DSP convolution's two files share (td_conv2d_s8.c, the block path, and
 * td_conv2d_s8_few.c, the few-output-channel path): the block's layout, each channel's
 * requantization and output, the few-channel path's conditions and the scratch layout, byte copies.
 * The few-channel path has a file of its own so that it does not change how the compiler lays out
 * td_conv2d_s8 (sharing its file cost the block path 0.1-1.2% on bench/kernels' convolutions).
 */
#ifndef TD_CONV2D_S8_DSP_H
#define TD_CONV2D_S8_DSP_H

#include <string.h>

#include "../../conv/td_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** Output pixels per im2col block. */
#define TD_CONV_PIXELS 4
/** Words of one group of four k in a block: two per pixel. */
#define TD_CONV_GROUP_WORDS (TD_CONV_PIXELS * 2)
/** TD_CONV_GROUP_WORDS in bytes, as the assembly's post-increments spell it. */
#define TD_CONV_GROUP_BYTES_ASM "32"

/**
 * A channel's requantization for this kernel: the fast form with the output offset folded into
 * its rounding when its right shift allows (<= 21), else the wide form, which adds the offset
 * after its shift and is exact for every fast channel too (|acc| < 2^30 and 2^(right - 1) <=
 * 2^30: see td_dsp.h), else the exact one. The fast form's outputs then need no addition.
 */
__attribute__((unused)) static td_channel_requant td_conv_requant(int32_t bias,
                                          int32_t multiplier,
                                          int32_t shift,
                                          int32_t output_offset,
                                          int32_t terms)
{
    td_channel_requant requant = td_channel_requant_of(bias, multiplier, shift, terms);
    if (requant.right_shift != 0 && (requant.right_shift & TD_REQUANT_WIDE) == 0) {
        if (requant.right_shift <= TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT) {
            requant.rounding += output_offset * ((int32_t)1 << requant.right_shift);
        } else {
            requant.right_shift |= TD_REQUANT_WIDE;
        }
    }
    return requant;
}

/**
 * Output channels up to which the convolution takes the few-channel path (td_conv_few), when a
 * filter row (K_w * C_in bytes) holds at least two words and the patch at least 32 (shorter rows
 * and patches leave the path's per-row and per-pixel work uncovered: bench/shapes seeds 60, 202; the
 * generator takes rows under three words only where most windows lie inside the image across).
 */
#define TD_CONV_FEW_MAX 3

TD_INLINE int td_conv_takes_few(const td_dims *filter_dims)
{
    return filter_dims->n <= TD_CONV_FEW_MAX && filter_dims->w * filter_dims->c >= 8 &&
           filter_dims->h * filter_dims->w * filter_dims->c >= 32;
}

/**
 * Output pixels from which the few-channel path pays for widening the weights once per call (fewer:
 * the block path; bench/shapes seed 300, three pixels of an 8x10 window over 64 channels).
 */
#define TD_CONV_FEW_MIN_PIXELS 16

/** The block path's scratch: requantization table, four columns, gathered patch, padded weight rows. */
TD_INLINE int32_t td_conv_block_buffer_size(const td_dims *filter_dims)
{
    const int32_t length = filter_dims->c * filter_dims->h * filter_dims->w;
    const int32_t groups = (length + 3) / 4;
    /* The gathered patch only when C_in % 4 != 0. */
    return filter_dims->n * (int32_t)sizeof(td_channel_requant) +
           groups * (TD_CONV_GROUP_WORDS * (int32_t)sizeof(uint32_t) + ((filter_dims->c & 3) != 0 ? 4 : 0)) +
           ((length & 3) != 0 ? filter_dims->n * groups * 4 : 0);
}

/**
 * The few-channel path's scratch: the block path's (whose columns hold its patch), then the widened
 * weights, two words per filter per group of four k of each filter row. The path checks its scratch
 * against this itself: on the Cortex-M55 td_conv2d_s8 (and so its get_buffer_size) is the Helium
 * kernel's.
 */
TD_INLINE int32_t td_conv_few_buffer_size(const td_dims *filter_dims)
{
    return td_conv_block_buffer_size(filter_dims) +
           filter_dims->n * filter_dims->h * ((filter_dims->w * filter_dims->c + 3) / 4) * 8;
}

/** `count` bytes from `values` to `bytes`, a word at a time where it can (Cortex-M4 loads and stores unaligned words). */
TD_INLINE int8_t *td_copy_bytes(int8_t *bytes, const int8_t *values, int32_t count)
{
    for (; count >= 4; count -= 4, bytes += 4, values += 4) {
        const uint32_t four = td_read_u32(values);
        memcpy(bytes, &four, sizeof(four));
    }
    for (; count > 0; --count) {
        *bytes++ = *values++;
    }
    return bytes;
}

/** `count` copies of `value` (padded taps: only at the image's edges, so usually none). */
TD_INLINE int8_t *td_fill_bytes(int8_t *bytes, int8_t value, int32_t count)
{
    /* A few bytes per padded row (a call to memset cost more than the stores): a plain loop,
     * which the empty asm keeps the compiler from turning back into that call. */
    for (; count > 0; --count) {
        *bytes++ = value;
#if defined(__GNUC__)
        __asm__("" : "+r"(bytes));
#endif
    }
    return bytes;
}

/**
 * Requantization, output offset and activation of one accumulator, any form of td_conv_requant
 * (the fast one has the offset in its rounding already); kept out of line.
 */
TD_NOINLINE __attribute__((unused)) static int8_t td_conv_output(const td_conv_params *params, const td_channel_requant *requant, int32_t acc)
{
    const int fast = requant->right_shift != 0 && (requant->right_shift & TD_REQUANT_WIDE) == 0;
    const int32_t value = td_requant_channel(acc, requant, fast ? 0 : params->output_offset);
    return (int8_t)td_clamp_i32(value, params->activation.min, params->activation.max);
}

#endif /* TD_KERNELS_DSP */

#endif /* TD_CONV2D_S8_DSP_H */
