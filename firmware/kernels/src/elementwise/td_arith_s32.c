/*
 * ADD, SUB, MUL and SQUARED_DIFFERENCE ((a - b)²) on int32 with broadcasting (TFLite Micro's
 * int32 paths, no fused activation): the plain operation, wrapping as two's complement where C
 * would overflow.
 */
#include "../internal/td_common.h"

TD_INLINE int32_t td_arith_element_s32(td_arith_op op, int32_t a, int32_t b)
{
    switch (op) {
    case TD_ARITH_ADD: return (int32_t)((uint32_t)a + (uint32_t)b);
    case TD_ARITH_SUB: return (int32_t)((uint32_t)a - (uint32_t)b);
    case TD_ARITH_MUL: return (int32_t)((uint32_t)a * (uint32_t)b);
    case TD_ARITH_SQUARED_DIFFERENCE: {
        const uint32_t d = (uint32_t)a - (uint32_t)b;
        return (int32_t)(d * d);
    }
    }
    return 0;
}

td_status td_arith_s32(td_arith_op op,
                       const td_dims *input1_dims,
                       const int32_t *input1,
                       const td_dims *input2_dims,
                       const int32_t *input2,
                       const td_dims *output_dims,
                       int32_t *output)
{
    TD_BROADCAST_LOOP(input1_dims, input2_dims, output_dims, {
        output[out_index] = td_arith_element_s32(op, input1[index1], input2[index2]);
    });
    return TD_OK;
}
