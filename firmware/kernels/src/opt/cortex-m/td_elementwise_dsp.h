/*
 * TinyDeploy kernel library, internal: ADD, SUB and MUL int8 on the Cortex-M DSP extension, with
 * the same bits as src/elementwise/ (TFLite's reference_integer_ops).
 *
 * ADD/SUB rescale each offset input, shifted left by left_shift (20), to a common scale, sum
 * them and rescale the sum to the output; each rescale is one td_requant_fast (SMMLAR, td_dsp.h)
 * instead of the reference's 64-bit SaturatingRoundingDoublingHighMul and RoundingDivideByPOT:
 * |x + offset| <= 255 keeps (x + offset) << 20 and the sum of the two rescaled inputs below
 * 2^30, the fast form's bound, so only the shifts decide (every right shift of the inputs and
 * the output in [1, 31]; the output offset folded into the rounding up to 21; the larger-scale
 * input's multiplier of one half is a plain shift, exact). MUL's product of
 * two offset inputs (|p| <= 255 * 255) is always within the bound. Parameters outside the fast
 * form (a left shift, a zero right shift), broadcast shapes and cores without the DSP extension
 * take the reference loop. An input may be the output (in place): element i is read before it
 * is written.
 */
#ifndef TD_ELEMENTWISE_DSP_H
#define TD_ELEMENTWISE_DSP_H

#include "../../elementwise/td_elementwise_common.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/** One fast requantization prepared per call: result = SMMLAR(2 acc, m, rounding + sign) >> right (+ offset). */
typedef struct {
    int32_t multiplier;
    int32_t right_shift; /* 0: not in the fast form */
    int32_t rounding;
    int32_t offset; /* added after the shift (0 when folded into the rounding) */
} td_fast_requant;

/** The fast form of requant(acc, m, shift) + offset for |acc| < 2^30, or right_shift 0 when it has none. */
TD_INLINE td_fast_requant td_fast_requant_of(const td_requant *requant, int32_t offset)
{
    td_fast_requant fast;
    td_channel_requant channel = td_channel_requant_folded_of(0, requant->multiplier, requant->shift, offset, 0);
    fast.offset = 0;
    if (channel.right_shift == 0) {
        channel = td_channel_requant_of(0, requant->multiplier, requant->shift, 0);
        fast.offset = offset;
    }
    fast.multiplier = channel.multiplier;
    fast.right_shift = (channel.right_shift & TD_REQUANT_WIDE) != 0 ? 0 : channel.right_shift;
    fast.rounding = channel.rounding;
    return fast;
}

/** SMMLAR(doubled, m, rounding + sign) >> right + offset, where doubled = 2 acc (|acc| < 2^30). */
TD_INLINE int32_t td_fast_requant_doubled(int32_t doubled, const td_fast_requant *requant)
{
    return (td_smmlar(doubled, requant->multiplier, requant->rounding + (doubled >> 31)) >> requant->right_shift) +
           requant->offset;
}

/** The multiplier of one half (2^30, shift 0): the larger-scale input's, whose rescale is then exact: v 2^19. */
TD_INLINE int td_is_half(const td_requant *requant)
{
    return requant->multiplier == ((int32_t)1 << 30) && requant->shift == 0;
}

/** The fast loop's parameters, every rescale in the fast form, left_shift 20. */
typedef struct {
    td_fast_requant scale1;
    td_fast_requant scale2;
    td_fast_requant rescale;
    int32_t offset1;
    int32_t offset2;
    int32_t min;
    int32_t max;
} td_add_fast;

/**
 * One input's rescale of v << 20: v << 19 when its multiplier is one half (`half`, a constant in
 * each specialized loop below), else the fast form.
 */
TD_INLINE int32_t td_add_scale(int32_t value, int half, int32_t multiplier, int32_t rounding, int32_t right_shift)
{
    if (half) return (int32_t)((uint32_t)value << 19);
    {
        const int32_t doubled = (int32_t)((uint32_t)value << 21);
        return td_smmlar(doubled, multiplier, rounding + (doubled >> 31)) >> right_shift;
    }
}

/**
 * The element loop for one combination of half1/half2 (constants), the parameters in locals so
 * that the compiler keeps them in registers.
 */
#define TD_ADD_FAST_LOOP(NAME, HALF1, HALF2)                                                                    \
    TD_NOINLINE static void NAME(const td_add_fast *k, int32_t subtract, int32_t size, const int8_t *input1,    \
                                 const int8_t *input2, int8_t *output)                                          \
    {                                                                                                           \
        const int32_t offset1 = k->offset1, offset2 = k->offset2, min = k->min, max = k->max;                  \
        const int32_t m1 = k->scale1.multiplier, rounding1 = k->scale1.rounding, right1 = k->scale1.right_shift; \
        const int32_t m2 = k->scale2.multiplier, rounding2 = k->scale2.rounding, right2 = k->scale2.right_shift; \
        const int32_t m = k->rescale.multiplier, rounding = k->rescale.rounding;                               \
        const int32_t right = k->rescale.right_shift, offset = k->rescale.offset;                              \
        const int8_t *const end = input1 + size;                                                                \
        while (input1 != end) {                                                                                 \
            const int32_t scaled1 = td_add_scale(*input1++ + offset1, HALF1, m1, rounding1, right1);           \
            const int32_t scaled2 = td_add_scale(*input2++ + offset2, HALF2, m2, rounding2, right2);           \
            const int32_t doubled = (int32_t)((uint32_t)(subtract ? scaled1 - scaled2 : scaled1 + scaled2) << 1); \
            int32_t value = (td_smmlar(doubled, m, rounding + (doubled >> 31)) >> right) + offset;             \
            value = td_ssat8(value);                                                                            \
            value = value < min ? min : value;                                                                  \
            *output++ = (int8_t)(value > max ? max : value);                                                    \
        }                                                                                                       \
    }
TD_ADD_FAST_LOOP(td_add_fast_half_half, 1, 1)
TD_ADD_FAST_LOOP(td_add_fast_half_any, 1, 0)
TD_ADD_FAST_LOOP(td_add_fast_any_half, 0, 1)
TD_ADD_FAST_LOOP(td_add_fast_any_any, 0, 0)

/** ADD (subtract 0) or SUB (1) in the fast form; returns 0 (and writes nothing) when the parameters have none. */
TD_INLINE int td_add_or_sub_s8_fast(const td_add_params_s8 *params,
                                    const td_dims *input1_dims,
                                    const int8_t *input1,
                                    const td_dims *input2_dims,
                                    const int8_t *input2,
                                    const td_dims *output_dims,
                                    int8_t *output,
                                    int32_t subtract)
{
    td_add_fast k;
    const int half1 = td_is_half(&params->input1);
    const int half2 = td_is_half(&params->input2);
    int32_t size;
    k.scale1 = td_fast_requant_of(&params->input1, 0);
    k.scale2 = td_fast_requant_of(&params->input2, 0);
    k.rescale = td_fast_requant_of(&params->output, params->output_offset);
    k.offset1 = params->input1_offset;
    k.offset2 = params->input2_offset;
    k.min = params->activation.min;
    k.max = params->activation.max;
    if (!td_dims_equal(input1_dims, output_dims) || !td_dims_equal(input2_dims, output_dims)) return 0;
    if ((k.scale1.right_shift == 0 && !half1) || (k.scale2.right_shift == 0 && !half2) || k.rescale.right_shift == 0 ||
        params->left_shift != 20 || k.offset1 < -255 || k.offset1 > 255 || k.offset2 < -255 || k.offset2 > 255) {
        return 0;
    }
    size = td_dims_count(output_dims);
    if (half1 && half2) {
        td_add_fast_half_half(&k, subtract, size, input1, input2, output);
    } else if (half1) {
        td_add_fast_half_any(&k, subtract, size, input1, input2, output);
    } else if (half2) {
        td_add_fast_any_half(&k, subtract, size, input1, input2, output);
    } else {
        td_add_fast_any_any(&k, subtract, size, input1, input2, output);
    }
    return 1;
}

#endif /* TD_KERNELS_DSP */

#endif /* TD_ELEMENTWISE_DSP_H */
