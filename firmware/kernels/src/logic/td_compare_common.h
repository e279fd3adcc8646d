/*
 * TinyDeploy kernel library, internal: the comparison loop shared by the td_compare_* kernels.
 * The outcome of a, b is 0 (a < b), 1 (equal), 2 (a > b) or 3 (unordered: a NaN); the output byte
 * is bit `outcome` of the op's mask (TD_COMPARE_EQUAL, ...).
 */
#ifndef TD_COMPARE_COMMON_H
#define TD_COMPARE_COMMON_H

#include "../internal/td_common.h"

#define TD_COMPARE_OUTCOME(A, B) ((A) < (B) ? 0 : (A) == (B) ? 1 : (A) > (B) ? 2 : 3)

/* One quantized operand as TFLite compares it: (x + offset) << left_shift, times its scale. */
TD_INLINE int32_t td_compare_scaled(int32_t x, const td_compare_operand *operand, int32_t left_shift)
{
    const int32_t shifted = (x + operand->offset) * ((int32_t)1 << left_shift);
    return td_multiply_by_quantized_multiplier(shifted, operand->multiplier.multiplier, operand->multiplier.shift);
}

/* output[i] = bit OUTCOME(VALUE1, VALUE2) of mask over the (possibly broadcast) 4-D shapes. */
#define TD_COMPARE_LOOP(VALUE1, VALUE2)                                                               \
    do {                                                                                              \
        if (td_dims_equal(input1_dims, output_dims) && td_dims_equal(input2_dims, output_dims)) {     \
            const int32_t size = td_dims_count(output_dims);                                          \
            int32_t index1;                                                                           \
            for (index1 = 0; index1 < size; ++index1) {                                               \
                const int32_t index2 = index1;                                                        \
                output[index1] = (uint8_t)((mask >> TD_COMPARE_OUTCOME(VALUE1, VALUE2)) & 1);         \
                (void)index2;                                                                         \
            }                                                                                         \
        } else {                                                                                      \
            TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {                                \
                output[out_index] = (uint8_t)((mask >> TD_COMPARE_OUTCOME(VALUE1, VALUE2)) & 1);      \
            });                                                                                       \
        }                                                                                             \
    } while (0)

#endif /* TD_COMPARE_COMMON_H */
