/*
 * ADD, int8, Cortex-M DSP variant: overrides src/elementwise/td_add_s8.c by name with the same
 * bits; equal shapes with parameters in the fast form take td_elementwise_dsp.h's SMMLAR loop.
 *
 * The residual adds of a ResNet (one input at the larger scale, whose rescale is then a plain
 * shift, the full int8 range) take a tighter loop first: the input offsets are folded into the
 * shifts (x << 21 plus offset << 21 is one ADD with a shifted operand), the doubling before the
 * output's SMMLAR into the sum, and the clamp is SSAT alone: 15 instructions an element instead
 * of about 33. Same sums as td_elementwise_dsp.h (|x + offset| <= 255 keeps every term below
 * 2^30), so the same bits.
 */
#include "td_elementwise_dsp.h"

#if TD_KERNELS_DSP

/**
 * Elements of in1 + in2 over the full int8 range, in1's rescale in the fast form, in2's
 * multiplier one half (a plain shift), the output offset folded into the output's rounding.
 * Per element: (x1 << 21) + (offset1 << 21) is one ADD with a shifted operand, its rescale
 * SMMLAR and two more; the doubled sum 2 s1 + ((x2 + offset2) << 20) two ADDs; the output's
 * SMMLAR and two more, SSAT, the store: 15 instructions with the loop's.
 */
TD_NOINLINE static void td_add_full_range_half2(const td_add_fast *k,
                                                int32_t size,
                                                const int8_t *input1,
                                                const int8_t *input2,
                                                int8_t *output)
{
    const int32_t bias1 = (int32_t)((uint32_t)k->offset1 << 21);
    const int32_t bias2 = (int32_t)((uint32_t)k->offset2 << 20);
    const int32_t m1 = k->scale1.multiplier, rounding1 = k->scale1.rounding, right1 = k->scale1.right_shift;
    const int32_t m = k->rescale.multiplier, rounding = k->rescale.rounding, right = k->rescale.right_shift;
    const int8_t *const end = input1 + size;
#if TD_DSP_ASM
    int32_t a, b;
    if (size == 0) return;
    __asm__ volatile("1:\n\t"
                     "ldrsb   %[a], [%[x1]], #1\n\t"
                     "add     %[a], %[bias1], %[a], lsl #21\n\t"
                     "add     %[b], %[r1], %[a], asr #31\n\t"
                     "smmlar  %[a], %[a], %[m1], %[b]\n\t"
                     "asr     %[a], %[a], %[s1]\n\t"
                     "ldrsb   %[b], [%[x2]], #1\n\t"
                     "add     %[b], %[bias2], %[b], lsl #20\n\t"
                     "add     %[a], %[b], %[a], lsl #1\n\t"
                     "add     %[b], %[r], %[a], asr #31\n\t"
                     "smmlar  %[a], %[a], %[m], %[b]\n\t"
                     "asr     %[a], %[a], %[s]\n\t"
                     "ssat    %[a], #8, %[a]\n\t"
                     "strb    %[a], [%[y]], #1\n\t"
                     "cmp     %[x1], %[end]\n\t"
                     "bne     1b"
                     : [x1] "+r"(input1), [x2] "+r"(input2), [y] "+r"(output), [a] "=&r"(a), [b] "=&r"(b)
                     : [end] "r"(end), [bias1] "r"(bias1), [r1] "r"(rounding1), [m1] "r"(m1), [s1] "r"(right1),
                       [bias2] "r"(bias2), [r] "r"(rounding), [m] "r"(m), [s] "r"(right)
                     : "cc", "memory");
#else
    while (input1 != end) {
        const int32_t doubled1 = bias1 + (int32_t)((uint32_t)*input1++ << 21);
        const int32_t scaled1 = td_smmlar(doubled1, m1, rounding1 + (doubled1 >> 31)) >> right1;
        const int32_t doubled = bias2 + (int32_t)((uint32_t)*input2++ << 20) + (int32_t)((uint32_t)scaled1 << 1);
        *output++ = (int8_t)td_ssat8(td_smmlar(doubled, m, rounding + (doubled >> 31)) >> right);
    }
#endif
}

/** td_fast_requant_of out of line (called twice below). */
TD_NOINLINE static td_fast_requant td_add_requant(const td_requant *requant, int32_t offset)
{
    return td_fast_requant_of(requant, offset);
}

/** td_add_full_range_half2 when it applies (equal shapes, one input at the larger scale); 0 otherwise. */
TD_NOINLINE static int td_add_s8_full_range(const td_add_params_s8 *params,
                                const td_dims *input1_dims,
                                const int8_t *input1,
                                const td_dims *input2_dims,
                                const int8_t *input2,
                                const td_dims *output_dims,
                                int8_t *output)
{
    const int half1 = td_is_half(&params->input1);
    td_add_fast k;
    if (params->activation.min != -128 || params->activation.max != 127 || params->left_shift != 20 ||
        half1 == td_is_half(&params->input2) || !td_dims_equal(input1_dims, output_dims) ||
        !td_dims_equal(input2_dims, output_dims) || params->input1_offset < -255 || params->input1_offset > 255 ||
        params->input2_offset < -255 || params->input2_offset > 255) {
        return 0;
    }
    /* Addition commutes: the input at the larger scale goes second. */
    k.scale1 = td_add_requant(half1 ? &params->input2 : &params->input1, 0);
    k.offset1 = half1 ? params->input2_offset : params->input1_offset;
    k.offset2 = half1 ? params->input1_offset : params->input2_offset;
    k.rescale = td_add_requant(&params->output, params->output_offset);
    if (k.scale1.right_shift == 0 || k.rescale.right_shift == 0 || k.rescale.offset != 0) return 0;
    td_add_full_range_half2(&k, td_dims_count(output_dims), half1 ? input2 : input1, half1 ? input1 : input2, output);
    return 1;
}

/** td_add_or_sub_s8_fast out of line: each path's locals take stack only while it runs. */
TD_NOINLINE static int td_add_s8_fast(const td_add_params_s8 *params,
                                      const td_dims *input1_dims,
                                      const int8_t *input1,
                                      const td_dims *input2_dims,
                                      const int8_t *input2,
                                      const td_dims *output_dims,
                                      int8_t *output)
{
    return td_add_or_sub_s8_fast(params, input1_dims, input1, input2_dims, input2, output_dims, output, 0);
}

#endif

/** The reference loop, out of line as the paths above. */
TD_NOINLINE static td_status td_add_s8_reference(const td_add_params_s8 *params,
                                                 const td_dims *input1_dims,
                                                 const int8_t *input1,
                                                 const td_dims *input2_dims,
                                                 const int8_t *input2,
                                                 const td_dims *output_dims,
                                                 int8_t *output)
{
    return td_add_or_sub_s8(params, input1_dims, input1, input2_dims, input2, output_dims, output, 0);
}

td_status td_add_s8(const td_add_params_s8 *params,
                    const td_dims *input1_dims,
                    const int8_t *input1,
                    const td_dims *input2_dims,
                    const int8_t *input2,
                    const td_dims *output_dims,
                    int8_t *output)
{
#if TD_KERNELS_DSP
    if (td_add_s8_full_range(params, input1_dims, input1, input2_dims, input2, output_dims, output)) return TD_OK;
    if (td_add_s8_fast(params, input1_dims, input1, input2_dims, input2, output_dims, output)) return TD_OK;
#endif
    return td_add_s8_reference(params, input1_dims, input1, input2_dims, input2, output_dims, output);
}
