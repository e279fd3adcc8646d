/*
 * MUL, int8, Cortex-M DSP variant: overrides src/elementwise/td_mul_s8.c by name with the same
 * bits. The product of two offset int8 inputs (|p| <= 383 * 383 with offsets up to 255) is
 * below 2^30, so with equal shapes and an output right shift in [1, 31] it is requantized by
 * td_elementwise_dsp.h's SMMLAR form instead of the reference's 64-bit one (when the output offset
 * folds into its rounding and the activation's maximum is 127; the reference loop otherwise).
 */
#include "td_elementwise_dsp.h"

TD_INLINE int8_t td_mul_element_s8(const td_mul_params_s8 *params, int32_t x1, int32_t x2)
{
    const int32_t product = (x1 + params->input1_offset) * (x2 + params->input2_offset);
    const int32_t rescaled =
        td_multiply_by_quantized_multiplier(product, params->output.multiplier, params->output.shift);
    return (int8_t)td_clamp_i32(rescaled + params->output_offset, params->activation.min, params->activation.max);
}

#if TD_KERNELS_DSP
/**
 * The equal-shape loop of the right-shift form with the output offset folded into `rounding`
 * and the activation's maximum 127 (SSAT does it): product, SMMLAR(2 p, m, rounding + sign)
 * >> right, SSAT #8, max(., min). In assembly on the target: fourteen live values, which the
 * compiler otherwise reloads from the stack every element.
 */
TD_NOINLINE static void td_mul_s8_fast(const int8_t *input1,
                                       const int8_t *input2,
                                       int8_t *output,
                                       int32_t size,
                                       int32_t offset1,
                                       int32_t offset2,
                                       int32_t multiplier,
                                       int32_t rounding,
                                       int32_t right_shift,
                                       int32_t min)
{
    const int8_t *const end = input1 + size;
    if (size <= 0) return;
#if TD_DSP_ASM
    {
        int32_t x1, x2, t;
        __asm__ volatile("1:\n\t"
                         "ldrsb   %[x1], [%[p1]], #1\n\t"
                         "ldrsb   %[x2], [%[p2]], #1\n\t"
                         "add     %[x1], %[x1], %[o1]\n\t"
                         "add     %[x2], %[x2], %[o2]\n\t"
                         "mul     %[x1], %[x1], %[x2]\n\t"
                         "lsl     %[x1], %[x1], #1\n\t"
                         "add     %[t], %[rnd], %[x1], asr #31\n\t"
                         "smmlar  %[x1], %[x1], %[m], %[t]\n\t"
                         "asr     %[x1], %[x1], %[rs]\n\t"
                         "ssat    %[x1], #8, %[x1]\n\t"
                         "cmp     %[x1], %[min]\n\t"
                         "it      lt\n\t"
                         "movlt   %[x1], %[min]\n\t"
                         "strb    %[x1], [%[po]], #1\n\t"
                         "cmp     %[p1], %[end]\n\t"
                         "bne     1b"
                         : [p1] "+r"(input1), [p2] "+r"(input2), [po] "+r"(output), [x1] "=&r"(x1), [x2] "=&r"(x2),
                           [t] "=&r"(t)
                         : [end] "r"(end), [o1] "r"(offset1), [o2] "r"(offset2), [rnd] "r"(rounding),
                           [m] "r"(multiplier), [rs] "r"(right_shift), [min] "r"(min)
                         : "cc", "memory");
    }
#else
    while (input1 != end) {
        const int32_t doubled = (*input1++ + offset1) * (*input2++ + offset2) * 2;
        const int32_t value = td_ssat8(td_smmlar(doubled, multiplier, rounding + (doubled >> 31)) >> right_shift);
        *output++ = (int8_t)(value < min ? min : value);
    }
#endif
}
#endif

td_status td_mul_s8(const td_mul_params_s8 *params,
                    const td_dims *input1_dims,
                    const int8_t *input1,
                    const td_dims *input2_dims,
                    const int8_t *input2,
                    const td_dims *output_dims,
                    int8_t *output)
{
    if (td_dims_equal(input1_dims, output_dims) && td_dims_equal(input2_dims, output_dims)) {
        const int32_t size = td_dims_count(output_dims);
        int32_t i;
#if TD_KERNELS_DSP
        const td_fast_requant rescale = td_fast_requant_of(&params->output, params->output_offset);
        const int32_t offset1 = params->input1_offset;
        const int32_t offset2 = params->input2_offset;
        const int32_t min = params->activation.min;
        const int32_t max = params->activation.max;
        if (offset1 >= -255 && offset1 <= 255 && offset2 >= -255 && offset2 <= 255) {
            if (rescale.right_shift != 0 && rescale.offset == 0 && max == 127) {
                td_mul_s8_fast(input1, input2, output, size, offset1, offset2, rescale.multiplier, rescale.rounding,
                               rescale.right_shift, min);
                return TD_OK;
            }
        }
#endif
        for (i = 0; i < size; ++i) {
            output[i] = td_mul_element_s8(params, input1[i], input2[i]);
        }
    } else {
        TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
            output[out_index] = td_mul_element_s8(params, input1[index1], input2[index2]);
        });
    }
    return TD_OK;
}
